// Group commit: concurrent writes share one transaction, and durable ones one sync of the log.
import AnnolabCore
import Foundation
import GRDB
import Synchronization

/// Collects the writes that arrive while a commit is under way and commits them together.
///
/// Each write runs in its own savepoint, so one that fails (a constraint, a refused answer)
/// is rolled back alone and reported to its caller, while the others commit.
///
/// The transaction is committed without waiting for the disk (`synchronous = NORMAL`): it is then
/// safe from a crash of the process, as the operating system holds it. A durable write (every
/// write but a lease) is answered only after the write-ahead log has been synced to disk by
/// ``LogSyncer``, outside the writer, so that the next transaction never waits for a sync and
/// one sync serves every answer committed before it. A lease is soft state and is answered as
/// soon as it is committed; it becomes durable with the next sync. Only a power cut can lose the
/// last leases; the store then skips their ids (see ``LabStore/init(folder:)``), and those tasks
/// are served again.
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
    }
    private let state = Mutex(State())
    private let writer: DatabasePool
    private let syncer: LogSyncer
    /// Commits run here, one round after another; GRDB runs a write from here on this very thread,
    /// so a round costs no hop between threads, and never blocks the threads Swift's tasks share.
    private let queue = DispatchQueue(label: "annolab.group-commit")
    /// At most this many writes share one transaction, so that one commit never grows unbounded.
    let maxBatch: Int

    init(writer: DatabasePool, maxBatch: Int = 256) {
        self.writer = writer
        self.maxBatch = maxBatch
        syncer = LogSyncer(logPath: writer.path + "-wal")
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
                queue.async { self.drain() }
            }
        }
        guard let value = result as? T else {
            throw LabError(.internalFailure, "storage_failure", "The lab could not store this. Please try again.")
        }
        return value
    }

    private func drain() {
        while true {
            let batch = state.withLock { state -> [Job] in
                let batch = Array(state.pending.prefix(maxBatch))
                state.pending.removeFirst(batch.count)
                if batch.isEmpty { state.draining = false }
                return batch
            }
            if batch.isEmpty { return }
            commit(batch)
        }
    }

    private func commit(_ batch: [Job]) {
        let outcomes: [Result<any Sendable, any Error>]
        do {
            outcomes = try writer.writeWithoutTransaction { db in
                // Other writes of the store keep syncing in their commit (`FULL`, set when the connection opened).
                try db.execute(sql: "PRAGMA synchronous = NORMAL")
                defer { try? db.execute(sql: "PRAGMA synchronous = FULL") }
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
        var durable: [(Job, Result<any Sendable, any Error>)] = []
        for (job, outcome) in zip(batch, outcomes) {
            if job.durable, case .success = outcome {
                durable.append((job, outcome))
            } else {
                Self.resume(job, with: outcome)
            }
        }
        guard !durable.isEmpty else { return }
        // Answered once a sync that began after this commit has finished.
        syncer.afterNextSync { [durable] failure in
            for (job, outcome) in durable {
                if let failure { job.continuation.resume(throwing: failure) } else { Self.resume(job, with: outcome) }
            }
        }
    }

    private static func resume(_ job: Job, with outcome: Result<any Sendable, any Error>) {
        switch outcome {
        case .success(let value): job.continuation.resume(returning: value)
        case .failure(let error as LabError): job.continuation.resume(throwing: error)
        case .failure(let error): job.continuation.resume(throwing: LabStore.plain(error))
        }
    }
}
