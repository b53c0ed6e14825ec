// Twenty operators work at once over real HTTP: no answer is lost or counted twice.
import AnnolabCore
import AnnolabServer
import AnnolabStore
import Foundation
import Testing

@Suite("Many operators at once")
struct ConcurrentOperatorsTests {
    @Test("20 operators work concurrently through their shifts; every answer is stored exactly once")
    func twentyOperators() async throws {
        let lab = try await RunningLab.start()
        defer { Task { await lab.stop() } }
        let accounts = AccountService(store: lab.store)
        let client = try await lab.store.createClient(name: "Newsroom")
        let project = try await lab.store.createProject(
            Project(clientId: client.id!, name: "Thumbnails", template: .choice, labels: ["A", "B", "C"], overlap: 3,
                    adaptiveMin: nil, adaptiveMax: nil, goldRate: 0, deadline: nil, createdAt: Date()), actor: nil)
        lab.server.engine.projectChanged(project)
        let payload = String(decoding: try JSONEncoder().encode(MicrotaskPayload(options: ["A", "B", "C"])), as: UTF8.self)
        let tasks = try await lab.store.addMicrotasks((0..<90).map { _ in
            Microtask(projectId: project.id!, itemId: nil, kind: .choice, payload: payload, estimatedSeconds: 10, requiredAnswers: 3)
        })
        lab.server.engine.microtasksAdded(tasks)
        var badges: [String] = []
        for n in 0..<20 {
            let badge = String(format: "OP-C%05d", n)
            _ = try await accounts.addUser(role: .operator, name: "Operator \(n)", badge: badge)
            badges.append(badge)
        }
        let acknowledged = try await withThrowingTaskGroup(of: Int.self) { group in
            for (n, badge) in badges.enumerated() {
                group.addTask {
                    let token = try await lab.login(["badge": badge])
                    let start = try await lab.request("POST", "/api/v1/shift/start", token: token)
                    guard start.status == 200 else { throw LabError(.internalFailure, "start", start.text) }
                    var count = 0
                    while true {
                        let next = try await lab.request("GET", "/api/v1/tasks/next", token: token)
                        if next.status == 204 { break }
                        guard next.status == 200, let id = (next.json["assignment"] as? [String: Any])?["id"] as? Int else {
                            throw LabError(.internalFailure, "next", "\(next.status) \(next.text)")
                        }
                        let key = "op\(n)-a\(id)"
                        let body: [String: Any] = ["answer": ["choice": ["A", "B", "C"][id % 3]], "idempotencyKey": key]
                        let first = try await lab.request("POST", "/api/v1/assignments/\(id)/answer", json: body, token: token)
                        guard first.status == 201 else { throw LabError(.internalFailure, "answer", first.text) }
                        count += 1
                        // Every third answer is sent again, as a flaky network would: it must count once.
                        if id % 3 == 0 {
                            let again = try await lab.request("POST", "/api/v1/assignments/\(id)/answer", json: body, token: token)
                            guard again.status == 200, again.text == first.text else {
                                throw LabError(.internalFailure, "repeat", "\(again.status) \(again.text)")
                            }
                        }
                    }
                    return count
                }
            }
            var total = 0
            for try await count in group { total += count }
            return total
        }
        let answers = try await lab.store.answers(projectId: project.id!)
        #expect(acknowledged == 270)
        #expect(answers.count == 270)
        #expect(Set(answers.map(\.assignmentId)).count == answers.count)
        for task in tasks {
            let people = answers.filter { $0.microtaskId == task.id }.map(\.operatorId)
            #expect(people.count == 3 && Set(people).count == 3)
        }
        let progress = try await lab.store.progress(projectId: project.id!)
        #expect(progress.completed == 90)
    }
}
