// Group commit: concurrent writes share one transaction, and durable ones one sync of the log.
import AnnolabCore
import Foundation
import GRDB
import Synchronization

/// Collects the writes that arrive while a commit is under way and commits them together.
///
/// A write that fails (a constraint, a refused answer) is rolled back alone and reported to its
/// caller, while the others commit: a round runs its writes one after another, and only when
/// one fails is it rolled back and run again with each write in its own savepoint. (A savepoint
/// per write on every round cost each write two statements and a journal of the pages it changed.)
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
/// let stored = try await committer.write { db in try record.inserted(db) }
/// ```
final class GroupCommitter: Sendable {
    /// Answers one caller with the value its write returned, typed as the caller asked for it.
    private typealias Reply = @Sendable () -> Void

    /// One caller's write: it runs inside a round's transaction and gives back how to answer the
    /// caller, who is answered only once the round is committed (and synced, when durable).
    private struct Job: Sendable {
        let work: @Sendable (Database) throws -> Reply
        let fail: @Sendable (any Error) -> Void
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
    private let lastBatch = Atomic<Int>(0)

    /// How many writes the last round took together (0 before the first): a figure for `/metrics`.
    var lastBatchSize: Int { lastBatch.load(ordering: .relaxed) }

    init(writer: DatabasePool, maxBatch: Int = 256) {
        self.writer = writer
        self.maxBatch = maxBatch
        syncer = LogSyncer(logPath: writer.path + "-wal")
    }

    func write<T: Sendable>(durable: Bool = true, _ work: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            // The value stays typed from the write to its caller: no cast on the way back.
            let job = Job(work: { db in
                              let value = try work(db)
                              return { continuation.resume(returning: value) }
                          },
                          fail: { continuation.resume(throwing: $0) }, durable: durable)
            let startDrain = state.withLock { state -> Bool in
                state.pending.append(job)
                if state.draining { return false }
                state.draining = true
                return true
            }
            if startDrain {
                queue.async { self.drain() }
            }
        }
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
        lastBatch.store(batch.count, ordering: .relaxed)
        let outcomes: [Result<Reply, any Error>]
        do {
            // Nearly every round has no failing write: it runs without a savepoint per write,
            // which spares each write two statements and a journal of every page it changes.
            // When a write fails, that round is rolled back whole and run again with a savepoint
            // per write, so that only the failing write is undone.
            if let replies = try run(batch, eachInSavepoint: false) {
                outcomes = replies
            } else if let replies = try run(batch, eachInSavepoint: true) {
                outcomes = replies
            } else {
                throw LabError(.internalFailure, "commit_failed", "The lab could not store this. Please try again.")
            }
        } catch {
            // The commit itself failed: nothing of this batch is stored.
            for job in batch { job.fail(LabStore.plain(error)) }
            return
        }
        var durable: [(Job, Reply)] = []
        for (job, outcome) in zip(batch, outcomes) {
            switch outcome {
            case .success(let reply) where job.durable: durable.append((job, reply))
            case .success(let reply): reply()
            case .failure(let error as LabError): job.fail(error)
            case .failure(let error): job.fail(LabStore.plain(error))
            }
        }
        guard !durable.isEmpty else { return }
        // Answered once a sync that began after this commit has finished.
        syncer.afterNextSync { [durable] failure in
            for (job, reply) in durable {
                if let failure { job.fail(failure) } else { reply() }
            }
        }
    }

    /// Runs a round's writes in one transaction and commits it. Without savepoints, gives nil
    /// (and commits nothing) as soon as one write fails; with them, a failing write is undone
    /// alone and its error is its outcome.
    private func run(_ batch: [Job], eachInSavepoint: Bool) throws -> [Result<Reply, any Error>]? {
        try writer.writeWithoutTransaction { db in
            // Other writes of the store keep syncing in their commit (`FULL`, set when the connection opened).
            try db.cachedStatement(sql: "PRAGMA synchronous = NORMAL").execute()
            defer { try? db.cachedStatement(sql: "PRAGMA synchronous = FULL").execute() }
            var outcomes: [Result<Reply, any Error>]? = []
            try db.inTransaction(.immediate) {
                for job in batch {
                    guard eachInSavepoint else {
                        do {
                            outcomes?.append(.success(try job.work(db)))
                            continue
                        } catch {
                            outcomes = nil
                            return .rollback
                        }
                    }
                    var outcome: Result<Reply, any Error> = .failure(CancellationError())
                    do {
                        try db.inSavepoint {
                            outcome = .success(try job.work(db))
                            return .commit
                        }
                    } catch {
                        outcome = .failure(error)
                    }
                    outcomes?.append(outcome)
                }
                return .commit
            }
            return outcomes
        }
    }
}
