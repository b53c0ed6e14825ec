// The lab's clock: the server's time is the truth, and tests turn it by hand.
import Foundation
import Synchronization

/// Where the lab reads the time. Tests inject a ``ManualClock`` instead of sleeping.
public protocol LabClock: Sendable {
    func now() -> Date
}

/// The real time.
public struct SystemClock: LabClock {
    public init() {}
    public func now() -> Date { Date() }
}

/// A clock that moves only when told to.
///
/// ```swift
/// let clock = ManualClock(Date(timeIntervalSince1970: 0))
/// clock.advance(minutes: 45)
/// ```
public final class ManualClock: LabClock {
    private let current: Mutex<Date>

    public init(_ start: Date) {
        current = Mutex(start)
    }

    public func now() -> Date { current.withLock { $0 } }

    public func advance(seconds: TimeInterval) {
        current.withLock { $0 = $0.addingTimeInterval(seconds) }
    }

    public func advance(minutes: Double) {
        advance(seconds: minutes * 60)
    }

    public func set(_ date: Date) {
        current.withLock { $0 = date }
    }
}
