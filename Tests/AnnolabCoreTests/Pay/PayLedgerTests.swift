// Time in a shift becomes paid seconds per day and gross pay; nothing else changes what a person earns.
import Foundation
import Testing
@testable import AnnolabCore

@Suite("The pay ledger")
struct PayLedgerTests {
    /// Monday 2 March 2026, 09:00 in Amsterdam.
    static let start = Date(timeIntervalSince1970: 1_772_438_400)
    static let monday = CalendarDate("2026-03-02")!
    static let rate = Money("15.50")!

    static func minute(_ m: Double, from origin: Date = start) -> Date { origin.addingTimeInterval(m * 60) }

    static func utc(_ text: String) -> Date {
        try! Date(text, strategy: .iso8601)
    }

    static func timeline(_ profile: WorkProfile = WorkProfile(), pauses: [ExtraPause] = [],
                         startedAt: Date = start) -> ShiftTimeline {
        ShiftTimeline(startedAt: startedAt, profile: profile, extraPauses: pauses, endedAt: nil)
    }

    @Test("a 4-hour shift at EUR 15.50 pays EUR 62.00 exactly, whatever else happens",
          arguments: [[], [ExtraPause(start: minute(10), end: minute(70))],
                      [ExtraPause(start: minute(3.3), end: minute(3.7)), ExtraPause(start: minute(200))]])
    func fourHours(pauses: [ExtraPause]) {
        for profile in [WorkProfile(), WorkProfile(workMinutes: 25, pauseMinutes: 5), WorkProfile(workMinutes: 20, pauseMinutes: 10)] {
            let segments = Self.timeline(profile, pauses: pauses).segments(until: Self.minute(300))
            let days = PayLedger.paidSecondsPerDay(segments: segments, policy: PayPolicy())
            #expect(days == [Self.monday: 4 * 3600])
            #expect(PayLedger.gross(paidSeconds: days[Self.monday]!, hourly: Self.rate) == Money("62.00")!)
        }
    }

    @Test("waiting for work when the queue is empty is paid like work")
    func waitingPaid() {
        let segments = [TimeSegment(kind: .work, start: Self.minute(0), end: Self.minute(20)),
                        TimeSegment(kind: .waiting, start: Self.minute(20), end: Self.minute(45)),
                        TimeSegment(kind: .pause, start: Self.minute(45), end: Self.minute(60))]
        #expect(PayLedger.paidSecondsPerDay(segments: segments) == [Self.monday: 3600])
    }

    @Test("extra pauses are paid by default, and not when the lab's policy says so")
    func extraPausePolicy() {
        let segments = Self.timeline(pauses: [ExtraPause(start: Self.minute(30), end: Self.minute(60))])
            .segments(until: Self.minute(240))
        let paid = PayLedger.paidSecondsPerDay(segments: segments)
        #expect(paid == [Self.monday: 4 * 3600])
        let unpaid = PayLedger.paidSecondsPerDay(segments: segments, policy: PayPolicy(extraPausesPaid: false))
        // The extra pause from 30 to 60 covered 15 minutes of work and the 15-minute scheduled pause.
        #expect(unpaid == [Self.monday: 4 * 3600 - 30 * 60])
        #expect(PayLedger.gross(paidSeconds: unpaid[Self.monday]!, hourly: Self.rate) == Money("54.25")!)
        #expect(PayPolicy().extraPausesPaid)
    }

    @Test("the same stretch recorded twice is paid once")
    func overlapPaidOnce() {
        let work = TimeSegment(kind: .work, start: Self.minute(0), end: Self.minute(45))
        let late = TimeSegment(kind: .waiting, start: Self.minute(30), end: Self.minute(60))
        #expect(PayLedger.paidSecondsPerDay(segments: [work, work, late]) == [Self.monday: 3600])
    }

    @Test("gross pay is exact and rounds half up to the cent")
    func grossRounding() {
        #expect(PayLedger.gross(paidSeconds: 14_400, hourly: Self.rate) == Money("62.00")!)
        #expect(PayLedger.gross(paidSeconds: 60, hourly: Self.rate) == Money("0.26")!)      // 25.83 cents
        #expect(PayLedger.gross(paidSeconds: 18, hourly: Money("1.00")!) == Money("0.01")!)   // half a cent
        #expect(PayLedger.gross(paidSeconds: 17, hourly: Money("1.00")!) == Money("0.00")!)
        #expect(PayLedger.gross(paidSeconds: 0, hourly: Self.rate) == .zero)
        // A year of full-time hours at the adult minimum, to the cent.
        #expect(PayLedger.gross(paidSeconds: 2_080 * 3600, hourly: Money("14.71")!) == Money("30596.80")!)
    }

