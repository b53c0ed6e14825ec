// kill -9 while fifty operators answer, round after round on one data folder: nothing acknowledged
// is lost, the lab is back within 2 s, and leases and shifts open at the kill settle by the lab's rules.
//
// One round runs in the ordinary test command; `Tests/Crash/run.sh` runs ten
// (`ANNOLAB_CRASH_ROUNDS=10 swift test --skip-build --filter CrashTests`).
import AnnolabCore
import AnnolabServer
import AnnolabStore
import Foundation
import GRDB
import Testing
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
#if canImport(Glibc)
import Glibc
#endif

@Suite("Crashes", .serialized)
struct CrashTests {
    /// Rounds to run: `ANNOLAB_CRASH_ROUNDS` (Tests/Crash/run.sh asks for 10); one in the ordinary test command.
    static let rounds = max(1, Int(ProcessInfo.processInfo.environment["ANNOLAB_CRASH_ROUNDS"] ?? "") ?? 1)
    static let operators = 50
    /// How much faster the clock runs on the copy of the killed lab, so that a 10-minute lease
    /// and a 90-minute shift pass in seconds there.
    static let fastClock = 600.0

    @Test("kill -9 at a random moment, round after round on one data folder: every acknowledged answer is stored once, the lab is back within 2 s, leases and shifts open at the kill settle")
    func killNineRounds() async throws {
        let started = Date()
        let lab = try await CrashLab.seed(operators: Self.operators, microtasks: 1500 * Self.rounds + 1500)
        defer { try? FileManager.default.removeItem(at: lab.root) }
        var server = try LabProcess(data: lab.data, log: lab.log)
        defer { server.stop() }   // whichever server runs when the test ends, also when it fails
        _ = try await server.waitHealthy(lab.http)
        let people = try await lab.signIn(port: server.port)
        var figures: [RoundFigures] = []

        for round in 1...Self.rounds {
            let roundStarted = Date()
            // Everyone starts a shift; the shift profile is 60 minutes of work, a 10-minute pause, 90 minutes in all.
            var shiftStarts: [ClosedRange<Date>] = []
            for person in people {
                let sent = Date()
                let (status, body) = try await lab.http.call(server.port, "POST", "/api/v1/shift/start", token: person.token)
                #expect(status == 200, "round \(round): shift start answered \(status) \(snippet(body))")
                shiftStarts.append(sent...Date())
            }

            // They work as fast as they can; the server is killed after a random number of acknowledged answers.
            let crashAfter = Int.random(in: Self.rounds == 1 ? 100...600 : 100...1500)
            let ledger = Ledger()
            let killed = try await lab.workUntilKilled(server: server, people: people, round: round, crashAfter: crashAfter,
                                                       ledger: ledger)
            let beforeKill = await ledger.roundCount
            #expect(server.process.terminationReason == .uncaughtSignal, "round \(round): the server died of the kill")
            #expect(beforeKill >= crashAfter, "round \(round): answers were flowing when the server was killed")
            let refusedBeforeKill = await ledger.refusals
            #expect(refusedBeforeKill.isEmpty, "round \(round): the lab refused work before the kill: \(refusedBeforeKill.prefix(5))")

            // The data folder as the kill left it, for the second life below (a clock that runs fast).
            let copy = lab.root.appendingPathComponent("after-kill-\(round)")
            try FileManager.default.copyItem(at: lab.data, to: copy)

            // The lab starts again on the same folder and is healthy within 2 seconds of its launch.
            server = try LabProcess(data: lab.data, log: lab.log)
            let restart = try await server.waitHealthy(lab.http)
            #expect(restart.seconds < 2, "round \(round): /healthz answered \(restart.seconds) s after the restart")

            // Whoever was answering at the kill sends the same answer again, with the same key: it is taken once.
            for (index, held) in killed.held.enumerated() {
                guard let held else { continue }
                let (status, body) = try await lab.http.call(server.port, "POST", "/api/v1/assignments/\(held.assignmentId)/answer",
                                                             token: people[index].token, json: held.body)
                #expect(status == 200 || status == 201, "round \(round): the answer sent again got \(status) \(snippet(body))")
                if status == 200 || status == 201 { await ledger.acknowledge(held) }
            }
            // And then everyone ends their shift: the paid time is the time they were at work, crash included.
            var shiftEnds: [ClosedRange<Date>] = []
            for person in people {
                let sent = Date()
                let (status, body) = try await lab.http.call(server.port, "POST", "/api/v1/shift/end", token: person.token)
                #expect(status == 200, "round \(round): shift end answered \(status) \(snippet(body))")
                shiftEnds.append(sent...Date())
            }
            let acknowledged = await ledger.all
            lab.acknowledged.merge(acknowledged) { first, _ in first }

            try await lab.checkEveryAnswer(port: server.port, round: round)
            try await lab.checkShifts(port: server.port, round: round, people: people, starts: shiftStarts, ends: shiftEnds)

            // The copy of the killed lab lives on with a fast clock: leases held at the kill end, their
            // microtasks go to others, and shifts nobody ended close at their planned end.
            let settled = try await lab.settleCopy(copy, killedAt: killed.at, round: round, people: people,
                                                   speed: Self.fastClock)
            try? FileManager.default.removeItem(at: copy)

            figures.append(RoundFigures(round: round, acknowledged: acknowledged.count, killedAfter: beforeKill,
                                        restartSeconds: restart.seconds, leasesHeld: settled.leasesHeld,
                                        servedAgain: settled.servedAgain, seconds: Date().timeIntervalSince(roundStarted)))
            print("crash round \(round): \(acknowledged.count) answers acknowledged (kill after \(beforeKill)), /healthz "
                  + String(format: "%.3f", restart.seconds) + " s after restart, \(settled.leasesHeld) leases held at the kill, "
                  + "\(settled.servedAgain) served again after their lease, round took "
                  + String(format: "%.1f", Date().timeIntervalSince(roundStarted)) + " s")
        }

        let restarts = figures.map(\.restartSeconds).sorted()
        let median = restarts.count % 2 == 1 ? restarts[restarts.count / 2]
            : (restarts[restarts.count / 2 - 1] + restarts[restarts.count / 2]) / 2
        print("crash test: \(figures.count) rounds run (the test passes only if every one held), answers acknowledged per round "
              + "\(figures.map(\.acknowledged)), /healthz after restart median " + String(format: "%.3f", median)
              + " s, max " + String(format: "%.3f", restarts.last ?? 0) + " s, "
              + "\(lab.acknowledged.count) answers in all, run took " + String(format: "%.1f", Date().timeIntervalSince(started)) + " s")
    }
}

