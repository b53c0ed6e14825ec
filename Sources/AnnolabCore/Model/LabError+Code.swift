// The stable codes a `LabError` carries, with a named constant for each code some part of the lab acts on.

extension LabError {
    /// The snake_case code of a `LabError`: stable, written into every error reply, read by scripts.
    ///
    /// A code that the lab itself acts on (the text dialogue telling an operator the task was
    /// no longer theirs, the engine taking a running shift as it is) has a named constant here,
    /// so the place that throws it and the place that matches it spell it once:
    ///
    /// ```swift
    /// throw LabError(.conflict, .leaseExpired, "This task is no longer reserved for you. Ask for the next task.")
    ///
    /// } catch let error as LabError where error.code == .leaseExpired {
    /// ```
    ///
    /// A code nothing matches on may stay a literal at the place that throws it.
    public struct Code: RawRepresentable, Hashable, Sendable, ExpressibleByStringLiteral,
                        ExpressibleByStringInterpolation, CustomStringConvertible {
        public var rawValue: String

        public init(rawValue: String) { self.rawValue = rawValue }
        public init(stringLiteral value: String) { self.rawValue = value }

        public var description: String { rawValue }
    }
}

// MARK: Work and leases

extension LabError.Code {
    /// The operator's hold on a task ran out, or belongs to an earlier work block.
    public static let leaseExpired: Self = "lease_expired"
    /// The task was skipped or handed back and takes no answer now.
    public static let assignmentClosed: Self = "assignment_closed"
    /// The task already has this operator's answer.
    public static let alreadyAnswered: Self = "already_answered"
    /// Something with the same key is already stored (a unique key of the store).
    public static let alreadyExists: Self = "already_exists"
    /// The work block ended before the answer arrived.
    public static let blockOver: Self = "block_over"
}

// MARK: Shifts

extension LabError.Code {
    /// It is pause time: no task is handed out or kept.
    public static let pause: Self = "pause"
    /// The operator has no shift running.
    public static let noShift: Self = "no_shift"
    /// The operator asked to start a shift while one is already running.
    public static let shiftRunning: Self = "shift_running"
    /// The operator has worked all the minutes allowed today.
    public static let dailyCapReached: Self = "daily_cap_reached"
}

// MARK: Files and storage

extension LabError.Code {
    /// A CSV file ends inside a quoted field; the fast reader leaves such files to the careful one.
    public static let csvOpenQuote: Self = "csv_open_quote"
    /// A slice of a WAVE sound asked for samples past its end.
    public static let waveSliceOutsideSound: Self = "wave_slice_outside_sound"
    /// The disk is full: nothing was changed and trying later helps.
    public static let storageFull: Self = "storage_full"
}
