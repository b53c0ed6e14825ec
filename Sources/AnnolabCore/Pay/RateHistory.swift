// An operator's hourly rates over time: each rate holds from its start date until the next one.
import Foundation

/// The hourly rates an operator has had, each from a date on.
///
/// ```swift
/// let rates = RateHistory(rates: [(from: CalendarDate("2026-01-01")!, hourly: Money("15.00")!),
///                                 (from: CalendarDate("2026-07-01")!, hourly: Money("15.50")!)])
/// rates.rate(on: CalendarDate("2026-06-30")!)   // 15.00
/// ```
public struct RateHistory: Sendable, Equatable {
    public struct Entry: Sendable, Codable, Equatable {
        public var from: CalendarDate
        public var hourly: Money

        public init(from: CalendarDate, hourly: Money) {
            self.from = from
            self.hourly = hourly
        }
    }

    /// Sorted by date, one rate per date.
    public let entries: [Entry]

    /// Two rates from the same date: the later one in the list wins, as a correction would.
    public init(rates: [(from: CalendarDate, hourly: Money)]) {
        var byDate: [CalendarDate: Money] = [:]
        for rate in rates { byDate[rate.from] = rate.hourly }
        entries = byDate.keys.sorted().map { Entry(from: $0, hourly: byDate[$0]!) }
    }

    /// The rate in effect on `date`; nil before the first rate.
    public func rate(on date: CalendarDate) -> Money? {
        entries.last { $0.from <= date }?.hourly
    }
}
