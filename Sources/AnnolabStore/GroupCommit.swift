// Group commit: concurrent writes wait a moment for each other and share one durable commit.
import AnnolabCore
import Foundation
import GRDB
import Synchronization

/// Collects the writes that arrive while a commit is under way and commits them together.
///
/// Each write runs in its own savepoint, so one that fails (a constraint, a refused answer)
/// is rolled back alone and reported to its caller, while the others commit. A caller is
/// answered only after the transaction holding its write is committed: durably (synced to disk,
/// `synchronous = FULL`) for a durable write, which is every write but a lease.
///
/// A lease is soft state: it is committed without waiting for the disk (`synchronous =
/// NORMAL`), so serving a task never waits for a sync. It survives a crash of the process (the
/// operating system has it), and it becomes durable with the next durable commit, since the
/// write-ahead log is synced as a whole. Only a power cut can lose the last leases; the store
/// then skips their ids (see ``LabStore/init(folder:)``), and those tasks are served again.
/// Non-durable writes are committed first in each round, so they never wait behind a sync.
///
/// ```swift
/// let id = try await committer.write { db in try record.insert(db); return record.id! }
/// ```
final class GroupCommitter: Sendable {
    private struct Job: Sendable {
        let work: @Sendable (Database) throws -> any Sendable
        let continuation: CheckedContinuation<any Sendable, any Error>
        let durable: Bool
    }
    private struct State {
        var pending: [Job] = []
        var draining = false
        /// The writer connection's `synchronous` setting now (true: FULL).
        var synced = true
    }
    private let state = Mutex(State())
    private let writer: DatabasePool
    /// At most this many writes share one transaction, so that one commit never grows unbounded.
    let maxBatch: Int

    init(writer: DatabasePool, maxBatch: Int = 256) {
        self.writer = writer
        self.maxBatch = maxBatch
    }

    func write<T: Sendable>(durable: Bool = true, _ work: @escaping @Sendable (Database) throws -> T) async throws -> T {
        let result = try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<any Sendable, any Error>) in
            let startDrain = state.withLock { state -> Bool in
                state.pending.append(Job(work: { db in try work(db) }, continuation: continuation, durable: durable))
                if state.draining { return false }
                state.draining = true
                return true
            }
            if startDrain {
                Task.detached { await self.drain() }
            }
        }
        return result as! T
    }

    private func drain() async {
        while true {
            let batch = state.withLock { state -> [Job] in
                let batch = Array(state.pending.prefix(maxBatch))
                state.pending.removeFirst(batch.count)
                if batch.isEmpty { state.draining = false }
                return batch
            }
            if batch.isEmpty { return }
            let soft = batch.filter { !$0.durable }
            if !soft.isEmpty { await commit(soft, durable: false) }
            let durable = batch.filter(\.durable)
            if !durable.isEmpty { await commit(durable, durable: true) }
        }
    }

    private func commit(_ batch: [Job], durable: Bool) async {
        let outcomes: [Result<any Sendable, any Error>]
        let switchTo: Bool? = state.withLock { state in
            guard state.synced != durable else { return nil }
            state.synced = durable
            return durable
        }
        do {
            outcomes = try await writer.writeWithoutTransaction { db in
                if let switchTo { try db.execute(sql: switchTo ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL") }
                var outcomes: [Result<any Sendable, any Error>] = []
                try db.inTransaction(.immediate) {
                    for job in batch {
                        var outcome: Result<any Sendable, any Error> = .failure(CancellationError())
                        do {
                            try db.inSavepoint {
                                outcome = .success(try job.work(db))
                                return .commit
                            }
                        } catch {
                            outcome = .failure(error)
                        }
                        outcomes.append(outcome)
                    }
                    return .commit
                }
                return outcomes
            }
        } catch {
            // The commit itself failed: nothing of this batch is stored.
            for job in batch { job.continuation.resume(throwing: LabStore.plain(error)) }
            return
        }
        for (job, outcome) in zip(batch, outcomes) {
            switch outcome {
            case .success(let value): job.continuation.resume(returning: value)
            case .failure(let error as LabError): job.continuation.resume(throwing: error)
            case .failure(let error): job.continuation.resume(throwing: LabStore.plain(error))
            }
        }
    }
}
