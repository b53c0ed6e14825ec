// A short memory of checked tokens: the operator loop asks for work many times a minute.
import AnnolabStore
import Foundation
import Synchronization

/// Remembers which user a token hash belongs to for a short while.
///
/// A token that is revoked through this server (logout) is forgotten at once; a change made
/// elsewhere (an account disabled from the command line) takes effect within `lifetime`.
final class TokenCache: Sendable {
    private let entries = Mutex<[String: (user: User, until: Date)]>([:])
    let lifetime: TimeInterval
    let capacity: Int

    init(lifetime: TimeInterval = 30, capacity: Int = 10_000) {
        self.lifetime = lifetime
        self.capacity = capacity
    }

    func user(for hash: String, now: Date = Date()) -> User? {
        entries.withLock { entries in
            guard let entry = entries[hash] else { return nil }
            if entry.until < now {
                entries[hash] = nil
                return nil
            }
            return entry.user
        }
    }

    func remember(_ user: User, for hash: String, now: Date = Date()) {
        entries.withLock { entries in
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            entries[hash] = (user, now.addingTimeInterval(lifetime))
        }
    }

    func forget(_ hash: String) {
        _ = entries.withLock { $0.removeValue(forKey: hash) }
    }
}
