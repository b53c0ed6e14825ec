// `annolab bench serve`: the operator loop (next, then answer) over real HTTP against a real server.
import AnnolabServer
import AnnolabStore
import ArgumentParser
import Foundation
#if canImport(Glibc)
import Glibc
#endif

struct BenchServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Start a real server on a temporary data folder and drive the operator loop over HTTP.",
        discussion: """
            Seeds N microtasks and M operators, starts `annolab serve` as its own process (durable commits as in
            production), starts each operator's shift, then runs C connections for T seconds, each looping
            GET /api/v1/tasks/next and POST /api/v1/assignments/{id}/answer. Ends with one line of figures.
            """
    )

    @Option(help: "Microtasks in the benchmark project.")
    var microtasks = 100_000

    @Option(help: "Operators on shift (at least the number of connections).")
    var operators: Int?

    @Option(help: "Concurrent HTTP connections.")
    var connections = 64

    @Option(help: "Seconds to run the loop.")
    var seconds = 20

    @Option(help: "Answers per microtask.")
    var overlap = 3

    @Option(help: "Keep the data folder here instead of a temporary one.")
    var data: String?

    func run() async throws {
        guard connections >= 1, seconds >= 1, microtasks >= 1 else {
            throw CommandFailure(description: "Connections, seconds and microtasks must be at least 1.")
        }
        let operatorCount = max(operators ?? connections, connections)
        let folder = URL(fileURLWithPath: data ?? NSTemporaryDirectory() + "annolab-bench-\(UUID().uuidString)")
        log("seeding \(microtasks) microtasks and \(operatorCount) operators in \(folder.path)")
        let badges = try await seed(folder: folder, operators: operatorCount)

        let server = try BenchServer(program: CommandLine.arguments[0], data: folder)
        defer { server.stop() }
        log("server pid \(server.process.processIdentifier) on port \(server.port)")

        var tokens: [String] = []
        let setup = HTTPConnection(port: server.port)
        for badge in badges {
            let login = try setup.send("POST", "/api/v1/login", body: #"{"badge":"\#(badge)"}"#)
            guard login.status == 200, let token = Self.field("token", in: login.body) else {
                throw CommandFailure(description: "Signing in \(badge) failed: \(login.status) \(login.body.prefix(200))")
            }
            let shift = try setup.send("POST", "/api/v1/shift/start", token: token)
            guard shift.status == 200 else { throw CommandFailure(description: "Starting a shift failed: \(shift.body.prefix(200))") }
            tokens.append(token)
        }
        setup.close()

        log("running \(connections) connections for \(seconds) s")
        let results = LoopResults()
        let deadline = Date().addingTimeInterval(Double(seconds))
        let allTokens = tokens
        let port = server.port
        let threads = (0..<connections).map { n in
            Thread {
                let connection = HTTPConnection(port: port)
                defer { connection.close() }
                let token = allTokens[n % allTokens.count]
                var latencies: [Double] = []
                var errors = 0
                var loops = 0
                while Date() < deadline {
                    let started = DispatchTime.now().uptimeNanoseconds
                    do {
                        let next = try connection.send("GET", "/api/v1/tasks/next", token: token)
                        if next.status == 204 { break }
                        guard next.status == 200, let id = Self.assignmentId(in: next.body) else { errors += 1; continue }
                        let answer = try connection.send("POST", "/api/v1/assignments/\(id)/answer", token: token,
                                                         body: #"{"answer":{"choice":"\#(["A", "B"][id % 2])"}}"#)
                        guard answer.status == 201 else { errors += 1; continue }
                        loops += 1
                        latencies.append(Double(DispatchTime.now().uptimeNanoseconds - started) / 1e6)
                    } catch {
                        errors += 1
                        connection.reconnect()
                    }
                }
                results.add(loops: loops, errors: errors, latencies: latencies)
            }
        }
        let clockStart = Date()
        threads.forEach { $0.start() }
        while !results.finished(count: connections) { try await Task.sleep(for: .milliseconds(50)) }
        let elapsed = Date().timeIntervalSince(clockStart)
        let peak = server.peakMemoryMB()
        let summary = results.summary()
        let stored = try await LabStore(folder: folder).answerCount()
        say(String(format: "loops/s=%.0f p50_ms=%.1f p99_ms=%.1f errors=%d peak_rss_mb=%.0f loops=%d answers_stored=%d connections=%d seconds=%.1f microtasks=%d",
                   Double(summary.loops) / elapsed, summary.p50, summary.p99, summary.errors, peak, summary.loops, stored,
                   connections, elapsed, microtasks))
        if data == nil { try? FileManager.default.removeItem(at: folder) }
    }

    func seed(folder: URL, operators count: Int) async throws -> [String] {
        let store = try LabStore(folder: folder)
        let client = try await store.createClient(name: "Benchmark newsroom")
        let project = try await store.createProject(
            Project(clientId: client.id!, name: "Benchmark", template: .choice, labels: ["A", "B"], overlap: overlap,
                    adaptiveMin: nil, adaptiveMax: nil, goldRate: 0, deadline: nil, createdAt: Date()), actor: nil)
        let payload = String(decoding: try JSONEncoder().encode(MicrotaskPayload(options: ["A", "B"])), as: UTF8.self)
        var left = microtasks
        while left > 0 {
            let batch = min(left, 10_000)
            _ = try await store.addMicrotasks((0..<batch).map { _ in
                Microtask(projectId: project.id!, itemId: nil, kind: .choice, payload: payload, estimatedSeconds: 10,
                          requiredAnswers: overlap)
            })
            left -= batch
        }
        var badges: [String] = []
        for n in 0..<count {
            let badge = String(format: "OP-B%05d", n)
            _ = try await store.createUser(NewUser(role: .operator, name: "Bench operator \(n)", badge: badge))
            badges.append(badge)
        }
        return badges
    }

    static func field(_ name: String, in body: String) -> String? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any] else { return nil }
        return object[name] as? String
    }

    /// The assignment id in a `next` answer: `{"assignment":{"id":N,...`.
    static func assignmentId(in body: String) -> Int? {
        guard let range = body.range(of: #""assignment":{"id":"#) else { return nil }
        return Int(body[range.upperBound...].prefix { $0.isNumber })
    }

    func log(_ text: String) {
        FileHandle.standardError.write(Data("bench: \(text)\n".utf8))
    }
}