/// What one round showed, for the summary line.
struct RoundFigures {
    var round: Int
    var acknowledged: Int
    var killedAfter: Int
    var restartSeconds: TimeInterval
    var leasesHeld: Int
    var servedAgain: Int
    var seconds: TimeInterval
}

/// A task an operator holds: served, maybe answered, the answer perhaps not yet acknowledged.
struct HeldTask: Sendable {
    var assignmentId: Int64
    var operatorIndex: Int
    var key: String
    var choice: String
    var body: String { #"{"answer":{"choice":"\#(choice)"},"idempotencyKey":"\#(key)"}"# }
}

/// Every acknowledged answer, and anything the lab refused while it was up.
actor Ledger {
    private(set) var all: [Int64: HeldTask] = [:]
    private(set) var roundCount = 0
    private(set) var refusals: [String] = []

    func acknowledge(_ task: HeldTask) {
        if all.updateValue(task, forKey: task.assignmentId) == nil { roundCount += 1 }
    }

    func refused(_ what: String) { refusals.append(what) }
}

/// One signed-in operator.
struct Person: Sendable {
    var index: Int
    var id: Int64
    var token: String
}

/// The lab of the crash test: its folder, people and project, and what has been acknowledged so far.
final class CrashLab: @unchecked Sendable {
    let root: URL
    let data: URL
    let log: URL
    let http = LabHTTP()
    let projectId: Int64
    let badges: [String]
    let adminEmail = "crash-admin@lab.local"
    let adminPassword = "long-enough-password"
    var adminToken = ""
    /// Every answer acknowledged in any round, by assignment.
    var acknowledged: [Int64: HeldTask] = [:]
    static let timeZone = TimeZone(identifier: "Europe/Amsterdam") ?? .gmt

    init(root: URL, projectId: Int64, badges: [String]) {
        self.root = root
        self.data = root.appendingPathComponent("data")
        self.log = root.appendingPathComponent("server.log")
        self.projectId = projectId
        self.badges = badges
    }

