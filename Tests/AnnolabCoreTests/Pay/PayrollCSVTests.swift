// The payroll file an admin hands on: one line per operator per day, quoted as spreadsheets expect.
import Foundation
import Testing
@testable import AnnolabCore

@Suite("The payroll CSV")
struct PayrollCSVTests {
    static func row(_ id: Int64, _ name: String, _ date: String, seconds: Int, hourly: String = "15.50") -> PayrollRow {
        PayrollRow(operatorId: id, name: name, date: CalendarDate(date)!, paidSeconds: seconds, hourly: Money(hourly)!)
    }

    @Test("rows are sorted by date then operator, names with commas and quotes are quoted, lines end in LF")
    func render() {
        let csv = PayrollCSV.render([
            Self.row(9, "Piet", "2026-03-03", seconds: 3600),
            Self.row(12, #"Anna "Ans" de Vries"#, "2026-03-02", seconds: 61),
            Self.row(7, "Jansen, Anna", "2026-03-02", seconds: 14_400),
        ])
        #expect(csv == """
            operator_id,name,date,paid_minutes,hourly_rate,gross
            7,"Jansen, Anna",2026-03-02,240.00,15.50,62.00
            12,"Anna ""Ans"" de Vries",2026-03-02,1.02,15.50,0.26
            9,Piet,2026-03-03,60.00,15.50,15.50

            """)
        #expect(!csv.contains("\r"))
    }

    @Test("a name with a line break stays in one quoted field, and a formula is defused")
    func awkwardNames() {
        let csv = PayrollCSV.render([Self.row(1, "Line\nbreak", "2026-03-02", seconds: 60),
                                     Self.row(2, "=HYPERLINK(\"x\")", "2026-03-02", seconds: 60)])
        let lines = csv.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines[1] == #"1,"Line"#)
        #expect(lines[2] == "break\",2026-03-02,1.00,15.50,0.26")
        #expect(lines[3] == #"2,"'=HYPERLINK(""x"")",2026-03-02,1.00,15.50,0.26"#)
    }

    @Test("only the header when there is nothing to pay")
    func empty() {
        #expect(PayrollCSV.render([]) == "operator_id,name,date,paid_minutes,hourly_rate,gross\n")
    }

    @Test("a row carries paid seconds and paid minutes rounded to 2 decimals; amounts are strings in JSON")
    func rowJSON() throws {
        let row = Self.row(7, "Anna", "2026-03-02", seconds: 61)
        #expect(row.paidMinutes == 1.02)
        #expect(row.paidMinutesText == "1.02")
        let object = try #require(try JSONSerialization.jsonObject(with: JSONEncoder().encode(row)) as? [String: Any])
        #expect(object["paidSeconds"] as? Int == 61)
        #expect(object["paidMinutes"] as? Double == 1.02)
        #expect(object["hourly"] as? String == "15.50")
        #expect(object["gross"] as? String == "0.26")
        #expect(object["date"] as? String == "2026-03-02")
        #expect(try JSONDecoder().decode(PayrollRow.self, from: JSONEncoder().encode(row)) == row)
    }

    @Test("totals add up the rows, per operator and for everyone, to the cent the CSV shows")
    func totals() {
        let rows = [Self.row(7, "Anna", "2026-03-02", seconds: 61), Self.row(7, "Anna", "2026-03-03", seconds: 61),
                    Self.row(9, "Piet", "2026-03-02", seconds: 14_400)]
        let all = PayrollTotals(rows: rows)
        #expect(all.paidSeconds == 14_522)
        // 0.26 + 0.26 + 62.00, not the 62.53 that 14,522 seconds would make in one go.
        #expect(all.gross == Money("62.52")!)
        #expect(all.rows == 3)
        let perOperator = PayrollTotals.perOperator(rows)
        #expect(perOperator[7]?.gross == Money("0.52")!)
        #expect(perOperator[9]?.paidSeconds == 14_400)
    }
}
