// The text mode and its spoken prompts over real HTTP: espeak-ng, the cache, audio mode.
import AnnolabCore
import AnnolabServer
import AnnolabStore
import Foundation
import Testing

@Suite("Text mode over HTTP")
struct TextModeTests {
    /// The lab needs espeak-ng for spoken prompts; `.ci/setup --browser` installs it.
    static func requireSpeech(_ lab: RunningLab) throws {
        try #require(lab.server.speech.isAvailable, "espeak-ng is not installed: run bash .ci/setup --browser")
    }

    func fetch(_ lab: RunningLab, _ path: String, token: String?) async throws -> HTTPResult {
        try await lab.request("GET", path, token: token)
    }

    @Test("a spoken prompt is a real WAV with speech in it, rendered once and then served from the cache")
    func spokenPromptIsCached() async throws {
        let lab = try await RunningLab.start(demo: true)
        defer { Task { await lab.stop() } }
        try Self.requireSpeech(lab)
        let text = "Klopt deze ondertitel? Zeg ja of nee."
        let name = try #require(try await lab.server.speech.speak(text, language: "nl"))
        #expect(lab.server.speech.renders == 1)

        let anouk = try await lab.login(["badge": "OP-0001"])
        let served = try await fetch(lab, "/api/v1/speech/\(name)", token: anouk)
        #expect(served.status == 200)
        #expect(served.header("content-type") == "audio/wav")
        let sound = try WaveSound(served.body)
        #expect(sound.duration > 0.5, "speech lasts longer than half a second")
        #expect(sound.rootMeanSquare() > 0.01, "it is not silence")
        // Speech has loud and quiet stretches; silence and a steady tone do not.
        let tenth = sound.format.sampleRate / 10
        let levels: [Double] = (0..<(sound.frameCount / tenth)).map { index in
            sound.rootMeanSquare(frames: (index * tenth)..<((index + 1) * tenth))
        }
        let loudest = levels.max() ?? 0, quietest = max(levels.min() ?? 0, 0.0001)
        #expect(loudest > 4 * quietest, "the level varies like speech")

        let again = try #require(try await lab.server.speech.speak(text, language: "nl"))
        #expect(again == name)
        #expect(lab.server.speech.renders == 1, "the same text is not rendered twice")
        let english = try #require(try await lab.server.speech.speak(text, language: "en"))
        #expect(english != name, "another voice is another file")
        #expect(lab.server.speech.renders == 2)

        #expect(try await fetch(lab, "/api/v1/speech/\(name)", token: nil).status == 401)
        // Names that are not a cache file's are refused before any file is looked up.
        for name in ["%2e%2e%2fannolab.sqlite", "..%2F..%2Fannolab.sqlite", String(repeating: "A", count: 64) + ".wav",
                     name.uppercased(), name.dropLast(4) + ".WAV"] {
            let refused = try await fetch(lab, "/api/v1/speech/\(name)", token: anouk)
            #expect([400, 404].contains(refused.status), "\(name): \(refused.status)")
            #expect(refused.header("content-type") != "audio/wav")
        }
        #expect(try await fetch(lab, "/api/v1/speech/" + String(repeating: "0", count: 64) + ".wav", token: anouk).status == 404)
    }