    @Test("a shift crossing local midnight is split over two days")
    func midnight() {
        // 22:00 to 02:00 in Amsterdam (CET, UTC+1).
        let evening = Self.utc("2026-03-02T21:00:00Z")
        let segments = Self.timeline(startedAt: evening).segments(until: Self.minute(240, from: evening))
        let days = PayLedger.paidSecondsPerDay(segments: segments)
        #expect(days == [CalendarDate("2026-03-02")!: 2 * 3600, CalendarDate("2026-03-03")!: 2 * 3600])
        // The same hours in UTC fall on one day: the lab's time zone decides.
        #expect(PayLedger.paidSecondsPerDay(segments: segments, timeZone: TimeZone(identifier: "UTC")!)
                == [CalendarDate("2026-03-02")!: 3 * 3600, CalendarDate("2026-03-03")!: 3600])
    }

    @Test("days on which the clocks change in Amsterdam have 23 and 25 hours")
    func daylightSaving() {
        // Sunday 29 March 2026: 02:00 CET becomes 03:00 CEST.
        let spring = TimeSegment(kind: .waiting, start: Self.utc("2026-03-28T20:00:00Z"), end: Self.utc("2026-03-30T00:00:00Z"))
        #expect(PayLedger.paidSecondsPerDay(segments: [spring]) == [
            CalendarDate("2026-03-28")!: 3 * 3600, CalendarDate("2026-03-29")!: 23 * 3600, CalendarDate("2026-03-30")!: 2 * 3600,
        ])
        // Sunday 25 October 2026: 03:00 CEST becomes 02:00 CET.
        let autumn = TimeSegment(kind: .work, start: Self.utc("2026-10-24T22:00:00Z"), end: Self.utc("2026-10-25T23:00:00Z"))
        #expect(PayLedger.paidSecondsPerDay(segments: [autumn]) == [CalendarDate("2026-10-25")!: 25 * 3600])
        // A night shift from 23:00 CEST across the change: one hour on Saturday, three on Sunday.
        let night = Self.utc("2026-10-24T21:00:00Z")
        let segments = Self.timeline(startedAt: night).segments(until: Self.minute(240, from: night))
        #expect(PayLedger.paidSecondsPerDay(segments: segments) == [
            CalendarDate("2026-10-24")!: 3600, CalendarDate("2026-10-25")!: 3 * 3600,
        ])
    }

    @Test("payroll rows pay each day at that day's rate, lifted to the minimum wage where it has risen")
    func payrollRows() throws {
        let rates = RateHistory(rates: [(from: CalendarDate("2026-01-01")!, hourly: Money("12.00")!)])
        let table = MinimumWageTable(rows: [
            MinimumWageRow(country: "NL", effectiveFrom: CalendarDate("2026-01-01")!, minAge: 21, hourly: Money("14.71")!),
            MinimumWageRow(country: "NL", effectiveFrom: CalendarDate("2026-01-01")!, minAge: 20, hourly: Money("11.77")!),
        ])
        // Turns 21 on 3 March: from then on the floor is 14.71.
        let rows = try PayLedger.payrollRows(
            operatorId: 7, name: "Anna", paidSecondsPerDay: [CalendarDate("2026-03-03")!: 3600, CalendarDate("2026-03-02")!: 3600],
            rates: rates, minimumWage: table, birthdate: CalendarDate("2005-03-03"))
        #expect(rows.map(\.date.description) == ["2026-03-02", "2026-03-03"])
        #expect(rows.map(\.hourly) == [Money("12.00")!, Money("14.71")!])
        #expect(rows.map(\.gross) == [Money("12.00")!, Money("14.71")!])
        #expect(rows.map(\.liftedToMinimumWage) == [false, true])
    }

    @Test("a day without a rate is a clear error, not a day paid at nothing")
    func noRate() {
        let rates = RateHistory(rates: [(from: CalendarDate("2026-03-03")!, hourly: Money("15.00")!)])
        #expect(throws: LabError(.unprocessable, "no_hourly_rate",
                                 "Anna has no hourly rate on 2026-03-02. Set a rate that starts on or before 2026-03-02, then make the payroll again.")) {
            try PayLedger.payrollRows(operatorId: 7, name: "Anna", paidSecondsPerDay: [Self.monday: 3600], rates: rates)
        }
    }
}

@Suite("An operator's rates over time")
struct RateHistoryTests {
    @Test("each rate holds from its date until the next")
    func rateOnDate() {
        let rates = RateHistory(rates: [(from: CalendarDate("2026-07-01")!, hourly: Money("15.50")!),
                                        (from: CalendarDate("2026-01-01")!, hourly: Money("15.00")!)])
        #expect(rates.rate(on: CalendarDate("2025-12-31")!) == nil)
        #expect(rates.rate(on: CalendarDate("2026-01-01")!) == Money("15.00")!)
        #expect(rates.rate(on: CalendarDate("2026-06-30")!) == Money("15.00")!)
        #expect(rates.rate(on: CalendarDate("2026-07-01")!) == Money("15.50")!)
        #expect(rates.rate(on: CalendarDate("2030-01-01")!) == Money("15.50")!)
    }

    @Test("a second rate for the same date corrects the first")
    func correction() {
        let rates = RateHistory(rates: [(from: CalendarDate("2026-01-01")!, hourly: Money("15.00")!),
                                        (from: CalendarDate("2026-01-01")!, hourly: Money("15.25")!)])
        #expect(rates.rate(on: CalendarDate("2026-02-01")!) == Money("15.25")!)
        #expect(rates.entries.count == 1)
    }
}
