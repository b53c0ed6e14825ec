// Ratings of instructions over real HTTP: operators rate once per task, coaches moderate the
// comments, clients see the figures and the passed comments without any name, and a change of the
// instructions is announced once.
import AnnolabCore
import AnnolabServer
import AnnolabStore
import Foundation
import Testing

@Suite("Ratings of instructions")
struct InstructionRatingTests {
    static let clientLogin = ["email": "client@demo.local", "password": "demo-client"]
    static let coachLogin = ["email": "coach@demo.local", "password": "demo-coach"]

    /// A demo lab with one choice project of `pictures` pictures, each answered by one operator.
    static func lab(pictures: Int = 8) async throws -> (lab: RunningLab, client: String, project: Int) {
        let lab = try await RunningLab.start(demo: true)
        let client = try await lab.login(clientLogin)
        let created = try await lab.request("POST", "/api/v1/projects", json: [
            "name": "Cars or vans", "template": "choice", "labels": ["car", "van"], "overlap": 1, "goldRate": 0,
            "instructions": ["nl": ["Kies auto of busje."], "en": ["Choose car or van."]],
        ] as [String: Any], token: client)
        let project = try #require(created.json["id"] as? Int, "\(created.status) \(created.text)")
        let files = try (1...pictures).map { (name: "street-\($0).png", data: try TestMedia.png(width: 40 + $0, height: 30)) }
        _ = try await lab.server.importer.importFiles(files, into: Int64(project), strict: true, actor: nil)
        return (lab, client, project)
    }

    /// Starts a shift and returns the operator's token.
    static func operatorOnShift(_ lab: RunningLab, _ badge: String) async throws -> String {
        let token = try await lab.login(["badge": badge])
        #expect(try await lab.request("POST", "/api/v1/shift/start", token: token).status == 200)
        return token
    }