    /// An admin, a client's choice project with `microtasks` microtasks of two answers each, and the operators.
    static func seed(operators: Int, microtasks: Int) async throws -> CrashLab {
        let root = temporaryFolder()
        let data = root.appendingPathComponent("data")
        let admin = try annolab(["user", "add", "--data", data.path, "--role", "admin", "--name", "Crash Admin",
                                 "--email", "crash-admin@lab.local", "--password", "long-enough-password"])
        #expect(admin.status == 0, "admin made: \(admin.stderr)")
        let store = try LabStore(folder: data)
        let client = try await store.createClient(name: "Newsroom")
        let project = try await store.createProject(
            Project(clientId: client.id!, name: "Crash", template: .choice, labels: ["A", "B"], overlap: 2, adaptiveMin: nil,
                    adaptiveMax: nil, goldRate: 0, deadline: nil, createdAt: Date()), actor: nil)
        let payload = String(decoding: try JSONEncoder().encode(MicrotaskPayload(options: ["A", "B"])), as: UTF8.self)
        _ = try await store.addMicrotasks((0..<microtasks).map { _ in
            Microtask(projectId: project.id!, itemId: nil, kind: .choice, payload: payload, estimatedSeconds: 5, requiredAnswers: 2)
        })
        let badges = (0..<operators).map { String(format: "OP-C%04d", $0) }
        for badge in badges {
            let user = try await store.createUser(NewUser(role: .operator, name: "Operator \(badge)", badge: badge,
                                                          birthdate: "1990-01-01"))
            var profile = try #require(try await store.profile(operatorId: user.id!))
            profile.workMinutes = 60
            profile.pauseMinutes = 10
            profile.shiftMinutes = 90
            profile.dailyCapMinutes = 600
            try WorkProfile(workMinutes: 60, pauseMinutes: 10, shiftMinutes: 90, dailyCapMinutes: 600).validate()
            try await store.updateProfile(profile, actor: nil)
        }
        return CrashLab(root: root, projectId: project.id!, badges: badges)
    }

