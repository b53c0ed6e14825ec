// The server's clock runs an operator's shift: work and pause blocks, extra pauses, the daily cap and the grace.
import Foundation
import Testing
@testable import AnnolabCore

@Suite("A shift on the server's clock")
struct ShiftTimelineTests {
    /// Monday 2 March 2026, 09:00 in Amsterdam.
    static let start = Date(timeIntervalSince1970: 1_772_438_400)

    static func minute(_ m: Double) -> Date { start.addingTimeInterval(m * 60) }

    static func timeline(_ profile: WorkProfile = WorkProfile(), pauses: [ExtraPause] = [], endedAt: Date? = nil,
                         endedBy: ShiftEndReason? = nil, workedEarlierToday: Int = 0) -> ShiftTimeline {
        ShiftTimeline(startedAt: start, profile: profile, extraPauses: pauses, endedAt: endedAt,
                      endedBy: endedBy, workedEarlierToday: workedEarlierToday)
    }

    @Test("an operator works a 45/15 shift: work, pause, work ... and the shift ends after 4 hours")
    func standardShift() {
        let shift = Self.timeline()
        let first = shift.state(at: Self.minute(0))
        #expect(first.phase == .work)
        #expect(first.blockEndsAt == Self.minute(45))
        #expect(first.blockIndex == 0)
        #expect(first.shiftEndsAt == Self.minute(240))
        #expect(first.endReason == nil)

        #expect(shift.state(at: Self.minute(44)).phase == .work)
        #expect(shift.state(at: Self.minute(44.99)).phase == .work)

        let pause = shift.state(at: Self.minute(45))
        #expect(pause.phase == .pause)
        #expect(pause.resumesAt == Self.minute(60))
        #expect(pause.blockEndsAt == Self.minute(60))
        #expect(pause.blockIndex == 1)
        #expect(pause.workSecondsToday == 45 * 60)

        #expect(shift.state(at: Self.minute(59)).phase == .pause)
        #expect(shift.state(at: Self.minute(59)).workSecondsToday == 45 * 60)

        let second = shift.state(at: Self.minute(60))
        #expect(second.phase == .work)
        #expect(second.blockEndsAt == Self.minute(105))
        #expect(second.blockIndex == 2)
        #expect(second.resumesAt == nil)

        // The last quarter of an hour is the fourth pause; no work follows it in this shift.
        let last = shift.state(at: Self.minute(239))
        #expect(last.phase == .pause)
        #expect(last.blockIndex == 7)
        #expect(last.blockEndsAt == Self.minute(240))
        #expect(last.resumesAt == nil)

        let ended = shift.state(at: Self.minute(240))
        #expect(ended.phase == .ended)
        #expect(ended.endReason == .plannedLength)
        #expect(ended.blockEndsAt == nil)
        #expect(ended.workSecondsToday == 180 * 60)
        #expect(ended.blockIndex == 7)
        #expect(shift.state(at: Self.minute(600)).phase == .ended)
        #expect(ShiftPhase.extraPause.apiName == "pause")
        #expect(ShiftPhase.ended.apiName == "ended")
    }

    @Test("an extra pause stops work at once and lasts until the operator resumes")
    func extraPauseUntilResume() {
        let open = Self.timeline(pauses: [ExtraPause(start: Self.minute(10))])
        #expect(open.state(at: Self.minute(9.9)).phase == .work)
        for m in [10.0, 44, 50, 59, 75, 200] {
            let state = open.state(at: Self.minute(m))
            #expect(state.phase == .extraPause, "minute \(m)")
            #expect(state.blockEndsAt == nil)
            #expect(state.resumesAt == nil)
            #expect(state.workSecondsToday == 10 * 60)
        }
        // The wall clock runs on underneath: at minute 75 the schedule is in work block 2.
        #expect(open.state(at: Self.minute(75)).blockIndex == 2)

        // Resumed at minute 70: the operator is in whatever block the wall clock says, work.
        let resumed = Self.timeline(pauses: [ExtraPause(start: Self.minute(10), end: Self.minute(70))])
        #expect(resumed.state(at: Self.minute(69.9)).phase == .extraPause)
        let back = resumed.state(at: Self.minute(70))
        #expect(back.phase == .work)
        #expect(back.blockEndsAt == Self.minute(105))
        #expect(back.workSecondsToday == 10 * 60)
        // Resumed during a scheduled pause: the operator lands in that pause.
        let intoPause = Self.timeline(pauses: [ExtraPause(start: Self.minute(40), end: Self.minute(50))])
        #expect(intoPause.state(at: Self.minute(50)).phase == .pause)
        #expect(intoPause.state(at: Self.minute(50)).resumesAt == Self.minute(60))
    }