    /// The next task: its assignment id and the task object.
    static func next(_ lab: RunningLab, _ token: String) async throws -> (id: Int, task: [String: Any]) {
        let served = try await lab.request("GET", "/api/v1/tasks/next", token: token)
        let id = try #require((served.json["assignment"] as? [String: Any])?["id"] as? Int, "\(served.status) \(served.text)")
        return (id, try #require(served.json["task"] as? [String: Any]))
    }

    static func answer(_ lab: RunningLab, _ token: String, _ id: Int) async throws {
        let result = try await lab.request("POST", "/api/v1/assignments/\(id)/answer", json: ["answer": ["choice": "car"]], token: token)
        #expect(result.status == 201, "\(result.text)")
    }

    static func rate(_ lab: RunningLab, _ token: String, _ id: Int, clear: Bool, comment: String? = nil) async throws -> HTTPResult {
        var body: [String: Any] = ["clear": clear]
        if let comment { body["comment"] = comment }
        return try await lab.request("POST", "/api/v1/assignments/\(id)/rating", json: body, token: token)
    }

    @Test("the client's figures are the ratings given; a comment reaches the client only after a coach passed it, a dismissed one never, and no name or id ever does")
    func ratingsReachTheClient() async throws {
        let (lab, client, project) = try await Self.lab()
        defer { Task { await lab.stop() } }
        let anouk = try await Self.operatorOnShift(lab, "OP-0001")
        let bram = try await Self.operatorOnShift(lab, "OP-0002")
        let anoukUser = try #require(try await lab.store.operators(ofCoach: 2).first { $0.badge == "OP-0001" })

        let first = try await Self.next(lab, anouk)
        let early = try await Self.rate(lab, anouk, first.id, clear: true)
        #expect(early.status == 409 && early.errorCode == "task_not_done", "a task still open is not rated yet")
        try await Self.answer(lab, anouk, first.id)
        #expect(try await Self.rate(lab, anouk, first.id, clear: false, comment: "  Is a minibus a van?  ").status == 201)
        let again = try await Self.rate(lab, anouk, first.id, clear: true)
        #expect(again.status == 409 && again.errorCode == "already_rated")

        let skipped = try await Self.next(lab, anouk)
        #expect(try await lab.request("POST", "/api/v1/assignments/\(skipped.id)/skip", token: anouk).status == 200)
        #expect(try await Self.rate(lab, anouk, skipped.id, clear: true).status == 201, "a skipped task can be rated too")

        let third = try await Self.next(lab, anouk)
        try await Self.answer(lab, anouk, third.id)
        let tooLong = try await Self.rate(lab, anouk, third.id, clear: false, comment: String(repeating: "a", count: 1001))
        #expect(tooLong.status == 422 && tooLong.errorCode == "comment_too_long")
        #expect(try await Self.rate(lab, anouk, third.id, clear: false, comment: "Anouk finds this silly").status == 201)

        let fourth = try await Self.next(lab, anouk)
        try await Self.answer(lab, anouk, fourth.id)
        #expect(try await Self.rate(lab, anouk, fourth.id, clear: true, comment: "   ").status == 201, "an empty comment is none")

        // Someone else's task is not found; an open task of one's own is not done yet.
        let open = try await Self.next(lab, anouk)
        let theirs = try await Self.rate(lab, bram, open.id, clear: false, comment: "Not mine")
        #expect(theirs.status == 404 && theirs.errorCode == "assignment_not_found")
        #expect(try await Self.rate(lab, bram, 999_999, clear: true).status == 404)
        #expect(try await Self.rate(lab, anouk, open.id, clear: true).status == 409)

        var figures = try await lab.request("GET", "/api/v1/projects/\(project)/ratings", token: client)
        #expect(figures.status == 200)
        #expect(figures.json["version"] as? Int == 1)
        #expect(figures.json["ratings"] as? Int == 4)
        #expect(figures.json["unclear"] as? Int == 2)
        #expect(figures.json["unclearShare"] as? Double == 0.5)
        #expect((figures.json["comments"] as? [Any])?.isEmpty == true, "no comment before a coach decided")
        let versions = try #require(figures.json["versions"] as? [[String: Any]])
        #expect(versions.count == 1 && versions[0]["ratings"] as? Int == 4 && versions[0]["unclear"] as? Int == 2)

        let coach = try await lab.login(Self.coachLogin)
        let pending = try await lab.request("GET", "/api/v1/coach/ratings", token: coach)
        let comments = try #require(pending.json["ratings"] as? [[String: Any]])
        #expect(comments.map { $0["text"] as? String } == ["Is a minibus a van?", "Anouk finds this silly"], "trimmed, oldest first")
        #expect(comments.allSatisfy { $0["projectName"] as? String == "Cars or vans" && $0["version"] as? Int == 1 })
        #expect(!pending.text.contains(anoukUser.name) && !pending.text.contains("OP-0001") && !pending.text.lowercased().contains("operator"),
                "the coach judges the words, not the person")
        let passId = try #require(comments[0]["id"] as? Int), dismissId = try #require(comments[1]["id"] as? Int)
        #expect(try await lab.request("POST", "/api/v1/coach/ratings/\(passId)", json: ["decision": "publish"], token: coach).status == 422)
        let passed = try await lab.request("POST", "/api/v1/coach/ratings/\(passId)", json: ["decision": "pass"], token: coach)
        #expect(passed.status == 200 && passed.json["status"] as? String == "passed")
        #expect(try await lab.request("POST", "/api/v1/coach/ratings/\(dismissId)", json: ["decision": "dismiss"], token: coach).status == 200)
        #expect(try await lab.request("POST", "/api/v1/coach/ratings/\(dismissId)", json: ["decision": "pass"], token: coach).status == 409,
                "a dismissed comment stays dismissed")
        #expect(try await lab.request("POST", "/api/v1/coach/ratings/999999", json: ["decision": "pass"], token: coach).status == 404)
        #expect((try await lab.request("GET", "/api/v1/coach/ratings", token: coach).json["ratings"] as? [Any])?.isEmpty == true)

