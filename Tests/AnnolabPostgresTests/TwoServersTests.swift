// Two `annolab serve` processes on one PostgreSQL, driven at once over HTTP: overlap kept, answers kept, pay and coach events right, and one server killed.
import AnnolabCore
import AnnolabPostgres
import AnnolabStore
import Foundation
import Logging
import Synchronization
import Testing

/// What the operators' clients were told, gathered across their tasks.
private final class Tally: Sendable {
    struct State {
        /// Idempotency key of every answer a server acknowledged (201, or 200 for a repeat), and when.
        var acknowledged: [String: ContinuousClock.Instant] = [:]
        var repeats = 0
        var repeatMismatches: [String] = []
        var refusals: [String] = []
    }

    let state = Mutex(State())

    func acknowledge(_ key: String) {
        state.withLock { state in
            if state.acknowledged[key] == nil { state.acknowledged[key] = .now }
        }
    }
    func refused(_ text: String) { state.withLock { $0.refusals.append(text) } }
}

@Suite("Two servers on one PostgreSQL", .serialized)
struct TwoServersTests {
    /// Answers, sends every fourth answer again to the other server, until there is no work for a while.
    private static func work(_ client: OperatorClient, home: @escaping @Sendable () -> ServingProgram,
                             other: @escaping @Sendable () -> ServingProgram, tally: Tally, idleLimit: Duration) async throws {
        var count = 0
        var idleSince: ContinuousClock.Instant?
        while true {
            let server = home()
            let assignment: Int?
            do {
                assignment = try await client.next(on: server)
            } catch let error as URLError {
                // The server went away (killed): the next request goes to whichever serves now.
                _ = error
                try await Task.sleep(for: .milliseconds(100))
                continue
            }
            guard let assignment else {
                let since = idleSince ?? .now
                idleSince = since
                if ContinuousClock.now - since > idleLimit { return }
                try await Task.sleep(for: .milliseconds(200))
                continue
            }
            idleSince = nil
            count += 1
            let key = "\(client.badge)-\(assignment)"
            let choice = count % 3 == 0 ? "B" : "A"
            let status: Int, reply: Data
            do {
                (status, reply) = try await client.answer(assignment, choice: choice, key: key, on: server)
            } catch is URLError {
                continue   // no reply: not acknowledged, whatever the server did
            }
            guard status == 201 else {
                tally.refused("\(key): \(status) \(String(decoding: reply, as: UTF8.self))")
                continue
            }
            tally.acknowledge(key)
            if count % 4 == 0 {
                // As after a reply lost on the way: the same answer again, to the other server.
                let (again, replayed) = try await client.answer(assignment, choice: choice, key: key, on: other())
                tally.state.withLock { state in
                    state.repeats += 1
                    if again != 200 || replayed != reply { state.repeatMismatches.append("\(key): \(again)") }
                }
            }
        }
    }

