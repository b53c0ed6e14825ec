// The PostgreSQL store answers as the SQLite store does: leases, answers, media shown to whom, the open work.
import AnnolabCore
import AnnolabPostgres
import Foundation
import Testing
@testable import AnnolabStore

@Suite("The PostgreSQL store answers as the SQLite store: leases, answers, media, the open work", .serialized)
struct PostgresStoreWorkTests {
    /// The parts of the open work both stores must agree on.
    static func facts(_ work: OpenWork) -> [String] {
        ["projects \(work.projects.map { $0.id ?? 0 })", "fresh \(work.fresh)",
         "started \(work.started.map { $0.id ?? 0 })", "assignments \(work.assignments.map { $0.id ?? 0 })",
         "answers \(work.answers.map { $0.id ?? 0 })", "reviews \(work.reviewExcluded.mapValues { $0.sorted() }.sorted { $0.key < $1.key })"]
    }

    @Test("a worked demo lab: the same assignments, answers, answers in context, open work and media rights in both stores")
    func sameReads() async throws {
        let twins = try await TwinStores(worked: true)
        defer { twins.close() }
        let (sqlite, pg) = (twins.sqlite, twins.pg)
        let sqliteWork = try await sqlite.openWork()
        #expect(!sqliteWork.answers.isEmpty && !sqliteWork.fresh.isEmpty)
        #expect(sqliteWork.assignments.count > sqliteWork.answers.count, "some leases are still open")
        let pgWork = try await pg.openWork()
        #expect(Self.facts(pgWork) == Self.facts(sqliteWork))
        #expect(pgWork.started == sqliteWork.started)
        #expect(pgWork.assignments == sqliteWork.assignments)
        #expect(pgWork.answers == sqliteWork.answers)
        #expect(pgWork.projects == sqliteWork.projects)
        #expect(try await pg.answerCount() == sqlite.answerCount())
        for assignment in sqliteWork.assignments {
            let id = try #require(assignment.id)
            #expect(try await pg.assignment(id: id) == assignment)
            #expect(try await pg.answer(assignmentId: id) == sqlite.answer(assignmentId: id))
        }
        for project in sqliteWork.projects {
            #expect(try await pg.answers(projectId: project.id!) == sqlite.answers(projectId: project.id!))
        }
        let people = try await sqlite.allUsers()
        for person in people where person.role == .operator {
            let mine = try await sqlite.answersInContext(operatorId: person.id!)
            let theirs = try await pg.answersInContext(operatorId: person.id!)
            #expect(theirs.map(\.answer) == mine.map(\.answer))
            #expect(theirs.map(\.kind) == mine.map(\.kind))
            #expect(theirs.map(\.others) == mine.map(\.others))
        }
        // Media: every file a started microtask shows, to every operator and coach, while leases are live and after.
        var urls: [String] = ["/media/1/none.png"]
        for task in sqliteWork.started {
            let payload = try JSONSerialization.jsonObject(with: Data(task.payload.utf8)) as? [String: Any] ?? [:]
            for key in ["image", "audio", "video"] {
                if let url = (payload[key] as? [String: Any])?["url"] as? String { urls.append(url) }
            }
        }
        #expect(urls.count > 1)
        var open = 0
        let times = [Date(), Date().addingTimeInterval(3600 * 24)]
        for url in urls {
            for person in people where [.operator, .coach].contains(person.role) {
                let viewer: MediaViewer = person.role == .coach ? .coach(person.id!) : .operator(person.id!)
                for now in times {
                    let expected = try await sqlite.mediaIsOpen(url: url, to: viewer, at: now)
                    #expect(try await pg.mediaIsOpen(url: url, to: viewer, at: now) == expected, "\(url) \(viewer) \(now)")
                    if expected { open += 1 }
                }
            }
        }
        #expect(open > 0, "some file was open to someone")
    }

