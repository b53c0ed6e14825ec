// The skill ladder over HTTP: practice opens a step, a coach opens one by hand, nothing closes one.
import AnnolabCore
import AnnolabServer
import AnnolabStore
import Foundation
import Testing

@Suite("The skill ladder opens work")
struct SkillLadderStoryTests {
    /// A subtitle-check project of `count` one-cue windows, the first `gold` of them practice questions.
    static func subtitleProject(_ lab: RunningLab, client: String, name: String, count: Int, gold: Int) async throws -> (Int, [Int64]) {
        let created = try await lab.request("POST", "/api/v1/projects",
            json: ["name": name, "template": "subtitle-check", "overlap": 1, "goldRate": 0.5], token: client)
        let projectId = try #require(created.json["id"] as? Int, "\(created.text)")
        let payload = MicrotaskPayload(cues: [.init(index: 1, start: 0, end: 2, text: "Good evening.")],
                                       audio: .init(url: "/media/none.wav", start: 0, end: 2))
        let json = String(decoding: try JSONEncoder().encode(payload), as: UTF8.self)
        let tasks = try await lab.store.addMicrotasks((0..<count).map { _ in
            Microtask(projectId: Int64(projectId), itemId: nil, kind: .subtitleCheck, payload: json, estimatedSeconds: 20, requiredAnswers: 1)
        })
        lab.server.engine.microtasksAdded(tasks)
        if gold > 0 {
            let answers = tasks.prefix(gold).map { task -> [String: Any] in
                ["microtask": task.id ?? 0, "answer": ["cues": [["index": 1, "verdict": "correct"]]]]
            }
            let set = try await lab.request("POST", "/api/v1/projects/\(projectId)/gold", json: ["answers": answers], token: client)
            #expect(set.status == 200, "\(set.text)")
        }
        return (projectId, tasks.compactMap(\.id))
    }

    static func newOperator(_ lab: RunningLab, admin: String, name: String) async throws -> (id: Int, token: String) {
        let users = try await lab.request("GET", "/api/v1/admin/users", token: admin)
        let coach = try #require((users.json["users"] as? [[String: Any]])?.first { $0["role"] as? String == "coach" }?["id"] as? Int)
        let added = try await lab.request("POST", "/api/v1/admin/users",
                                          json: ["role": "operator", "name": name, "coach": coach, "birthdate": "1995-02-03"], token: admin)
        let id = try #require(added.json["id"] as? Int, "\(added.text)")
        let badge = try #require(added.json["badge"] as? String)
        return (id, try await lab.login(["badge": badge]))
    }

    /// Answers whatever `next` serves until there is nothing: the kinds served, in order.
    static func work(_ lab: RunningLab, token: String, verdict: (Int) -> String) async throws -> [(kind: String, gold: Bool)] {
        var served: [(kind: String, gold: Bool)] = []
        while served.count < 100 {
            let next = try await lab.request("GET", "/api/v1/tasks/next", token: token)
            if next.status == 204 { break }
            #expect(next.status == 200, "\(next.text)")
            let id = try #require((next.json["assignment"] as? [String: Any])?["id"] as? Int)
            let kind = try #require((next.json["task"] as? [String: Any])?["kind"] as? String)
            let answer = try await lab.request("POST", "/api/v1/assignments/\(id)/answer",
                                               json: ["answer": ["cues": [["index": 1, "verdict": verdict(served.count)]]]], token: token)
            #expect(answer.status == 201, "\(answer.text)")
            served.append((kind, answer.json["feedback"] != nil))
        }
        return served
    }

