// A child program started with posix_spawn, used everywhere in place of Foundation's Process.
//
// Foundation's `Process.run()` on Linux (swift-corelibs-foundation up to Swift 6.3.1) lists
// /proc/self/fd to close inherited descriptors, and copies all 256 bytes of each entry's `d_name`
// although readdir's record is shorter; when a record ends glibc's buffer at the end of a page, the
// copy faults and the whole server or test run dies (swift-corelibs-foundation pull request 5472,
// seen here in CI). `ChildProcess` has the same shape as `Process` (the names the code already
// used), spawns with posix_spawn, and closes every descriptor above 2 in the child with
// `posix_spawn_file_actions_addclosefrom_np`, without reading /proc.
#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// A program run as a child: set its executable, arguments and standard streams, `run()`, then wait.
///
/// The streams are as in Foundation: `nil` inherits the caller's, `FileHandle.nullDevice` is
/// /dev/null, a `Pipe` connects the child to its other end (the child's end is closed here after
/// the spawn, so reading to the end of a pipe ends when the child does), another `FileHandle` is
/// given as it is. The child gets a process group of its own, as Foundation's does, so a signal to
/// the caller's group (a terminal's Ctrl-C) does not reach it by itself; it starts with no signal
/// blocked and every signal at its default.
public final class ChildProcess: @unchecked Sendable {
    /// How the child ended.
    public enum TerminationReason: Sendable, Equatable {
        case exit
        case uncaughtSignal
    }

    public var executableURL: URL?
    public var arguments: [String]?
    /// The child's environment; nil gives it the caller's.
    public var environment: [String: String]?
    public var currentDirectoryURL: URL?
    public var standardInput: Any?
    public var standardOutput: Any?
    public var standardError: Any?
    /// Called once, on a thread of its own, when the child has ended.
    public var terminationHandler: (@Sendable (ChildProcess) -> Void)?

    private let condition = NSCondition()
    private var pid: pid_t = 0
    private var started = false
    private var ended = false
    private var status: Int32 = 0
    private var reason = TerminationReason.exit

    public init() {}

    /// The child's process id, 0 before `run()`.
    public var processIdentifier: Int32 {
        condition.lock()
        defer { condition.unlock() }
        return pid
    }

    public var isRunning: Bool {
        condition.lock()
        defer { condition.unlock() }
        return started && !ended
    }

    /// The exit status, or the signal's number when the child was killed by one.
    public var terminationStatus: Int32 {
        condition.lock()
        defer { condition.unlock() }
        precondition(ended, "the child has not ended")
        return status
    }

    public var terminationReason: TerminationReason {
        condition.lock()
        defer { condition.unlock() }
        precondition(ended, "the child has not ended")
        return reason
    }