    /// Operators sign in with their badges, the admin with email and password. Sessions are
    /// stored, so they hold across restarts and in copies of the folder.
    func signIn(port: Int) async throws -> [Person] {
        let (status, body) = try await http.call(port, "POST", "/api/v1/login",
                                                 json: #"{"email":"\#(adminEmail)","password":"\#(adminPassword)"}"#)
        #expect(status == 200, "admin login: \(snippet(body))")
        adminToken = try #require(fields(body)["token"] as? String)
        var people: [Person] = []
        for (index, badge) in badges.enumerated() {
            let (status, body) = try await http.call(port, "POST", "/api/v1/login", json: #"{"badge":"\#(badge)"}"#)
            #expect(status == 200, "login \(badge): \(snippet(body))")
            let token = try #require(fields(body)["token"] as? String)
            people.append(Person(index: index, id: 0, token: token))
        }
        let ids = try readLab(data) { db in
            try Row.fetchAll(db, sql: "SELECT id, badge FROM user WHERE role = 'operator'").reduce(into: [String: Int64]()) {
                $0[$1["badge"]] = $1["id"]
            }
        }
        return try people.map { person in
            var person = person
            person.id = try #require(ids[badges[person.index]])
            return person
        }
    }

    /// Operators loop next -> answer (with an idempotency key) until the server is killed after
    /// `crashAfter` acknowledged answers. Returns the moment of the kill and, per operator, the
    /// task whose answer was not acknowledged when the server died.
    func workUntilKilled(server: LabProcess, people: [Person], round: Int, crashAfter: Int,
                         ledger: Ledger) async throws -> (at: Date, held: [HeldTask?]) {
        let http = self.http, port = server.port
        let killedAt = KillMoment()
        let held = try await withThrowingTaskGroup(of: (Int, HeldTask?).self) { group in
            for person in people {
                group.addTask {
                    var current: HeldTask?
                    while true {
                        if current == nil {
                            // A lost answer to "next" leaves a lease nobody here knows of: it must expire by itself.
                            guard let (status, body) = try? await http.call(port, "GET", "/api/v1/tasks/next", token: person.token)
                            else { return (person.index, nil) }
                            if status == 204 {
                                try? await Task.sleep(for: .milliseconds(50))
                                continue
                            }
                            guard status == 200, let assignment = fields(body)["assignment"] as? [String: Any],
                                  let id = (assignment["id"] as? NSNumber)?.int64Value else {
                                await ledger.refused("next \(status) \(snippet(body))")
                                return (person.index, nil)
                            }
                            current = HeldTask(assignmentId: id, operatorIndex: person.index, key: "crash-\(round)-\(person.index)-\(id)",
                                               choice: id % 2 == 0 ? "A" : "B")
                        }
                        let task = current!
                        guard let (status, body) = try? await http.call(port, "POST", "/api/v1/assignments/\(task.assignmentId)/answer",
                                                                        token: person.token, json: task.body)
                        else { return (person.index, task) }
                        guard status == 201 || status == 200 else {
                            await ledger.refused("answer \(status) \(snippet(body))")
                            return (person.index, task)
                        }
                        await ledger.acknowledge(task)
                        current = nil
                    }
                }
            }
            group.addTask {
                // The kill comes after a random number of acknowledged answers, whatever the machine's speed.
                let deadline = Date().addingTimeInterval(120)
                while await ledger.roundCount < crashAfter, Date() < deadline { try await Task.sleep(for: .milliseconds(2)) }
                kill(server.process.processIdentifier, SIGKILL)
                killedAt.set(Date())
                return (-1, nil)
            }
            var held = [HeldTask?](repeating: nil, count: people.count)
            for try await (index, task) in group where index >= 0 { held[index] = task }
            return held
        }
        server.process.waitUntilExit()
        return (killedAt.value ?? Date(), held)
    }

    /// Every acknowledged answer is stored exactly once, with the body and key it was sent with;
    /// nobody answered a microtask twice; no microtask has more answers than it asks for; the file is sound.
    func checkEveryAnswer(port: Int, round: Int) async throws {
        let (integrity, answers, overfull) = try readLab(data) { db in
            (try String.fetchOne(db, sql: "PRAGMA integrity_check"),
             try AnswerRecord.fetchAll(db),
             try Int.fetchOne(db, sql: """
                SELECT COUNT(*) FROM microtask WHERE answerCount > requiredAnswers
                    OR (SELECT COUNT(*) FROM answer WHERE answer.microtaskId = microtask.id) > requiredAnswers
                """))
        }
        #expect(integrity == "ok", "round \(round): integrity_check says \(integrity ?? "nothing")")
        let byAssignment = Dictionary(grouping: answers, by: \.assignmentId)
        var missing: [Int64] = [], doubled: [Int64] = [], different: [Int64] = []
        for (id, task) in acknowledged {
            guard let stored = byAssignment[id] else { missing.append(id); continue }
            if stored.count != 1 { doubled.append(id) }
            if stored[0].idempotencyKey != task.key || !stored[0].body.contains("\"\(task.choice)\"") { different.append(id) }
        }
        #expect(missing.isEmpty, "round \(round): acknowledged but lost: \(missing.sorted().prefix(10))")
        #expect(doubled.isEmpty, "round \(round): stored more than once: \(doubled.sorted().prefix(10))")
        #expect(different.isEmpty, "round \(round): stored differently from what was sent: \(different.sorted().prefix(10))")
        #expect(byAssignment.values.allSatisfy { $0.count == 1 }, "round \(round): one answer per assignment")
        let pairs = Dictionary(grouping: answers, by: { "\($0.microtaskId)/\($0.operatorId)" })
        #expect(pairs.values.allSatisfy { $0.count == 1 }, "round \(round): nobody answered a microtask twice")
        #expect(overfull == 0, "round \(round): \(overfull ?? -1) microtasks have more answers than they ask for")
    }

    /// Each shift of this round began when its operator started it and ended when they ended it,
    /// the crash in between; its time segments cover exactly that span, and payroll pays all
    /// rounds' spans, no more and no less.
    func checkShifts(port: Int, round: Int, people: [Person], starts: [ClosedRange<Date>], ends: [ClosedRange<Date>]) async throws {
        let now = Date()
        let (shifts, segments, open, reserved) = try readLab(data) { db in
            (try Shift.fetchAll(db), try StoredSegment.fetchAll(db),
             try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM shift WHERE endedAt IS NULL") ?? -1,
             try Assignment.filter(Column("state") == "leased" && Column("leaseExpiresAt") > now).fetchAll(db))
        }
        #expect(open == 0, "round \(round): every shift is closed after everyone ended theirs")
        // Ending a shift hands back every task still reserved for the operator, also those leased before the crash.
        let stillReserved = reserved.prefix(5).map { "assignment \($0.id!) of operator \($0.operatorId) leased at \($0.leasedAt)" }
        #expect(reserved.isEmpty, "round \(round): after everyone ended their shift, \(reserved.count) tasks are still reserved: \(stillReserved)")
        let segmentsByShift = Dictionary(grouping: segments, by: \.shiftId)
        for person in people {
            let mine = shifts.filter { $0.operatorId == person.id }
            #expect(mine.count == round, "round \(round): operator \(person.index) has one shift per round, not \(mine.count)")
            guard let shift = mine.max(by: { $0.startedAt < $1.startedAt }), let ended = shift.endedAt else { continue }
            let started = starts[person.index], end = ends[person.index]
            #expect(shift.startedAt >= started.lowerBound.addingTimeInterval(-0.002)
                        && shift.startedAt <= started.upperBound.addingTimeInterval(0.002),
                    "round \(round): the shift began when it was started")
            #expect(ended >= end.lowerBound.addingTimeInterval(-0.002) && ended <= end.upperBound.addingTimeInterval(0.002),
                    "round \(round): the shift ended when it was ended, \(ended) not in \(end)")
            #expect(shift.endReason == "byOperator")
            checkCover(shift, segmentsByShift[shift.id!] ?? [], round: round)
        }
        try await checkPayroll(port: port, shifts: shifts, segments: segmentsByShift, round: round, people: people)
    }

