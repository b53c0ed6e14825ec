// Gold tasks: known answers mixed in, with immediate and kind feedback, and the operator's own summary.
import AnnolabCore
import AnnolabServer
import AnnolabStore
import Foundation
import Testing

@Suite("Gold tasks and learning feedback")
struct GoldFeedbackTests {
    @Test("gold tasks are mixed in at the project's rate and give kind, specific feedback at once")
    func goldFeedback() async throws {
        let lab = try await RunningLab.start(demo: true)
        defer { Task { await lab.stop() } }
        let client = try await lab.login(["email": "client@demo.local", "password": "demo-client"])
        let created = try await lab.request("POST", "/api/v1/projects",
            json: ["name": "Cats or dogs", "template": "choice", "labels": ["cat", "dog"], "overlap": 1, "goldRate": 0.5], token: client)
        let projectId = try #require(created.json["id"] as? Int)
        let project = try #require(try await lab.store.project(id: Int64(projectId)))
        let payload = String(decoding: try JSONEncoder().encode(MicrotaskPayload(options: ["cat", "dog"])), as: UTF8.self)
        let tasks = try await lab.store.addMicrotasks((0..<6).map { _ in
            Microtask(projectId: project.id!, itemId: nil, kind: .choice, payload: payload, estimatedSeconds: 5, requiredAnswers: 1)
        })
        lab.server.engine.microtasksAdded(tasks)
        let goldBody: [String: Any] = [
            "answers": [
                ["microtask": tasks[0].id!, "answer": ["choice": "cat"],
                 "explanation": ["en": "The ears are pointed and the nose is short: a cat.", "nl": "Spitse oren en een korte neus: een kat."]],
                ["microtask": tasks[1].id!, "answer": ["choice": "cat"]],
            ],
        ]
        let gold = try await lab.request("POST", "/api/v1/projects/\(projectId)/gold", json: goldBody, token: client)
        #expect(gold.status == 200, "\(gold.text)")
        let badGold = try await lab.request("POST", "/api/v1/projects/\(projectId)/gold",
                                            json: ["answers": [["microtask": tasks[2].id!, "answer": ["choice": "horse"]]]], token: client)
        #expect(badGold.status == 422)

        let op = try await lab.login(["badge": "OP-0004"])
        _ = try await lab.request("POST", "/api/v1/shift/start", token: op)
        var feedback: [[String: Any]] = []
        var served = 0
        while true {
            let next = try await lab.request("GET", "/api/v1/tasks/next", token: op)
            if next.status == 204 { break }
            let id = try #require((next.json["assignment"] as? [String: Any])?["id"] as? Int)
            served += 1
            let answer = try await lab.request("POST", "/api/v1/assignments/\(id)/answer", json: ["answer": ["choice": "dog"]], token: op)
            #expect(answer.status == 201)
            if let given = answer.json["feedback"] as? [String: Any] { feedback.append(given) }
        }
        #expect(served == 6)
        #expect(feedback.count == 2, "both gold tasks were served, and only they gave feedback")
        #expect(feedback.allSatisfy { $0["correct"] as? Bool == false })
        let messages = feedback.compactMap { ($0["message"] as? [String: String])?["en"] }
        #expect(messages.contains { $0.contains("pointed") }, "the client's explanation reaches the operator")
        #expect(messages.allSatisfy { !$0.lowercased().contains("wrong") && !$0.lowercased().contains("fail") })

        let quality = try await lab.request("GET", "/api/v1/me/quality", token: op)
        #expect(quality.json["goldAnswers"] as? Int == 2)
        #expect(quality.json["goldCorrect"] as? Int == 0)
        #expect(((quality.json["message"] as? [String: String])?["nl"] ?? "").contains("oefenvragen"))
        let shown = try await lab.request("GET", "/api/v1/projects/\(projectId)", token: client)
        #expect((shown.json["quality"] as? [String: Any])?["goldAccuracy"] as? Double == 0)
    }
}
