// The lab's clock: the server's time is the truth, and tests turn it by hand.
import Foundation
import Synchronization

/// Where the lab reads the time. Tests inject a ``ManualClock`` instead of sleeping.
public protocol LabClock: Sendable {
    func now() -> Date
    /// How many lab seconds pass in one wall-clock second: 1 for the real time. Pages schedule
    /// by wall-clock seconds, so counters sent to them are divided by this.
    var speed: Double { get }
}

extension LabClock {
    public var speed: Double { 1 }
}

/// The real time.
public struct SystemClock: LabClock {
    public init() {}
    public func now() -> Date { Date() }
}

/// A clock that runs `speed` times faster than the wall clock from the moment it is made, so a
/// browser test can watch a 45-minute work block end in seconds (`annolab demo --clock-speed`).
public struct ScaledClock: LabClock {
    public let speed: Double
    private let origin: Date

    public init(speed: Double, origin: Date = Date()) {
        self.speed = speed
        self.origin = origin
    }

    public func now() -> Date {
        origin.addingTimeInterval(Date().timeIntervalSince(origin) * speed)
    }
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
