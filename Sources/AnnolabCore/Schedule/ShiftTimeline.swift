// The work and pause blocks of one shift on the server's wall clock: phase, daily cap, grace and segments.
import Foundation

/// One shift laid out on the wall clock, from the moment it started.
///
/// The blocks run from the start whatever happens: work `[0, w)`, pause `[w, w+p)`,
/// work `[w+p, 2w+p)`, ... until the shift's planned length. An extra pause interrupts
/// whatever block is running and lasts until the operator resumes; after it the operator is
/// in whatever block the wall clock says. The shift ends at the first of: its planned length,
/// the moment the daily cap of work minutes is reached (mid-block if need be), or when the
/// operator or coach ended it.
///
/// ```swift
/// let timeline = ShiftTimeline(startedAt: start, profile: WorkProfile(), extraPauses: [], endedAt: nil)
/// timeline.state(at: start + 45 * 60).phase       // .pause
/// timeline.state(at: start + 45 * 60).resumesAt   // start + 60 minutes
/// ```
///
/// The timeline knows nothing of clocks: the caller passes the server's `now`, so tests
/// never sleep.
public struct ShiftTimeline: Sendable {
    public let startedAt: Date
    public let profile: WorkProfile
    public let extraPauses: [ExtraPause]
    public let endedAt: Date?
    public let endedBy: ShiftEndReason?
    /// Seconds of work in earlier shifts today; they count towards the daily cap.
    public let workedEarlierToday: Int

    /// When the shift ends (or ended), as far as is known now. An open extra pause holds
    /// back the daily cap, so while one runs this is the planned end (or the manual end).
    public let shiftEndsAt: Date
    /// Why the shift ends at ``shiftEndsAt``.
    public let shiftEndsBecause: ShiftEndReason

    private let workLength: TimeInterval
    private let pauseLength: TimeInterval
    private let endOffset: TimeInterval
    /// The whole shift as known, from its start to its end: blocks with extra pauses laid over them.
    private let pieces: [Piece]

    /// A stretch of the shift in seconds from its start, with the scheduled block it falls in.
    private struct Piece: Sendable {
        var kind: TimeSegment.Kind
        var start: TimeInterval
        var end: TimeInterval
        var block: Int
    }

    /// A shift is never planned longer than a day, even from a profile that skipped validation.
    private static let longestShift: TimeInterval = 24 * 3600

    /// - Parameters:
    ///   - endedAt: when the operator or coach ended the shift; nil while it runs.
    ///   - endedBy: who ended it (default: the operator). Ignored when the shift had already
    ///     ended by its planned length or the daily cap before `endedAt`.
    ///   - workedEarlierToday: seconds of work in earlier shifts today, for the daily cap.
    public init(startedAt: Date, profile: WorkProfile, extraPauses: [ExtraPause], endedAt: Date?,
                endedBy: ShiftEndReason? = nil, workedEarlierToday: Int = 0) {
        self.startedAt = startedAt
        self.profile = profile
        self.extraPauses = extraPauses
        self.endedAt = endedAt
        self.endedBy = endedBy
        self.workedEarlierToday = max(0, workedEarlierToday)

        // A profile that skipped validation must still never trap or loop: clamp nonsense.
        let work = TimeInterval(max(profile.workMinutes, 1)) * 60
        let pause = TimeInterval(max(profile.pauseMinutes, 0)) * 60
        let planned = min(TimeInterval(max(profile.shiftMinutes, 0)) * 60, Self.longestShift)
        workLength = work
        pauseLength = pause

        // Extra pauses as offsets from the start, merged where they overlap. An open pause
        // runs on without end: nobody knows when the operator will resume.
        let pauses = Self.merged(extraPauses.map { pause in
            (max(0, pause.start.timeIntervalSince(startedAt)),
             pause.end.map { $0.timeIntervalSince(startedAt) } ?? .infinity)
        })
        let laidOut = Self.layOut(work: work, pause: pause, until: planned, extraPauses: pauses)

        // The shift ends at the first of its planned end, the daily cap and a manual end.
        // On a tie the natural reason wins: nobody cut the shift short.
        var end = (offset: planned, reason: ShiftEndReason.plannedLength)
        let capLeft = TimeInterval(profile.dailyCapMinutes * 60 - self.workedEarlierToday)
        if let cap = Self.offsetWhereWorkReaches(capLeft, in: laidOut), cap < end.offset {
            end = (cap, .dailyCap)
        }
        if let endedAt {
            let manual = max(0, endedAt.timeIntervalSince(startedAt))
            if manual < end.offset { end = (manual, endedBy ?? .byOperator) }
        }
        endOffset = end.offset
        shiftEndsAt = startedAt.addingTimeInterval(end.offset)
        shiftEndsBecause = end.reason
        pieces = laidOut.compactMap { piece in
            guard piece.start < end.offset else { return nil }
            var cut = piece
            cut.end = min(piece.end, end.offset)
            return cut
        }
    }

