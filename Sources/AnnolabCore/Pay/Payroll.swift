// Payroll rows per operator per day, their totals, and the CSV file an admin hands to the payroll office.
import Foundation

/// One operator's paid time and gross pay on one day.
///
/// Encoded with `paidSeconds` and `paidMinutes` (rounded to 2 decimals) side by side;
/// `paidMinutes` is always worked out from `paidSeconds`, so the two never disagree.
public struct PayrollRow: Codable, Sendable, Equatable, Hashable {
    public var operatorId: Int64
    public var name: String
    public var date: CalendarDate
    public var paidSeconds: Int
    public var hourly: Money
    public var gross: Money
    /// True when the operator's own rate was below the minimum wage on this date and the
    /// minimum wage was paid instead.
    public var liftedToMinimumWage: Bool

    /// `gross` defaults to the paid seconds at the hourly rate, rounded half up to the cent.
    public init(operatorId: Int64, name: String, date: CalendarDate, paidSeconds: Int, hourly: Money,
                gross: Money? = nil, liftedToMinimumWage: Bool = false) {
        self.operatorId = operatorId
        self.name = name
        self.date = date
        self.paidSeconds = paidSeconds
        self.hourly = hourly
        self.gross = gross ?? PayLedger.gross(paidSeconds: paidSeconds, hourly: hourly)
        self.liftedToMinimumWage = liftedToMinimumWage
    }

    /// Paid minutes rounded half up to 2 decimals, e.g. 240.00 or 0.02 for one second.
    public var paidMinutes: Double {
        Double(Self.hundredthsOfMinutes(paidSeconds)) / 100
    }

    /// Paid minutes as text with exactly 2 decimals, worked out in whole numbers: `"240.00"`.
    public var paidMinutesText: String {
        Money(cents: Self.hundredthsOfMinutes(paidSeconds)).description
    }

    static func hundredthsOfMinutes(_ seconds: Int) -> Int {
        Money.scaled(cents: seconds, by: 100, over: 60).cents
    }

    private enum CodingKeys: String, CodingKey {
        case operatorId, name, date, paidSeconds, paidMinutes, hourly, gross, liftedToMinimumWage
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        operatorId = try c.decode(Int64.self, forKey: .operatorId)
        name = try c.decode(String.self, forKey: .name)
        date = try c.decode(CalendarDate.self, forKey: .date)
        paidSeconds = try c.decode(Int.self, forKey: .paidSeconds)
        hourly = try c.decode(Money.self, forKey: .hourly)
        gross = try c.decode(Money.self, forKey: .gross)
        liftedToMinimumWage = try c.decodeIfPresent(Bool.self, forKey: .liftedToMinimumWage) ?? false
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(operatorId, forKey: .operatorId)
        try c.encode(name, forKey: .name)
        try c.encode(date, forKey: .date)
        try c.encode(paidSeconds, forKey: .paidSeconds)
        try c.encode(paidMinutes, forKey: .paidMinutes)
        try c.encode(hourly, forKey: .hourly)
        try c.encode(gross, forKey: .gross)
        try c.encode(liftedToMinimumWage, forKey: .liftedToMinimumWage)
    }
}

/// The sum of payroll rows. The gross is the sum of the rows' gross amounts (each rounded to
/// the cent), so that the totals match what the CSV adds up to.
public struct PayrollTotals: Codable, Sendable, Equatable {
    public var paidSeconds: Int
    public var gross: Money
    public var rows: Int

    public init(rows: [PayrollRow]) {
        paidSeconds = rows.reduce(0) { $0 + $1.paidSeconds }
        gross = rows.reduce(Money.zero) { $0 + $1.gross }
        self.rows = rows.count
    }

    /// Totals per operator.
    public static func perOperator(_ rows: [PayrollRow]) -> [Int64: PayrollTotals] {
        Dictionary(grouping: rows, by: \.operatorId).mapValues { PayrollTotals(rows: $0) }
    }
}

/// The payroll as CSV: header `operator_id,name,date,paid_minutes,hourly_rate,gross`,
/// one line per operator per day, sorted by date then operator id, LF line ends.
///
/// ```
/// operator_id,name,date,paid_minutes,hourly_rate,gross
/// 7,"Jansen, Anna",2026-03-02,240.00,15.50,62.00
/// ```
public enum PayrollCSV {
    public static let header = "operator_id,name,date,paid_minutes,hourly_rate,gross"

    public static func render(_ rows: [PayrollRow]) -> String {
        let sorted = rows.sorted { ($0.date, $0.operatorId, $0.name) < ($1.date, $1.operatorId, $1.name) }
        var lines = [header]
        for row in sorted {
            lines.append([String(row.operatorId), field(row.name), row.date.description,
                          row.paidMinutesText, row.hourly.description, row.gross.description].joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Quotes a field as RFC 4180 asks (commas, quotes, line breaks), and defuses text that a
    /// spreadsheet would run as a formula by putting an apostrophe before it.
    static func field(_ text: String) -> String {
        var text = text
        if let first = text.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first) {
            text = "'" + text
        }
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }) else {
            return text
        }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
