// `annolab serve` started by the bench as its own process: its start time, memory and CPU.
import AnnolabCore
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `annolab serve` in its own process, so its memory and CPU time are measured apart from the load.
final class BenchServer: @unchecked Sendable {
    /// A server that did not start, and why, in its own words when it said any.
    struct NotStarted: Error, CustomStringConvertible {
        let reason: String
        var description: String { "The benchmark server did not start: \(reason)" }
    }

    let process = ChildProcess()
    let port: Int
    /// Seconds from launching the process until `/healthz` answered 200.
    let startSeconds: Double

    init(program: String, data: URL, extra: [String] = []) throws {
        process.executableURL = URL(fileURLWithPath: program).resolvingSymlinksInPath()
        process.arguments = ["serve", "--data", data.path, "--port", "0", "--log-level", "warning"] + extra
        var environment = ProcessInfo.processInfo.environment
        environment["LOG_LEVEL"] = "warning"
        process.environment = environment
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        // Kept, so that a server that refuses to start can say why (e.g. the database is in use).
        process.standardError = err
        let launched = monotonicNanoseconds()
        try process.run()
        var printed = ""
        var found: Int?
        while found == nil {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            printed += String(decoding: chunk, as: UTF8.self)
            if let range = printed.range(of: #"127\.0\.0\.1:\d+"#, options: .regularExpression) {
                found = Int(printed[range].split(separator: ":")[1])
            }
        }
        guard let port = found else {
            throw NotStarted(reason: Self.ended(process, err, printed))
        }
        self.port = port
        // Whatever the server prints later must not fill the pipes and stall it.
        for reading in [out.fileHandleForReading, err.fileHandleForReading] {
            Thread.detachNewThread { while !reading.availableData.isEmpty {} }
        }
        let health = HTTPConnection(port: port)
        defer { health.close() }
        let deadline = launched + 600_000_000_000
        while true {
            if let reply = try? health.send("GET", "/healthz"), reply.status == 200 { break }
            guard monotonicNanoseconds() < deadline, process.isRunning else {
                process.terminate()
                process.waitUntilExit()
                throw CommandFailure(description: "The benchmark server on port \(port) never said it was healthy.")
            }
            health.reconnect()
            usleep(5_000)
        }
        startSeconds = Double(monotonicNanoseconds() - launched) / 1e9
    }

    /// Stops a server that did not start, and gives its refusal (the last "Error:" line it wrote to its
    /// standard error), or else the last lines it wrote or printed, or that it said nothing.
    private static func ended(_ process: ChildProcess, _ err: Pipe, _ printed: String) -> String {
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        let said = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let lines = (said + printed).split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        if let refusal = lines.last(where: { $0.hasPrefix("Error: ") }) { return String(refusal.dropFirst("Error: ".count)) }
        let words = lines.suffix(3).joined(separator: " ")
        return words.isEmpty ? "it exited (status \(process.terminationStatus)) saying nothing." : words
    }

    /// The server's resident memory now (VmRSS), in MB.
    var residentMB: Double { status("VmRSS:") }

    /// The server's peak resident memory (VmHWM) since it started or since ``resetPeak()``, in MB.
    var peakMB: Double { status("VmHWM:") }

    /// Starts the peak (VmHWM) again from the memory in use now, so that the peak read after a
    /// run is the peak under load and not the start's. False when the kernel does not allow it.
    func resetPeak() -> Bool {
        guard let handle = FileHandle(forWritingAtPath: "/proc/\(process.processIdentifier)/clear_refs") else { return false }
        defer { try? handle.close() }
        return (try? handle.write(contentsOf: Data("5".utf8))) != nil
    }

    /// CPU seconds (user and system) the server has used so far, from /proc/PID/stat.
    func cpuSeconds() -> Double {
        guard let stat = try? String(contentsOfFile: "/proc/\(process.processIdentifier)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return 0 }
        // After the name in parentheses: state (field 3) ... utime (14), stime (15).
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return 0 }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    private func status(_ key: String) -> Double {
        guard let status = try? String(contentsOfFile: "/proc/\(process.processIdentifier)/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix(key) }),
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
