// How many writes shared the last group commit: a figure for the lab's metrics.
import Foundation
import GRDB
import Synchronization

/// Counts the writes of each group commit batch as they run.
///
/// Every group write runs inside its batch's one transaction (see ``GroupCommitter``), one
/// after another on the commit queue. The first write of a batch asks to hear when that
/// transaction ends; until then each write adds one. When the batch commits (or fails), its
/// count becomes ``lastBatchSize`` and the next batch starts from zero.
///
/// ```swift
/// try await committer.write { db in batches.count(db); return try body(db) }
/// batches.lastBatchSize    // 12: the last commit took twelve writes together
/// ```
final class CommitBatchCounter: Sendable {
    private struct Counts {
        var current = 0
        var last = 0
        var watching = false
    }
    private let counts = Mutex(Counts())

    /// Writes in the last batch that ended; 0 before the first.
    var lastBatchSize: Int { counts.withLock { $0.last } }

    /// Counts one write; called from inside the write, in its batch's transaction.
    func count(_ db: Database) {
        let first = counts.withLock { counts -> Bool in
            counts.current += 1
            defer { counts.watching = true }
            return !counts.watching
        }
        guard first else { return }
        db.afterNextTransaction(onCommit: { [self] _ in batchEnded() }, onRollback: { [self] _ in batchEnded() })
    }

    private func batchEnded() {
        counts.withLock { counts in
            counts.last = counts.current
            counts.current = 0
            counts.watching = false
        }
    }
}