    /// The shift's stored work and pause segments follow each other without gap or overlap from
    /// its start to its end, so the paid time is exactly the span.
    func checkCover(_ shift: Shift, _ segments: [StoredSegment], round: Int) {
        let paid = segments.filter { $0.kind != .extraPause }.sorted { $0.startedAt < $1.startedAt }
        var cursor = shift.startedAt
        var joined = true
        for segment in paid {
            if abs(segment.startedAt.timeIntervalSince(cursor)) > 0.002 { joined = false }
            cursor = segment.endedAt ?? cursor
        }
        let end = shift.endedAt ?? .distantFuture
        #expect(joined && abs(cursor.timeIntervalSince(end)) <= 0.002,
                "round \(round): shift \(shift.id!) from \(shift.startedAt) to \(end) is covered exactly by its segments: \(paid.map { "\($0.kind) \($0.startedAt)-\($0.endedAt.map { "\($0)" } ?? "open")" })")
    }

    /// Payroll, read over HTTP as the admin reads it, pays each operator the sum of their closed
    /// shifts' spans (to the second a day), and asking again later gives the same.
    func checkPayroll(port: Int, shifts: [Shift], segments: [Int64: [StoredSegment]], round: Int, people: [Person]) async throws {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = Self.timeZone
        let first = shifts.map(\.startedAt).min() ?? Date(), last = shifts.compactMap(\.endedAt).max() ?? Date()
        let formatter = DateFormatter()
        formatter.calendar = calendar
        formatter.timeZone = Self.timeZone
        formatter.dateFormat = "yyyy-MM-dd"
        let from = formatter.string(from: first.addingTimeInterval(-86400)), to = formatter.string(from: last.addingTimeInterval(86400))
        let (status, body) = try await http.call(port, "GET", "/api/v1/admin/payroll?from=\(from)&to=\(to)", token: adminToken)
        #expect(status == 200, "round \(round): payroll answered \(status) \(snippet(body))")
        let rows = fields(body)["rows"] as? [[String: Any]] ?? []
        var paid: [Int64: Int] = [:]
        for row in rows {
            guard let id = (row["operatorId"] as? NSNumber)?.int64Value, let seconds = row["paidSeconds"] as? Int else { continue }
            paid[id, default: 0] += seconds
        }
        for person in people {
            let spans = shifts.filter { $0.operatorId == person.id }.compactMap { shift in
                shift.endedAt.map { $0.timeIntervalSince(shift.startedAt) }
            }.reduce(0, +)
            let got = paid[person.id] ?? 0
            #expect(abs(Double(got) - spans) <= 2, "round \(round): operator \(person.index) is paid \(got) s for \(spans) s of shifts")
        }
    }