/// Figures gathered from every connection.
final class LoopResults: @unchecked Sendable {
    private let lock = NSLock()
    private var loops = 0, errors = 0, done = 0
    private var latencies: [Double] = []

    func add(loops: Int, errors: Int, latencies: [Double]) {
        lock.withLock {
            self.loops += loops
            self.errors += errors
            self.latencies += latencies
            done += 1
        }
    }

    func finished(count: Int) -> Bool { lock.withLock { done >= count } }

    func summary() -> (loops: Int, errors: Int, p50: Double, p99: Double) {
        lock.withLock {
            let sorted = latencies.sorted()
            func percentile(_ p: Double) -> Double {
                sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]
            }
            return (loops, errors, percentile(0.5), percentile(0.99))
        }
    }
}

/// `annolab serve` in its own process, so its memory is measured apart from the load.
struct BenchServer {
    let process = Process()
    let port: Int

    init(program: String, data: URL) throws {
        process.executableURL = URL(fileURLWithPath: program).resolvingSymlinksInPath()
        process.arguments = ["serve", "--data", data.path, "--port", "0", "--log-level", "warning"]
        var environment = ProcessInfo.processInfo.environment
        environment["LOG_LEVEL"] = "warning"
        process.environment = environment
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        var printed = ""
        let deadline = Date().addingTimeInterval(120)
        while Date() < deadline {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            printed += String(decoding: chunk, as: UTF8.self)
            if let range = printed.range(of: #"127\.0\.0\.1:\d+"#, options: .regularExpression),
               let port = Int(printed[range].split(separator: ":")[1]) {
                self.port = port
                return
            }
        }
        process.terminate()
        throw CommandFailure(description: "The benchmark server did not start: \(printed)")
    }

    /// The server's peak resident memory (VmHWM), in MB.
    func peakMemoryMB() -> Double {
        guard let status = try? String(contentsOfFile: "/proc/\(process.processIdentifier)/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
              let kb = Double(line.split(whereSeparator: { $0 == " " || $0 == "\t" })[1]) else { return 0 }
        return kb / 1024
    }

    func stop() {
        if process.isRunning {
            process.interrupt()
            process.waitUntilExit()
        }
    }
}