    @Test("an extra pause spanning a scheduled pause and beyond is one extra pause in the ledger")
    func extraPauseAcrossScheduledPause() {
        let shift = Self.timeline(pauses: [ExtraPause(start: Self.minute(30), end: Self.minute(70))])
        let segments = shift.segments(until: Self.minute(120))
        #expect(segments.map(\.kind) == [.work, .extraPause, .work, .pause])
        #expect(segments.map(\.start) == [Self.minute(0), Self.minute(30), Self.minute(70), Self.minute(105)])
        #expect(segments.map(\.end) == [Self.minute(30), Self.minute(70), Self.minute(105), Self.minute(120)])
        #expect(shift.state(at: Self.minute(120)).workSecondsToday == (30 + 35) * 60)
    }

    @Test("an extra pause still open at the planned end: the shift still ends at its planned length")
    func openPauseAtEnd() {
        let shift = Self.timeline(pauses: [ExtraPause(start: Self.minute(200))])
        #expect(shift.state(at: Self.minute(239)).phase == .extraPause)
        let ended = shift.state(at: Self.minute(240))
        #expect(ended.phase == .ended)
        #expect(ended.endReason == .plannedLength)
        let segments = shift.segments(until: Self.minute(300))
        #expect(segments.last == TimeSegment(kind: .extraPause, start: Self.minute(200), end: Self.minute(240)))
        #expect(segments.reduce(0) { $0 + $1.duration } == 240 * 60)
    }

    @Test("a 25/5 profile: pauses of 5 minutes every 25, and a pause to close the shift")
    func twentyFiveFive() {
        let shift = Self.timeline(WorkProfile(workMinutes: 25, pauseMinutes: 5))
        #expect(shift.state(at: Self.minute(24)).phase == .work)
        #expect(shift.state(at: Self.minute(24)).blockEndsAt == Self.minute(25))
        let pause = shift.state(at: Self.minute(25))
        #expect(pause.phase == .pause)
        #expect(pause.resumesAt == Self.minute(30))
        #expect(shift.state(at: Self.minute(30)).phase == .work)
        #expect(shift.state(at: Self.minute(30)).blockIndex == 2)
        #expect(shift.state(at: Self.minute(235)).phase == .pause)
        #expect(shift.state(at: Self.minute(235)).blockIndex == 15)
        #expect(shift.state(at: Self.minute(235)).resumesAt == nil)
        #expect(shift.state(at: Self.minute(240)).workSecondsToday == 8 * 25 * 60)
    }

    @Test("a 20/10 profile")
    func twentyTen() {
        let shift = Self.timeline(WorkProfile(workMinutes: 20, pauseMinutes: 10))
        #expect(shift.state(at: Self.minute(20)).phase == .pause)
        #expect(shift.state(at: Self.minute(20)).resumesAt == Self.minute(30))
        #expect(shift.state(at: Self.minute(29)).phase == .pause)
        #expect(shift.state(at: Self.minute(30)).phase == .work)
        #expect(shift.state(at: Self.minute(50)).phase == .pause)
        #expect(shift.state(at: Self.minute(240)).workSecondsToday == 8 * 20 * 60)
    }

