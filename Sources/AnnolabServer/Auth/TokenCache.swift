// A short memory of checked tokens: the operator loop asks for work many times a minute.
import AnnolabStore
import Foundation
import Synchronization

/// Remembers which user a token hash belongs to for a short while.
///
/// A token that is revoked through this server (logout, a revoked API token, a disabled
/// account) is forgotten at once; a change made elsewhere (an account disabled from the
/// command line) takes effect within `lifetime`.
///
/// A lookup that read the database before a revocation must not put the old answer back
/// afterwards, so every `forget` moves a counter on, and `remember` only keeps an answer
/// read since the last `forget`:
///
/// ```swift
/// let checked = cache.generation
/// if let user = try await store.user(tokenHash: hash) { cache.remember(user, for: hash, checkedAt: checked) }
/// ```
final class TokenCache: Sendable {
    private struct State {
        var entries: [String: (user: User, until: Date)] = [:]
        var generation: UInt64 = 0
    }

    private let state = Mutex(State())
    let lifetime: TimeInterval
    let capacity: Int

    init(lifetime: TimeInterval = 30, capacity: Int = 10_000) {
        self.lifetime = lifetime
        self.capacity = capacity
    }

    /// Moves on with every `forget`; read it before looking a token up in the database.
    var generation: UInt64 {
        state.withLock { $0.generation }
    }

    func user(for hash: String, now: Date = Date()) -> User? {
        state.withLock { state in
            guard let entry = state.entries[hash] else { return nil }
            if entry.until < now {
                state.entries[hash] = nil
                return nil
            }
            return entry.user
        }
    }

    /// Keeps a checked token, unless something was forgotten since `checkedAt` (the
    /// ``generation`` read before the database was asked): that answer may be stale already.
    func remember(_ user: User, for hash: String, checkedAt: UInt64, now: Date = Date()) {
        state.withLock { state in
            guard state.generation == checkedAt else { return }
            if state.entries.count >= capacity { state.entries.removeAll(keepingCapacity: true) }
            state.entries[hash] = (user, now.addingTimeInterval(lifetime))
        }
    }

    func forget(_ hash: String) {
        state.withLock { state in
            state.generation &+= 1
            state.entries[hash] = nil
        }
    }

    /// Forgets every token of one person, whichever way it was signed in: after this their
    /// next request is checked against the database again.
    func forget(userId: Int64) {
        state.withLock { state in
            state.generation &+= 1
            state.entries = state.entries.filter { $0.value.user.id != userId }
        }
    }
}
