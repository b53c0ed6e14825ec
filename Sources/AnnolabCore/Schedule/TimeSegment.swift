// Stretches of time in a shift, the only thing the pay ledger ever counts.
import Foundation

/// A pause the operator took, at any time and without giving a reason.
/// `end` is nil while the pause runs: it lasts until the operator resumes.
public struct ExtraPause: Codable, Sendable, Equatable, Hashable {
    public var start: Date
    public var end: Date?

    public init(start: Date, end: Date? = nil) {
        self.start = start
        self.end = end
    }
}

/// One stretch of a shift: work, a scheduled pause, an extra pause, or waiting for work
/// when the queue is empty. Half-open: from `start` up to, not including, `end`.
///
/// Pay is counted from these stretches alone, never from answers: see ``PayLedger``.
public struct TimeSegment: Codable, Sendable, Equatable, Hashable {
    public enum Kind: String, Codable, Sendable, CaseIterable {
        case work, pause, extraPause, waiting
    }

    public var kind: Kind
    public var start: Date
    public var end: Date

    public init(kind: Kind, start: Date, end: Date) {
        self.kind = kind
        self.start = start
        self.end = end
    }

    /// Seconds from start to end; 0 for a segment that ends before it starts.
    public var duration: TimeInterval {
        max(0, end.timeIntervalSince(start))
    }
}
