// Spoken prompts: espeak-ng renders a text once to a WAV file, which is then served from the cache.
import AnnolabCore
import Crypto
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// Renders text to speech with espeak-ng (Dutch voice for Dutch, English for English) and keeps
/// each rendering in `<data>/speech/`, named by a hash of its language and text. Without
/// espeak-ng nothing is rendered and pages fall back to the browser's speech or the screen reader.
///
/// ```swift
/// let speech = SpeechService(folder: store.folder.appendingPathComponent("speech"))
/// if let name = try await speech.speak("Klopt deze ondertitel?", language: "nl") { print("/api/v1/speech/\(name)") }
/// ```
public final class SpeechService: Sendable {
    public let folder: URL
    /// The espeak-ng program, or nil when it is not installed.
    public let program: String?
    /// How many texts were rendered (not served from the cache) since the server started.
    public var renders: Int { renderCount.load(ordering: .relaxed) }
    private let renderCount = Atomic<Int>(0)
    private let inFlight = Mutex<[String: Task<Void, any Error>]>([:])
    /// The longest text rendered at once; a reply is short lines, so this is generous.
    public static let longestText = 4000

    public init(folder: URL, program: String? = SpeechService.findProgram()) {
        self.folder = folder
        self.program = program
    }

    public var isAvailable: Bool { program != nil }

    /// espeak-ng on the PATH (or in /usr/bin), if there.
    public static func findProgram() -> String? {
        let paths = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map(String.init) + ["/usr/bin"]
        return paths.map { $0 + "/espeak-ng" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// The cache file's name for a text in a language.
    public static func fileName(text: String, language: String) -> String {
        let digest = SHA256.hash(data: Data("\(language)\n\(text)".utf8))
        return FastText.hex(digest) + ".wav"
    }

    /// The cached file for a name made by ``fileName(text:language:)``, if it is there.
    public func cachedFile(named name: String) -> URL? {
        guard name.count == 68, name.hasSuffix(".wav"),
              name.dropLast(4).allSatisfy({ $0.isHexDigit && !$0.isUppercase }) else { return nil }
        let url = folder.appendingPathComponent(name)
        return FileManager.default.fileExists(atPath: url.path) ? url : nil
    }

    /// Renders the text (once; later calls find the file) and returns the file's name, or nil
    /// when espeak-ng is not installed or the text is empty.
    public func speak(_ text: String, language: String) async throws -> String? {
        guard let program else { return nil }
        let text = String(text.trimmingCharacters(in: .whitespacesAndNewlines).prefix(Self.longestText))
        guard !text.isEmpty else { return nil }
        let language = language == "nl" ? "nl" : "en"
        let name = Self.fileName(text: text, language: language)
        if cachedFile(named: name) != nil { return name }
        // One rendering per text, however many ask for it at the same moment.
        let task = inFlight.withLock { running -> Task<Void, any Error> in
            if let existing = running[name] { return existing }
            let task = Task { try await self.render(text, language: language, to: name, program: program) }
            running[name] = task
            return task
        }
        defer { _ = inFlight.withLock { $0.removeValue(forKey: name) } }
        try await task.value
        return name
    }

    private func render(_ text: String, language: String, to name: String, program: String) async throws {
        if cachedFile(named: name) != nil { return }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let partial = folder.appendingPathComponent(".\(UUID().uuidString).wav")
        let process = ChildProcess()
        process.executableURL = URL(fileURLWithPath: program)
        // The text goes in on standard input, so nothing in it can be taken for an option.
        process.arguments = ["-v", language, "-s", "150", "-w", partial.path, "--stdin"]
        let input = Pipe()
        process.standardInput = input
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do {
                try process.run()
                input.fileHandleForWriting.write(Data(text.utf8))
                try? input.fileHandleForWriting.close()
            } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: error)
            }
        }
        guard status == 0 else {
            try? FileManager.default.removeItem(at: partial)
            throw LabError(.internalFailure, "speech_failed", "The spoken version of this text could not be made.")
        }
        // Moved into place whole, so a half-written file is never served.
        guard rename(partial.path, folder.appendingPathComponent(name).path) == 0 else {
            try? FileManager.default.removeItem(at: partial)
            throw LabError(.internalFailure, "speech_failed", "The spoken version of this text could not be stored.")
        }
        renderCount.add(1, ordering: .relaxed)
    }
}
