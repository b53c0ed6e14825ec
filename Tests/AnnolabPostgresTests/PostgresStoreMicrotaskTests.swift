// The PostgreSQL store answers as the SQLite store does: items, microtasks, gold, reviews and media jobs.
import AnnolabCore
@testable import AnnolabPostgres
import Foundation
import PostgresNIO
import Testing
@testable import AnnolabStore

/// The demo lab with work in it, made in SQLite before the move: two pictures of three microtasks each, answers
/// (one microtask complete, one half done), a live lease, a gold microtask, a reviewer's answer and a programme
/// waiting to be prepared.
enum WorkLab {
    static let start = Date(timeIntervalSince1970: 1_796_000_000)

    static func twins() async throws -> TwinStores {
        try await TwinStores(prepare: prepare)
    }

    static func prepare(_ store: LabStore) async throws {
        let projects = try await store.projects(clientId: nil)
        guard let project = projects.first, let projectId = project.id, let other = projects.last?.id else {
            throw LabError(.internalFailure, "no_demo_project", "The demo lab has no project.")
        }
        let operators = try await store.allUsers().filter { $0.role == .operator }.compactMap(\.id)
        let entries = (1...2).map { file in
            (item: Item(projectId: projectId, fileName: "picture-\(file).jpg", mediaType: "image/jpeg", mediaPath: "\(projectId)/p\(file)",
                        byteCount: 1000 * file, meta: "{}", createdAt: start),
             microtasks: (1...3).map { tile in
                 Microtask(projectId: projectId, itemId: nil, kind: project.template, payload: #"{"file":\#(file),"tile":\#(tile)}"#,
                           estimatedSeconds: 10 * tile, requiredAnswers: 2, createdAt: start)
             })
        }
        let tasks = try await store.addItems(entries, actor: nil)
        func answer(_ task: Microtask, by operatorId: Int64, complete: Bool) async throws {
            let lease = try await store.lease(microtaskId: task.id!, operatorId: operatorId, at: start, until: start.addingTimeInterval(600))
            _ = try await store.recordAnswer(AnswerRecord(assignmentId: lease.assignment.id!, microtaskId: task.id!, operatorId: operatorId,
                                                          body: #"{"by":\#(operatorId)}"#, idempotencyKey: "key-\(task.id!)",
                                                          secondsSpent: 12.5, createdAt: start.addingTimeInterval(30), response: "{}",
                                                          isGold: false, goldCorrect: nil),
                                             required: 2, complete: complete)
        }
        try await answer(tasks[0], by: operators[0], complete: false)
        try await answer(tasks[0], by: operators[1], complete: true)
        try await answer(tasks[1], by: operators[0], complete: false)
        _ = try await store.lease(microtaskId: tasks[2].id!, operatorId: operators[2], at: start, until: start.addingTimeInterval(3600))
        try await store.setGold(projectId: projectId, answers: [GoldAnswer(microtaskId: tasks[5].id!, body: #"{"boxes":[]}"#,
                                                                           explanation: #"{"en":"Nothing here."}"#)])
        guard let (review, _) = try await store.addReview(of: tasks[0], payload: #"{"review":true}"#, at: start.addingTimeInterval(60)) else {
            throw LabError(.internalFailure, "no_review", "The review was not made.")
        }
        try await answer(review, by: operators[3], complete: true)
        _ = try await store.addProgrammes([(item: Item(projectId: other, fileName: "news.mp4", mediaType: "video/mp4", mediaPath: "\(other)/news",
                                                       byteCount: 5000, meta: "{}", createdAt: start),
                                            job: MediaJob(projectId: other, file: "news.mp4", at: start))], actor: nil)
    }
}

/// The newest audit lines without their times (SQLite's writes stamp them with the clock), from either store.
protocol LabStoringAudit {
    func auditLines(limit: Int) async throws -> [String]
}

extension LabStore: LabStoringAudit {
    func auditLines(limit: Int) async throws -> [String] {
        try await auditLog(limit: limit).map { "\($0.entry.id ?? 0) \($0.entry.actorId ?? 0) \($0.entry.action) \($0.entry.subject ?? "-") \($0.entry.detail ?? "-")" }
    }
}

extension PostgresLabStore: LabStoringAudit {
    func auditLines(limit: Int) async throws -> [String] {
        try await auditLog(limit: limit).map { "\($0.entry.id ?? 0) \($0.entry.actorId ?? 0) \($0.entry.action) \($0.entry.subject ?? "-") \($0.entry.detail ?? "-")" }
    }
}

@Suite("The PostgreSQL store answers as the SQLite store: items, microtasks, gold, reviews, media jobs", .serialized)
struct PostgresStoreMicrotaskTests {
    @Test("a lab's items, microtasks, gold answers, review decisions and media jobs read the same from both stores")
    func sameReads() async throws {
        let twins = try await WorkLab.twins()
        defer { twins.close() }
        let (sqlite, pg) = (twins.sqlite, twins.pg)
        let counts = try await sqlite.importCounts()
        #expect(counts.items == 3 && counts.microtasks == 7)
        let pgCounts = try await pg.importCounts()
        #expect(pgCounts.items == counts.items && pgCounts.microtasks == counts.microtasks)
        var decisions = 0
        for project in try await sqlite.projects(clientId: nil) {
            let projectId = try #require(project.id)
            let items = try await sqlite.items(projectId: projectId)
            #expect(try await pg.items(projectId: projectId) == items)
            for item in items { #expect(try await pg.item(id: item.id!) == item) }
            let tasks = try await sqlite.microtasks(projectId: projectId)
            #expect(try await pg.microtasks(projectId: projectId) == tasks)
            for task in tasks {
                #expect(try await pg.microtask(id: task.id!) == task)
                #expect(try await pg.goldAnswer(microtaskId: task.id!) == sqlite.goldAnswer(microtaskId: task.id!))
            }
            let reviewed = try await sqlite.reviewDecisions(projectId: projectId)
            decisions += reviewed.count
            #expect(try await pg.reviewDecisions(projectId: projectId) == reviewed)
            #expect(try await pg.mediaJobs(projectId: projectId) == sqlite.mediaJobs(projectId: projectId))
        }
        #expect(decisions == 1)
        let unfinished = try await sqlite.unfinishedMediaJobs()
        #expect(unfinished.count == 1)
        #expect(try await pg.unfinishedMediaJobs() == unfinished)
        #expect(try await pg.item(id: 999_999) == nil)
        #expect(try await pg.microtask(id: 999_999) == nil)
    }

    @Test("the same imports, gold, reviews and media jobs give the same ids, refusals and reads in both stores")
    func sameWrites() async throws {
        let twins = try await WorkLab.twins()
        defer { twins.close() }
        let (sqlite, pg) = (twins.sqlite, twins.pg)
        let now = Date(timeIntervalSince1970: 1_796_100_000)
        let project = try #require(try await sqlite.projects(clientId: nil).first)
        let projectId = try #require(project.id)
        func task(_ tile: Int, id: Int64? = nil) -> Microtask {
            Microtask(id: id, projectId: projectId, itemId: nil, kind: project.template, payload: #"{"tile":\#(tile)}"#,
                      estimatedSeconds: 15, requiredAnswers: 3, createdAt: now)
        }
        let entries = [(item: Item(projectId: projectId, fileName: "more.jpg", mediaType: "image/jpeg", mediaPath: "\(projectId)/more",
                                   byteCount: 77, meta: #"{"width":10}"#, createdAt: now), microtasks: [task(1), task(2)])]
        let imported = try await sqlite.addItems(entries, actor: nil)
        #expect(imported.count == 2 && imported.allSatisfy { $0.id != nil && $0.itemId != nil })
        #expect(try await pg.addItems(entries, actor: nil) == imported)
        #expect(try await pg.addItems([], actor: nil) == sqlite.addItems([], actor: nil))
        let added = try await sqlite.addMicrotasks([task(3), task(4)])
        #expect(try await pg.addMicrotasks([task(3), task(4)]) == added)
        // A chosen id is kept, and the next ids come after it.
        #expect(try await pg.addMicrotasks([task(5, id: 5000)]) == sqlite.addMicrotasks([task(5, id: 5000)]))
        let after = try await sqlite.addMicrotasks([task(6)])
        #expect(after.first?.id == 5001)
        #expect(try await pg.addMicrotasks([task(6)]) == after)

        // Gold: a microtask of another project is refused, and nothing of the batch is kept.
        let foreign = try #require(try await sqlite.projects(clientId: nil).last?.id)
        let gold = [GoldAnswer(microtaskId: added[0].id!, body: "{}", explanation: "{}"),
                    GoldAnswer(microtaskId: added[1].id!, body: "{}", explanation: "{}")]
        #expect(await twins.codes({ try await sqlite.setGold(projectId: foreign, answers: gold) },
                                  { try await pg.setGold(projectId: foreign, answers: gold) })
                == ["unknown_microtask", "unknown_microtask"])
        #expect(try await pg.microtask(id: added[0].id!)?.isGold == false)
        let regold = gold + [GoldAnswer(microtaskId: added[0].id!, body: #"{"again":1}"#, explanation: #"{"en":"twice"}"#)]
        try await sqlite.setGold(projectId: projectId, answers: regold)
        try await pg.setGold(projectId: projectId, answers: regold)
        #expect(try await pg.goldAnswer(microtaskId: added[0].id!)?.body == #"{"again":1}"#)
        for answer in regold {
            #expect(try await pg.goldAnswer(microtaskId: answer.microtaskId) == sqlite.goldAnswer(microtaskId: answer.microtaskId))
        }

        // Reviews: once per original, with the operators who answered it.
        let halfDone = try #require(try await sqlite.microtasks(projectId: projectId).first { $0.answerCount == 1 })
        let sqliteReview = try #require(try await sqlite.addReview(of: halfDone, payload: #"{"r":1}"#, at: now))
        let pgReview = try #require(try await pg.addReview(of: halfDone, payload: #"{"r":1}"#, at: now))
        #expect(pgReview.0 == sqliteReview.0 && pgReview.1 == sqliteReview.1 && pgReview.1.count == 1)
        #expect(try await pg.addReview(of: halfDone, payload: "{}", at: now) == nil)
        #expect(try await sqlite.addReview(of: halfDone, payload: "{}", at: now) == nil)
        #expect(try await pg.microtasks(projectId: projectId) == sqlite.microtasks(projectId: projectId))

        // Media jobs: added, worked on, failed, finished once.
        let programmes = [(item: Item(projectId: foreign, fileName: "late.mp4", mediaType: "video/mp4", mediaPath: "\(foreign)/late",
                                      byteCount: 9, meta: "{}", createdAt: now), job: MediaJob(projectId: foreign, file: "late.mp4", at: now)),
                          (item: Item(projectId: foreign, fileName: "bad.mp4", mediaType: "video/mp4", mediaPath: "\(foreign)/bad",
                                      byteCount: 9, meta: "{}", createdAt: now), job: MediaJob(projectId: foreign, file: "bad.mp4", at: now))]
        let jobs = try await sqlite.addProgrammes(programmes, actor: nil)
        #expect(jobs.count == 2 && jobs.allSatisfy { $0.id != nil })
        #expect(try await pg.addProgrammes(programmes, actor: nil) == jobs)
        for store in [sqlite as any LabStoringJobs, pg] {
            try await store.updateMediaJob(id: jobs[0].id!, state: .working, progress: 0.5, reason: nil, at: now.addingTimeInterval(5))
            try await store.updateMediaJob(id: jobs[1].id!, state: .failed, progress: 0.25, reason: "no sound", at: now.addingTimeInterval(6))
        }
        #expect(try await pg.unfinishedMediaJobs() == sqlite.unfinishedMediaJobs())
        let frames = [(microtask: Microtask(projectId: foreign, itemId: nil, kind: .frameBoxes, payload: #"{"frame":1}"#, estimatedSeconds: 20,
                                            requiredAnswers: 1, createdAt: now), media: ["/media/a.jpg", "/media/b.jpg", "/media/a.jpg"])]
        let finished = try await sqlite.finishMediaJob(jobs[0], microtasks: frames, at: now.addingTimeInterval(10))
        #expect(finished.count == 1 && finished[0].itemId == jobs[0].itemId)
        #expect(try await pg.finishMediaJob(jobs[0], microtasks: frames, at: now.addingTimeInterval(10)) == finished)
        #expect(try await pg.finishMediaJob(jobs[0], microtasks: frames, at: now).isEmpty)
        #expect(try await sqlite.finishMediaJob(jobs[0], microtasks: frames, at: now).isEmpty)
        #expect(try await pg.mediaJobs(projectId: foreign) == sqlite.mediaJobs(projectId: foreign))
        #expect(try await pg.unfinishedMediaJobs() == sqlite.unfinishedMediaJobs())
        let sqliteMedia = try await sqlite.read { db in try String.fetchAll(db, sql: "SELECT url || ' ' || microtaskId FROM microtaskMedia ORDER BY 1") }
        let pgMedia = try await pg.read { db in
            try await db.query(#"SELECT "url" || ' ' || "microtaskId" FROM "microtaskMedia" ORDER BY ("url" || ' ' || "microtaskId") COLLATE "C""#, logger: pg.logger)
                .collect().map { try $0.decode(String.self) }
        }
        #expect(sqliteMedia.count == 2 && pgMedia == sqliteMedia)

        let counts = try await sqlite.importCounts()
        let pgCounts = try await pg.importCounts()
        #expect(pgCounts.items == counts.items && pgCounts.microtasks == counts.microtasks)
        for id in try await sqlite.projects(clientId: nil).compactMap(\.id) {
            #expect(try await pg.items(projectId: id) == sqlite.items(projectId: id))
            #expect(try await pg.microtasks(projectId: id) == sqlite.microtasks(projectId: id))
        }
        let lines = try await sqlite.auditLines(limit: 6)
        #expect(lines.contains { $0.contains("items.prepared project:\(foreign) late.mp4: 1 microtasks") })
        #expect(try await pg.auditLines(limit: 6) == lines)
    }
}

/// The media-job writes both stores have, for one loop over them.
protocol LabStoringJobs: Sendable {
    func updateMediaJob(id: Int64, state: MediaJob.State, progress: Double, reason: String?, at now: Date) async throws
}

extension LabStore: LabStoringJobs {}
extension PostgresLabStore: LabStoringJobs {}