    @Test("the same leases, answers, refusals and endings give the same rows in both stores")
    func sameWrites() async throws {
        let twins = try await TwinStores(worked: true)
        defer { twins.close() }
        let (sqlite, pg) = (twins.sqlite, twins.pg)
        let now = Date(timeIntervalSince1970: 1_796_000_000)
        let work = try await sqlite.openWork()
        let fresh = try #require(work.fresh.first)
        let people = try await sqlite.allUsers().filter { $0.role == .operator }.compactMap(\.id)
        try #require(people.count >= 4)
        let task = fresh.first
        var leases: [[LeasedMicrotask]] = [[], []]
        // The fourth lease comes after the first three ran out: PostgreSQL, shared by servers, refuses a
        // place others hold (`PlacesTaken`, checked below), where SQLite's one server decides in its queue.
        for (index, person) in people.prefix(4).enumerated() {
            let at = index == 3 ? now.addingTimeInterval(700) : now
            leases[0].append(try await sqlite.lease(microtaskId: task, operatorId: person, at: at, until: at.addingTimeInterval(600), withTask: true))
            leases[1].append(try await pg.lease(microtaskId: task, operatorId: person, at: at, until: at.addingTimeInterval(600), withTask: true))
        }
        #expect(leases[1].map(\.assignment) == leases[0].map(\.assignment))
        #expect(leases[1].map(\.payload) == leases[0].map(\.payload))
        #expect(leases[1].map(\.requiredAnswers) == leases[0].map(\.requiredAnswers))
        #expect(leases[0].first?.payload != nil)
        let ids = leases[0].compactMap(\.assignment.id)
        // Answers on the first two, the second finishing the microtask and ending the fourth lease as expired.
        for (number, assignmentId) in ids.prefix(2).enumerated() {
            let record = AnswerRecord(assignmentId: assignmentId, microtaskId: task, operatorId: people[number], body: #"{"choice":"yes"}"#,
                                      idempotencyKey: "w-\(number)", secondsSpent: 7.5, createdAt: now.addingTimeInterval(Double(number + 1)),
                                      response: #"{"ok":true}"#, isGold: false, goldCorrect: nil)
            let finishing = number == 1
            let stored = try await sqlite.recordAnswer(record, required: 2, complete: finishing, expired: finishing ? [ids[3]] : [])
            #expect(try await pg.recordAnswer(record, required: 2, complete: finishing, expired: finishing ? [ids[3]] : []) == stored)
        }
        let again = AnswerRecord(assignmentId: ids[0], microtaskId: task, operatorId: people[0], body: "{}", idempotencyKey: "w-again",
                                 secondsSpent: 1, createdAt: now, response: "{}", isGold: false, goldCorrect: nil)
        #expect(await twins.codes({ _ = try await sqlite.recordAnswer(again, required: 2, complete: false) },
                                  { _ = try await pg.recordAnswer(again, required: 2, complete: false) })
                == ["already_answered", "already_answered"])
        // The microtask is finished: a shared store gives no new place on it, and says it never will.
        try #require(people.count >= 5)
        await #expect(throws: PlacesTaken(microtaskId: task, taken: 3, freeAt: nil)) {
            _ = try await pg.lease(microtaskId: task, operatorId: people[4], at: now.addingTimeInterval(800),
                                   until: now.addingTimeInterval(1400), withTask: false)
        }
        // The third is skipped with a reason; skipping it again, or renewing it, changes nothing.
        try await sqlite.closeAssignment(id: ids[2], state: .skipped, reason: "too dark", at: now.addingTimeInterval(5))
        try await pg.closeAssignment(id: ids[2], state: .skipped, reason: "too dark", at: now.addingTimeInterval(5))
        try await sqlite.closeAssignment(id: ids[2], state: .released, at: now.addingTimeInterval(9))
        try await pg.closeAssignment(id: ids[2], state: .released, at: now.addingTimeInterval(9))
        try await sqlite.renewLease(id: ids[2], until: now.addingTimeInterval(9000))
        try await pg.renewLease(id: ids[2], until: now.addingTimeInterval(9000))
        // A live lease elsewhere is renewed in both.
        let other = try #require(work.fresh.count > 1 ? work.fresh[1].first : fresh.count > 1 ? fresh.first + 1 : nil)
        let renewed = try await sqlite.lease(microtaskId: other, operatorId: people[0], at: now, until: now.addingTimeInterval(60))
        _ = try await pg.lease(microtaskId: other, operatorId: people[0], at: now, until: now.addingTimeInterval(60))
        try await sqlite.renewLease(id: renewed.assignment.id!, until: now.addingTimeInterval(1200))
        try await pg.renewLease(id: renewed.assignment.id!, until: now.addingTimeInterval(1200))

        for id in ids + [renewed.assignment.id!] {
            #expect(try await pg.assignment(id: id) == sqlite.assignment(id: id), "assignment \(id)")
            #expect(try await pg.answer(assignmentId: id) == sqlite.answer(assignmentId: id))
        }
        #expect(try await sqlite.assignment(id: ids[2])?.state == .skipped)
        #expect(try await sqlite.assignment(id: ids[3])?.state == .expired)
        #expect(try await pg.assignment(id: renewed.assignment.id!)?.leaseExpiresAt == now.addingTimeInterval(1200))
        let sqliteAfter = try await sqlite.openWork()
        let pgAfter = try await pg.openWork()
        #expect(Self.facts(pgAfter) == Self.facts(sqliteAfter))
        #expect(pgAfter.started == sqliteAfter.started)
        #expect(sqliteAfter.started.first { $0.id == task }?.status == nil, "the finished microtask is no longer open work")
        // The same operator cannot have the same microtask twice. (Last: PostgreSQL spends an id on a refused
        // insert, SQLite does not, so ids given after this would differ; ids are never shown as a count.)
        #expect(await twins.codes({ _ = try await sqlite.lease(microtaskId: other, operatorId: people[0], at: now, until: now) },
                                  { _ = try await pg.lease(microtaskId: other, operatorId: people[0], at: now, until: now) })
                == ["already_exists", "already_exists"])
        #expect(try await pg.openWork().assignments == sqlite.openWork().assignments)
    }

    @Test("answers given outside the lab's loop: the same assignments, answers and completed microtasks in both stores")
    func sameFinishedAnswers() async throws {
        let twins = try await TwinStores(worked: true)
        defer { twins.close() }
        let (sqlite, pg) = (twins.sqlite, twins.pg)
        let now = Date(timeIntervalSince1970: 1_796_000_000)
        let work = try await sqlite.openWork()
        let run = try #require(work.fresh.first { $0.count >= 3 })
        let people = try await sqlite.allUsers().filter { $0.role == .operator }.compactMap(\.id)
        var given: [FinishedAnswer] = []
        for offset in 0..<3 {
            for (number, person) in people.prefix(3).enumerated() {
                given.append(FinishedAnswer(microtaskId: run.first + Int64(offset), operatorId: person, body: #"{"choice":"yes"}"#,
                                            createdAt: now.addingTimeInterval(Double(10 * offset + number)), secondsSpent: 4))
            }
        }
        try await sqlite.addFinishedAnswers(given)
        try await pg.addFinishedAnswers(given)
        #expect(try await pg.answers(projectId: run.projectId) == sqlite.answers(projectId: run.projectId))
        let after = try await sqlite.openWork()
        #expect(Self.facts(try await pg.openWork()) == Self.facts(after))
        #expect(!after.fresh.contains { $0.projectId == run.projectId && $0.first == run.first }, "the answered run is no longer fresh")
    }
}
