// A week of the lab's calendar, Monday to Sunday in the lab's time zone, as the weekly summary reads it.
import AnnolabCore
import Foundation

/// The week that holds one day, and the lab's calendar dates within it.
///
/// ```swift
/// let week = try LabWeek(weekOf: "2026-11-25", now: clock.now(), timeZone: engine.timeZone)
/// week.first.description   // "2026-11-23", a Monday
/// ```
struct LabWeek {
    let calendar: Calendar
    /// From Monday 00:00 up to (not including) the next Monday 00:00.
    let interval: DateInterval
    let first: CalendarDate
    let last: CalendarDate

    static let invalidWeek = LabError(.badRequest, "invalid_week", "Give the week as a date like 2026-11-23.")

    /// The week of the given date (`YYYY-MM-DD`), or of `now` when none is given.
    init(weekOf text: String?, now: Date, timeZone: TimeZone) throws {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        calendar.firstWeekday = 2
        var day = now
        if let text {
            guard let date = CalendarDate(text),
                  let parsed = calendar.date(from: DateComponents(year: date.year, month: date.month, day: date.day)) else {
                throw Self.invalidWeek
            }
            day = parsed
        }
        guard let interval = calendar.dateInterval(of: .weekOfYear, for: day) else { throw Self.invalidWeek }
        self.calendar = calendar
        self.interval = interval
        first = try Self.calendarDate(interval.start, in: calendar)
        last = try Self.calendarDate(interval.end.addingTimeInterval(-1), in: calendar)
    }

    /// The lab's calendar date of a moment in this week.
    func calendarDate(_ date: Date) throws -> CalendarDate {
        try Self.calendarDate(date, in: calendar)
    }

    static func calendarDate(_ date: Date, in calendar: Calendar) throws -> CalendarDate {
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        guard let year = parts.year, let month = parts.month, let day = parts.day,
              let calendarDate = CalendarDate(year: year, month: month, day: day) else {
            throw LabError(.internalFailure, "calendar_failure",
                           "Something went wrong on the server: a date could not be read from the calendar. Please try again.")
        }
        return calendarDate
    }
}