    /// Where the operator stands at `now`: the phase, when the block and the shift end, and
    /// the work done today.
    public func state(at now: Date) -> ShiftState {
        let t = now.timeIntervalSince(startedAt)
        if t < 0 {
            // Before the start the operator waits, as in a pause that ends when the shift starts.
            return ShiftState(phase: .pause, blockEndsAt: startedAt, resumesAt: endOffset > 0 ? startedAt : nil,
                              shiftEndsAt: shiftEndsAt, endReason: nil, shiftEndsBecause: shiftEndsBecause,
                              workSecondsToday: workedEarlierToday, blockIndex: -1)
        }
        let workToday = workedEarlierToday + Int(workDone(until: min(t, endOffset)).rounded())
        if t >= endOffset {
            return ShiftState(phase: .ended, blockEndsAt: nil, resumesAt: nil, shiftEndsAt: shiftEndsAt,
                              endReason: shiftEndsBecause, shiftEndsBecause: shiftEndsBecause,
                              workSecondsToday: workToday, blockIndex: lastBlockBegun())
        }
        let block = scheduledBlock(at: t)
        if pieces.contains(where: { $0.kind == .extraPause && $0.start <= t && t < $0.end }) {
            return ShiftState(phase: .extraPause, blockEndsAt: nil, resumesAt: nil, shiftEndsAt: shiftEndsAt,
                              endReason: nil, shiftEndsBecause: shiftEndsBecause,
                              workSecondsToday: workToday, blockIndex: block.index)
        }
        let blockEnd = min(block.end, endOffset)
        let resumes = block.kind == .pause && block.end < endOffset ? startedAt.addingTimeInterval(block.end) : nil
        return ShiftState(phase: block.kind == .work ? .work : .pause,
                          blockEndsAt: startedAt.addingTimeInterval(blockEnd), resumesAt: resumes,
                          shiftEndsAt: shiftEndsAt, endReason: nil, shiftEndsBecause: shiftEndsBecause,
                          workSecondsToday: workToday, blockIndex: block.index)
    }

    /// The last moment an assignment leased at `leasedAt` may still be answered: a task
    /// leased during a work block may be answered until that block's end (or the shift's end,
    /// if sooner) plus the grace (default 120 s); then never.
    ///
    /// Nil when the lease was not made in a work block (in a pause, an extra pause, before the
    /// start or after the end): the server serves no task then, so the shift offers no window
    /// in which to answer it. An extra pause taken after the lease does not move the deadline:
    /// the grace belongs to the block, which runs on the wall clock.
    public func answerDeadline(forLeaseAt leasedAt: Date, grace: TimeInterval = 120) -> Date? {
        let state = state(at: leasedAt)
        guard state.phase == .work, let blockEnd = state.blockEndsAt else { return nil }
        return blockEnd.addingTimeInterval(max(0, grace))
    }

    /// The start of the first scheduled work block after `moment` (extra pauses aside), or nil
    /// when the shift ends before it. A profile change takes effect there, so that a running
    /// work block and the pause after it keep the lengths they started with.
    public func nextWorkBlockStart(after moment: Date) -> Date? {
        let t = max(0, moment.timeIntervalSince(startedAt))
        let block = scheduledBlock(at: t)
        let next = block.kind == .work ? block.end + pauseLength : block.end
        return next < endOffset ? startedAt.addingTimeInterval(next) : nil
    }

    /// The stretches of the shift from its start up to `now` (or its end, if sooner), in
    /// order, without gaps: work, pause and extraPause. They add up to the time in the shift.
    /// The timeline never makes `waiting`: only the queue knows when there was no work.
    public func segments(until now: Date) -> [TimeSegment] {
        let limit = min(now.timeIntervalSince(startedAt), endOffset)
        return pieces.compactMap { piece in
            guard piece.start < limit else { return nil }
            return TimeSegment(kind: piece.kind, start: startedAt.addingTimeInterval(piece.start),
                               end: startedAt.addingTimeInterval(min(piece.end, limit)))
        }
    }