    @Test("practice questions open the next step; then next serves its work and the record shows the skill with its date")
    func practiceOpensAStep() async throws {
        let lab = try await RunningLab.start(demo: true)
        defer { Task { await lab.stop() } }
        let admin = try await lab.login(["email": "admin@demo.local", "password": "demo-admin"])
        let client = try await lab.login(["email": "client@demo.local", "password": "demo-client"])
        #expect(try await lab.request("GET", "/api/v1/admin/ladder", token: admin).json["enabled"] as? Bool == true)
        // Eight practice questions, as Tasks/skill-ladder.json asks for subtitle-check, among twenty windows.
        let (_, tasks) = try await Self.subtitleProject(lab, client: client, name: "Practice news", count: 20, gold: 8)
        let gijs = try await Self.newOperator(lab, admin: admin, name: "Gijs Nieuw")
        let before = try await lab.request("GET", "/api/v1/me/ladder", token: gijs.token)
        #expect((before.json["next"] as? [String: Any])?["id"] as? String == "subtitle-check")
        #expect((before.json["next"] as? [String: Any])?["practiceNeeded"] as? Int == 8)
        _ = try await lab.request("POST", "/api/v1/shift/start", token: gijs.token)

        // Three wrong answers first: the step stays closed, and only practice questions come.
        let first = try await Self.work(lab, token: gijs.token) { $0 < 3 ? "text-error" : "correct" }
        #expect(first.count == 8, "the eight practice questions, and no other subtitle work: \(first)")
        #expect(first.allSatisfy { $0.kind == "subtitle-check" && $0.gold })
        let between = try await lab.request("GET", "/api/v1/me/ladder", token: gijs.token)
        let progress = try #require(between.json["next"] as? [String: Any])
        #expect(progress["id"] as? String == "subtitle-check", "5 of 8 right is below the 75% asked")
        #expect(progress["practiceDone"] as? Int == 8)
        #expect(progress["accuracy"] as? Double == 0.625)
        #expect(try await lab.store.skills(operatorId: Int64(gijs.id)).isEmpty)

        // More practice: the coach's client adds practice questions; the most recent eight count.
        let (_, more) = try await Self.subtitleProject(lab, client: client, name: "More practice", count: 4, gold: 4)
        let second = try await Self.work(lab, token: gijs.token) { _ in "correct" }
        let recordNow = try await lab.request("GET", "/api/v1/me/record", token: gijs.token)
        let skills = try #require(recordNow.json["skills"] as? [[String: Any]])
        let opened = try #require(skills.first { $0["step"] as? String == "subtitle-check" }, "\(recordNow.text)")
        #expect(opened["via"] as? String == "practice")
        #expect(opened["reachedOn"] as? String == RecordDay.today())
        // Once open, the rest of the project's windows are served as work, not only practice.
        #expect(second.contains { !$0.gold }, "after the step opened, next served subtitle work: \(second)")
        let answered = try await lab.store.answers(projectId: try #require(try await lab.store.microtask(id: tasks[0])?.projectId))
        #expect(answered.filter { $0.operatorId == Int64(gijs.id) }.count > 8)
        _ = more
        let ladder = try await lab.request("GET", "/api/v1/me/ladder", token: gijs.token)
        #expect((ladder.json["next"] as? [String: Any])?["id"] as? String == "image-box-verify")
    }

    @Test("a coach opens a step by hand; nothing closes it again, not even failed practice")
    func coachOpensAStep() async throws {
        let lab = try await RunningLab.start(demo: true)
        defer { Task { await lab.stop() } }
        let admin = try await lab.login(["email": "admin@demo.local", "password": "demo-admin"])
        let client = try await lab.login(["email": "client@demo.local", "password": "demo-client"])
        let coach = try await lab.login(["email": "coach@demo.local", "password": "demo-coach"])
        _ = try await Self.subtitleProject(lab, client: client, name: "Tonight's news", count: 6, gold: 0)
        let noor = try await Self.newOperator(lab, admin: admin, name: "Noor Nieuw")
        _ = try await lab.request("POST", "/api/v1/shift/start", token: noor.token)
        // No practice questions and the step closed: nothing of the kind is served.
        let closed = try await lab.request("GET", "/api/v1/tasks/next", token: noor.token)
        #expect(closed.status == 204 || ((closed.json["task"] as? [String: Any])?["kind"] as? String) != "subtitle-check")
        if closed.status == 200, let id = (closed.json["assignment"] as? [String: Any])?["id"] as? Int {
            _ = try await lab.request("POST", "/api/v1/assignments/\(id)/release", token: noor.token)
        }
        let open = try await lab.request("POST", "/api/v1/coach/operators/\(noor.id)/skills", json: ["step": "subtitle-check"], token: coach)
        #expect(open.status == 200, "\(open.text)")
        let steps = try #require(open.json["steps"] as? [[String: Any]])
        #expect(steps.first { $0["id"] as? String == "subtitle-check" }?["via"] as? String == "coach")
        let served = try await Self.work(lab, token: noor.token) { _ in "timing-error" }
        #expect(served.filter { $0.kind == "subtitle-check" }.count == 6, "the coach's step opened the work: \(served)")
        // Another coach's operator cannot be opened; an unknown step is refused in words.
        let unknown = try await lab.request("POST", "/api/v1/coach/operators/\(noor.id)/skills", json: ["step": "juggling"], token: coach)
        #expect(unknown.status == 422)
        let notMine = try await lab.request("POST", "/api/v1/coach/operators/999999/skills", json: ["step": "subtitle-check"], token: coach)
        #expect(notMine.status == 404)
        let operatorTries = try await lab.request("POST", "/api/v1/coach/operators/\(noor.id)/skills", json: ["step": "image-boxes"], token: noor.token)
        #expect(operatorTries.status == 403)
        // Wrong practice answers afterwards, a restart of the lab's engine cache, turning the ladder
        // off and on: the step stays open.
        let (_, _) = try await Self.subtitleProject(lab, client: client, name: "Practice after", count: 8, gold: 8)
        _ = try await Self.work(lab, token: noor.token) { _ in "missing-speech" }
        _ = try await lab.request("PUT", "/api/v1/admin/ladder", json: ["enabled": false], token: admin)
        _ = try await lab.request("PUT", "/api/v1/admin/ladder", json: ["enabled": true], token: admin)
        let skills = try await lab.store.skills(operatorId: Int64(noor.id))
        #expect(skills.map(\.step) == ["subtitle-check"])
        let ladder = try await lab.request("GET", "/api/v1/me/ladder", token: noor.token)
        #expect((ladder.json["steps"] as? [[String: Any]])?.first { $0["id"] as? String == "subtitle-check" }?["reachedAt"] != nil)
    }

    @Test("turning the ladder on keeps everyone's work: the kinds an operator did stay open")
    func turningOnKeepsWork() async throws {
        let lab = try await RunningLab.start(demo: false)
        defer { Task { await lab.stop() } }
        let engine = lab.server.engine
        #expect(!engine.ladderEnabled, "a lab made before the ladder keeps serving every kind until its admin turns it on")
        let store = lab.store
        let operatorId = try #require(try await store.createUser(NewUser(role: .operator, name: "Esther")).id)
        let client = try await store.createClient(name: "Newsroom")
        var project = Project(clientId: try #require(client.id), name: "News", template: .subtitleCheck, labels: [], overlap: 1,
                              adaptiveMin: nil, adaptiveMax: nil, goldRate: 0, deadline: nil, createdAt: Date())
        project = try await store.createProject(project, actor: nil)
        let payload = String(decoding: try JSONEncoder().encode(MicrotaskPayload(cues: [.init(index: 1, start: 0, end: 1, text: "Hi")],
                                                                                  audio: .init(url: "/media/a.wav", start: 0, end: 1))), as: UTF8.self)
        let tasks = try await store.addMicrotasks([Microtask(projectId: try #require(project.id), itemId: nil, kind: .subtitleCheck,
                                                             payload: payload, estimatedSeconds: 10, requiredAnswers: 1)])
        let taskId = try #require(tasks.first?.id)
        let lease = try await store.lease(microtaskId: taskId, operatorId: operatorId, at: Date(), until: Date().addingTimeInterval(60), withTask: false)
        _ = try await store.recordAnswer(AnswerRecord(assignmentId: try #require(lease.assignment.id), microtaskId: taskId, operatorId: operatorId,
                                                      body: #"{"cues":[{"index":1,"verdict":"correct"}]}"#, idempotencyKey: nil,
                                                      secondsSpent: 5, createdAt: Date(), response: "{}", isGold: false, goldCorrect: nil),
                                         required: 1, complete: true)
        try await engine.setLadderEnabled(true, actor: nil)
        #expect(engine.ladderEnabled)
        let skills = try await store.skills(operatorId: operatorId)
        #expect(skills.map(\.step) == ["subtitle-check"])
        #expect(skills.first?.via == "earlier")
    }
}

/// Today's date in the lab's time zone, as the record writes it.
enum RecordDay {
    static func today() -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Europe/Amsterdam") ?? .gmt
        let parts = calendar.dateComponents([.year, .month, .day], from: Date())
        return String(format: "%04d-%02d-%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0)
    }
}

@Suite("The skill ladder in text mode")
struct SkillLadderTextTests {
    @Test("saying leren or learn tells what the operator can do, what is next and how far they are, in their language")
    func learnInTextMode() async throws {
        let lab = try await RunningLab.start(demo: true)
        defer { Task { await lab.stop() } }
        let admin = try await lab.login(["email": "admin@demo.local", "password": "demo-admin"])
        let client = try await lab.login(["email": "client@demo.local", "password": "demo-client"])
        _ = try await SkillLadderStoryTests.subtitleProject(lab, client: client, name: "Practice news", count: 4, gold: 4)
        let gijs = try await SkillLadderStoryTests.newOperator(lab, admin: admin, name: "Gijs Nieuw")
        let dutch = try await lab.request("POST", "/api/v1/text", json: ["input": "leren"], token: gijs.token)
        let said = try #require(dutch.json["output"] as? String, "\(dutch.text)")
        #expect(said.contains("Je kunt: Geluiden benoemen."), "\(said)")
        #expect(said.contains("Wat je nu kunt leren: Ondertitels controleren."), "\(said)")
        #expect(said.contains("Oefenvragen gedaan: 0 van de 8."), "\(said)")
        // Three practice questions answered in text mode... by HTTP here, then asked in English.
        _ = try await lab.request("POST", "/api/v1/shift/start", token: gijs.token)
        let served = try await SkillLadderStoryTests.work(lab, token: gijs.token) { $0 == 0 ? "text-error" : "correct" }
        #expect(served.count == 4)
        _ = try await lab.request("POST", "/api/v1/text", json: ["input": "english"], token: gijs.token)
        let english = try await lab.request("POST", "/api/v1/text", json: ["input": "learn"], token: gijs.token)
        let text = try #require(english.json["output"] as? String)
        #expect(text.contains("Next to learn: Checking subtitles."), "\(text)")
        #expect(text.contains("Practice questions done: 4 of 8."), "\(text)")
        #expect(text.contains("75 percent right; 75 percent opens the step."), "\(text)")
        let help = try await lab.request("POST", "/api/v1/text", json: ["input": "help"], token: gijs.token)
        #expect((help.json["output"] as? String)?.contains("learn") == true)
    }
}

@Suite("The skill ladder file")
struct SkillLadderFileTests {
    @Test("a task folder without the ladder opens a lab with every kind open; a broken ladder file stops the lab with its reason")
    func missingOrBroken() async throws {
        let tasks = temporaryFolder("annolab-tasks")
        defer { try? FileManager.default.removeItem(at: tasks) }
        let templates = repositoryRoot.appendingPathComponent("Tasks")
        for name in try FileManager.default.contentsOfDirectory(atPath: templates.path)
        where name.hasSuffix(".json") && name != SkillLadder.fileName {
            try FileManager.default.copyItem(at: templates.appendingPathComponent(name), to: tasks.appendingPathComponent(name))
        }
        let server = try await LabServer.open(store: try LabStore(folder: temporaryFolder()), options: .init(tasksFolder: tasks, logLevel: .warning))
        #expect(server.engine.ladder == nil && !server.engine.ladderEnabled)
        try Data(#"{"steps": [{"id": "a", "kinds": ["audio-tags"], "name": {}, "about": {}}]}"#.utf8)
            .write(to: tasks.appendingPathComponent(SkillLadder.fileName))
        await #expect(throws: LabError.self) {
            _ = try await LabServer.open(store: try LabStore(folder: temporaryFolder()), options: .init(tasksFolder: tasks, logLevel: .warning))
        }
        let ladder = try SkillLadder.load(from: templates)
        #expect(ladder.steps.first?.isAlwaysOpen == true && ladder.steps.last?.reviews == true)
    }
}
