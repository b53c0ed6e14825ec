// Where an operator stands in their shift at one moment: the answer the server gives to "may I work now?".
import Foundation

/// The phase of a shift at one moment.
///
/// The API has no separate name for an extra pause: ``apiName`` shows it as `"pause"`.
public enum ShiftPhase: String, Codable, Sendable, CaseIterable {
    /// A work block: a task may be served.
    case work
    /// A scheduled pause: no task is served until it ends.
    case pause
    /// A pause the operator took: it lasts until they resume.
    case extraPause
    /// The shift is over: no task is served.
    case ended

    /// The phase as the HTTP API names it (`work`, `pause`, `ended`).
    public var apiName: String {
        self == .extraPause ? "pause" : rawValue
    }
}

/// Why a shift ended (or will end).
public enum ShiftEndReason: String, Codable, Sendable, CaseIterable {
    /// The shift ran its planned length.
    case plannedLength
    /// The daily cap of work minutes was reached.
    case dailyCap
    /// The operator ended the shift.
    case byOperator
    /// The coach ended the shift.
    case byCoach
    /// The coach changed the operator's blocks: the shift goes on, from the next work block,
    /// as a new shift with the new profile.
    case profileChanged
}

/// What ``ShiftTimeline/state(at:)`` says about one moment of a shift.
///
/// ```swift
/// let state = timeline.state(at: now)
/// switch state.phase {
/// case .work: /* serve a task */
/// case .pause, .extraPause: /* 423, with state.resumesAt */
/// case .ended: /* 409 */
/// }
/// ```
public struct ShiftState: Codable, Sendable, Equatable {
    public var phase: ShiftPhase
    /// The end of the current work or pause block, cut short where the shift ends first;
    /// nil in an extra pause (it lasts until the operator resumes) and when the shift has ended.
    public var blockEndsAt: Date?
    /// In a scheduled pause: when the next work block starts. Nil in an extra pause, in work,
    /// when ended, and in a last pause after which the shift ends without more work.
    public var resumesAt: Date?
    /// When the shift ends: its planned end, the moment the daily cap will be reached if that
    /// comes first, or when it was ended. While an extra pause is open nobody knows when work
    /// goes on, so the cap cannot come sooner than the planned end: the planned end is shown.
    public var shiftEndsAt: Date
    /// Why the shift ended; nil while it runs (see ``shiftEndsBecause`` for the forecast).
    public var endReason: ShiftEndReason?
    /// Why the shift ends at ``shiftEndsAt``, also while it still runs.
    public var shiftEndsBecause: ShiftEndReason
    /// Seconds of work today: this shift's work blocks (not pauses, not extra pauses) up to now,
    /// plus the work of earlier shifts today.
    public var workSecondsToday: Int
    /// 0-based index of the current block, counting work and pause blocks alike (work 0,
    /// pause 1, work 2, ...). In an extra pause, the block the wall clock is in. When ended,
    /// the last block that had begun. -1 before the shift starts.
    public var blockIndex: Int

    public init(phase: ShiftPhase, blockEndsAt: Date?, resumesAt: Date?, shiftEndsAt: Date,
                endReason: ShiftEndReason?, shiftEndsBecause: ShiftEndReason,
                workSecondsToday: Int, blockIndex: Int) {
        self.phase = phase
        self.blockEndsAt = blockEndsAt
        self.resumesAt = resumesAt
        self.shiftEndsAt = shiftEndsAt
        self.endReason = endReason
        self.shiftEndsBecause = shiftEndsBecause
        self.workSecondsToday = workSecondsToday
        self.blockIndex = blockIndex
    }
}
