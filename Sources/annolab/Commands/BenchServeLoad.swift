// The load generator of `bench serve`: one thread, one epoll loop, one keep-alive connection per operator.
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Drives `connections` operators over non-blocking sockets from one thread.
///
/// Each connection is a small state machine; the loop waits in epoll for whichever socket can
/// be read, reads whole responses with ``ResponseReader`` and sends the next request at once.
/// The bench's own CPU time is reported beside the server's, so a reader can see that the
/// generator is not what is measured.
final class LoadGenerator {
    /// The servers' ports: connection i talks to ports[i % ports.count], so that the connections
    /// are spread round-robin over the servers.
    let ports: [Int]
    private let epoll: Epoll
    private let connections: [OperatorConnection]
    private let pool: BadgePool
    private var plan = LoadPlan(seconds: 0, windowSeconds: 10, abandon: 0, loopCap: nil, earlyLoops: nil, label: "", printWindows: false)
    private var figures = LoadRun()
    private var windowNext: [LatencyHistogram] = []
    /// When the last window line was printed, and the server's CPU seconds then.
    private var windowCPU = (at: UInt64(0), server: 0.0)
    private var random = SplitMix64(seed: 0x5EED_1AB)
    private var startedAt: UInt64 = 0
    private var deadline: UInt64 = .max
    private var loopsStarted = 0
    private var printedWindows = 0
    private var errorsShown = 0
    private var lastSweep: UInt64 = 0
    private var signInFailure: String?
    private let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: 65_536, alignment: 16)

    init(ports: [Int], connections count: Int, badges: BadgePool) throws {
        precondition(!ports.isEmpty, "a load needs at least one server")
        self.ports = ports
        self.pool = badges
        epoll = try Epoll(capacity: max(64, count))
        connections = (0..<count).map(OperatorConnection.init(tag:))
        for connection in connections { try open(connection) }
    }

    deinit {
        for connection in connections where connection.socket >= 0 { close(connection.socket) }
        scratch.deallocate()
    }

    /// Signs one operator in on every connection and starts their shifts, all at once.
    func signIn() throws {
        for connection in connections { beginSignIn(connection, badge: pool.take()) }
        drive { connections.allSatisfy { $0.step == .ready || $0.step == .done } }
        if let signInFailure { throw CommandFailure(description: signInFailure) }
    }

    /// Runs the loop on every connection until the plan's time is up, then lets the requests
    /// in flight finish (a task served just before the end is still answered).
    func run(_ plan: LoadPlan) -> LoadRun {
        self.plan = plan
        figures = LoadRun()
        figures.windowSeconds = plan.windowSeconds
        startedAt = monotonicNanoseconds()
        deadline = startedAt + UInt64(plan.seconds * 1e9)
        windowCPU = (startedAt, plan.serverCPU?() ?? 0)
        for connection in connections where connection.step == .ready { startLoop(connection, now: startedAt) }
        drive { connections.allSatisfy { $0.step == .done } }
        figures.elapsed = Double(monotonicNanoseconds() - startedAt) / 1e9
        printWindows(upTo: monotonicNanoseconds(), final: true)
        if pool.wrapped { log("\(plan.label): fresh operators ran out; the earliest signed in again") }
        return figures
    }

    // MARK: The event loop

    private func drive(until finished: () -> Bool) {
        while !finished() {
            epoll.poll(milliseconds: 50) { tag, events in handle(connections[tag], events: events) }
            let now = monotonicNanoseconds()
            guard now - lastSweep > 100_000_000 else { continue }
            lastSweep = now
            if plan.printWindows { printWindows(upTo: now, final: false) }
            for connection in connections where connection.step != .done && connection.step != .ready
                && now - connection.sentAt > 30_000_000_000 {
                lost(connection, "no response in 30 s")
            }
        }
    }

    private func handle(_ connection: OperatorConnection, events: UInt32) {
        if events & Epoll.writable != 0 { flush(connection) }
        if events & (Epoll.readable | Epoll.failed | Epoll.hungUp) != 0 { read(connection) }
    }

    private func read(_ connection: OperatorConnection) {
        let socket = connection.socket
        while true {
            let count = recv(socket, scratch.baseAddress, scratch.count, 0)
            if count > 0 {
                connection.reader.append(UnsafeRawBufferPointer(rebasing: scratch[..<count]))
                if count < scratch.count { break }
                continue
            }
            if count < 0 && errno == EINTR { continue }
            if count < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) { break }
            let reason = count == 0 ? "closed by the server" : "read failed (errno \(errno))"
            // Responses read before the close still count.
            deliver(connection)
            guard connection.socket == socket else { return }
            switch connection.step {
            case .done: forget(connection)                 // nothing more to send on it
            case .ready: reopen(connection)                // idle between sign-in and the run
            default: lost(connection, reason)
            }
            return
        }
        deliver(connection)
    }

    private func deliver(_ connection: OperatorConnection) {
        let socket = connection.socket
        do {
            while connection.socket == socket, let response = try connection.reader.next() {
                if response.closes { reopen(connection) }
                received(response, on: connection)
            }
        } catch {
            lost(connection, "\(error)")
        }
    }

    // MARK: The operator's loop

    private func received(_ response: BenchResponse, on connection: OperatorConnection) {
        let now = monotonicNanoseconds()
        connection.failuresInRow = 0
        switch connection.step {
        case .signingIn:
            guard response.status == 200, let token = BodyField.string("token", in: response.body) else {
                return giveUp(connection, "Signing in failed", response)
            }
            figures.signIns += 1
            connection.signIn(token: token)
            connection.step = .startingShift
            send(connection, connection.request("POST", "/api/v1/shift/start"), now: now)
        case .startingShift:
            guard response.status == 200 else { return giveUp(connection, "Starting a shift failed", response) }
            // Before the run every connection waits for the others; in it, a fresh operator starts work.
            if startedAt == 0 { connection.step = .ready } else { continueOrStop(connection, now: now) }
        case .asking:
            asked(response, on: connection, now: now)
        case .answering:
            if response.status == 201 {
                figures.loops += 1
                if connection.timed {
                    figures.answer.record(nanoseconds: now - connection.sentAt)
                    figures.loop.record(nanoseconds: now - connection.loopStartedAt)
                }
                connection.timed = true
                let window = Int((now - startedAt) / UInt64(plan.windowSeconds * 1e9))
                while figures.windowLoops.count <= window { figures.windowLoops.append(0) }
                figures.windowLoops[window] += 1
            } else {
                error("answer", response)
            }
            continueOrStop(connection, now: now)
        case .ready, .done:
            break
        }
    }

    private func asked(_ response: BenchResponse, on connection: OperatorConnection, now: UInt64) {
        switch response.status {
        case 200:
            if connection.timed {
                let latency = now - connection.sentAt
                figures.next.record(nanoseconds: latency)
                if plan.earlyLoops.map({ connection.loopNumber <= $0 }) == true { figures.earlyNext.record(nanoseconds: latency) }
                let window = Int((now - startedAt) / UInt64(plan.windowSeconds * 1e9))
                while windowNext.count <= window { windowNext.append(LatencyHistogram()) }
                windowNext[window].record(nanoseconds: latency)
            }
            guard let id = BodyField.assignmentId(in: response.body) else {
                error("next", response)
                return continueOrStop(connection, now: now)
            }
            if plan.abandon > 0 && random.unit() < plan.abandon {
                // The browser is closed: the lease stays held until it expires, and a fresh
                // operator signs in at this computer.
                figures.abandoned += 1
                if now >= deadline { return stop(connection) }
                return beginSignIn(connection, badge: pool.take())
            }
            connection.step = .answering
            send(connection, connection.answerRequest(assignmentId: id), now: now)
        case 204:
            if figures.noWork == 0 { log("\(plan.label): the work ran out (204 on next); seed more microtasks") }
            figures.noWork += 1
            stop(connection)
        case 409, 423:
            // The shift ended or a pause began: this operator gets no more work in this run.
            error("next", response)
            stop(connection)
        default:
            error("next", response)
            continueOrStop(connection, now: now)
        }
    }

    private func continueOrStop(_ connection: OperatorConnection, now: UInt64) {
        if now >= deadline || plan.loopCap.map({ loopsStarted >= $0 }) == true {
            stop(connection)
        } else {
            startLoop(connection, now: now)
        }
    }

    private func startLoop(_ connection: OperatorConnection, now: UInt64) {
        loopsStarted += 1
        connection.loopNumber = loopsStarted
        connection.step = .asking
        connection.loopStartedAt = now
        send(connection, connection.nextRequest, now: now)
    }

    private func beginSignIn(_ connection: OperatorConnection, badge: String) {
        connection.step = .signingIn
        connection.signOut()
        send(connection, connection.request("POST", "/api/v1/login", body: Array(#"{"badge":"\#(badge)"}"#.utf8)),
             now: monotonicNanoseconds())
    }

    private func stop(_ connection: OperatorConnection) {
        connection.step = .done
    }

    private func giveUp(_ connection: OperatorConnection, _ what: String, _ response: BenchResponse) {
        error(what, response)
        signInFailure = signInFailure ?? "\(what): \(response.status) \(String(decoding: response.body.prefix(200), as: UTF8.self))"
        stop(connection)
    }

    private func error(_ what: String, _ response: BenchResponse) {
        figures.errors += 1
        if errorsShown < 5 {
            errorsShown += 1
            log("\(plan.label): \(what) answered \(response.status): \(String(decoding: response.body.prefix(200), as: UTF8.self))")
        }
    }

    // MARK: Sockets

    private func send(_ connection: OperatorConnection, _ bytes: [UInt8], now: UInt64) {
        connection.inFlight = bytes
        connection.written = 0
        connection.sentAt = now
        flush(connection)
    }

    private func flush(_ connection: OperatorConnection) {
        let socket = connection.socket
        while connection.written < connection.inFlight.count {
            let count = connection.inFlight.withUnsafeBytes { bytes in
                Glibc.send(socket, bytes.baseAddress! + connection.written, bytes.count - connection.written, Int32(MSG_NOSIGNAL))
            }
            if count > 0 {
                connection.written += count
            } else if count < 0 && errno == EINTR {
                continue
            } else if count < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) {
                if !connection.wantsWrite {
                    connection.wantsWrite = true
                    epoll.modify(socket, interest: Epoll.readable | Epoll.writable, tag: connection.tag)
                }
                return
            } else {
                return lost(connection, "send failed (errno \(errno))")
            }
        }
        if connection.wantsWrite {
            connection.wantsWrite = false
            epoll.modify(socket, interest: Epoll.readable, tag: connection.tag)
        }
    }

    /// A connection broke mid-request: count it, connect again and send the same request.
    private func lost(_ connection: OperatorConnection, _ reason: String) {
        figures.errors += 1
        connection.failuresInRow += 1
        if errorsShown < 5 {
            errorsShown += 1
            log("\(plan.label): connection \(connection.tag): \(reason)")
        }
        guard connection.failuresInRow <= 3 else {
            signInFailure = signInFailure ?? "Connection \(connection.tag) to the server kept failing: \(reason)"
            return stop(connection)
        }
        reopen(connection)
        guard connection.socket >= 0 else { return stop(connection) }
        send(connection, connection.inFlight, now: monotonicNanoseconds())
    }

    private func reopen(_ connection: OperatorConnection) {
        forget(connection)
        try? open(connection)
    }

    /// Closes a connection's socket and stops watching it (a closed socket left in epoll would
    /// wake the loop again and again).
    private func forget(_ connection: OperatorConnection) {
        if connection.socket >= 0 {
            epoll.remove(connection.socket)
            close(connection.socket)
            connection.socket = -1
        }
        connection.reader.reset()
        connection.wantsWrite = false
    }

    private func open(_ connection: OperatorConnection) throws {
        let socket = try openLoopbackSocket(port: ports[connection.tag % ports.count])
        _ = fcntl(socket, F_SETFL, fcntl(socket, F_GETFL) | O_NONBLOCK)
        connection.socket = socket
        epoll.add(socket, interest: Epoll.readable, tag: connection.tag)
    }

    // MARK: Windows

    private func printWindows(upTo now: UInt64, final: Bool) {
        guard startedAt > 0 else { return }
        let window = UInt64(plan.windowSeconds * 1e9)
        let full = Int(plan.seconds / plan.windowSeconds)
        while printedWindows < full && now >= startedAt + UInt64(printedWindows + 1) * window {
            if plan.printWindows { printWindow(printedWindows, seconds: plan.windowSeconds) }
            printedWindows += 1
        }
        if final && plan.printWindows {
            let rest = Double(now - startedAt) / 1e9 - Double(full) * plan.windowSeconds
            if printedWindows < figures.windowLoops.count && rest >= 1 { printWindow(printedWindows, seconds: rest) }
        }
    }

    private func printWindow(_ index: Int, seconds: Double) {
        let loops = index < figures.windowLoops.count ? figures.windowLoops[index] : 0
        let p99 = index < windowNext.count ? windowNext[index].percentile(0.99) : 0
        let from = Double(index) * plan.windowSeconds
        var line = String(format: "window %d (%.0f-%.0f s): %.0f loops/s, next p99 %.2f ms",
                          index + 1, from, from + seconds, Double(loops) / seconds, p99)
        if let serverCPU = plan.serverCPU {
            let now = monotonicNanoseconds(), cpu = serverCPU()
            let used = cpu - windowCPU.server, wall = Double(now - windowCPU.at) / 1e9
            windowCPU = (now, cpu)
            if wall > 0 && loops > 0 {
                line += String(format: ", server %.2f cores, %.3f ms CPU a loop", used / wall, used * 1000 / Double(loops))
            }
        }
        log(plan.label == "main" ? line : "\(plan.label) \(line)")
    }

    private func log(_ text: String) {
        FileHandle.standardError.write(Data("bench: \(text)\n".utf8))
    }
}
