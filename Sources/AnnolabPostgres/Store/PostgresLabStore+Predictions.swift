// A model's predictions in PostgreSQL: an upload with its predictions and work, box checks, and the drawing they release.
import AnnolabCore
import AnnolabStore
import Foundation
import PostgresNIO

extension PostgresLabStore {
    /// Stores the files, their predictions and their work in one transaction: all or nothing. Returns the
    /// microtasks made, in serving order.
    public func addPredictedUpload(_ upload: PredictedUpload, actor: Int64?, at now: Date) async throws -> [Microtask] {
        try await write { db in
            var itemIds: [Int64] = []
            var predictionIds: [Int64?] = []
            for entry in upload.entries {
                var item = entry.item
                if item.id == nil {
                    item.id = try await insert(item, into: Item.databaseTableName, on: db)
                } else {
                    // A picture that waited for a live model: its work is made now, once (on whichever server).
                    let removed = try await db.query(#"DELETE FROM "predictionWait" WHERE "itemId" = \#(item.id) RETURNING "itemId""#,
                                                     logger: logger).collect()
                    guard removed.count == 1 else { throw LabError(.conflict, "already_predicted", "This picture's work was already made.") }
                }
                guard let itemId = item.id else { throw LabError(.internalFailure, Self.storageFailure, "The lab could not store this item.") }
                itemIds.append(itemId)
                if let given = entry.prediction {
                    let prediction = StoredPrediction(projectId: item.projectId, itemId: itemId, source: given.source,
                                                      modelVersion: given.modelVersion, body: given.body, createdAt: now)
                    predictionIds.append(try await insert(prediction, into: StoredPrediction.databaseTableName, on: db))
                } else {
                    predictionIds.append(nil)
                }
                if let held = entry.drawLater {
                    try await db.query(#"""
                        INSERT INTO "drawLater" ("itemId", "projectId", "payloads", "estimatedSeconds")
                        VALUES (\#(itemId), \#(item.projectId), \#(held.payloads), \#(Int64(held.estimatedSeconds)))
                        """#, logger: logger)
                }
                if let held = entry.wait {
                    try await db.query(#"""
                        INSERT INTO "predictionWait" ("itemId", "projectId", "payloads", "estimatedSeconds")
                        VALUES (\#(itemId), \#(item.projectId), \#(held.payloads), \#(Int64(held.estimatedSeconds)))
                        """#, logger: logger)
                }
            }
            var stored: [Microtask] = []
            for piece in upload.work {
                var microtask = piece.microtask
                microtask.itemId = itemIds[piece.entry]
                let microtaskId = try await insert(microtask, into: Microtask.databaseTableName, on: db)
                microtask.id = microtaskId
                if let check = piece.check, let predictionId = predictionIds[piece.entry] {
                    try await insertKeyed(BoxCheck(microtaskId: microtaskId, predictionId: predictionId, itemId: itemIds[piece.entry],
                                                   region: check.region, score: check.score), into: BoxCheck.databaseTableName, on: db)
                }
                stored.append(microtask)
            }
            if let first = upload.entries.first {
                try await record(actor: actor, action: "items.import", subject: "project:\(first.item.projectId)",
                                 detail: "\(upload.entries.count) files with predictions, \(stored.count) microtasks", at: Date(), on: db)
            }
            return stored
        }
    }

    /// When the last box check of a picture is done, makes its drawing microtasks ("anything missed?") from
    /// the held payloads, each showing the boxes `shown` decides for it; once only, also when two servers
    /// take the last two checks at the same moment (the held row is locked).
    public func releaseHeldDrawing(afterCheck microtaskId: Int64, required: Int,
                                   shown: @escaping @Sendable ([AnsweredCheck], MicrotaskPayload) -> [LabeledBox]) async throws -> [Microtask] {
        try await write { db in
            guard let itemId = try await db.query(#"SELECT "itemId" FROM "boxCheck" WHERE "microtaskId" = \#(microtaskId)"#, logger: logger)
                    .collect().first?.decode(Int64.self),
                  let held = try await db.query(#"""
                    SELECT "projectId", "payloads", "estimatedSeconds" FROM "drawLater" WHERE "itemId" = \#(itemId) AND "releasedAt" IS NULL
                    FOR UPDATE
                    """#, logger: logger).collect().first?.decode((Int64, String, Int64).self)
            else { return [] }
            let open = try await count(#"""
                SELECT count(*)::bigint FROM "boxCheck" b JOIN "microtask" m ON m."id" = b."microtaskId"
                WHERE b."itemId" = \#(itemId) AND m."status" = \#(Microtask.Status.open.rawValue)
                """#, on: db)
            guard open == 0 else { return [] }
            let checks = try await answeredChecks(#"b."itemId" = $1"#, itemId, on: db)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            var made: [Microtask] = []
            for var payload in try JSONDecoder().decode([MicrotaskPayload].self, from: Data(held.1.utf8)) {
                payload.shown = shown(checks, payload)
                payload.missed = true
                var microtask = Microtask(projectId: held.0, itemId: itemId, kind: .imageBoxes,
                                          payload: String(decoding: try encoder.encode(payload), as: UTF8.self),
                                          estimatedSeconds: Int(held.2), requiredAnswers: required)
                microtask.id = try await insert(microtask, into: Microtask.databaseTableName, on: db)
                made.append(microtask)
            }
            try await db.query(#"UPDATE "drawLater" SET "releasedAt" = \#(Date()) WHERE "itemId" = \#(itemId)"#, logger: logger)
            return made
        }
    }

    /// Every box check of a project with its answers (people's, not gold), in item and microtask order.
    public func answeredChecks(projectId: Int64) async throws -> [AnsweredCheck] {
        try await read { db in try await answeredChecks(#"m."projectId" = $1"#, projectId, on: db) }
    }

    private func answeredChecks(_ condition: String, _ value: Int64, on db: PostgresConnection) async throws -> [AnsweredCheck] {
        var bindings = PostgresBindings()
        bindings.append(value)
        let rows = try await db.query(PostgresQuery(unsafeSQL: """
            SELECT b."microtaskId", b."itemId", b."predictionId", b."region", b."score", m."payload", m."status", a."body", a."secondsSpent"
            FROM "boxCheck" b JOIN "microtask" m ON m."id" = b."microtaskId" LEFT JOIN "answer" a ON a."microtaskId" = m."id" AND NOT a."isGold"
            WHERE \(condition) ORDER BY b."itemId", b."microtaskId", a."id"
            """, binds: bindings), logger: logger).collect()
        let decoder = JSONDecoder()
        var checks: [AnsweredCheck] = []
        for row in rows {
            let (id, itemId, predictionId, region, score, payload, status, body, seconds)
                = try row.decode((Int64, Int64, Int64, Int64, Double?, String, String, String?, Double?).self)
            if checks.last?.microtaskId != id {
                checks.append(AnsweredCheck(microtaskId: id, itemId: itemId, predictionId: predictionId, region: Int(region), score: score,
                                            payload: try decoder.decode(MicrotaskPayload.self, from: Data(payload.utf8)), answers: [],
                                            complete: Microtask.Status(rawValue: status) == .complete, seconds: []))
            }
            if let body, let answer = try? decoder.decode(AnswerBody.self, from: Data(body.utf8)) {
                checks[checks.count - 1].answers.append(answer)
                checks[checks.count - 1].seconds.append(seconds ?? 0)
            }
        }
        return checks
    }

    /// The stored predictions of a project, newest model version last.
    public func predictions(projectId: Int64) async throws -> [StoredPrediction] {
        try await read { db in
            try await all(StoredPrediction.self, #"SELECT * FROM "prediction" WHERE "projectId" = \#(projectId) ORDER BY "itemId", "id""#, on: db)
        }
    }

    /// The files of a project whose work is all done: no open microtask, no drawing held back, not waiting for a model.
    public func finishedItemIds(projectId: Int64) async throws -> Set<Int64> {
        try await read { db in
            Set(try await db.query(#"""
                SELECT i."id" FROM "item" i WHERE i."projectId" = \#(projectId)
                AND NOT EXISTS (SELECT 1 FROM "microtask" m WHERE m."itemId" = i."id" AND m."status" = \#(Microtask.Status.open.rawValue))
                AND NOT EXISTS (SELECT 1 FROM "drawLater" d WHERE d."itemId" = i."id" AND d."releasedAt" IS NULL)
                AND NOT EXISTS (SELECT 1 FROM "predictionWait" w WHERE w."itemId" = i."id")
                """#, logger: logger).collect().map { try $0.decode(Int64.self) })
        }
    }

    /// Seconds per drawn box of a project's drawing answers (answers with at least one box).
    public func drawSecondsPerBox(projectId: Int64) async throws -> [Double] {
        try await read { db in
            let decoder = JSONDecoder()
            return try await db.query(#"""
                SELECT a."secondsSpent", a."body" FROM "answer" a JOIN "microtask" m ON m."id" = a."microtaskId"
                WHERE m."projectId" = \#(projectId) AND m."kind" = \#(TaskKind.imageBoxes.rawValue) AND NOT a."isGold" ORDER BY a."id"
                """#, logger: logger).collect().compactMap { row in
                let (seconds, body) = try row.decode((Double, String).self)
                guard let answer = try? decoder.decode(AnswerBody.self, from: Data(body.utf8)), let boxes = answer.boxes, !boxes.isEmpty else {
                    return nil
                }
                return seconds / Double(boxes.count)
            }
        }
    }
}