    /// Seconds of work in this shift alone (not earlier shifts) up to `now`.
    public func workSeconds(until now: Date) -> Int {
        Int(workDone(until: min(now.timeIntervalSince(startedAt), endOffset)).rounded())
    }

    // MARK: - The wall-clock schedule

    private func workDone(until limit: TimeInterval) -> TimeInterval {
        pieces.reduce(0) { sum, piece in
            piece.kind == .work ? sum + max(0, min(piece.end, limit) - piece.start) : sum
        }
    }

    /// The scheduled block at `t` seconds after the start, ignoring extra pauses and the end.
    private func scheduledBlock(at t: TimeInterval) -> (index: Int, kind: TimeSegment.Kind, start: TimeInterval, end: TimeInterval) {
        Self.scheduledBlock(at: t, work: workLength, pause: pauseLength)
    }

    private static func scheduledBlock(at t: TimeInterval, work: TimeInterval, pause: TimeInterval)
        -> (index: Int, kind: TimeSegment.Kind, start: TimeInterval, end: TimeInterval) {
        let cycle = work + pause
        var k = (t / cycle).rounded(.down)
        // Rounding in the division may land a hair on the wrong side of a cycle boundary.
        if t - k * cycle < 0 { k -= 1 }
        if t - k * cycle >= cycle { k += 1 }
        let cycleStart = k * cycle
        let n = Int(k)
        if t - cycleStart < work {
            return (2 * n, .work, cycleStart, cycleStart + work)
        }
        return (2 * n + 1, .pause, cycleStart + work, cycleStart + cycle)
    }

    /// The index of the last block that had begun before the shift ended.
    private func lastBlockBegun() -> Int {
        guard endOffset > 0 else { return 0 }
        let block = scheduledBlock(at: endOffset)
        return block.start == endOffset && block.index > 0 ? block.index - 1 : block.index
    }

    /// Sorts extra pauses and joins those that overlap or touch; drops empty ones.
    private static func merged(_ pauses: [(TimeInterval, TimeInterval)]) -> [(start: TimeInterval, end: TimeInterval)] {
        var result: [(start: TimeInterval, end: TimeInterval)] = []
        for (start, end) in pauses.filter({ $0.1 > $0.0 }).sorted(by: { $0.0 < $1.0 }) {
            if let last = result.last, start <= last.end {
                result[result.count - 1].end = max(last.end, end)
            } else {
                result.append((start, end))
            }
        }
        return result
    }

    /// Cuts `[0, planned)` at every block boundary and every extra pause boundary, and names
    /// each piece: an extra pause wins over whatever block it covers.
    private static func layOut(work: TimeInterval, pause: TimeInterval, until planned: TimeInterval,
                               extraPauses: [(start: TimeInterval, end: TimeInterval)]) -> [Piece] {
        guard planned > 0 else { return [] }
        var cuts: Set<TimeInterval> = [0, planned]
        var cycleStart: TimeInterval = 0
        while cycleStart < planned {
            cuts.insert(cycleStart)
            if cycleStart + work < planned { cuts.insert(cycleStart + work) }
            cycleStart += work + pause
        }
        for extra in extraPauses {
            if extra.start > 0 && extra.start < planned { cuts.insert(extra.start) }
            if extra.end > 0 && extra.end < planned { cuts.insert(extra.end) }
        }
        let sorted = cuts.sorted()
        var pieces: [Piece] = []
        for (start, end) in zip(sorted, sorted.dropFirst()) {
            let middle = (start + end) / 2
            let block = scheduledBlock(at: middle, work: work, pause: pause)
            let inExtraPause = extraPauses.contains { $0.start <= middle && middle < $0.end }
            let kind: TimeSegment.Kind = inExtraPause ? .extraPause : block.kind
            if var last = pieces.last, last.kind == kind, last.end == start,
               kind == .extraPause || last.block == block.index {
                last.end = end
                pieces[pieces.count - 1] = last
            } else {
                pieces.append(Piece(kind: kind, start: start, end: end, block: block.index))
            }
        }
        return pieces
    }

    /// The offset at which the work pieces add up to `seconds`; 0 when nothing is left.
    private static func offsetWhereWorkReaches(_ seconds: TimeInterval, in pieces: [Piece]) -> TimeInterval? {
        guard seconds > 0 else { return 0 }
        var done: TimeInterval = 0
        for piece in pieces where piece.kind == .work {
            let length = piece.end - piece.start
            if done + length >= seconds { return piece.start + (seconds - done) }
            done += length
        }
        return nil
    }
}