    @Test("the daily cap ends work mid-block when 120 minutes were already worked earlier today")
    func dailyCapMidBlock() {
        // Cap 240: 120 earlier + 45 + 45 + 30 of the third work block (which starts at minute 120).
        let shift = Self.timeline(workedEarlierToday: 120 * 60)
        let early = shift.state(at: Self.minute(0))
        #expect(early.shiftEndsAt == Self.minute(150))
        #expect(early.shiftEndsBecause == .dailyCap)
        #expect(early.endReason == nil)
        #expect(early.workSecondsToday == 120 * 60)
        let lastWork = shift.state(at: Self.minute(149))
        #expect(lastWork.phase == .work)
        #expect(lastWork.blockEndsAt == Self.minute(150))
        let ended = shift.state(at: Self.minute(150))
        #expect(ended.phase == .ended)
        #expect(ended.endReason == .dailyCap)
        #expect(ended.workSecondsToday == 240 * 60)
        #expect(shift.segments(until: Self.minute(240)).last?.end == Self.minute(150))
    }

    @Test("extra pauses are not work: they move the daily cap later")
    func extraPausesDelayTheCap() {
        let shift = Self.timeline(pauses: [ExtraPause(start: Self.minute(0), end: Self.minute(10))],
                                  workedEarlierToday: 120 * 60)
        // 35 + 45 = 80 minutes by minute 105; 40 more from minute 120.
        #expect(shift.shiftEndsAt == Self.minute(160))
        #expect(shift.state(at: Self.minute(160)).endReason == .dailyCap)
        // While an extra pause is open nobody knows when work goes on: the planned end holds.
        let open = Self.timeline(pauses: [ExtraPause(start: Self.minute(100))], workedEarlierToday: 120 * 60)
        #expect(open.state(at: Self.minute(101)).shiftEndsAt == Self.minute(240))
        #expect(open.state(at: Self.minute(101)).shiftEndsBecause == .plannedLength)
    }

    @Test("an operator who has already worked the whole cap today has a shift that ends as it starts")
    func capAlreadyReached() {
        let shift = Self.timeline(workedEarlierToday: 240 * 60)
        let state = shift.state(at: Self.minute(0))
        #expect(state.phase == .ended)
        #expect(state.endReason == .dailyCap)
        #expect(shift.segments(until: Self.minute(60)).isEmpty)
    }

    @Test("before the shift starts the operator waits, as in a pause that ends at the start")
    func beforeStart() {
        let state = Self.timeline(workedEarlierToday: 600).state(at: Self.minute(-5))
        #expect(state.phase == .pause)
        #expect(state.resumesAt == Self.start)
        #expect(state.blockIndex == -1)
        #expect(state.workSecondsToday == 600)
        #expect(Self.timeline().segments(until: Self.minute(-5)).isEmpty)
        #expect(Self.timeline().answerDeadline(forLeaseAt: Self.minute(-1)) == nil)
    }

    @Test("a shift ended early by the coach or the operator ends there")
    func endedEarly() {
        let byCoach = Self.timeline(endedAt: Self.minute(100), endedBy: .byCoach)
        #expect(byCoach.state(at: Self.minute(99)).phase == .work)
        #expect(byCoach.state(at: Self.minute(99)).blockEndsAt == Self.minute(100))
        let ended = byCoach.state(at: Self.minute(100))
        #expect(ended.phase == .ended)
        #expect(ended.endReason == .byCoach)
        #expect(ended.shiftEndsAt == Self.minute(100))
        #expect(ended.workSecondsToday == (45 + 40) * 60)
        #expect(byCoach.segments(until: Self.minute(240)).reduce(0) { $0 + $1.duration } == 100 * 60)

        #expect(Self.timeline(endedAt: Self.minute(30)).state(at: Self.minute(30)).endReason == .byOperator)
        // Ended in an open extra pause: it closes with the shift.
        let inPause = Self.timeline(pauses: [ExtraPause(start: Self.minute(20))], endedAt: Self.minute(25))
        #expect(inPause.segments(until: Self.minute(240)).last == TimeSegment(kind: .extraPause, start: Self.minute(20), end: Self.minute(25)))
        // An end recorded after the planned end does not stretch the shift.
        let late = Self.timeline(endedAt: Self.minute(250))
        #expect(late.state(at: Self.minute(245)).endReason == .plannedLength)
        #expect(late.shiftEndsAt == Self.minute(240))
    }