    /// The copy of the folder as the kill left it starts with a clock `speed` times faster. The
    /// operators go on working there: no microtask whose places were all taken at the kill goes
    /// to anyone else before the lease on it ends, and every microtask leased at the kill is
    /// served to someone else after that lease ended. Half of the operators then end their
    /// shift; the others never come back, and their shifts close at the planned end, not later.
    func settleCopy(_ copy: URL, killedAt: Date, round: Int, people: [Person],
                    speed: Double) async throws -> (leasesHeld: Int, servedAgain: Int) {
        let server = try LabProcess(data: copy, log: root.appendingPathComponent("copy-\(round).log"), clockSpeed: speed)
        defer { server.stop() }
        let healthy = try await server.waitHealthy(http)
        // The lab's time at wall time t lies between these two (its clock starts somewhere in the launch).
        let launched = server.launchedAt, ready = healthy.at
        func earliest(_ t: Date) -> Date { ready.addingTimeInterval(t.timeIntervalSince(ready) * speed) }
        func latest(_ t: Date) -> Date { launched.addingTimeInterval(t.timeIntervalSince(launched) * speed) }

        struct HeldLease { var microtaskId: Int64; var operatorId: Int64; var expiresAt: Date; var full: Bool }
        let (held, lastAssignment, shifts) = try readLab(copy) { db in
            let leases = try Assignment.filter(Column("state") == "leased" && Column("leaseExpiresAt") > killedAt).fetchAll(db)
            var result: [HeldLease] = []
            for lease in leases {
                let required = try Int.fetchOne(db, sql: "SELECT requiredAnswers FROM microtask WHERE id = ?", arguments: [lease.microtaskId]) ?? 0
                let answers = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM answer WHERE microtaskId = ?", arguments: [lease.microtaskId]) ?? 0
                let live = leases.filter { $0.microtaskId == lease.microtaskId }.count
                result.append(HeldLease(microtaskId: lease.microtaskId, operatorId: lease.operatorId, expiresAt: lease.leaseExpiresAt,
                                        full: answers + live >= required))
            }
            return (result, try Int64.fetchOne(db, sql: "SELECT MAX(id) FROM assignment") ?? 0,
                    try Shift.filter(Column("endedAt") == nil).fetchAll(db))
        }
        #expect(!held.isEmpty, "round \(round): operators held leases when the server was killed")
        #expect(shifts.count == people.count, "round \(round): every operator's shift was open at the kill")
        let openShift = Dictionary(shifts.map { ($0.operatorId, $0) }, uniquingKeysWith: { a, _ in a })
        // Work blocks run to 60 minutes, a pause to 70, the shift to 90: the leases must have been
        // served again by the pause's end, which leaves 20 lab minutes (2 s) to end half of the shifts.
        let lastChance = shifts.map { $0.startedAt.addingTimeInterval(70 * 60) }.min() ?? Date()

        // Everyone works on; the test watches until each lease held at the kill has been served again.
        let stop = KillMoment()
        let http = self.http, port = server.port
        func servedAgain() throws -> [Int64: [Assignment]] {
            try readLab(copy) { db in
                Dictionary(grouping: try Assignment.filter(Column("id") > lastAssignment).fetchAll(db), by: \.microtaskId)
            }
        }
        func covered(_ later: [Int64: [Assignment]]) -> Bool {
            held.allSatisfy { lease in
                (later[lease.microtaskId] ?? []).contains { $0.operatorId != lease.operatorId && $0.leasedAt >= lease.expiresAt }
            }
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for person in people {
                group.addTask {
                    while stop.value == nil {
                        guard let (status, body) = try? await http.call(port, "GET", "/api/v1/tasks/next", token: person.token) else { return }
                        if status == 204 || status == 423 {
                            try? await Task.sleep(for: .milliseconds(20))
                            continue
                        }
                        guard status == 200, let id = ((fields(body)["assignment"] as? [String: Any])?["id"] as? NSNumber)?.int64Value
                        else { return }
                        _ = try? await http.call(port, "POST", "/api/v1/assignments/\(id)/answer", token: person.token,
                                                 json: #"{"answer":{"choice":"A"},"idempotencyKey":"copy-\#(id)"}"#)
                    }
                }
            }
            group.addTask {
                let deadline = Date().addingTimeInterval(60)
                while Date() < deadline, earliest(Date()) < lastChance, !covered(try servedAgain()) {
                    try await Task.sleep(for: .milliseconds(100))
                }
                stop.set(Date())
            }
            try await group.waitForAll()
        }
        let later = try servedAgain()
        var notServed: [Int64] = [], tooEarly: [Int64] = []
        for lease in held {
            let others = later[lease.microtaskId] ?? []
            if !others.contains(where: { $0.operatorId != lease.operatorId && $0.leasedAt >= lease.expiresAt }) {
                notServed.append(lease.microtaskId)
            }
            // A microtask whose places were all taken at the kill waits for a lease to end.
            let firstEnd = held.filter { $0.microtaskId == lease.microtaskId }.map(\.expiresAt).min() ?? lease.expiresAt
            if lease.full, others.contains(where: { $0.leasedAt < firstEnd }) { tooEarly.append(lease.microtaskId) }
        }
        #expect(notServed.isEmpty, "round \(round): leased at the kill and not served to anyone else after the lease: \(notServed.prefix(10))")
        #expect(tooEarly.isEmpty, "round \(round): served to someone else while the lease held at the kill still ran: \(tooEarly.prefix(10))")

        // Half of the operators come back and end their shift; the others went home without a word.
        let ended = try await withThrowingTaskGroup(of: (Int64, ClosedRange<Date>).self) { group in
            for person in people where person.index % 2 == 0 {
                group.addTask {
                    let sent = Date()
                    let (status, body) = try await http.call(port, "POST", "/api/v1/shift/end", token: person.token)
                    #expect(status == 200, "round \(round): shift end on the copy answered \(status) \(snippet(body))")
                    return (person.id, earliest(sent)...latest(Date()))
                }
            }
            return try await group.reduce(into: [Int64: ClosedRange<Date>]()) { $0[$1.0] = $1.1 }
        }
        // Wait until every planned end has passed on the fast clock, then ask for payroll twice.
        let plannedEnd = shifts.map(\.plannedEndAt).max() ?? Date()
        while earliest(Date()) < plannedEnd.addingTimeInterval(60) { try await Task.sleep(for: .milliseconds(100)) }
        // Payroll closes the shifts whose time ran out before it counts.
        let (settleStatus, settleBody) = try await http.call(port, "GET", "/api/v1/admin/payroll?from=2000-01-01&to=2000-01-01",
                                                             token: adminToken)
        #expect(settleStatus == 200, "round \(round): payroll on the copy answered \(settleStatus) \(snippet(settleBody))")
        let (closed, segments) = try readLab(copy) { db in (try Shift.fetchAll(db), try StoredSegment.fetchAll(db)) }
        let segmentsByShift = Dictionary(grouping: segments, by: \.shiftId)
        for person in people {
            guard let open = openShift[person.id], let shift = closed.first(where: { $0.id == open.id }) else { continue }
            guard let end = shift.endedAt else {
                Issue.record("round \(round): the shift of operator \(person.index) open at the kill is still open after its planned end")
                continue
            }
            if let window = ended[person.id] {
                #expect(shift.endReason == "byOperator" && end >= window.lowerBound.addingTimeInterval(-1)
                            && end <= window.upperBound.addingTimeInterval(1),
                        "round \(round): a shift ended after the crash is paid to its end, \(end) in \(window), \(shift.endReason ?? "")")
            } else {
                #expect(shift.endReason == "plannedLength" && abs(end.timeIntervalSince(shift.plannedEndAt)) < 0.002,
                        "round \(round): a shift nobody ended closes at its planned end \(shift.plannedEndAt), not \(end) (\(shift.endReason ?? ""))")
                #expect(abs(end.timeIntervalSince(shift.startedAt) - Double(shift.shiftMinutes * 60)) < 0.002,
                        "round \(round): a forgotten shift pays its planned length, pause included")
            }
            checkCover(shift, segmentsByShift[shift.id!] ?? [], round: round)
        }
        try await checkPayroll(port: port, shifts: closed, segments: segmentsByShift, round: round, people: people)
        // Time goes on (ten lab minutes a second): the paid time stays what it was.
        try await Task.sleep(for: .seconds(1))
        let again = try readLab(copy) { db in try StoredSegment.fetchAll(db) }
        try await checkPayroll(port: port, shifts: try readLab(copy) { db in try Shift.fetchAll(db) },
                               segments: Dictionary(grouping: again, by: \.shiftId), round: round, people: people)
        #expect(again.count == segments.count, "round \(round): no time segment was added after the shifts closed")
        let servedCount = held.filter { lease in
            (later[lease.microtaskId] ?? []).contains { $0.operatorId != lease.operatorId && $0.leasedAt >= lease.expiresAt }
        }.count
        return (held.count, servedCount)
    }
}

