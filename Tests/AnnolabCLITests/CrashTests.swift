// kill -9 while operators are answering: every acknowledged answer is there, exactly once.
import AnnolabServer
import AnnolabStore
import Foundation
import GRDB
import Testing
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

@Suite("Crashes")
struct CrashTests {
    @Test("after kill -9 at a random moment, every acknowledged answer is stored exactly once and the lab serves on")
    func killNine() async throws {
        let data = temporaryFolder()
        let store = try LabStore(folder: data)
        let client = try await store.createClient(name: "Newsroom")
        let project = try await store.createProject(
            Project(clientId: client.id!, name: "Crash", template: .choice, labels: ["A", "B"], overlap: 2, adaptiveMin: nil,
                    adaptiveMax: nil, goldRate: 0, deadline: nil, createdAt: Date()), actor: nil)
        let payload = String(decoding: try JSONEncoder().encode(MicrotaskPayload(options: ["A", "B"])), as: UTF8.self)
        _ = try await store.addMicrotasks((0..<3000).map { _ in
            Microtask(projectId: project.id!, itemId: nil, kind: .choice, payload: payload, estimatedSeconds: 5, requiredAnswers: 2)
        })
        let badges = (0..<6).map { String(format: "OP-K%05d", $0) }
        for badge in badges { _ = try await store.createUser(NewUser(role: .operator, name: badge, badge: badge)) }

        let server = try ServerProcess(data: data)
        let base = "http://127.0.0.1:\(server.port)"
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = 5
        let session = URLSession(configuration: configuration)
        func call(_ method: String, _ path: String, token: String? = nil, body: String? = nil) async throws -> (Int, Data) {
            var request = URLRequest(url: URL(string: base + path)!)
            request.httpMethod = method
            if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
            if let body { request.httpBody = Data(body.utf8); request.setValue("application/json", forHTTPHeaderField: "Content-Type") }
            let (data, response) = try await session.data(for: request)
            return ((response as! HTTPURLResponse).statusCode, data)
        }
        var tokens: [String] = []
        for badge in badges {
            let (_, body) = try await call("POST", "/api/v1/login", body: #"{"badge":"\#(badge)"}"#)
            let token = try #require((try JSONSerialization.jsonObject(with: body) as? [String: Any])?["token"] as? String)
            #expect(try await call("POST", "/api/v1/shift/start", token: token).0 == 200)
            tokens.append(token)
        }
        // The crash comes after a random number of acknowledged answers, whatever the machine's speed.
        let crashAfter = Int.random(in: 30...300)
        let counter = AckCounter()
        let acknowledged = try await withThrowingTaskGroup(of: [Int].self) { group in
            for token in tokens {
                group.addTask {
                    var ids: [Int] = []
                    while true {
                        guard let (status, body) = try? await call("GET", "/api/v1/tasks/next", token: token), status == 200,
                              let next = try? JSONSerialization.jsonObject(with: body) as? [String: Any],
                              let id = (next["assignment"] as? [String: Any])?["id"] as? Int else { break }
                        guard let (answered, _) = try? await call("POST", "/api/v1/assignments/\(id)/answer", token: token,
                                                                  body: #"{"answer":{"choice":"A"},"idempotencyKey":"k\#(id)"}"#),
                              answered == 201 else { break }
                        ids.append(id)
                        await counter.add()
                    }
                    return ids
                }
            }
            group.addTask {
                let deadline = Date().addingTimeInterval(120)
                while await counter.count < crashAfter, Date() < deadline { try await Task.sleep(for: .milliseconds(2)) }
                kill(server.process.processIdentifier, SIGKILL)
                return []
            }
            var all: [Int] = []
            for try await ids in group { all += ids }
            return all
        }
        server.process.waitUntilExit()
        #expect(server.process.terminationReason == .uncaughtSignal)
        #expect(acknowledged.count >= crashAfter, "answers were flowing when the server was killed")

        let reopened = try LabStore(folder: data)
        #expect(try reopened.integrityCheck() == "ok")
        let stored = try await reopened.answers(projectId: project.id!)
        let perAssignment = Dictionary(grouping: stored, by: \.assignmentId).mapValues(\.count)
        for id in acknowledged {
            #expect(perAssignment[Int64(id)] == 1, "acknowledged answer \(id) is stored exactly once")
        }
        #expect(perAssignment.values.allSatisfy { $0 == 1 })
        let people = Dictionary(grouping: stored, by: \.microtaskId).values
        #expect(people.allSatisfy { Set($0.map(\.operatorId)).count == $0.count }, "nobody answered a microtask twice")

        // The lab starts again on the same folder and goes on: nobody is served what they already did.
        let again = try ServerProcess(data: data)
        defer { again.process.terminate(); again.process.waitUntilExit() }
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(again.port)/api/v1/tasks/next")!)
        request.setValue("Bearer \(tokens[0])", forHTTPHeaderField: "Authorization")
        let (body, response) = try await session.data(for: request)
        #expect((response as! HTTPURLResponse).statusCode == 200)
        let microtask = try #require(((try JSONSerialization.jsonObject(with: body) as? [String: Any])?["task"] as? [String: Any])?["id"] as? Int)
        let operatorId = try #require(try await reopened.user(badge: badges[0])?.id)
        #expect(!stored.contains { $0.microtaskId == Int64(microtask) && $0.operatorId == operatorId })
    }
}

/// Counts acknowledged answers across the operators' tasks.
actor AckCounter {
    private(set) var count = 0
    func add() { count += 1 }
}
