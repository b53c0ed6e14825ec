// From time in shifts to paid seconds per day and gross pay: the lab pays for time, never per answer.
import Foundation

/// Which stretches of a shift the lab pays. Work, scheduled pauses and waiting for work are
/// always paid; only extra pauses depend on the lab's policy.
public struct PayPolicy: Sendable, Equatable, Codable {
    /// Extra pauses are paid by default: a person who needs a break should not lose money by taking one.
    public var extraPausesPaid = true

    public init(extraPausesPaid: Bool = true) {
        self.extraPausesPaid = extraPausesPaid
    }

    public func pays(_ kind: TimeSegment.Kind) -> Bool {
        switch kind {
        case .work, .pause, .waiting: true
        case .extraPause: extraPausesPaid
        }
    }
}

/// Turns time segments into paid seconds per day and paid seconds into gross pay.
///
/// ```swift
/// let days = PayLedger.paidSecondsPerDay(segments: timeline.segments(until: now), policy: PayPolicy())
/// let pay = PayLedger.gross(paidSeconds: days[today] ?? 0, hourly: Money("15.50")!)   // 4 h: 62.00
/// ```
///
/// The ledger takes time segments only. Nothing here knows how many answers were given,
/// how fast, or how well: quality never reduces pay.
public enum PayLedger {
    /// The lab's time zone: a day's pay runs from local midnight to local midnight.
    public static let labTimeZone = TimeZone(identifier: "Europe/Amsterdam")!

    /// Paid seconds per local calendar day. Segments are split at local midnight in
    /// `timeZone`, so a night shift counts on two days and a day with a clock change has
    /// 23 or 25 hours. Segments that overlap are paid once: the same second is never paid
    /// twice. Each day's total is rounded to the nearest second; days without paid time are left out.
    public static func paidSecondsPerDay(segments: [TimeSegment], policy: PayPolicy = PayPolicy(),
                                         timeZone: TimeZone = labTimeZone) -> [CalendarDate: Int] {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        var perDay: [CalendarDate: TimeInterval] = [:]
        for (start, end) in paidIntervals(segments, policy: policy) {
            var cursor = start
            while cursor < end {
                guard let day = calendar.dateInterval(of: .day, for: cursor), day.end > cursor else { break }
                let pieceEnd = min(end, day.end)
                let parts = calendar.dateComponents([.year, .month, .day], from: cursor)
                if let year = parts.year, let month = parts.month, let dayOfMonth = parts.day,
                   let date = CalendarDate(year: year, month: month, day: dayOfMonth) {
                    perDay[date, default: 0] += pieceEnd.timeIntervalSince(cursor)
                }
                cursor = pieceEnd
            }
        }
        return perDay.compactMapValues { seconds in
            let whole = Int(seconds.rounded())
            return whole > 0 ? whole : nil
        }
    }

    /// Gross pay for `paidSeconds` at `hourly`, in exact integer arithmetic, rounded half up
    /// to the cent: 4 hours at 15.50 is 62.00 exactly.
    public static func gross(paidSeconds: Int, hourly: Money) -> Money {
        Money.scaled(cents: hourly.cents, by: paidSeconds, over: 3600)
    }

    /// The hourly rate to pay on `date`: the operator's own rate, lifted to the minimum wage
    /// for their age on that date if it has fallen below it (a birthday or a new wage table
    /// can raise the floor after the rate was set). Throws `no_hourly_rate` when the operator
    /// has no rate on that date.
    public static func hourlyRate(on date: CalendarDate, rates: RateHistory, minimumWage: MinimumWageTable?,
                                  birthdate: CalendarDate?, operatorName: String)
        throws -> (hourly: Money, liftedToMinimumWage: Bool) {
        guard let rate = rates.rate(on: date) else {
            throw LabError(.unprocessable, "no_hourly_rate",
                           "\(operatorName) has no hourly rate on \(date). Set a rate that starts on or before \(date), then make the payroll again.")
        }
        if let floor = minimumWage?.floor(birthdate: birthdate, on: date), floor > rate {
            return (floor, true)
        }
        return (rate, false)
    }

    /// One operator's payroll rows, one per day with paid time, each at that day's rate.
    public static func payrollRows(operatorId: Int64, name: String, paidSecondsPerDay: [CalendarDate: Int],
                                   rates: RateHistory, minimumWage: MinimumWageTable? = nil,
                                   birthdate: CalendarDate? = nil) throws -> [PayrollRow] {
        try paidSecondsPerDay.keys.sorted().map { date in
            let seconds = paidSecondsPerDay[date]!
            let rate = try hourlyRate(on: date, rates: rates, minimumWage: minimumWage,
                                      birthdate: birthdate, operatorName: name)
            return PayrollRow(operatorId: operatorId, name: name, date: date, paidSeconds: seconds,
                              hourly: rate.hourly, liftedToMinimumWage: rate.liftedToMinimumWage)
        }
    }

    /// The paid stretches, sorted, with overlaps joined.
    private static func paidIntervals(_ segments: [TimeSegment], policy: PayPolicy) -> [(Date, Date)] {
        let paid = segments.filter { policy.pays($0.kind) && $0.end > $0.start }.sorted { $0.start < $1.start }
        var joined: [(Date, Date)] = []
        for segment in paid {
            if let last = joined.last, segment.start <= last.1 {
                joined[joined.count - 1].1 = max(last.1, segment.end)
            } else {
                joined.append((segment.start, segment.end))
            }
        }
        return joined
    }
}
