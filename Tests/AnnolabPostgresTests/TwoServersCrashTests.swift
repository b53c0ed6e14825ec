// One of two servers on one PostgreSQL killed with SIGKILL under load: nothing acknowledged is lost, the other serves on, the dead one's leases come back.
import AnnolabCore
import Foundation
import Synchronization
import Testing

/// A value shared by the operators' tasks.
private final class Box<Value: Sendable>: Sendable {
    private let value: Mutex<Value>
    init(_ value: Value) { self.value = Mutex(value) }
    func withLock<T: Sendable>(_ body: (inout Value) -> T) -> T { value.withLock { body(&$0) } }
}

@Suite("Two servers on one PostgreSQL: one killed", .serialized)
struct TwoServersCrashTests {
    @Test("kill -9 of one of two servers under load: every acknowledged answer is kept, the other server serves everyone on, a lease the killed one gave is answered on the other, the rest run out and are served again")
    func oneOfTwoKilled() async throws {
        let lab = try await TwoServersLab.seed(microtasks: 40, operators: 20)
        defer { lab.clear() }
        // Leases of 10 s, so that those the killed server gave out run out within the test.
        let a = try lab.serve(leaseSeconds: 10), b = try lab.serve(leaseSeconds: 10)
        defer { a.stop(); b.stop() }
        let killed = Box(false)
        let acknowledged = Box<[String: Bool]>([:])   // key -> acknowledged after the kill
        let refusals = Box<[String]>([])

        // Three operators of server A hold a lease each and never answer: the kill leaves them behind.
        var held: [Int64: Int] = [:]
        var holders: [OperatorClient] = []
        for badge in lab.badges.prefix(6) where lab.badges.firstIndex(of: badge)! % 2 == 0 {
            let client = try await OperatorClient.signIn(badge, on: a)
            #expect(try await a.call("POST", "/api/v1/shift/start", token: client.token).0 == 200)
            let assignment = try #require(try await client.next(on: a))
            let holderId = try #require(lab.operatorIds[badge])
            held[holderId] = assignment
            holders.append(client)
        }
        // The first of them answers after the kill, on the other server, while the lease is still theirs.
        let lateHolder = try #require(holders.first)
        let lateHolderId = try #require(lab.operatorIds[lateHolder.badge])
        let lateAssignment = try #require(held[lateHolderId])
        held[lateHolderId] = nil
        let lateReply = Box<Int>(0)

        try await withThrowingTaskGroup(of: Void.self) { group in
            for (index, badge) in lab.badges.enumerated() {
                let onA = index % 2 == 0
                group.addTask {
                    // Where this operator's requests go: A's operators move to B once A is gone, with the same sign-in.
                    let server = { @Sendable in onA && !killed.withLock { $0 } ? a : b }
                    let client = try await OperatorClient.signIn(badge, on: server())
                    _ = try await server().call("POST", "/api/v1/shift/start", token: client.token)
                    var count = 0
                    var idleSince: ContinuousClock.Instant?
                    while true {
                        let target = server()
                        let assignment: Int?
                        do { assignment = try await client.next(on: target) } catch {
                            try await Task.sleep(for: .milliseconds(100))
                            continue
                        }
                        guard let assignment else {
                            let since = idleSince ?? .now
                            idleSince = since
                            // Long enough for the dead server's leases (10 s) to run out and be served again.
                            if ContinuousClock.now - since > .seconds(14) { return }
                            try await Task.sleep(for: .milliseconds(250))
                            continue
                        }
                        idleSince = nil
                        count += 1
                        let key = "\(badge)-\(assignment)"
                        let reply: (Int, Data)
                        do { reply = try await client.answer(assignment, choice: count % 2 == 0 ? "A" : "B", key: key, on: target) } catch {
                            continue   // no reply: not acknowledged
                        }
                        if reply.0 == 201 || reply.0 == 200 {
                            let after = killed.withLock { $0 }
                            acknowledged.withLock { $0[key] = after }
                        } else if reply.0 != 409 {
                            // 409: a lease of the killed server that ran out and went to someone else.
                            refusals.withLock { $0.append("\(key): \(reply.0) \(String(decoding: reply.1, as: UTF8.self))") }
                        }
                        // Slow enough that the kill finds work under way.
                        try await Task.sleep(for: .milliseconds(30))
                    }
                }
            }
            group.addTask {
                try await Task.sleep(for: .milliseconds(1500))
                a.kill()
                killed.withLock { $0 = true }
                // B never gave this lease: it takes it over from the database and counts the answer.
                let (status, _) = try await lateHolder.answer(lateAssignment, choice: "A", key: "late-\(lateAssignment)", on: b)
                lateReply.withLock { $0 = status }
            }
            try await group.waitForAll()
        }

        // Every acknowledged answer is in the database; every microtask has exactly 3 distinct operators.
        let stored = try lab.storedAnswers()
        let keys = acknowledged.withLock { $0 }
        #expect(Set(keys.keys).isSubset(of: Set(stored.map(\.key))), "no acknowledged answer lost: \(Set(keys.keys).subtracting(stored.map(\.key)).prefix(5))")
        #expect(stored.count == Set(stored.map(\.key)).count, "no answer stored twice")
        #expect(keys.values.contains(true), "the other server went on taking answers after the kill")
        #expect(keys.values.contains(false), "answers were taken before the kill")
        let states = try lab.microtaskStates()
        #expect(states.allSatisfy { $0.status == "complete" && $0.answers == 3 }, "\(states.filter { $0.answers != 3 })")
        for (microtask, answers) in Dictionary(grouping: stored, by: \.microtask) {
            #expect(Set(answers.map(\.operatorId)).count == answers.count && answers.count == 3, "microtask \(microtask)")
        }
        #expect(refusals.withLock { $0 }.isEmpty, "\(refusals.withLock { $0 }.prefix(5))")
        #expect(lateReply.withLock { $0 } == 201, "a lease given by the killed server was answered on the other one")
        #expect(stored.contains { $0.key == "late-\(lateAssignment)" })
        // The other leases held on the killed server ran out; their microtasks were finished by others.
        for (operatorId, assignment) in held {
            let row = try lab.postgres.psql(lab.address, #"""
                SELECT a."state", m."status", (SELECT count(*) FROM "answer" x WHERE x."microtaskId" = m."id" AND x."operatorId" <> \#(operatorId))
                FROM "assignment" a JOIN "microtask" m ON m."id" = a."microtaskId" WHERE a."id" = \#(assignment);
                """#)
            #expect(row == [["expired", "complete", "3"]], "lease \(assignment) of the killed server: \(row)")
        }
    }
}