    /// Starts the child; throws when it cannot be started (no such program, not executable).
    public func run() throws {
        condition.lock()
        let again = started
        condition.unlock()
        guard !again else {
            throw ChildProcessError(description: "A child is run once; make a new ChildProcess to run it again.")
        }
        guard let executable = executableURL?.path else {
            throw ChildProcessError(description: "No program was given to run.")
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // The calling thread may block signals (the pool's threads do) or the program ignore some
        // (SIGPIPE): a child starts with none blocked and every signal at its default, as a shell
        // would start it, so that terminate() and interrupt() reach it.
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        posix_spawnattr_setpgroup(&attributes, 0)
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        var everySignal = sigset_t()
        sigfillset(&everySignal)
        posix_spawnattr_setsigdefault(&attributes, &everySignal)

        try connect(standardInput, to: 0, reading: true, &actions)
        try connect(standardOutput, to: 1, reading: false, &actions)
        try connect(standardError, to: 2, reading: false, &actions)
        if let folder = currentDirectoryURL?.path {
            guard let chdir = SpawnExtensions.addChdir else {
                throw ChildProcessError(description: "This system cannot start a program in another folder.")
            }
            _ = folder.withCString { chdir(&actions, $0) }
        }
        guard let closeFrom = SpawnExtensions.addCloseFrom else {
            throw ChildProcessError(description: "This system's C library is older than glibc 2.34.")
        }
        _ = closeFrom(&actions, 3)

        let argv = [executable] + (arguments ?? [])
        let environmentLines = environment.map { $0.map { "\($0.key)=\($0.value)" } }
        var child: pid_t = 0
        let result = withCStrings(argv) { argvPointers in
            if let environmentLines {
                return withCStrings(environmentLines) { posix_spawn(&child, executable, &actions, &attributes, argvPointers, $0) }
            }
            return posix_spawn(&child, executable, &actions, &attributes, argvPointers, environ)
        }
        guard result == 0 else {
            throw ChildProcessError(description: "\(executable) could not be started: \(String(cString: strerror(result))).")
        }
        closeChildEnds()
        let spawned = child
        condition.lock()
        pid = spawned
        started = true
        condition.unlock()
        let waiter = Thread { [self] in awaitEnd(spawned) }
        waiter.name = "child \(spawned)"
        waiter.start()
    }

    /// Blocks until the child has ended.
    public func waitUntilExit() {
        condition.lock()
        while !ended { condition.wait() }
        condition.unlock()
    }

    /// Sends SIGTERM, when the child still runs.
    public func terminate() { send(SIGTERM) }

    /// Sends SIGINT, when the child still runs.
    public func interrupt() { send(SIGINT) }

    /// Sends `signal` to the child, when it still runs (never to a process id reused after it ended).
    public func send(_ signal: Int32) {
        condition.lock()
        defer { condition.unlock() }
        guard started, !ended else { return }
        kill(pid, signal)
    }

    private func awaitEnd(_ child: pid_t) {
        // First wait without reaping: until the child is reaped its id cannot be given to another
        // process, so a kill() from send() in the meantime can only reach this child.
        var info = siginfo_t()
        while waitid(P_PID, id_t(child), &info, WEXITED | WNOWAIT) == -1 && errno == EINTR {}
        condition.lock()
        var raw: Int32 = 0
        var reaped: pid_t
        repeat { reaped = waitpid(child, &raw, 0) } while reaped == -1 && errno == EINTR
        // WIFSIGNALED / WTERMSIG / WEXITSTATUS are C macros Swift cannot call.
        let signal = raw & 0x7f
        if reaped != child {
            // Reaped elsewhere (nothing here does that): its end is not known, so it is not a success.
            reason = .exit
            status = -1
        } else if signal != 0 && signal != 0x7f {
            reason = .uncaughtSignal
            status = signal
        } else {
            reason = .exit
            status = (raw >> 8) & 0xff
        }
        ended = true
        condition.broadcast()
        let handler = terminationHandler
        condition.unlock()
        handler?(self)
    }

    private func connect(_ stream: Any?, to target: Int32, reading: Bool, _ actions: inout posix_spawn_file_actions_t) throws {
        switch stream {
        case nil:
            return
        case let pipe as Pipe:
            let end = reading ? pipe.fileHandleForReading : pipe.fileHandleForWriting
            posix_spawn_file_actions_adddup2(&actions, end.fileDescriptor, target)
        case let handle as FileHandle where handle === FileHandle.nullDevice:
            posix_spawn_file_actions_addopen(&actions, target, "/dev/null", reading ? O_RDONLY : O_WRONLY, 0)
        case let handle as FileHandle:
            posix_spawn_file_actions_adddup2(&actions, handle.fileDescriptor, target)
        default:
            throw ChildProcessError(description: "A child's stream is a Pipe, a FileHandle or nil.")
        }
    }

    /// Closes, in this process, the ends of pipes that only the child uses.
    private func closeChildEnds() {
        if let pipe = standardInput as? Pipe { try? pipe.fileHandleForReading.close() }
        if let pipe = standardOutput as? Pipe { try? pipe.fileHandleForWriting.close() }
        if let pipe = standardError as? Pipe, (standardOutput as? Pipe) !== pipe { try? pipe.fileHandleForWriting.close() }
    }
}

/// Why a child could not be started.
public struct ChildProcessError: Error, CustomStringConvertible, Sendable {
    public var description: String
}

/// The glibc spawn actions that Swift's Glibc module does not import (they are declared only
/// under `__USE_MISC`), looked up once by name.
private enum SpawnExtensions {
    typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
    typealias Chdir = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32

    static let addCloseFrom: CloseFrom? = symbol("posix_spawn_file_actions_addclosefrom_np")
    static let addChdir: Chdir? = symbol("posix_spawn_file_actions_addchdir_np")

    private static func symbol<T>(_ name: String) -> T? {
        guard let address = dlsym(UnsafeMutableRawPointer(bitPattern: 0), name) else { return nil }
        return unsafeBitCast(address, to: T.self)
    }
}

/// Calls `body` with a NULL-terminated C array of `strings`, valid only inside the call.
private func withCStrings<R>(_ strings: [String], _ body: (UnsafePointer<UnsafeMutablePointer<CChar>?>) -> R) -> R {
    let copies = strings.map { strdup($0) }
    defer { copies.forEach { free($0) } }
    return (copies + [nil]).withUnsafeBufferPointer { body($0.baseAddress!) }
}