/// A moment set once by one task and read by others.
final class KillMoment: @unchecked Sendable {
    private let lock = NSLock()
    private var moment: Date?
    var value: Date? { lock.withLock { moment } }
    func set(_ date: Date) { lock.withLock { if moment == nil { moment = date } } }
}

/// `annolab serve` started by the crash tests on a port chosen beforehand, so that `/healthz`
/// can be asked from the moment of launch. Its output goes to a log file outside the data folder.
final class LabProcess: @unchecked Sendable {
    let process = ChildProcess()
    let port: Int
    private(set) var launchedAt = Date()

    init(data: URL, log: URL, clockSpeed: Double? = nil) throws {
        port = try freeLoopbackPort()
        process.executableURL = annolabProgram
        var arguments = ["serve", "--data", data.path, "--host", "127.0.0.1", "--port", "\(port)", "--log-level", "warning"]
        if let clockSpeed { arguments += ["--clock-speed", "\(clockSpeed)"] }
        process.arguments = arguments
        if !FileManager.default.fileExists(atPath: log.path) { _ = FileManager.default.createFile(atPath: log.path, contents: nil) }
        let handle = try FileHandle(forWritingTo: log)
        handle.seekToEndOfFile()
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        launchedAt = Date()
        try process.run()
    }

    /// Seconds from launch to the first 200 on `/healthz`, and that moment.
    func waitHealthy(_ http: LabHTTP, within limit: TimeInterval = 30) async throws -> (seconds: TimeInterval, at: Date) {
        let deadline = launchedAt.addingTimeInterval(limit)
        while Date() < deadline, process.isRunning {
            if let (status, _) = try? await http.call(port, "GET", "/healthz", timeout: 1), status == 200 {
                let now = Date()
                return (now.timeIntervalSince(launchedAt), now)
            }
            try await Task.sleep(for: .milliseconds(5))
        }
        throw LabError(.internalFailure, "server_not_healthy", "annolab serve on port \(port) did not answer /healthz within \(limit) s")
    }

