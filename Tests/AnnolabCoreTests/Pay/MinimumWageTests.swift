// No rate may go below the statutory minimum wage for the operator's age on that date.
import Foundation
import Testing
@testable import AnnolabCore

@Suite("The minimum wage floor")
struct MinimumWageTests {
    static func date(_ text: String) -> CalendarDate { CalendarDate(text)! }
    static func euros(_ text: String) -> Money { Money(text)! }

    /// The Dutch WML from 2026-01-01, as the lab's database seeds it.
    static let dutch2026: [MinimumWageRow] = [(21, "14.71"), (20, "11.77"), (19, "8.83"), (18, "7.36"),
                                              (17, "5.81"), (16, "5.07"), (15, "4.41")].map {
        MinimumWageRow(country: "NL", effectiveFrom: date("2026-01-01"), minAge: $0.0, hourly: euros($0.1))
    }
    static let table = MinimumWageTable(rows: dutch2026)

    static func refusal(_ rate: String, born: String?, on day: String, table: MinimumWageTable = table) -> LabError? {
        labRefusal { try table.check(rate: euros(rate), birthdate: born.map(date), on: date(day)) }
    }

    @Test("EUR 14.00 for a 25-year-old on 2026-03-01 is refused with a plain message")
    func belowMinimumRefused() {
        let error = Self.refusal("14.00", born: "2000-06-15", on: "2026-03-01")
        #expect(error == LabError(.unprocessable, "below_minimum_wage",
                                  "EUR 14.00 per hour is below the minimum wage of EUR 14.71 for someone aged 25 on 2026-03-01. Choose at least EUR 14.71."))
    }

    @Test("EUR 14.00 for an 18-year-old is accepted, and exactly the minimum is too")
    func youngerBracketAccepted() {
        #expect(Self.refusal("14.00", born: "2007-06-15", on: "2026-03-01") == nil)
        #expect(Self.table.floor(birthdate: Self.date("2007-06-15"), on: Self.date("2026-03-01")) == Self.euros("7.36"))
        #expect(Self.refusal("14.71", born: "2000-06-15", on: "2026-03-01") == nil)
        #expect(Self.refusal("14.70", born: "2000-06-15", on: "2026-03-01") != nil)
    }

    @Test("the 21st birthday changes the bracket")
    func twentyFirstBirthday() {
        let born = Self.date("2005-03-02")
        #expect(Self.table.floor(birthdate: born, on: Self.date("2026-03-01")) == Self.euros("11.77"))
        #expect(Self.table.floor(birthdate: born, on: Self.date("2026-03-02")) == Self.euros("14.71"))
        #expect(Self.refusal("12.00", born: "2005-03-02", on: "2026-03-01") == nil)
        #expect(Self.refusal("12.00", born: "2005-03-02", on: "2026-03-02")?.message ==
                "EUR 12.00 per hour is below the minimum wage of EUR 14.71 for someone aged 21 on 2026-03-02. Choose at least EUR 14.71.")
    }

    @Test("every bracket of the 2026 table, and someone under 15 gets the lowest bracket's rate",
          arguments: [(14, "4.41"), (15, "4.41"), (16, "5.07"), (17, "5.81"), (18, "7.36"), (19, "8.83"),
                      (20, "11.77"), (21, "14.71"), (67, "14.71")])
    func brackets(age: Int, hourly: String) {
        let born = CalendarDate(year: 2026 - age, month: 1, day: 15)!
        #expect(Self.table.floor(birthdate: born, on: Self.date("2026-03-01")) == Self.euros(hourly))
    }

    @Test("an unknown birth date gets the adult rate, the safe choice for the worker")
    func unknownBirthdate() {
        #expect(Self.table.floor(birthdate: nil, on: Self.date("2026-03-01")) == Self.euros("14.71"))
        #expect(Self.refusal("14.00", born: nil, on: "2026-03-01")?.message ==
                "EUR 14.00 per hour is below the minimum wage of EUR 14.71 on 2026-03-01 for someone whose birth date is not known (the adult rate applies). Choose at least EUR 14.71.")
    }

    @Test("a date before any table is a clear error, not a pass")
    func noTable() {
        #expect(Self.table.floor(birthdate: Self.date("2000-01-01"), on: Self.date("2025-12-31")) == nil)
        let error = Self.refusal("20.00", born: "2000-01-01", on: "2025-12-31")
        #expect(error?.code == "no_minimum_wage_table")
        #expect(error?.kind == .unprocessable)
        #expect(error?.message == "There is no minimum wage table in effect on 2025-12-31, so this rate cannot be checked. The wage table starts on 2026-01-01. Add the minimum wage rows that apply on 2025-12-31, or choose a date the table covers.")
        #expect(Self.refusal("20.00", born: nil, on: "2026-03-01", table: MinimumWageTable(rows: []))?.code == "no_minimum_wage_table")
    }

    @Test("the newest table in effect applies, whole")
    func newestTable() {
        let july = [MinimumWageRow(country: "NL", effectiveFrom: Self.date("2026-07-01"), minAge: 21, hourly: Self.euros("15.00")),
                    MinimumWageRow(country: "NL", effectiveFrom: Self.date("2026-07-01"), minAge: 18, hourly: Self.euros("7.50"))]
        let table = MinimumWageTable(rows: Self.dutch2026 + july)
        #expect(table.floor(birthdate: nil, on: Self.date("2026-06-30")) == Self.euros("14.71"))
        #expect(table.floor(birthdate: nil, on: Self.date("2026-07-01")) == Self.euros("15.00"))
        #expect(table.floor(birthdate: Self.date("2006-01-01"), on: Self.date("2026-07-01")) == Self.euros("7.50"))
        // The July table has no bracket under 18: a 16-year-old gets its lowest rate, not the old 5.07.
        #expect(table.floor(birthdate: Self.date("2010-01-01"), on: Self.date("2026-07-01")) == Self.euros("7.50"))
    }

    @Test("rows of another country are left out when the lab names its own")
    func otherCountry() {
        let belgian = MinimumWageRow(country: "BE", effectiveFrom: Self.date("2026-02-01"), minAge: 18, hourly: Self.euros("20.00"))
        let table = MinimumWageTable(rows: Self.dutch2026 + [belgian], country: "nl")
        #expect(table.floor(birthdate: nil, on: Self.date("2026-03-01")) == Self.euros("14.71"))
    }
}
