// One ffmpeg or ffprobe child: started without a shell, limited in time and memory, always awaited.
import AnnolabCore
import Foundation
import Subprocess

/// What a finished child left: its exit, what it wrote, and the end of what it complained about.
struct ChildOutput: Sendable {
    var succeeded: Bool
    var timedOut: Bool
    /// Standard output, up to the limit the caller gave.
    var output: [UInt8]
    /// The last lines of standard error (ffmpeg writes one line per problem with `-v error`).
    var errorLines: [String]

    /// The last complaint, when it is plain enough to show to a client: short, printable ASCII,
    /// without ffmpeg's `[h264 @ 0x55d0c]` prefix and without a path (which would show the lab's folders).
    var lastErrorLine: String? {
        guard var line = errorLines.last?.trimmingCharacters(in: .whitespaces) else { return nil }
        if line.hasPrefix("["), let close = line.firstIndex(of: "]") {
            line = line[line.index(after: close)...].trimmingCharacters(in: .whitespaces)
        }
        let printable = line.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value < 0x7F }
        guard !line.isEmpty, line.count <= 160, printable, !line.contains("/") else { return nil }
        return line
    }
}

extension FFmpeg {
    /// Runs `program` (ffmpeg or ffprobe) with `arguments` and waits for it to end.
    ///
    /// The child is `setpriv --pdeathsig KILL -- prlimit --as=BYTES -- program ...`: both wrappers
    /// exec, so the child keeps one process id, is killed when the server dies, and cannot map more
    /// memory than ``MediaLimits/memoryBytes``. When `seconds` pass the child is killed; when the
    /// calling task is cancelled Subprocess kills it. Either way it is awaited before this returns,
    /// so no ffmpeg outlives the call.
    ///
    /// - Parameters:
    ///   - outputLimit: the most bytes of standard output kept (more is read and dropped).
    ///   - onLine: called with each line of standard output (for `-progress pipe:1`).
    func runChild(_ program: String, _ arguments: [String], seconds: Double, outputLimit: Int = 1 << 20,
                  onLine: (@Sendable (String) -> Void)? = nil) async throws -> ChildOutput {
        let wrapped = ["--pdeathsig", "KILL", "--", "/usr/bin/prlimit", "--as=\(limits.memoryBytes)", "--", program] + arguments
        var options = PlatformOptions()
        // A group of its own, so a signal meant for the server's group never reaches it, and the final
        // kill of a cancelled run reaches anything it started.
        options.processGroupID = 0
        options.teardownSequence = [.send(signal: .kill, toProcessGroup: true, allowedDurationToNextStep: .milliseconds(200))]
        let budget = max(seconds, 0.1)
        let result = try await Subprocess.run(
            .path("/usr/bin/setpriv"), arguments: Arguments(wrapped), platformOptions: options,
            input: .none, output: .sequence, error: .sequence
        ) { execution in
            try await withThrowingTaskGroup(of: ChildPart.self) { group in
                group.addTask {
                    var kept: [UInt8] = []
                    var pending: [UInt8] = []
                    for try await buffer in execution.standardOutput {
                        buffer.withUnsafeBytes { bytes in
                            if kept.count < outputLimit { kept += bytes.prefix(outputLimit - kept.count) }
                            if let onLine {
                                pending += bytes
                                while let end = pending.firstIndex(of: 10) {
                                    onLine(String(decoding: pending[..<end], as: UTF8.self))
                                    pending.removeSubrange(...end)
                                }
                            }
                        }
                    }
                    return .output(kept)
                }
                group.addTask {
                    var lines: [String] = []
                    var pending: [UInt8] = []
                    for try await buffer in execution.standardError {
                        buffer.withUnsafeBytes { bytes in
                            pending += bytes
                            while let end = pending.firstIndex(of: 10) {
                                lines.append(String(decoding: pending[..<end], as: UTF8.self))
                                pending.removeSubrange(...end)
                            }
                            if lines.count > 20 { lines.removeFirst(lines.count - 20) }
                            if pending.count > 4096 { pending.removeFirst(pending.count - 4096) }
                        }
                    }
                    if !pending.isEmpty { lines.append(String(decoding: pending, as: UTF8.self)) }
                    return .errors(lines)
                }
                group.addTask {
                    // Killing the child ends both readers at once, so the group never waits on a pipe.
                    try await Task.sleep(for: .seconds(budget))
                    try? execution.send(signal: .kill, toProcessGroup: false)
                    return .timedOut
                }
                var output: [UInt8] = [], errors: [String] = [], timedOut = false, readersDone = 0
                while readersDone < 2, let part = try await group.next() {
                    switch part {
                    case .output(let bytes): output = bytes; readersDone += 1
                    case .errors(let lines): errors = lines; readersDone += 1
                    case .timedOut: timedOut = true
                    }
                }
                group.cancelAll()
                // A timer that fired while the readers were ending still counts.
                while let part = try? await group.next() { if case .timedOut = part { timedOut = true } }
                return ChildOutput(succeeded: false, timedOut: timedOut, output: output, errorLines: errors)
            }
        }
        var child = result.closureResult
        child.succeeded = result.terminationStatus.isSuccess && !child.timedOut
        return child
    }

    /// The standard start of every ffmpeg argument list: never read the terminal, say only errors.
    /// (ffprobe never reads the terminal and has no `-nostdin`.)
    static let quiet = ["-nostdin", "-hide_banner", "-v", "error"]

    /// An input or output path as ffmpeg must see it: `file:` first, so a name that starts with `-`
    /// or holds a `:` is never taken for an option or a protocol.
    static func fileArgument(_ url: URL) -> String { "file:" + url.path }

    /// The error for a preparation run that failed (not a refusal of the file): the programme was
    /// accepted, so the fault is the lab's, and ffmpeg's own words are kept for the log.
    static func preparationFailed(_ what: String, _ child: ChildOutput) -> LabError {
        if child.timedOut {
            return LabError(.internalFailure, "media_preparation_failed", "Making \(what) took longer than the lab allows.")
        }
        let detail = child.lastErrorLine.map { " (ffmpeg: \($0))" } ?? ""
        return LabError(.internalFailure, "media_preparation_failed", "Making \(what) failed.\(detail)")
    }
}

/// One finished part of a child's run.
private enum ChildPart: Sendable {
    case output([UInt8])
    case errors([String])
    case timedOut
}