    @Test("40 operators through two servers at once, overlap 3: each microtask answered by exactly 3 people, no answer lost or doubled, pay minutes right, both servers' operators on one coach stream")
    func fortyOperatorsTwoServers() async throws {
        let lab = try await TwoServersLab.seed(microtasks: 60, operators: 40)
        defer { lab.clear() }
        let a = try lab.serve(), b = try lab.serve()
        defer { a.stop(); b.stop() }
        let (coachIn, coachLogin) = try await a.call("POST", "/api/v1/login", body: TwoServersLab.coachLogin)
        #expect(coachIn == 200, "\(coachLogin)")
        let stream = try CoachStream(port: try #require(a.base.port), token: try #require(coachLogin["token"] as? String))
        defer { stream.close() }
        try await Task.sleep(for: .milliseconds(300))

        let tally = Tally()
        let started = Date()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (index, badge) in lab.badges.enumerated() {
                let home = index % 2 == 0 ? a : b, other = index % 2 == 0 ? b : a
                group.addTask {
                    let client = try await OperatorClient.signIn(badge, on: home)
                    let (shift, _) = try await home.call("POST", "/api/v1/shift/start", token: client.token)
                    #expect(shift == 200, "\(badge) started a shift")
                    try await Self.work(client, home: { home }, other: { other }, tally: tally, idleLimit: .seconds(2))
                    // The shift ends on the other server: it reads the shift from the database, not its memory.
                    let (ended, body) = try await other.call("POST", "/api/v1/shift/end", token: client.token)
                    #expect(ended == 200, "\(badge) ended the shift on the other server: \(body)")
                }
            }
            try await group.waitForAll()
        }

        // Every microtask has exactly its overlap of distinct operators; every stored answer was acknowledged, once.
        let states = try lab.microtaskStates()
        #expect(states.count == 60)
        #expect(states.allSatisfy { $0.status == "complete" && $0.answers == 3 && $0.required == 3 }, "\(states.filter { $0.answers != 3 })")
        let stored = try lab.storedAnswers()
        #expect(stored.count == 180)
        for (microtask, answers) in Dictionary(grouping: stored, by: \.microtask) {
            #expect(Set(answers.map(\.operatorId)).count == 3, "microtask \(microtask) has 3 distinct operators")
        }
        let seen = tally.state.withLock { $0 }
        #expect(Set(stored.map(\.key)) == Set(seen.acknowledged.keys), "the stored answers are exactly the acknowledged ones")
        #expect(stored.count == Set(stored.map(\.key)).count, "no answer stored twice")
        #expect(seen.refusals.isEmpty, "\(seen.refusals.prefix(5))")
        #expect(seen.repeats > 10 && seen.repeatMismatches.isEmpty, "repeats to the other server got the first reply: \(seen.repeatMismatches.prefix(5))")
        // Both servers served: operators of both answered.
        let answeredBy = Set(stored.map(\.operatorId))
        #expect(lab.badges.enumerated().contains { $0.offset % 2 == 1 && answeredBy.contains(lab.operatorIds[$0.element] ?? -1) })
        #expect(lab.badges.enumerated().contains { $0.offset % 2 == 0 && answeredBy.contains(lab.operatorIds[$0.element] ?? -1) })

        // Pay minutes: each shift, started on one server and ended on the other, is paid as one work time
        // from its start to its end (no pause in this short run).
        let store = try await PostgresLabStore(address: try PostgresAddress(lab.address), folder: lab.data.appendingPathComponent("check"),
                                               logger: Logger(label: "two.check"))
        defer { store.close() }
        let segments = try await store.timeSegments(from: started.addingTimeInterval(-3600), to: Date().addingTimeInterval(3600))
        for badge in lab.badges {
            let id = try #require(lab.operatorIds[badge])
            let shift = try #require(try await store.latestShift(operatorId: id))
            let end = try #require(shift.endedAt, "\(badge)'s shift ended")
            let work = segments.filter { $0.operatorId == id && $0.segment.kind == .work }
                .reduce(0.0) { $0 + $1.segment.end.timeIntervalSince($1.segment.start) }
            #expect(abs(work - end.timeIntervalSince(shift.startedAt)) < 1, "\(badge): paid \(work) s of a \(end.timeIntervalSince(shift.startedAt)) s shift")
            #expect(segments.filter { $0.operatorId == id && $0.segment.kind != .work }.isEmpty)
        }

        // The coach, connected to server A, has seen operators of both servers; a pause taken on B shows within 2 s.
        let onB = try #require(lab.operatorIds[lab.badges[1]])
        // Cards follow the monitor's tick (a quarter of a second) and the relay: waited for a moment.
        let everyone = Set(lab.operatorIds.values)
        let waited = ContinuousClock.now
        while !stream.operatorsSeen().isSuperset(of: everyone), ContinuousClock.now - waited < .seconds(5) {
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(stream.operatorsSeen().isSuperset(of: everyone), "cards of all 40 operators reached the coach on A: missing \(everyone.subtracting(stream.operatorsSeen()))")
        let client = try await OperatorClient.signIn(lab.badges[1], on: b)
        let (again, _) = try await b.call("POST", "/api/v1/shift/start", token: client.token)
        #expect(again == 200)
        // Timed as a coach meets it in a working lab: once the monitors have finished the cards of the 40
        // shifts that just ended (nothing new on the stream for a second), the next change is timed.
        var quietSince = (ContinuousClock.now, stream.events.withLock { $0.count })
        while ContinuousClock.now - quietSince.0 < .seconds(1), ContinuousClock.now - waited < .seconds(20) {
            try await Task.sleep(for: .milliseconds(50))
            let count = stream.events.withLock { $0.count }
            if count != quietSince.1 { quietSince = (ContinuousClock.now, count) }
        }
        let asked = ContinuousClock.now
        let (paused, _) = try await b.call("POST", "/api/v1/shift/pause", token: client.token)
        #expect(paused == 200)
        var shown: Duration?
        while ContinuousClock.now - asked < .seconds(4), shown == nil {
            if stream.phases(of: onB).last == "pause" { shown = ContinuousClock.now - asked }
            try await Task.sleep(for: .milliseconds(20))
        }
        let delay = try #require(shown, "the pause on server B reached the coach on server A")
        #expect(delay < .seconds(2), "within 2 s: \(delay)")
    }

    @Test("work a client uploads through one server is served by the other within seconds")
    func uploadOnOneServedByTheOther() async throws {
        let lab = try await TwoServersLab.seed(microtasks: 0, operators: 2)
        defer { lab.clear() }
        let a = try lab.serve(), b = try lab.serve()
        defer { a.stop(); b.stop() }
        let worker = try await OperatorClient.signIn(lab.badges[0], on: b)
        #expect(try await b.call("POST", "/api/v1/shift/start", token: worker.token).0 == 200)
        #expect(try await worker.next(on: b) == nil, "no work yet")

        let (signedIn, login) = try await a.call("POST", "/api/v1/login", body: TwoServersLab.clientLogin)
        #expect(signedIn == 200, "\(login)")
        let token = try #require(login["token"] as? String)
        let (made, project) = try await a.call("POST", "/api/v1/projects", token: token,
                                               body: ["name": "Evening news", "template": "subtitle-check", "overlap": 1])
        #expect(made == 201, "\(project)")
        let projectId = try #require(project["id"] as? Int)
        let subtitles = "1\n00:00:01,000 --> 00:00:03,000\nGood evening.\n\n2\n00:00:04,000 --> 00:00:06,000\nHere is the news.\n"
        let (uploaded, imported) = try await a.upload("/api/v1/projects/\(projectId)/items", token: token,
                                                      file: "evening.srt", contents: Data(subtitles.utf8))
        #expect(uploaded == 201, "\(imported)")
        #expect((imported["microtasks"] as? Int ?? 0) > 0, "\(imported)")

        // Server B learns of it from A (LISTEN/NOTIFY) and serves it.
        let asked = ContinuousClock.now
        var served: Int?
        while served == nil, ContinuousClock.now - asked < .seconds(5) {
            served = try await worker.next(on: b)
            if served == nil { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(served != nil, "the operator on server B got the work uploaded through server A")
        #expect(ContinuousClock.now - asked < .seconds(3))
    }
}