        figures = try await lab.request("GET", "/api/v1/projects/\(project)/ratings", token: client)
        let shown = try #require(figures.json["comments"] as? [[String: Any]])
        #expect(shown.map { $0["text"] as? String } == ["Is a minibus a van?"])
        #expect(shown.first?["clear"] as? Bool == false && shown.first?["version"] as? Int == 1)
        #expect(Set(shown.first?.keys.map { $0 } ?? []) == ["text", "clear", "version", "createdAt"])
        // The bytes themselves: no name, no badge, no operator's id, no dismissed words.
        let bytes = figures.text
        for secret in [anoukUser.name, "OP-0001", "Anouk", "silly", "operator", "\"id\""] {
            #expect(!bytes.contains(secret), "the client's answer holds \(secret): \(bytes)")
        }
        #expect(Self.keys(of: figures.json).isDisjoint(with: ["id", "operatorId", "operator", "name", "badge", "assignmentId"]))

        // Another client, an operator and a project that is not there.
        let company = try await lab.store.createClient(name: "Other newsroom")
        _ = try await AccountService(store: lab.store).addUser(role: .client, name: "Other editor", email: "other@news.local",
                                                               password: "other-pass", clientId: company.id)
        let other = try await lab.login(["email": "other@news.local", "password": "other-pass"])
        let foreign = try await lab.request("GET", "/api/v1/projects/\(project)/ratings", token: other)
        #expect(foreign.status == 404 && foreign.errorCode == "project_not_found")
        #expect(try await lab.request("GET", "/api/v1/projects/\(project)/ratings", token: anouk).status == 403)
        #expect(try await lab.request("GET", "/api/v1/coach/ratings", token: client).status == 403)
        #expect(try await lab.request("GET", "/api/v1/projects/abc/ratings", token: client).status == 404)
    }

    @Test("changed instructions are announced once, with the next task of the project, and never with an operator's first task")
    func changedInstructionsOnce() async throws {
        let (lab, client, project) = try await Self.lab()
        defer { Task { await lab.stop() } }
        let anouk = try await Self.operatorOnShift(lab, "OP-0001")
        let first = try await Self.next(lab, anouk)
        #expect(first.task["instructionsChanged"] == nil, "the first task of a project is not a change")
        #expect((first.task["instructions"] as? [String: Any])?["en"] as? [String] == ["Choose car or van."])
        try await Self.answer(lab, anouk, first.id)
        #expect(try await Self.rate(lab, anouk, first.id, clear: false).status == 201)
        let second = try await Self.next(lab, anouk)
        #expect(second.task["instructionsChanged"] == nil)
        try await Self.answer(lab, anouk, second.id)

        let invalid = try await lab.request("PUT", "/api/v1/projects/\(project)/instructions",
                                            json: ["instructions": ["nl": [], "en": ["Choose."]]], token: client)
        #expect(invalid.status == 422 && invalid.errorCode == "invalid_instructions")
        let lines = ["nl": ["Kies auto of busje.", "Een minibus is een busje."], "en": ["Choose car or van.", "A minibus is a van."]]
        let changed = try await lab.request("PUT", "/api/v1/projects/\(project)/instructions", json: ["instructions": lines], token: client)
        #expect(changed.status == 200 && changed.json["version"] as? Int == 2, "\(changed.text)")
        let same = try await lab.request("PUT", "/api/v1/projects/\(project)/instructions", json: ["instructions": lines], token: client)
        #expect(same.json["version"] as? Int == 2, "the same text again is no new version")
        let stored = try await lab.store.instructionsVersions(projectId: Int64(project))
        #expect(stored.map(\.version) == [1, 2], "the old text and the new are both kept")
        #expect(stored.first?.instructions?.contains("Choose car or van.") == true)

        let third = try await Self.next(lab, anouk)
        #expect(third.task["instructionsChanged"] as? Bool == true)
        #expect((third.task["instructions"] as? [String: Any])?["en"] as? [String] == lines["en"], "the new words, not the cached old ones")
        try await Self.answer(lab, anouk, third.id)
        #expect(try await Self.rate(lab, anouk, third.id, clear: true).status == 201)
        let fourth = try await Self.next(lab, anouk)
        #expect(fourth.task["instructionsChanged"] == nil, "said once")

        let bram = try await Self.operatorOnShift(lab, "OP-0002")
        let bramsFirst = try await Self.next(lab, bram)
        #expect(bramsFirst.task["instructionsChanged"] == nil, "someone new to the project has nothing changed")

        let figures = try await lab.request("GET", "/api/v1/projects/\(project)/ratings", token: client)
        #expect(figures.json["version"] as? Int == 2)
        #expect(figures.json["ratings"] as? Int == 1 && figures.json["unclear"] as? Int == 0)
        #expect(figures.json["unclearShare"] as? Double == 0)
        let versions = try #require(figures.json["versions"] as? [[String: Any]])
        #expect(versions.map { $0["version"] as? Int } == [1, 2])
        #expect(versions.map { $0["unclear"] as? Int } == [1, 0], "each rating counts for the version its task carried")
    }

    @Test("text mode asks once, with a number after the next task's options, and takes that number as the rating")
    func textModeAsksWithANumber() async throws {
        let lab = try await RunningLab.start(demo: true)
        defer { Task { await lab.stop() } }
        let client = try await lab.login(Self.clientLogin)
        let created = try await lab.request("POST", "/api/v1/projects", json: [
            "name": "Sounds", "template": "audio-tags", "labels": ["music", "speech"], "overlap": 1, "goldRate": 0,
        ] as [String: Any], token: client)
        let project = try #require(created.json["id"] as? Int, "\(created.text)")
        _ = try await lab.server.importer.importFiles((1...4).map { (name: "clip-\($0).wav", data: TestMedia.wav(seconds: 2)) },
                                                      into: Int64(project), strict: true, actor: nil)
        let anouk = try await lab.login(["badge": "OP-0001"])
        func say(_ input: String) async throws -> [String] {
            let reply = try await lab.request("POST", "/api/v1/text", json: ["input": input, "language": "en"], token: anouk)
            return try #require(reply.json["lines"] as? [String], "\(reply.text)")
        }
        _ = try await say("start")
        let saved = try await say("1")
        #expect(saved.contains("Saved."))
        // Two sounds to choose from in the next task: 3 and 4 are the question's.
        #expect(saved.contains("Were the instructions of the last task clear? Say 3 for yes, or 4 for no."), "\(saved)")
        let thanks = try await say("4")
        #expect(thanks.first == "Thank you.")
        var figures = try await lab.request("GET", "/api/v1/projects/\(project)/ratings", token: client)
        #expect(figures.json["ratings"] as? Int == 1 && figures.json["unclear"] as? Int == 1)

        // Not answering is fine: the next input is the task's again, and nothing is rated.
        let next = try await say("2")
        #expect(next.contains("Saved.") && next.contains { $0.hasPrefix("Were the instructions") })
        let skipped = try await say("skip")
        #expect(skipped.first == "Skipped. That is fine.", "the question about the last task let go; the skip is the task's")
        #expect(skipped.contains { $0.hasPrefix("Were the instructions") }, "a skipped task may be rated too")
        _ = try await say("3")
        figures = try await lab.request("GET", "/api/v1/projects/\(project)/ratings", token: client)
        #expect(figures.json["ratings"] as? Int == 2 && figures.json["unclear"] as? Int == 1)
    }

    @Test("a project nobody rated yet says so with a null share")
    func noRatingsYet() async throws {
        let (lab, client, project) = try await Self.lab(pictures: 1)
        defer { Task { await lab.stop() } }
        let figures = try await lab.request("GET", "/api/v1/projects/\(project)/ratings", token: client)
        #expect(figures.status == 200)
        #expect(figures.text.contains(#""unclearShare":null"#))
        #expect(figures.json["ratings"] as? Int == 0)
    }

    /// Every key of a JSON value, at any depth.
    static func keys(of value: Any) -> Set<String> {
        if let object = value as? [String: Any] {
            return object.reduce(into: Set(object.keys)) { $0.formUnion(keys(of: $1.value)) }
        }
        if let array = value as? [Any] { return array.reduce(into: Set()) { $0.formUnion(keys(of: $1)) } }
        return []
    }
}