    @Test("a task leased a minute before the block ends can be answered up to 2 minutes after the block, not after")
    func graceAfterBlock() throws {
        let shift = Self.timeline()
        let deadline = try #require(shift.answerDeadline(forLeaseAt: Self.minute(44)))
        #expect(deadline == Self.minute(47))
        #expect(Self.minute(47) <= deadline)
        #expect(Self.minute(47).addingTimeInterval(1) > deadline)
        // Leased in the second work block: the grace follows that block.
        #expect(shift.answerDeadline(forLeaseAt: Self.minute(61)) == Self.minute(107))
        #expect(shift.answerDeadline(forLeaseAt: Self.minute(44), grace: 0) == Self.minute(45))
    }

    @Test("a task leased in a pause, an extra pause or after the end has no deadline")
    func noDeadlineOutsideWork() {
        let shift = Self.timeline(pauses: [ExtraPause(start: Self.minute(10), end: Self.minute(20))])
        #expect(shift.answerDeadline(forLeaseAt: Self.minute(45)) == nil)
        #expect(shift.answerDeadline(forLeaseAt: Self.minute(50)) == nil)
        #expect(shift.answerDeadline(forLeaseAt: Self.minute(15)) == nil)
        #expect(shift.answerDeadline(forLeaseAt: Self.minute(240)) == nil)
    }

    @Test("the grace after the daily cap follows the moment the cap is reached")
    func graceAfterCap() {
        let shift = Self.timeline(workedEarlierToday: 120 * 60)
        #expect(shift.answerDeadline(forLeaseAt: Self.minute(149)) == Self.minute(152))
        // An extra pause taken after the lease does not take the grace away.
        let paused = Self.timeline(pauses: [ExtraPause(start: Self.minute(145))], workedEarlierToday: 120 * 60)
        #expect(paused.answerDeadline(forLeaseAt: Self.minute(140)) == Self.minute(167))
    }

    @Test("segments follow each other without gaps and add up to the time in the shift",
          arguments: [WorkProfile(), WorkProfile(workMinutes: 25, pauseMinutes: 5),
                      WorkProfile(workMinutes: 20, pauseMinutes: 10, shiftMinutes: 200),
                      WorkProfile(workMinutes: 50, pauseMinutes: 10, shiftMinutes: 235)])
    func segmentsAddUp(profile: WorkProfile) throws {
        let pauses = [ExtraPause(start: Self.minute(12.5), end: Self.minute(31)),
                      ExtraPause(start: Self.minute(30), end: Self.minute(33)),   // overlaps the one before
                      ExtraPause(start: Self.minute(190))]
        let shift = Self.timeline(profile, pauses: pauses)
        let segments = shift.segments(until: Self.minute(1_000))
        #expect(segments.first?.start == Self.start)
        #expect(segments.last?.end == Self.minute(Double(profile.shiftMinutes)))
        for (before, after) in zip(segments, segments.dropFirst()) {
            #expect(before.end == after.start)
            #expect(before.kind != after.kind || before.kind == .work || before.kind == .pause)
        }
        #expect(segments.allSatisfy { $0.end > $0.start })
        #expect(segments.reduce(0) { $0 + $1.duration } == Double(profile.shiftMinutes * 60))
        let work = segments.filter { $0.kind == .work }.reduce(0) { $0 + $1.duration }
        #expect(Int(work) == shift.state(at: Self.minute(1_000)).workSecondsToday)
        // Up to a moment inside the shift, they add up to the time so far.
        let soFar = shift.segments(until: Self.minute(100)).reduce(0) { $0 + $1.duration }
        #expect(soFar == 100 * 60)
    }
}
