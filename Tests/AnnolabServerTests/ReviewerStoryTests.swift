// Reviewers over HTTP: split answers reach a reviewer, whose decision is the exported label.
import AnnolabCore
import AnnolabServer
import AnnolabStore
import Foundation
import Testing

@Suite("Reviewers decide where operators split")
struct ReviewerStoryTests {
    struct Lab {
        let lab: RunningLab
        let project: Project
        let tokens: [String]
        let ids: [Int64]
    }

    /// A lab with the ladder on, one project of `kind` with overlap 2, and four operators.
    static func start(kind: TaskKind, labels: [String], payloads: [MicrotaskPayload]) async throws -> Lab {
        let lab = try await RunningLab.start(demo: false)
        let store = lab.store
        try await lab.server.engine.setLadderEnabled(true, actor: nil)
        let client = try await store.createClient(name: "Newsroom")
        let clientId = try #require(client.id)
        var project = Project(clientId: clientId, name: "Split work", template: kind, labels: labels, overlap: 2,
                              adaptiveMin: nil, adaptiveMax: nil, goldRate: 0, deadline: nil, createdAt: Date())
        project = try await store.createProject(project, actor: nil)
        lab.server.engine.projectChanged(project)
        let projectId = try #require(project.id)
        let tasks = try await store.addItems(try payloads.enumerated().map { index, payload in
            (Item(projectId: projectId, fileName: "part-\(index).srt", mediaType: "application/x-subrip", mediaPath: "\(projectId)/\(index)",
                  byteCount: 10, meta: "{}", createdAt: Date()),
             [Microtask(projectId: projectId, itemId: nil, kind: kind,
                        payload: String(decoding: try JSONEncoder().encode(payload), as: UTF8.self), estimatedSeconds: 10, requiredAnswers: 2)])
        }, actor: nil)
        lab.server.engine.microtasksAdded(tasks)
        var tokens: [String] = [], ids: [Int64] = []
        for (index, name) in ["Ada", "Bas", "Cor", "Dewi"].enumerated() {
            let user = try await store.createUser(NewUser(role: .operator, name: name, badge: "RV-\(index)"))
            let userId = try #require(user.id)
            ids.append(userId)
            // Everyone did the work steps before; nobody is a reviewer yet.
            for step in ["subtitle-check", "image-box-verify", "image-boxes"] {
                try await lab.server.engine.openStep(operatorId: userId, step: step, actor: nil)
            }
            let token = try await lab.login(["badge": "RV-\(index)"])
            _ = try await lab.request("POST", "/api/v1/shift/start", token: token)
            tokens.append(token)
        }
        return Lab(lab: lab, project: project, tokens: tokens, ids: ids)
    }

