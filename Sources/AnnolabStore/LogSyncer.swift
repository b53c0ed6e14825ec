// Syncing the write-ahead log to disk on a thread of its own, once for every commit waiting on it.
import AnnolabCore
import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Makes committed transactions durable by syncing SQLite's write-ahead log file.
///
/// The log is only ever appended to until a checkpoint has copied it into the database, and a
/// checkpoint syncs both files itself, so syncing the log makes every transaction committed
/// before the sync began durable. Callers that arrive while a sync runs wait for the next one,
/// which then serves all of them: one sync per round, however many answers came in.
final class LogSyncer: Sendable {
    typealias Done = @Sendable (LabError?) -> Void

    private struct State {
        var waiting: [Done] = []
        var running = false
    }

    /// The open log file and its inode, reopened if SQLite makes a new one. Used on `queue` only,
    /// so that waiting callers never wait for this lock while a sync runs.
    private struct LogFile {
        var descriptor: Int32 = -1
        var inode: UInt = 0
    }

    private let state = Mutex(State())
    private let file = Mutex(LogFile())
    private let logPath: String
    /// Blocking syncs run here, never on the threads Swift's tasks share.
    private let queue = DispatchQueue(label: "annolab.log-sync")

    init(logPath: String) {
        self.logPath = logPath
    }

    deinit {
        file.withLock { file in
            if file.descriptor >= 0 { close(file.descriptor) }
        }
    }

    /// Calls `done` once a sync of the log that began after this call has finished (nil), or failed.
    func afterNextSync(_ done: @escaping Done) {
        let start = state.withLock { state -> Bool in
            state.waiting.append(done)
            if state.running { return false }
            state.running = true
            return true
        }
        if start { queue.async { self.run() } }
    }

    private func run() {
        while true {
            let round = state.withLock { state -> [Done] in
                let round = state.waiting
                state.waiting = []
                if round.isEmpty { state.running = false }
                return round
            }
            if round.isEmpty { return }
            let failure = sync()
            for done in round { done(failure) }
        }
    }

    /// One `fdatasync` of the log file; nil when it worked.
    private func sync() -> LabError? {
        file.withLock { file -> LabError? in
            var current = stat()
            if stat(logPath, &current) == 0 {
                if file.descriptor < 0 || UInt(current.st_ino) != file.inode {
                    if file.descriptor >= 0 { close(file.descriptor) }
                    file.descriptor = open(logPath, O_RDONLY | O_CLOEXEC)
                    file.inode = UInt(current.st_ino)
                }
            } else if errno == ENOENT {
                // No log file: everything committed is already in the database file, synced by its checkpoint.
                return nil
            }
            guard file.descriptor >= 0, fdatasync(file.descriptor) == 0 else {
                let code = errno
                return StorageFailure.labError(code == ENOSPC || code == EDQUOT ? .full : .writeFailed)
            }
            return nil
        }
    }
}