    func stop() {
        guard process.isRunning else { return }
        process.terminate()
        process.waitUntilExit()
    }
}

/// Plain HTTP calls to a lab on the loopback, as a script would make them.
struct LabHTTP: @unchecked Sendable {
    let session: URLSession

    init() {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = 10
        configuration.httpMaximumConnectionsPerHost = 128
        session = URLSession(configuration: configuration)
    }

    func call(_ port: Int, _ method: String, _ path: String, token: String? = nil, json: String? = nil,
              body: Data? = nil, contentType: String? = nil, timeout: TimeInterval = 10) async throws -> (Int, Data) {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!)
        request.httpMethod = method
        request.timeoutInterval = timeout
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        if let json {
            request.httpBody = Data(json.utf8)
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        if let body {
            request.httpBody = body
            request.setValue(contentType, forHTTPHeaderField: "Content-Type")
        }
        let (data, response) = try await session.data(for: request)
        return ((response as! HTTPURLResponse).statusCode, data)
    }
}

/// Reads the lab's database read-only (the server may be running on it).
func readLab<T>(_ folder: URL, _ body: (Database) throws -> T) throws -> T {
    var configuration = Configuration()
    configuration.readonly = true
    let queue = try DatabaseQueue(path: folder.appendingPathComponent("annolab.sqlite").path, configuration: configuration)
    defer { try? queue.close() }
    return try queue.read(body)
}

func fields(_ data: Data) -> [String: Any] {
    (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
}

func snippet(_ data: Data) -> String { String(decoding: data.prefix(400), as: UTF8.self) }

/// A free TCP port on 127.0.0.1, found by binding port 0 and letting it go.
func freeLoopbackPort() throws -> Int {
    let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard descriptor >= 0 else { throw LabError(.internalFailure, "no_socket", "socket() failed") }
    defer { close(descriptor) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = 0
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) == 0
            && getsockname(descriptor, $0, &length) == 0 }
    }
    guard bound else { throw LabError(.internalFailure, "no_port", "no free port on 127.0.0.1") }
    return Int(UInt16(bigEndian: address.sin_port))
}

/// Counts acknowledged answers across the operators' tasks (used by other program tests too).
actor AckCounter {
    private(set) var count = 0
    func add() { count += 1 }
}