    static func next(_ lab: RunningLab, _ token: String) async throws -> (id: Int, task: [String: Any])? {
        let next = try await lab.request("GET", "/api/v1/tasks/next", token: token)
        if next.status == 204 { return nil }
        let id = try #require((next.json["assignment"] as? [String: Any])?["id"] as? Int, "\(next.status) \(next.text)")
        return (id, try #require(next.json["task"] as? [String: Any]))
    }

    static func answer(_ lab: RunningLab, _ token: String, _ id: Int, _ body: [String: Any]) async throws {
        let sent = try await lab.request("POST", "/api/v1/assignments/\(id)/answer", json: ["answer": body], token: token)
        #expect(sent.status == 201, "\(sent.text)")
    }

    @Test("split subtitle verdicts reach a reviewer, never one who answered; the reviewer's verdict is the exported label")
    func splitSubtitleVerdicts() async throws {
        let cues: [MicrotaskPayload.Cue] = [.init(index: 1, start: 0, end: 2, text: "Good evening."),
                                             .init(index: 2, start: 2, end: 4, text: "The news at sex.")]
        let setup = try await Self.start(kind: .subtitleCheck, labels: [],
                                         payloads: [MicrotaskPayload(cues: cues, audio: .init(url: "/media/w.wav", start: 0, end: 4))])
        let lab = setup.lab
        defer { Task { await lab.stop() } }
        let (ada, bas, cor, dewi) = (setup.tokens[0], setup.tokens[1], setup.tokens[2], setup.tokens[3])
        try await lab.server.engine.openStep(operatorId: setup.ids[2], step: "reviewer", actor: nil)
        try await lab.server.engine.openStep(operatorId: setup.ids[0], step: "reviewer", actor: nil)
        let first = try #require(try await Self.next(lab, ada))
        try await Self.answer(lab, ada, first.id, ["cues": [["index": 1, "verdict": "correct"], ["index": 2, "verdict": "correct"]]])
        let second = try #require(try await Self.next(lab, bas))
        try await Self.answer(lab, bas, second.id, ["cues": [["index": 1, "verdict": "correct"],
                                                               ["index": 2, "verdict": "text-error", "correction": "The news at six."]]])
        // Dewi is no reviewer; Ada is one, but she answered the original: neither gets it.
        #expect(try await Self.next(lab, dewi) == nil)
        #expect(try await Self.next(lab, ada) == nil, "Ada answered the original: she does not decide it")
        let review = try #require(try await Self.next(lab, cor))
        let inPayload = (review.task["payload"] as? [String: Any])?["review"] as? [String: Any]
        let shown = try #require(inPayload ?? review.task["review"] as? [String: Any], "the reviewer sees the split answers: \(review.task)")
        #expect((shown["answers"] as? [Any])?.count == 2)
        #expect(!"\(review.task)".contains("Ada") && !"\(review.task)".contains("Bas"), "no names in what the reviewer sees")
        try await Self.answer(lab, cor, review.id, ["cues": [["index": 1, "verdict": "correct"],
                                                              ["index": 2, "verdict": "text-error", "correction": "The news at six."]]])
        #expect(try await Self.next(lab, dewi) == nil)

        let csv = String(decoding: try await ExportService(store: lab.store).export(project: setup.project, format: "csv").collect(), as: UTF8.self)
        let rows = csv.split(separator: "\r\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        let header = try #require(rows.first)
        let decided = try #require(header.firstIndex(of: "decided_by"), "the export says who decided: \(header)")
        let verdict = try #require(header.firstIndex(of: "verdict"))
        let cue2 = try #require(rows.first { $0.count > decided && $0[1] == "2" }, "\(csv)")
        #expect(cue2[verdict] == "text-error")
        #expect(cue2[decided] == "reviewer")
        let raw = String(decoding: try await ExportService(store: lab.store).export(project: setup.project, format: "jsonl").collect(), as: UTF8.self)
        #expect(raw.split(separator: "\n").filter { $0.contains("\"decides\"") }.count == 1, "\(raw)")
    }

    @Test("a split choice goes to a reviewer; the reviewer's choice is the label, even against the operators' model")
    func splitChoice() async throws {
        let setup = try await Self.start(kind: .choice, labels: ["cat", "dog"],
                                         payloads: [MicrotaskPayload(options: ["cat", "dog"]), MicrotaskPayload(options: ["cat", "dog"])])
        let lab = setup.lab
        defer { Task { await lab.stop() } }
        let (ada, bas, cor) = (setup.tokens[0], setup.tokens[1], setup.tokens[2])
        try await lab.server.engine.openStep(operatorId: setup.ids[2], step: "reviewer", actor: nil)
        // The first picture: both say cat (settled); the second: cat and dog (split).
        let projectId = try #require(setup.project.id)
        let firstId = try #require(try await lab.store.microtasks(projectId: projectId).first?.id)
        for (token, second) in [(ada, "cat"), (bas, "dog")] {
            for _ in 0..<2 {
                let task = try #require(try await Self.next(lab, token))
                let isFirst = (task.task["id"] as? Int) == Int(firstId)
                try await Self.answer(lab, token, task.id, ["choice": isFirst ? "cat" : second])
            }
        }
        let review = try #require(try await Self.next(lab, cor))
        try await Self.answer(lab, cor, review.id, ["choice": "dog"])
        #expect(try await Self.next(lab, cor) == nil, "one review only: the settled picture needs none")
        let csv = String(decoding: try await ExportService(store: lab.store).export(project: setup.project, format: "csv").collect(), as: UTF8.self)
        let lines = csv.split(separator: "\r\n").map(String.init)
        #expect(lines.first == "file,label,confidence,answers,decided_by", "\(csv)")
        #expect(lines.dropFirst().filter { $0.hasSuffix(",reviewer") }.count == 1, "\(csv)")
        #expect(lines.contains { $0.contains(",dog,1.0000,1,reviewer") }, "\(csv)")
        #expect(lines.contains { $0.contains(",cat,") && $0.hasSuffix(",operators") }, "\(csv)")
    }

    @Test("without any reviewer in the lab, split answers make no reviewer's microtask: the operators' consensus stays the label")
    func noReviewerNoReview() async throws {
        let setup = try await Self.start(kind: .choice, labels: ["cat", "dog"], payloads: [MicrotaskPayload(options: ["cat", "dog"])])
        let lab = setup.lab
        defer { Task { await lab.stop() } }
        for (token, choice) in [(setup.tokens[0], "cat"), (setup.tokens[1], "dog")] {
            let task = try #require(try await Self.next(lab, token))
            try await Self.answer(lab, token, task.id, ["choice": choice])
        }
        let projectId = try #require(setup.project.id)
        #expect(try await lab.store.microtasks(projectId: projectId).count == 1)
        let progress = try await lab.store.progress(projectId: projectId)
        #expect(progress.completed == progress.microtasks, "the project is done: nothing waits for a reviewer")
    }
}
