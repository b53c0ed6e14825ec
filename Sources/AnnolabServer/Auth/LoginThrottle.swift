// Slows down guessing: too many failed sign-ins from one place wait a while.
import AnnolabCore
import Foundation
import Synchronization

/// Counts failed sign-ins per key (an address, an email) in a sliding window.
///
/// After `limit` failures within `window` seconds the key is refused with 429 until the
/// oldest failure leaves the window. A success clears the key.
final class LoginThrottle: Sendable {
    private let failures = Mutex<[String: [Date]]>([:])
    let limit: Int
    let window: TimeInterval

    init(limit: Int = 10, window: TimeInterval = 600) {
        self.limit = limit
        self.window = window
    }

    func check(_ key: String, now: Date = Date()) throws {
        let recent = failures.withLock { table -> Int in
            let kept = (table[key] ?? []).filter { now.timeIntervalSince($0) < window }
            table[key] = kept.isEmpty ? nil : kept
            return kept.count
        }
        if recent >= limit {
            throw LabError(.tooManyRequests, "too_many_attempts",
                           "Too many sign-in attempts. Please wait ten minutes, or ask your coach for help.")
        }
    }

    func failed(_ key: String, now: Date = Date()) {
        failures.withLock { table in table[key, default: []].append(now) }
    }

    func succeeded(_ key: String) {
        failures.withLock { table in table[key] = nil }
    }
}
