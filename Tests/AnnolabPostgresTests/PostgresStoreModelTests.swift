// The PostgreSQL store answers as the SQLite store does: a project's model and its waiting pictures, an operator's record.
import AnnolabCore
import AnnolabPostgres
import Foundation
import GRDB
import Testing
@testable import AnnolabStore

@Suite("The PostgreSQL store answers as the SQLite store: model settings, waiting pictures, an operator's record", .serialized)
struct PostgresStoreModelTests {
    static let now = Date(timeIntervalSince1970: 1_796_000_000)

    /// Before the move: a live model on the first picture project, three of its pictures waiting for it,
    /// one already predicted; an operator's ended shift and a statement they agreed with.
    static func prepare(_ store: LabStore) async throws {
        let project = try #require(try await store.openWork().projects.first { $0.template == .imageBoxes })
        var setting = ModelSetting(projectId: project.id!, mode: "verify", threshold: 0.4, ordering: "uncertain-first", modelVotes: true)
        setting.url = "http://127.0.0.1:9090"
        setting.accessTokenHash = "media-token-hash"
        setting.state = "ready"
        setting.modelVersion = "haar-frontalface-1"
        setting.checkedAt = now
        try await store.saveModelSetting(setting)
        let items = try await store.items(projectId: project.id!)
        try #require(items.count >= 4)
        try await store.write { db in
            for item in items.prefix(3) {
                try db.execute(sql: "INSERT INTO predictionWait (itemId, projectId, payloads, estimatedSeconds) VALUES (?, ?, ?, ?)",
                               arguments: [item.id, project.id, #"[{"tile":\#(item.id!)}]"#, 20])
            }
            try db.execute(sql: """
                INSERT INTO prediction (projectId, itemId, source, modelVersion, body, createdAt) VALUES (?, ?, 'model', 'haar-frontalface-1', '[]', ?)
                """, arguments: [project.id, items[3].id, now])
        }
        let person = try #require(try await store.operatorsWithOpenShifts().first)
        let shift = try #require(try await store.latestShift(operatorId: person))
        try await store.endShift(id: shift.id!, at: Date().addingTimeInterval(120), reason: .byOperator,
                                 segments: [TimeSegment(kind: .work, start: shift.startedAt, end: Date().addingTimeInterval(100)),
                                            TimeSegment(kind: .pause, start: Date().addingTimeInterval(100), end: Date().addingTimeInterval(120))])
        let coach = try #require(try await store.allUsers().first { $0.role == .coach })
        _ = try await store.writeCoachStatement(operatorId: person, coachId: coach.id!, body: "Works carefully; asks when unsure.", at: now)
        _ = try await store.agreeToCoachStatement(operatorId: person, at: now.addingTimeInterval(60))
    }

    @Test("model settings, live models, media tokens, prediction counts and waiting pictures read and change the same")
    func sameModels() async throws {
        let twins = try await TwinStores(worked: true, prepare: Self.prepare)
        defer { twins.close() }
        let (sqlite, pg) = (twins.sqlite, twins.pg)
        let projects = try await sqlite.openWork().projects.compactMap(\.id)
        for project in projects {
            #expect(try await pg.modelSetting(projectId: project) == sqlite.modelSetting(projectId: project))
            let counts = try await sqlite.predictionCounts(projectId: project)
            let pgCounts = try await pg.predictionCounts(projectId: project)
            #expect(pgCounts.predicted == counts.predicted && pgCounts.waiting == counts.waiting, "project \(project)")
            let waiting = try await sqlite.waitingPictures(projectId: project, limit: 2)
            let pgWaiting = try await pg.waitingPictures(projectId: project, limit: 2)
            #expect(pgWaiting.map(\.item) == waiting.map(\.item))
            #expect(pgWaiting.map(\.held) == waiting.map(\.held))
            #expect(pgWaiting.map(\.attempts) == waiting.map(\.attempts))
        }
        let live = try await sqlite.liveModels()
        #expect(live.count == 1)
        #expect(try await pg.liveModels() == live)
        let project = try #require(live.first?.projectId)
        let counts = try await pg.predictionCounts(projectId: project)
        #expect(counts.predicted == 1 && counts.waiting == 3)
        #expect(try await pg.projectForModelToken(hash: "media-token-hash") == project)
        #expect(try await pg.projectForModelToken(hash: "another") == nil)

        // A failed try on two pictures, then the model removed: the setting is replaced whole, nils included.
        let two = try await sqlite.waitingPictures(projectId: project, limit: 2).compactMap(\.item.id)
        try await sqlite.noteWaitFailure(itemIds: two, reason: "model_unreachable")
        try await pg.noteWaitFailure(itemIds: two, reason: "model_unreachable")
        let after = try await sqlite.waitingPictures(projectId: project, limit: 5)
        #expect(after.map(\.attempts) == [1, 1, 0])
        #expect(try await pg.waitingPictures(projectId: project, limit: 5).map(\.attempts) == after.map(\.attempts))
        var removed = try #require(try await sqlite.modelSetting(projectId: project))
        removed.url = nil
        removed.accessTokenHash = nil
        removed.state = nil
        removed.threshold = 0.55
        try await sqlite.saveModelSetting(removed)
        try await pg.saveModelSetting(removed)
        #expect(try await pg.modelSetting(projectId: project) == removed)
        #expect(try await sqlite.modelSetting(projectId: project) == removed)
        #expect(try await pg.liveModels().isEmpty)
        #expect(try await pg.projectForModelToken(hash: "media-token-hash") == nil)
        // A new setting for a project without one.
        let other = try #require(projects.first { $0 != project })
        let fresh = ModelSetting(projectId: other, mode: "blind", threshold: 0.2, ordering: "in-order", modelVotes: false)
        try await sqlite.saveModelSetting(fresh)
        try await pg.saveModelSetting(fresh)
        #expect(try await pg.modelSetting(projectId: other) == sqlite.modelSetting(projectId: other))
    }

    @Test("an operator's record: segments with their planned pause, answers per kind, clients, the agreed statement")
    func sameRecord() async throws {
        let twins = try await TwinStores(worked: true, prepare: Self.prepare)
        defer { twins.close() }
        let (sqlite, pg) = (twins.sqlite, twins.pg)
        var withStatement = 0
        for person in try await sqlite.allUsers().filter({ $0.role == .operator }).compactMap(\.id) {
            let facts = try await sqlite.recordFacts(operatorId: person)
            let pgFacts = try await pg.recordFacts(operatorId: person)
            #expect(pgFacts.segments.map { "\($0.segment) \($0.plannedPauseMinutes)" } == facts.segments.map { "\($0.segment) \($0.plannedPauseMinutes)" })
            #expect(pgFacts.answersPerKind == facts.answersPerKind)
            #expect(pgFacts.clients == facts.clients)
            #expect(pgFacts.statement.map { "\($0)" } == facts.statement.map { "\($0)" })
            if facts.statement != nil {
                withStatement += 1
                #expect(facts.segments.count == 2 && !facts.clients.isEmpty && !facts.answersPerKind.isEmpty)
            }
        }
        #expect(withStatement == 1)
    }
}
