// The statutory minimum hourly wage by age and date, kept as data, and the check that no rate goes below it.
import Foundation

/// One row of a minimum wage table: from `effectiveFrom`, someone aged `minAge` or more
/// (up to the next bracket) earns at least `hourly`.
///
/// The lab's database holds these rows; the Dutch WML from 2026-01-01 is its seed
/// (EUR 14.71 at 21+, 11.77 at 20, 8.83 at 19, 7.36 at 18, 5.81 at 17, 5.07 at 16, 4.41 at 15).
public struct MinimumWageRow: Sendable, Codable, Equatable, Hashable {
    public var country: String
    public var effectiveFrom: CalendarDate
    public var minAge: Int
    public var hourly: Money

    public init(country: String, effectiveFrom: CalendarDate, minAge: Int, hourly: Money) {
        self.country = country
        self.effectiveFrom = effectiveFrom
        self.minAge = minAge
        self.hourly = hourly
    }
}

/// A dated table of minimum hourly wages with age brackets.
///
/// All rows with the same `effectiveFrom` form one table; on a given date the newest table
/// in effect applies, whole: a bracket missing from it is not borrowed from an older table.
///
/// ```swift
/// let table = MinimumWageTable(rows: rowsFromTheDatabase)
/// table.floor(birthdate: CalendarDate("2001-05-04"), on: CalendarDate("2026-03-01")!)   // 14.71
/// try table.check(rate: Money("14.00")!, birthdate: nil, on: CalendarDate("2026-03-01")!)   // throws
/// ```
public struct MinimumWageTable: Sendable {
    public let rows: [MinimumWageRow]

    /// - Parameter country: keep only this country's rows (compared without regard to case);
    ///   nil keeps every row, for a lab whose rows are all of one country.
    public init(rows: [MinimumWageRow], country: String? = nil) {
        self.rows = rows.filter { row in
            country.map { row.country.caseInsensitiveCompare($0) == .orderedSame } ?? true
        }
    }

    /// The rows of the newest table in effect on `date`; empty when none is.
    public func rowsInEffect(on date: CalendarDate) -> [MinimumWageRow] {
        guard let newest = rows.map(\.effectiveFrom).filter({ $0 <= date }).max() else { return [] }
        return rows.filter { $0.effectiveFrom == newest }
    }

    /// The lowest hourly rate allowed for someone born on `birthdate`, on `date`.
    ///
    /// The bracket with the highest `minAge` not above the person's age applies; someone
    /// younger than the lowest bracket gets the lowest bracket's rate. With no birth date
    /// known, the highest rate in the table applies: the safe choice for the worker.
    /// Nil when no table is in effect on `date`.
    public func floor(birthdate: CalendarDate?, on date: CalendarDate) -> Money? {
        let brackets = rowsInEffect(on: date)
        guard !brackets.isEmpty else { return nil }
        guard let birthdate else { return brackets.map(\.hourly).max() }
        let age = birthdate.age(on: date)
        let lowestAge = brackets.map(\.minAge).min()!
        let bracketAge = brackets.map(\.minAge).filter { $0 <= age }.max() ?? lowestAge
        // Two rows for the same bracket: the higher rate, so that a typo never lowers a wage.
        return brackets.filter { $0.minAge == bracketAge }.map(\.hourly).max()
    }

    /// Refuses a rate below the minimum wage for this person on this date, with a message
    /// an admin can act on; refuses too when no table covers the date, since then nobody
    /// can tell whether the rate is lawful.
    public func check(rate: Money, birthdate: CalendarDate?, on date: CalendarDate) throws {
        guard let minimum = floor(birthdate: birthdate, on: date) else {
            let first = rows.map(\.effectiveFrom).min()
            let hint = first.map { " The wage table starts on \($0)." } ?? " The wage table is empty."
            throw LabError(.unprocessable, "no_minimum_wage_table",
                           "There is no minimum wage table in effect on \(date), so this rate cannot be checked.\(hint) Add the minimum wage rows that apply on \(date), or choose a date the table covers.")
        }
        guard rate >= minimum else {
            let who = birthdate.map { "for someone aged \(max(0, $0.age(on: date))) on \(date)" }
                ?? "on \(date) for someone whose birth date is not known (the adult rate applies)"
            throw LabError(.unprocessable, "below_minimum_wage",
                           "EUR \(rate) per hour is below the minimum wage of EUR \(minimum) \(who). Choose at least EUR \(minimum).")
        }
    }
}
