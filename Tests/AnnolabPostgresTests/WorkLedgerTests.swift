// Two servers' worth of connections leasing and answering on one PostgreSQL: overlap held, nothing lost or doubled.
import AnnolabCore
import AnnolabPostgres
import AnnolabStore
import Foundation
import Logging
import PostgresNIO
import Synchronization
import Testing

/// A lab moved into a fresh PostgreSQL database (through `LabMove`, as `annolab migrate` does), and
/// two connection pools on it, one for each server.
final class SharedLab: @unchecked Sendable {
    let postgres: TestPostgres
    let address: String
    let projectId: Int64
    let operators: [Int64]
    let microtasks: [Int64]
    let servers: [PostgresClient]
    private let running: [Task<Void, Never>]
    static let logger = Logger(label: "annolab.test.postgres")

    init(operators count: Int, microtasks taskCount: Int, overlap: Int) async throws {
        postgres = try TestPostgres()
        address = try postgres.freshDatabase()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("annolab-shared-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try LabStore(folder: folder)
        let client = try await store.createClient(name: "Newsroom")
        let project = try await store.createProject(
            Project(clientId: client.id!, name: "Ducks", template: .choice, labels: ["duck", "no duck"], overlap: overlap,
                    adaptiveMin: nil, adaptiveMax: nil, goldRate: 0, deadline: nil, createdAt: Date()), actor: nil)
        projectId = project.id!
        var people: [Int64] = []
        for index in 0..<count {
            people.append(try await store.createUser(NewUser(role: .operator, name: "Operator \(index)")).id!)
        }
        operators = people
        let made = try await store.addMicrotasks((0..<taskCount).map { index in
            Microtask(projectId: project.id!, itemId: nil, kind: .choice, payload: #"{"question":"Duck \#(index)?"}"#,
                      estimatedSeconds: 10, requiredAnswers: overlap)
        })
        microtasks = made.map { $0.id! }
        let report = try await LabMove.run(store: store, to: try PostgresAddress(address + "?sslmode=disable"), logger: Self.logger)
        guard report.isEqual else { throw LabError(.internalFailure, "move_differs", "The lab did not move whole.") }
        let configuration = try PostgresAddress(address + "?sslmode=disable").clientConfiguration(connections: 8)
        servers = [PostgresClient(configuration: configuration, backgroundLogger: Self.logger),
                   PostgresClient(configuration: configuration, backgroundLogger: Self.logger)]
        running = servers.map { client in Task { await client.run() } }
    }

    func ledger(_ server: Int) -> PostgresWorkLedger {
        PostgresWorkLedger(client: servers[server], logger: Self.logger)
    }

    /// Microtasks still taking answers, asked through the first server's pool.
    func openMicrotasks() async throws -> Int64 {
        let rows = try await servers[0].query(#"SELECT count(*)::bigint FROM "microtask" WHERE "status" = 'open'"#, logger: Self.logger).collect()
        return try rows.first?.decode(Int64.self) ?? -1
    }

    func rows(_ sql: String) throws -> [[String]] { try postgres.psql(address, sql) }

    func close() {
        for task in running { task.cancel() }
        postgres.dropDatabase(address)
    }
}

/// A value several tasks change, behind a lock.
final class Shared<Value: Sendable>: Sendable {
    private let value: Mutex<Value>
    init(_ value: Value) { self.value = Mutex(value) }
    func withLock<T>(_ body: (inout sending Value) -> sending T) -> sending T { value.withLock(body) }
}

@Suite("Leases and answers of several servers on one PostgreSQL", .serialized)
struct WorkLedgerTests {
    /// What the operators were told: each acknowledged answer's id, and how many repeats were recognised.
    struct Told: Sendable {
        var answers: [Int64: Int64] = [:]  // answer id -> microtask
        var repeatsRecognised = 0
        var abandoned = 0
    }

    @Test("40 operators through two servers, overlap 3: every microtask answered by exactly 3 people, none lost or doubled")
    func fortyOperatorsTwoServers() async throws {
        let lab = try await SharedLab(operators: 40, microtasks: 90, overlap: 3)
        defer { lab.close() }
        let told = Shared(Told())
        let deadline = Date().addingTimeInterval(120)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (index, operatorId) in lab.operators.enumerated() {
                group.addTask {
                    var turn = 0
                    while Date() < deadline {
                        turn += 1
                        // Requests go to either server, as behind a load balancer.
                        let server = (index + turn) % 2
                        let now = Date()
                        // Every seventh operator walks away from every fourth task: a short lease left to expire.
                        let abandons = index % 7 == 0 && turn % 4 == 0
                        guard let lease = try await lab.ledger(server).lease(
                            operatorId: operatorId, projectIds: [lab.projectId], now: now,
                            until: now.addingTimeInterval(abandons ? 1.0 : 60))
                        else {
                            if try await lab.openMicrotasks() == 0 { return }
                            try await Task.sleep(for: .milliseconds(150))
                            continue
                        }
                        if abandons {
                            told.withLock { $0.abandoned += 1 }
                            continue
                        }
                        let result = try await lab.ledger(server).answer(
                            lease.assignmentId, operatorId: operatorId, body: #"{"choice":"duck"}"#,
                            idempotencyKey: "op\(operatorId)-\(lease.assignmentId)", secondsSpent: 4,
                            response: #"{"assignment":\#(lease.assignmentId)}"#, now: Date())
                        guard case .taken(let answerId, _) = result else {
                            Issue.record("a first answer was taken as a repeat: \(result)")
                            continue
                        }
                        told.withLock { $0.answers[answerId] = lease.microtaskId }
                        // Every third answer is sent again to the other server, as a browser retries.
                        if turn % 3 == 0 {
                            let again = try await lab.ledger(1 - server).answer(
                                lease.assignmentId, operatorId: operatorId, body: #"{"choice":"duck"}"#,
                                idempotencyKey: "op\(operatorId)-\(lease.assignmentId)", secondsSpent: 4,
                                response: "{}", now: Date())
                            #expect(again == .repeated(answerId: answerId, response: #"{"assignment":\#(lease.assignmentId)}"#))
                            told.withLock { $0.repeatsRecognised += 1 }
                        }
                    }
                    Issue.record("operator \(operatorId) still found open work after two minutes")
                }
            }
            try await group.waitForAll()
        }
        let result = told.withLock { $0 }
        // Every microtask has exactly its overlap of distinct people, and it is complete.
        let perTask = try lab.rows("""
            SELECT m."id", m."status", m."answerCount", count(a."id"), count(DISTINCT a."operatorId")
            FROM "microtask" m LEFT JOIN "answer" a ON a."microtaskId" = m."id" GROUP BY m."id" ORDER BY m."id";
            """)
        #expect(perTask.count == 90)
        for row in perTask {
            #expect(row[1...] == ["complete", "3", "3", "3"], "microtask \(row[0]): status, count, answers, people = \(row[1...])")
        }
        // Every answer the operators were told was taken is stored, and nothing else is.
        let stored = try lab.rows(#"SELECT "id", "microtaskId" FROM "answer" ORDER BY "id";"#)
        #expect(stored.count == 270)
        #expect(Dictionary(uniqueKeysWithValues: stored.map { (Int64($0[0])!, Int64($0[1])!) }) == result.answers)
        #expect(result.repeatsRecognised > 20)
        #expect(result.abandoned > 0)
        // Both servers did the work: answers were counted on each (their assignments alternate).
        let leasesLeft = try lab.rows(#"SELECT count(*) FROM "assignment" WHERE "state" = 'leased' AND "leaseExpiresAt" > now();"#)
        #expect(leasesLeft == [["0"]])
    }

    @Test("the same answer sent to both servers at once is counted once; each gets the same answer id")
    func sameAnswerTwice() async throws {
        let lab = try await SharedLab(operators: 1, microtasks: 4, overlap: 2)
        defer { lab.close() }
        let operatorId = lab.operators[0]
        for _ in 0..<3 {
            let lease = try #require(try await lab.ledger(0).lease(operatorId: operatorId, projectIds: [lab.projectId],
                                                                   now: Date(), until: Date().addingTimeInterval(60)))
            async let first = lab.ledger(0).answer(lease.assignmentId, operatorId: operatorId, body: "{}", idempotencyKey: "k\(lease.assignmentId)",
                                                   secondsSpent: 3, response: "first", now: Date())
            async let second = lab.ledger(1).answer(lease.assignmentId, operatorId: operatorId, body: "{}", idempotencyKey: "k\(lease.assignmentId)",
                                                    secondsSpent: 3, response: "second", now: Date())
            let both = try await [first, second]
            let taken = both.compactMap { if case .taken(let id, _) = $0 { id } else { nil } }
            let repeated = both.compactMap { if case .repeated(let id, _) = $0 { id } else { nil } }
            #expect(taken.count == 1 && repeated == taken, "\(both)")
        }
        #expect(try lab.rows(#"SELECT count(*) FROM "answer";"#) == [["3"]])
        #expect(try lab.rows(#"SELECT sum("answerCount") FROM "microtask";"#) == [["3"]])
        // A key already used for one task is refused for another.
        let lease = try #require(try await lab.ledger(1).lease(operatorId: operatorId, projectIds: [lab.projectId],
                                                               now: Date(), until: Date().addingTimeInterval(60)))
        let error = await #expect(throws: LabError.self) {
            try await lab.ledger(0).answer(lease.assignmentId, operatorId: operatorId, body: "{}", idempotencyKey: "k1",
                                           secondsSpent: 3, response: "{}", now: Date())
        }
        #expect(error?.code == "idempotency_key_reused")
        // A second, different answer on an answered task is refused, not taken for a retry.
        let firstLease = try #require(try lab.rows(#"SELECT min("assignmentId") FROM "answer";"#).first?.first.flatMap { Int64($0) })
        let different = await #expect(throws: LabError.self) {
            try await lab.ledger(1).answer(firstLease, operatorId: operatorId, body: #"{"choice":"goose"}"#, idempotencyKey: "another-key",
                                           secondsSpent: 3, response: "{}", now: Date())
        }
        #expect(different?.code == LabError.Code.alreadyAnswered)
        // Without a key, the same body again is a retry, another body is not.
        let unkeyed = try #require(try await lab.ledger(0).lease(operatorId: operatorId, projectIds: [lab.projectId], now: Date(),
                                                                 until: Date().addingTimeInterval(60)) == nil ? lease : nil)
        _ = try await lab.ledger(0).answer(unkeyed.assignmentId, operatorId: operatorId, body: "{}", idempotencyKey: nil,
                                           secondsSpent: 3, response: "unkeyed", now: Date())
        #expect(try await lab.ledger(1).answer(unkeyed.assignmentId, operatorId: operatorId, body: "{}", idempotencyKey: nil,
                                               secondsSpent: 3, response: "x", now: Date()) != nil)
        let otherBody = await #expect(throws: LabError.self) {
            try await lab.ledger(1).answer(unkeyed.assignmentId, operatorId: operatorId, body: #"{"choice":"x"}"#, idempotencyKey: nil,
                                           secondsSpent: 3, response: "{}", now: Date())
        }
        #expect(otherBody?.code == LabError.Code.alreadyAnswered)
    }

    @Test("a late answer is taken while its place is free, and refused once the place went to someone else")
    func lateAnswers() async throws {
        let lab = try await SharedLab(operators: 2, microtasks: 1, overlap: 1)
        defer { lab.close() }
        let (first, second) = (lab.operators[0], lab.operators[1])
        let start = Date()
        let early = try #require(try await lab.ledger(0).lease(operatorId: first, projectIds: [lab.projectId], now: start,
                                                               until: start.addingTimeInterval(10)))
        // Its time ran out; nobody else took the place: still taken.
        let late = try await lab.ledger(1).answer(early.assignmentId, operatorId: first, body: "{}", idempotencyKey: nil,
                                                  secondsSpent: 30, response: "{}", now: start.addingTimeInterval(20))
        guard case .taken(_, let complete) = late else { Issue.record("\(late)"); return }
        #expect(complete)
        #expect(try await lab.ledger(0).lease(operatorId: second, projectIds: [lab.projectId], now: start, until: start) == nil)

        let other = try await SharedLab(operators: 2, microtasks: 1, overlap: 1)
        defer { other.close() }
        let held = try #require(try await other.ledger(0).lease(operatorId: other.operators[0], projectIds: [other.projectId],
                                                                now: start, until: start.addingTimeInterval(10)))
        // While the lease is live nobody else gets the place; after it, the other server gives it away.
        #expect(try await other.ledger(1).lease(operatorId: other.operators[1], projectIds: [other.projectId],
                                                now: start.addingTimeInterval(5), until: start.addingTimeInterval(60)) == nil)
        let taken = try #require(try await other.ledger(1).lease(operatorId: other.operators[1], projectIds: [other.projectId],
                                                                 now: start.addingTimeInterval(11), until: start.addingTimeInterval(60)))
        #expect(taken.microtaskId == held.microtaskId)
        let refused = await #expect(throws: LabError.self) {
            try await other.ledger(0).answer(held.assignmentId, operatorId: other.operators[0], body: "{}", idempotencyKey: nil,
                                             secondsSpent: 30, response: "{}", now: start.addingTimeInterval(12))
        }
        #expect(refused?.code == LabError.Code.leaseExpired)
        #expect(try await other.ledger(0).renew(held.assignmentId, operatorId: other.operators[0], until: start.addingTimeInterval(90),
                                                now: start.addingTimeInterval(12)) == .notLeased)
        // The browser's retry of the refused answer is told the same.
        let retried = await #expect(throws: LabError.self) {
            try await other.ledger(1).answer(held.assignmentId, operatorId: other.operators[0], body: "{}", idempotencyKey: nil,
                                             secondsSpent: 30, response: "{}", now: start.addingTimeInterval(12))
        }
        #expect(retried?.code == LabError.Code.leaseExpired)
        let answered = try await other.ledger(0).answer(taken.assignmentId, operatorId: other.operators[1], body: "{}", idempotencyKey: nil,
                                                        secondsSpent: 3, response: "{}", now: start.addingTimeInterval(13))
        guard case .taken = answered else { Issue.record("\(answered)"); return }
        #expect(try other.rows(#"SELECT "operatorId", "state" FROM "assignment" ORDER BY "id";"#)
                    == [["\(other.operators[0])", "expired"], ["\(other.operators[1])", "answered"]])
    }

    @Test("a lease handed back frees its place at once; the same operator never gets that microtask again")
    func handedBack() async throws {
        let lab = try await SharedLab(operators: 2, microtasks: 1, overlap: 1)
        defer { lab.close() }
        let now = Date()
        let first = try #require(try await lab.ledger(0).lease(operatorId: lab.operators[0], projectIds: [lab.projectId],
                                                               now: now, until: now.addingTimeInterval(600)))
        #expect(try await lab.ledger(1).lease(operatorId: lab.operators[1], projectIds: [lab.projectId], now: now,
                                              until: now.addingTimeInterval(600)) == nil)
        #expect(try await lab.ledger(1).end(first.assignmentId, operatorId: lab.operators[0], as: .skipped, reason: "unclear", now: now))
        // Ending it again, or as someone else, changes nothing.
        #expect(try await !lab.ledger(0).end(first.assignmentId, operatorId: lab.operators[0], as: .released, now: now))
        #expect(try await lab.ledger(0).lease(operatorId: lab.operators[0], projectIds: [lab.projectId], now: now,
                                              until: now.addingTimeInterval(600)) == nil)
        let second = try #require(try await lab.ledger(1).lease(operatorId: lab.operators[1], projectIds: [lab.projectId],
                                                                now: now, until: now.addingTimeInterval(600)))
        #expect(second.microtaskId == first.microtaskId)
        #expect(try lab.rows(#"SELECT "state", coalesce("skipReason", '') FROM "assignment" ORDER BY "id";"#)
                    == [["skipped", "unclear"], ["leased", ""]])
        let error = await #expect(throws: LabError.self) {
            try await lab.ledger(0).end(second.assignmentId, operatorId: lab.operators[1], as: .answered, now: now)
        }
        #expect(error?.code == "invalid_lease_state")
    }

    @Test("a connection killed with -9 in the middle of a lease: its lease is rolled back, its row is free, the other server went on")
    func killedMidLease() async throws {
        let lab = try await SharedLab(operators: 3, microtasks: 3, overlap: 1)
        defer { lab.close() }
        let now = Date()
        // Server A leases one microtask for the first operator and acknowledges it, then dies with a
        // transaction open on the second microtask's row (psql stands in for the dying server's connection).
        let acknowledged = try #require(try await lab.ledger(0).lease(operatorId: lab.operators[0], projectIds: [lab.projectId],
                                                                      now: now, until: now.addingTimeInterval(2)))
        let dying = ChildProcess()
        dying.executableURL = URL(fileURLWithPath: "/usr/bin/psql")
        dying.arguments = [lab.address, "-X", "-q", "-v", "ON_ERROR_STOP=1"]
        dying.environment = ["PGAPPNAME": "annolab-dying-server", "PATH": "/usr/bin:/bin"]
        let input = Pipe()
        dying.standardInput = input
        dying.standardOutput = FileHandle.nullDevice
        dying.standardError = FileHandle.nullDevice
        try dying.run()
        let second = lab.microtasks[1]
        input.fileHandleForWriting.write(Data("""
            BEGIN;
            SELECT 1 FROM "microtask" WHERE "id" = \(second) FOR UPDATE;
            INSERT INTO "assignment" ("microtaskId", "operatorId", "leasedAt", "leaseExpiresAt", "state")
                VALUES (\(second), \(lab.operators[1]), now(), now() + interval '1 hour', 'leased');

            """.utf8))
        var waited = 0
        while try lab.rows(#"SELECT count(*) FROM pg_stat_activity WHERE "application_name" = 'annolab-dying-server' AND "state" = 'idle in transaction';"#) != [["1"]] {
            waited += 1
            try #require(waited < 100, "psql never held its transaction open")
            try await Task.sleep(for: .milliseconds(50))
        }
        // While the row is locked, server B serves the operators without waiting for it.
        let clock = ContinuousClock()
        let started = clock.now
        let meanwhile = try #require(try await lab.ledger(1).lease(operatorId: lab.operators[2], projectIds: [lab.projectId],
                                                                   now: now, until: now.addingTimeInterval(60)))
        #expect(clock.now - started < .seconds(2))
        #expect(meanwhile.microtaskId == lab.microtasks[2])
        kill(dying.processIdentifier, SIGKILL)
        dying.waitUntilExit()
        #expect(dying.terminationReason == .uncaughtSignal)
        // PostgreSQL rolls back what the dead connection had begun: the row is free, its lease never was.
        waited = 0
        while try lab.rows(#"SELECT count(*) FROM pg_stat_activity WHERE "application_name" = 'annolab-dying-server';"#) != [["0"]] {
            waited += 1
            try #require(waited < 100, "PostgreSQL kept the killed connection")
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(try lab.rows(#"SELECT count(*) FROM "assignment" WHERE "microtaskId" = \#(second);"#) == [["0"]])
        let freed = try #require(try await lab.ledger(1).lease(operatorId: lab.operators[1], projectIds: [lab.projectId],
                                                               now: now, until: now.addingTimeInterval(60)))
        #expect(freed.microtaskId == second)
        // Server A's acknowledged lease is kept until its time runs out, then served again by B.
        #expect(try lab.rows(#"SELECT "state" FROM "assignment" WHERE "id" = \#(acknowledged.assignmentId);"#) == [["leased"]])
        #expect(try await lab.ledger(1).lease(operatorId: lab.operators[1], projectIds: [lab.projectId], now: now.addingTimeInterval(1),
                                              until: now.addingTimeInterval(60)) == nil)
        let again = try #require(try await lab.ledger(1).lease(operatorId: lab.operators[2], projectIds: [lab.projectId],
                                                               now: now.addingTimeInterval(3), until: now.addingTimeInterval(60)))
        #expect(again.microtaskId == acknowledged.microtaskId)
    }

    @Test("a coach event published on one server reaches the other within 2 s; a server does not hear itself; too large is refused")
    func coachEventsAcrossServers() async throws {
        let lab = try await SharedLab(operators: 1, microtasks: 1, overlap: 1)
        defer { lab.close() }
        let relayA = PostgresEventRelay(client: lab.servers[0], logger: SharedLab.logger, origin: "server-a")
        let relayB = PostgresEventRelay(client: lab.servers[1], logger: SharedLab.logger, origin: "server-b")
        let heardA = Shared<[PostgresEventRelay.Event]>([])
        let heardB = Shared<[PostgresEventRelay.Event]>([])
        let listening = Shared(0)
        let listeners = [
            Task { await relayA.listen(ready: { listening.withLock { $0 += 1 } }) { event in heardA.withLock { $0.append(event) } } },
            Task { await relayB.listen(ready: { listening.withLock { $0 += 1 } }) { event in heardB.withLock { $0.append(event) } } },
        ]
        defer { for task in listeners { task.cancel() } }
        var waited = 0
        while listening.withLock({ $0 }) < 2 {
            waited += 1
            try #require(waited < 200, "the relays did not begin listening")
            try await Task.sleep(for: .milliseconds(25))
        }
        let text = "event: operator\ndata: {\"operatorId\":\(lab.operators[0]),\"state\":\"working\"}\n\n"
        let clock = ContinuousClock()
        let sent = clock.now
        try await relayB.publish(coachId: 7, text: text)
        while heardA.withLock({ $0.isEmpty }), clock.now - sent < .seconds(5) {
            try await Task.sleep(for: .milliseconds(10))
        }
        let took = clock.now - sent
        print("A coach event passed from one server to the other in \(took).")
        #expect(took < .seconds(2), "the event took \(took)")
        #expect(heardA.withLock { $0 } == [PostgresEventRelay.Event(origin: "server-b", coachId: 7, text: text)])
        try await Task.sleep(for: .milliseconds(300))
        #expect(heardB.withLock { $0 }.isEmpty)
        let error = await #expect(throws: LabError.self) {
            try await relayA.publish(coachId: 7, text: String(repeating: "x", count: 9_000))
        }
        #expect(error?.code == "event_too_large")
    }
}
