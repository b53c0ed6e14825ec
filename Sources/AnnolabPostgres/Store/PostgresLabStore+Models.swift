// A client's model in PostgreSQL: its settings, the pictures waiting for it; and an operator's own record.
import AnnolabCore
import AnnolabStore
import Foundation
import PostgresNIO

extension PostgresLabStore {
    // MARK: A project's model

    public func modelSetting(projectId: Int64) async throws -> ModelSetting? {
        try await read { db in
            try await one(ModelSetting.self, #"SELECT * FROM "modelSetting" WHERE "projectId" = \#(projectId)"#, on: db)
        }
    }

    /// Stores the setting whole: a new one, or every field of the project's existing one.
    public func saveModelSetting(_ setting: ModelSetting) async throws {
        try await write { db in
            try await db.query(try PostgresRecordEncoder.upsert(setting, into: ModelSetting.databaseTableName, key: ["projectId"]),
                               logger: logger)
        }
    }

    /// Every project with a live model, for the background fetcher.
    public func liveModels() async throws -> [ModelSetting] {
        try await read { db in
            try await all(ModelSetting.self, #"SELECT * FROM "modelSetting" WHERE "url" IS NOT NULL ORDER BY "projectId""#, on: db)
        }
    }

    /// The project whose live model holds this media token (its SHA-256), if any.
    public func projectForModelToken(hash: String) async throws -> Int64? {
        try await read { db in
            try await db.query(#"""
                SELECT "projectId" FROM "modelSetting" WHERE "accessTokenHash" = \#(hash) AND "url" IS NOT NULL LIMIT 1
                """#, logger: logger).collect().first?.decode(Int64.self)
        }
    }

    /// Pictures a live model has predicted, and pictures still waiting for it.
    public func predictionCounts(projectId: Int64) async throws -> (predicted: Int, waiting: Int) {
        let counts: (Int, Int) = try await read { db in
            (try await count(#"""
                SELECT count(DISTINCT "itemId")::bigint FROM "prediction" WHERE "projectId" = \#(projectId) AND "source" = 'model'
                """#, on: db),
             try await count(#"SELECT count(*)::bigint FROM "predictionWait" WHERE "projectId" = \#(projectId)"#, on: db))
        }
        return (predicted: counts.0, waiting: counts.1)
    }

    /// Pictures of a project waiting for its live model, oldest first.
    public func waitingPictures(projectId: Int64, limit: Int) async throws -> [WaitingPicture] {
        try await read { db in
            try await db.query(#"""
                SELECT w."payloads", w."estimatedSeconds", w."attempts", i.* FROM "predictionWait" w JOIN "item" i ON i."id" = w."itemId"
                WHERE w."projectId" = \#(projectId) ORDER BY w."itemId" LIMIT \#(Self.limit(limit))
                """#, logger: logger).collect().map { row in
                let cells = row.makeRandomAccess()
                return WaitingPicture(item: try PostgresRecordDecoder.decode(Item.self, from: row),
                                      held: HeldWork(payloads: try cells["payloads"].decode(String.self),
                                                     estimatedSeconds: Int(try cells["estimatedSeconds"].decode(Int64.self))),
                                      attempts: Int(try cells["attempts"].decode(Int64.self)))
            }
        }
    }

    /// Notes a failed attempt to get pictures' predictions.
    public func noteWaitFailure(itemIds: [Int64], reason: String) async throws {
        try await write { db in
            try await db.query(#"""
                UPDATE "predictionWait" SET "attempts" = "attempts" + 1, "lastError" = \#(reason) WHERE "itemId" = ANY(\#(itemIds)::bigint[])
                """#, logger: logger)
        }
    }

    // MARK: An operator's own record

    /// What the lab stored about one operator's work: ended shifts' segments, answers per kind, the
    /// clients worked for, and the coach's statement once agreed.
    public func recordFacts(operatorId: Int64) async throws -> OperatorRecordFacts {
        try await read { db in
            var segments: [(segment: TimeSegment, plannedPauseMinutes: Int)] = []
            for row in try await db.query(#"""
                SELECT t."kind", t."startedAt", t."endedAt", s."pauseMinutes" FROM "timeSegment" t JOIN "shift" s ON s."id" = t."shiftId"
                WHERE s."operatorId" = \#(operatorId) AND t."endedAt" IS NOT NULL ORDER BY t."startedAt", t."id"
                """#, logger: logger).collect() {
                let (kindName, start, end, pause) = try row.decode((String, Date, Date, Int64).self)
                guard let kind = TimeSegment.Kind(rawValue: kindName) else {
                    throw LabError(.internalFailure, "storage_failure", "A time segment of an unknown kind (\(kindName)) is stored.")
                }
                segments.append((segment: TimeSegment(kind: kind, start: start, end: end), plannedPauseMinutes: Int(pause)))
            }
            var perKind: [TaskKind: Int] = [:]
            for row in try await db.query(#"""
                SELECT m."kind", count(*)::bigint FROM "answer" a JOIN "microtask" m ON m."id" = a."microtaskId"
                WHERE a."operatorId" = \#(operatorId) GROUP BY m."kind"
                """#, logger: logger).collect() {
                let (kind, answers) = try row.decode((String, Int64).self)
                if let kind = TaskKind(rawValue: kind) { perKind[kind, default: 0] += Int(answers) }
            }
            let clients = try await db.query(#"""
                SELECT DISTINCT c."name" COLLATE "C" FROM "answer" a JOIN "microtask" m ON m."id" = a."microtaskId"
                JOIN "project" p ON p."id" = m."projectId" JOIN "client" c ON c."id" = p."clientId"
                WHERE a."operatorId" = \#(operatorId) ORDER BY 1
                """#, logger: logger).collect().map { try $0.decode(String.self) }
            let statement = try await db.query(#"""
                SELECT s."body", u."name", s."writtenAt", s."agreedAt" FROM "coachStatement" s LEFT JOIN "user" u ON u."id" = s."coachId"
                WHERE s."operatorId" = \#(operatorId) AND s."agreedAt" IS NOT NULL
                """#, logger: logger).collect().first.map { row in
                let (text, coach, writtenAt, agreedAt) = try row.decode((String, String?, Date, Date).self)
                return (text: text, coach: coach, writtenAt: writtenAt, agreedAt: agreedAt)
            }
            return OperatorRecordFacts(segments: segments, answersPerKind: perKind, clients: clients, statement: statement)
        }
    }
}
