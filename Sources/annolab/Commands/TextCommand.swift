// `annolab text`: the voice-friendly text mode in a terminal, one line in, short lines out.
import ArgumentParser
import AnnolabCore
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

struct TextCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "text",
        abstract: "Work in text mode: read lines from standard input, print the lab's short replies.",
        discussion: """
            Works with screen readers, braille displays and scripted input. Say help for the words \
            you can use. Sounds (the programme part, a subtitle spoken) play through aplay or paplay \
            when one is installed.
            """
    )

    @Option(help: "The lab's address, e.g. http://127.0.0.1:8080")
    var server: String

    @Option(help: "Your badge code, e.g. OP-0001.")
    var badge: String

    @Flag(help: "Do not play sounds.")
    var noSound = false

    func run() async throws {
        guard let base = URL(string: server), base.scheme == "http" || base.scheme == "https", base.host != nil else {
            throw CommandFailure(description: "The server address '\(server)' is not a web address like http://127.0.0.1:8080.")
        }
        let client = TextClient(base: base)
        try await client.login(badge: badge)
        let player = noSound ? nil : SoundPlayer.find()
        try await client.exchange("", player: player)
        while let line = readLine(strippingNewline: true) {
            try await client.exchange(line, player: player)
        }
    }
}

/// Talks to `POST /api/v1/text` for one operator.
final class TextClient: @unchecked Sendable {
    let base: URL
    var token = ""
    let session: URLSession

    init(base: URL) {
        self.base = base
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = 60
        session = URLSession(configuration: configuration)
    }

    func call(_ path: String, body: [String: Any]) async throws -> [String: Any] {
        var request = URLRequest(url: base.appendingPathComponent(path))
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        if !token.isEmpty { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        request.httpBody = try JSONSerialization.data(withJSONObject: body)
        let data: Data, response: URLResponse
        do {
            (data, response) = try await session.data(for: request)
        } catch {
            throw CommandFailure(description: "The lab at \(base.absoluteString) can not be reached. Check the address and the network.")
        }
        let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        guard (200..<300).contains(status) else {
            let message = (object["error"] as? [String: Any])?["message"] as? String ?? "The lab answered with status \(status)."
            throw CommandFailure(description: message)
        }
        return object
    }

    func login(badge: String) async throws {
        let reply = try await call("api/v1/login", body: ["badge": badge])
        guard let token = reply["token"] as? String, reply["role"] as? String == "operator" else {
            throw CommandFailure(description: "This badge does not belong to an operator.")
        }
        self.token = token
    }

    /// Sends one line and prints the reply's lines, then an empty line; plays its sounds.
    func exchange(_ input: String, player: SoundPlayer?) async throws {
        let reply = try await call("api/v1/text", body: ["input": input, "speech": false])
        let lines = reply["lines"] as? [String] ?? []
        // Written at once and unbuffered, so a screen reader or a script sees each reply whole.
        FileHandle.standardOutput.write(Data((lines + ["", ""]).joined(separator: "\n").utf8))
        if let player, let clips = reply["clips"] as? [String], reply["play"] as? Bool == true {
            for clip in clips { await play(clip, with: player) }
        }
    }

    func play(_ path: String, with player: SoundPlayer) async {
        guard let url = URL(string: path, relativeTo: base) else { return }
        var request = URLRequest(url: url)
        request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        guard let (data, _) = try? await session.data(for: request) else { return }
        player.play(data)
    }
}

/// A sound player on this computer (aplay or paplay), if there is one.
struct SoundPlayer {
    let program: String

    static func find() -> SoundPlayer? {
        let paths = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map(String.init)
        for name in ["paplay", "aplay"] {
            if let found = paths.map({ $0 + "/" + name }).first(where: { FileManager.default.isExecutableFile(atPath: $0) }) {
                return SoundPlayer(program: found)
            }
        }
        return nil
    }

    func play(_ wav: Data) {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("annolab-\(UUID().uuidString).wav")
        defer { try? FileManager.default.removeItem(at: file) }
        guard (try? wav.write(to: file)) != nil else { return }
        let process = ChildProcess()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = [file.path]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return }
        process.waitUntilExit()
    }
}