    @Test("POST /api/v1/text starts a shift, reads a task by ear, and links its spoken version and its sound")
    func textRoute() async throws {
        let lab = try await RunningLab.start(demo: true)
        defer { Task { await lab.stop() } }
        try Self.requireSpeech(lab)
        let project = try #require(try await lab.store.projects(clientId: nil).first { $0.template == .audioTags })
        _ = try await lab.server.importer.importFiles([(name: "one.wav", data: TestMedia.wav(seconds: 3))],
                                                      into: project.id!, strict: true, actor: nil)
        let bram = try await lab.login(["badge": "OP-0002"])
        let hello = try await lab.request("POST", "/api/v1/text", json: ["input": ""], token: bram)
        #expect(hello.status == 200)
        #expect((hello.json["output"] as? String)?.contains("Zeg start") == true, "Dutch by the account's language")

        let started = try await lab.request("POST", "/api/v1/text", json: ["input": "start", "speech": true], token: bram)
        let lines = try #require(started.json["lines"] as? [String])
        #expect(lines.contains("Taak: Geluiden herkennen."))
        #expect(try await lab.request("GET", "/api/v1/shift", token: bram).json["phase"] as? String == "work")
        let audio = try #require(started.json["audio"] as? String)
        let spoken = try await fetch(lab, audio, token: bram)
        #expect(spoken.status == 200)
        #expect(try WaveSound(spoken.body).duration > 2, "the whole task is spoken")

        let played = try await lab.request("POST", "/api/v1/text", json: ["input": "speel"], token: bram)
        let clips = try #require(played.json["clips"] as? [String])
        #expect(played.json["play"] as? Bool == true)
        #expect(started.json["play"] as? Bool == false)
        #expect(clips.count == 1 && clips[0].hasPrefix("/media/\(project.id!)/"))
        #expect(try await fetch(lab, clips[0], token: bram).status == 200)

        let saved = try await lab.request("POST", "/api/v1/text", json: ["input": "1 en 2"], token: bram)
        #expect(saved.json["signal"] as? String == "saved")
        let stored = try await lab.store.answersInContext(operatorId: try #require(try await operatorId(lab, "OP-0002")))
        #expect(stored.contains { $0.answer.body.contains(#""tags":["music","speech"]"#) })

        let client = try await lab.login(["email": "client@demo.local", "password": "demo-client"])
        #expect(try await lab.request("POST", "/api/v1/text", json: ["input": "start"], token: client).status == 403)
        let tooLong = try await lab.request("POST", "/api/v1/text", json: ["input": String(repeating: "a", count: 3000)], token: bram)
        #expect(tooLong.status == 400)
    }

    func operatorId(_ lab: RunningLab, _ badge: String) async throws -> Int64? {
        try await lab.store.operators(ofCoach: 2).first { $0.badge == badge }?.id
    }

    @Test("audio mode gives an operator only the kinds that work by ear, in the visual client too")
    func audioModeKinds() async throws {
        let lab = try await RunningLab.start(demo: true)
        defer { Task { await lab.stop() } }
        for project in try await lab.store.projects(clientId: nil) {
            let files: [(name: String, data: Data)] = switch project.template {
            case .choice, .imageBoxes: [("a.png", try TestMedia.png(width: 64, height: 48)), ("b.png", try TestMedia.png(width: 80, height: 40))]
            case .audioTags: [("a.wav", TestMedia.wav(seconds: 3))]
            case .subtitleCheck: [("a.srt", TestMedia.srt(cues: 2)), ("a.wav", TestMedia.wav(seconds: 8))]
            case .imageBoxVerify, .thumbnailChoice, .frameBoxes: []
            }
            if !files.isEmpty { _ = try await lab.server.importer.importFiles(files, into: project.id!, strict: true, actor: nil) }
        }
        let coach = try await lab.login(["email": "coach@demo.local", "password": "demo-coach"])
        let id = try #require(try await operatorId(lab, "OP-0004"))
        #expect(try await lab.request("PUT", "/api/v1/coach/operators/\(id)/profile", json: ["audioMode": true], token: coach).status == 200)
        let daan = try await lab.login(["badge": "OP-0004"])
        _ = try await lab.request("POST", "/api/v1/shift/start", token: daan)
        var kinds: [String] = []
        for _ in 0..<3 {
            let next = try await lab.request("GET", "/api/v1/tasks/next", token: daan)
            guard next.status == 200, let task = next.json["task"] as? [String: Any],
                  let assignment = next.json["assignment"] as? [String: Any] else { break }
            kinds.append(task["kind"] as? String ?? "")
            _ = try await lab.request("POST", "/api/v1/assignments/\(assignment["id"]!)/skip", json: [:], token: daan)
        }
        #expect(kinds.count == 2, "one sound and one subtitle part, then nothing: \(kinds)")
        #expect(Set(kinds) == ["audio-tags", "subtitle-check"])
    }
}
