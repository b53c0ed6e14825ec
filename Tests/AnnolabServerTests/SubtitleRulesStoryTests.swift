// The real subtitle sample end to end: imported with its sound, checked by rule, judged by operators, exported with notes.
import AnnolabCore
import Foundation
import Testing

@Suite("Subtitle rules, a real recording end to end")
struct SubtitleRulesStoryTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let samples = repository.appendingPathComponent("Tasks/samples")

    @Test("a project's own rule settings are checked when it is made")
    func settingsAreChecked() async throws {
        let lab = try await RunningLab.start(demo: true)
        defer { Task { await lab.stop() } }
        let client = try await lab.login(["email": "client@demo.local", "password": "demo-client"])
        let wrong = try await lab.request("POST", "/api/v1/projects", json: [
            "name": "Bad limits", "template": "subtitle-check", "subtitleRules": ["maximumCharactersPerLine": 0],
        ], token: client)
        #expect(wrong.status == 422 && wrong.errorCode == "subtitle_rules_invalid", "\(wrong.text)")
        let pictures = try await lab.request("POST", "/api/v1/projects", json: [
            "name": "Pictures", "template": "image-boxes", "subtitleRules": ["maximumCharactersPerLine": 37],
        ], token: client)
        #expect(pictures.status == 422 && pictures.errorCode == "subtitle_rules_need_subtitles", "\(pictures.text)")
    }

    @Test("the LibriVox sonnet and its subtitles: rules at import, hints to operators, findings on the page, notes in the export")
    func realRecording() async throws {
        let srt = try Data(contentsOf: Self.samples.appendingPathComponent("librivox-sonnet-1.srt"))
        let wav = try Data(contentsOf: Self.samples.appendingPathComponent("librivox-sonnet-1.wav"))
        let lab = try await RunningLab.start(demo: true)
        defer { Task { await lab.stop() } }
        let client = try await lab.login(["email": "client@demo.local", "password": "demo-client"])
        // A broadcaster's narrower lines than the default.
        let created = try await lab.request("POST", "/api/v1/projects", json: [
            "name": "Sonnet 1", "template": "subtitle-check", "overlap": 3, "goldRate": 0,
            "subtitleRules": ["maximumCharactersPerLine": 30],
        ], token: client)
        let project = try #require(created.json["id"] as? Int, "\(created.text)")
        let upload = try await lab.request("POST", "/api/v1/projects/\(project)/items", body: TestMedia.multipart([
            ("librivox-sonnet-1.srt", srt), ("librivox-sonnet-1.wav", wav),
        ]), token: client, headers: ["Content-Type": "multipart/form-data; boundary=annolab-test-boundary"])
        #expect(upload.status == 201 && upload.json["imported"] as? Int == 1, "\(upload.text)")

        // What the page shows is what the rules find in the file with the project's settings.
        var settings = SubtitleRuleSettings()
        settings.maximumCharactersPerLine = 30
        let expected = SubtitleChecker(settings: settings).check(try SubtitleFile.parse(srt, fileName: "librivox-sonnet-1.srt"))
        #expect(expected.summary.cueCount == 15)
        #expect(!expected.findings.isEmpty, "the real file breaks some rule under these settings")
        let view = try await lab.request("GET", "/api/v1/projects/\(project)", token: client)
        let findings = try #require(view.json["subtitleFindings"] as? [String: Any], "\(view.text)")
        #expect(findings["cueCount"] as? Int == 15)
        #expect(findings["flaggedCueCount"] as? Int == expected.summary.flaggedCueCount)
        let rules = try #require(findings["rules"] as? [[String: Any]])
        for count in expected.summary.rules {
            #expect(rules.contains { $0["rule"] as? String == count.rule.rawValue && $0["cues"] as? Int == count.cues }, "\(count)")
        }
        #expect((view.json["subtitleRules"] as? [String: Any])?["maximumCharactersPerLine"] as? Int == 30)

        // Three operators judge every subtitle window they are served; the served cues carry their hints.
        let coach = try await lab.login(["email": "coach@demo.local", "password": "demo-coach"])
        var hintsSeen = 0
        for badge in ["OP-0001", "OP-0002", "OP-0003"] {
            let id = try #require(try await lab.store.user(badge: badge)?.id)
            _ = try await lab.request("PUT", "/api/v1/coach/operators/\(id)/profile", json: ["taskKinds": ["subtitle-check"]], token: coach)
            let token = try await lab.login(["badge": badge])
            _ = try await lab.request("POST", "/api/v1/shift/start", token: token)
            for _ in 0..<20 {
                let next = try await lab.request("GET", "/api/v1/tasks/next", token: token)
                guard next.status == 200, let task = next.json["task"] as? [String: Any],
                      let assignment = (next.json["assignment"] as? [String: Any])?["id"] as? Int,
                      let cues = (task["payload"] as? [String: Any])?["cues"] as? [[String: Any]] else { break }
                if task["projectId"] as? Int == project {
                    for cue in cues {
                        let index = try #require(cue["index"] as? Int)
                        let given = (cue["findings"] as? [[String: Any]] ?? []).compactMap { $0["rule"] as? String }
                        #expect(given == expected.findings(forCue: index).map(\.rule.rawValue), "cue \(index)")
                        hintsSeen += given.count
                    }
                }
                let verdicts = cues.map { cue -> [String: Any] in
                    let index = cue["index"] as? Int ?? 0
                    return index == 3 ? ["index": index, "verdict": "text-error", "correction": "Thereby beauty's rose might never die,"]
                        : ["index": index, "verdict": "correct"]
                }
                let answered = try await lab.request("POST", "/api/v1/assignments/\(assignment)/answer",
                                                     json: ["answer": ["cues": verdicts]], token: token)
                #expect(answered.status == 201, "\(answered.text)")
            }
        }
        #expect(hintsSeen == expected.findings.count * 3, "each operator was shown every finding once")

        // The WebVTT export: every cue, a NOTE with the verdict and a Rule line per finding.
        let export = try await lab.request("GET", "/api/v1/projects/\(project)/export?format=vtt", token: client)
        #expect(export.status == 200)
        let vtt = export.text
        #expect(try WebVTT.parse(Data(vtt.utf8)).count == 15)
        let notes = vtt.components(separatedBy: "\n\n").filter { $0.hasPrefix("NOTE") }
        #expect(notes.contains { $0.hasPrefix("NOTE cue 3: text-error") && $0.contains("Proposed correction: Thereby beauty's rose") })
        #expect(notes.count == Set(expected.findings.map(\.cue) + [3]).count, "one note per flagged cue")
        #expect(vtt.components(separatedBy: "\nRule ").count - 1 == expected.findings.count)
        // webvtt-py, a reader Annolab did not write, reads it with its notes.
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("sonnet-\(UUID().uuidString).vtt")
        try Data(vtt.utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let python = Self.repository.appendingPathComponent(".venv-browser/bin/python")
        try #require(FileManager.default.isExecutableFile(atPath: python.path), "run bash .ci/setup --browser first")
        let process = ChildProcess()
        process.executableURL = python
        process.arguments = [Self.repository.appendingPathComponent("Tests/Exports/validate.py").path, "vtt", file.path,
                             "--notes", "\(notes.count)", "--cues", "15"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        process.waitUntilExit()
        let said = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(process.terminationStatus == 0, "\(said)")
    }
}
