// The box checks of a picture once answered: their decisions, and the drawing work they release.
import AnnolabCore
import Foundation
import GRDB

/// One answered box check: the box asked about, where it came from, and the answers given.
public struct AnsweredCheck: Sendable {
    public var microtaskId: Int64
    public var itemId: Int64
    public var predictionId: Int64
    public var region: Int
    public var score: Double?
    public var payload: MicrotaskPayload
    public var answers: [AnswerBody]
    public var complete: Bool
    /// Seconds each answer took.
    public var seconds: [Double]

    public init(microtaskId: Int64, itemId: Int64, predictionId: Int64, region: Int, score: Double?, payload: MicrotaskPayload,
                answers: [AnswerBody], complete: Bool, seconds: [Double]) {
        self.microtaskId = microtaskId
        self.itemId = itemId
        self.predictionId = predictionId
        self.region = region
        self.score = score
        self.payload = payload
        self.answers = answers
        self.complete = complete
        self.seconds = seconds
    }
}

extension LabStore {
    /// When the last box check of a picture is done, makes its drawing microtasks ("anything
    /// missed?") from the held payloads, each showing the boxes `shown` decides for it; once only.
    public func releaseHeldDrawing(afterCheck microtaskId: Int64, required: Int,
                                   shown: @escaping @Sendable ([AnsweredCheck], MicrotaskPayload) -> [LabeledBox]) async throws -> [Microtask] {
        try await write { db in
            guard let itemId = try Int64.fetchOne(db, sql: "SELECT itemId FROM boxCheck WHERE microtaskId = ?", arguments: [microtaskId]),
                  let held = try Row.fetchOne(db, sql: "SELECT projectId, payloads, estimatedSeconds FROM drawLater WHERE itemId = ? AND releasedAt IS NULL",
                                              arguments: [itemId]) else { return [] }
            let open = try Int.fetchOne(db, sql: """
                SELECT COUNT(*) FROM boxCheck b JOIN microtask m ON m.id = b.microtaskId WHERE b.itemId = ? AND m.status = 'open'
                """, arguments: [itemId]) ?? 0
            guard open == 0 else { return [] }
            let checks = try Self.answeredChecks(db, where: "b.itemId = ?", arguments: [itemId])
            let decoder = JSONDecoder()
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            let payloads = try decoder.decode([MicrotaskPayload].self, from: Data((held["payloads"] as String).utf8))
            var made: [Microtask] = []
            for var payload in payloads {
                payload.shown = shown(checks, payload)
                payload.missed = true
                var microtask = Microtask(projectId: held["projectId"], itemId: itemId, kind: .imageBoxes,
                                          payload: String(decoding: try encoder.encode(payload), as: UTF8.self),
                                          estimatedSeconds: held["estimatedSeconds"], requiredAnswers: required)
                try microtask.insert(db)
                made.append(microtask)
            }
            try db.execute(sql: "UPDATE drawLater SET releasedAt = ? WHERE itemId = ?", arguments: [Date(), itemId])
            return made
        }
    }

    /// Every box check of a project with its answers (people's, not gold), in item and microtask order.
    public func answeredChecks(projectId: Int64) async throws -> [AnsweredCheck] {
        try await read { db in try Self.answeredChecks(db, where: "m.projectId = ?", arguments: [projectId]) }
    }

    static func answeredChecks(_ db: Database, where condition: String, arguments: StatementArguments) throws -> [AnsweredCheck] {
        let rows = try Row.fetchAll(db, sql: """
            SELECT b.microtaskId, b.itemId, b.predictionId, b.region, b.score, m.payload, m.status, a.body, a.secondsSpent
            FROM boxCheck b JOIN microtask m ON m.id = b.microtaskId LEFT JOIN answer a ON a.microtaskId = m.id AND a.isGold = 0
            WHERE \(condition) ORDER BY b.itemId, b.microtaskId, a.id
            """, arguments: arguments)
        let decoder = JSONDecoder()
        var checks: [AnsweredCheck] = []
        for row in rows {
            let id: Int64 = row["microtaskId"]
            if checks.last?.microtaskId != id {
                let payload = try decoder.decode(MicrotaskPayload.self, from: Data((row["payload"] as String).utf8))
                checks.append(AnsweredCheck(microtaskId: id, itemId: row["itemId"], predictionId: row["predictionId"], region: row["region"],
                                            score: row["score"], payload: payload, answers: [],
                                            complete: (row["status"] as String) == "complete", seconds: []))
            }
            if let body: String = row["body"], let answer = try? decoder.decode(AnswerBody.self, from: Data(body.utf8)) {
                checks[checks.count - 1].answers.append(answer)
                checks[checks.count - 1].seconds.append(row["secondsSpent"] ?? 0)
            }
        }
        return checks
    }

    /// The stored predictions of a project, newest model version last.
    public func predictions(projectId: Int64) async throws -> [StoredPrediction] {
        try await read { db in
            try StoredPrediction.fetchAll(db, sql: "SELECT * FROM prediction WHERE projectId = ? ORDER BY itemId, id", arguments: [projectId])
        }
    }
}

extension LabStore {
    /// The files of a project whose work is all done: no open microtask, no drawing held back,
    /// not waiting for a model. The model's report compares only these.
    public func finishedItemIds(projectId: Int64) async throws -> Set<Int64> {
        try await read { db in
            Set(try Int64.fetchAll(db, sql: """
                SELECT id FROM item WHERE projectId = ?
                AND id NOT IN (SELECT itemId FROM microtask WHERE projectId = ? AND status = 'open' AND itemId IS NOT NULL)
                AND id NOT IN (SELECT itemId FROM drawLater WHERE projectId = ? AND releasedAt IS NULL)
                AND id NOT IN (SELECT itemId FROM predictionWait WHERE projectId = ?)
                """, arguments: [projectId, projectId, projectId, projectId]))
        }
    }

    /// Seconds per drawn box of a project's drawing answers (answers with at least one box): the
    /// lab's own time to draw a box from scratch.
    public func drawSecondsPerBox(projectId: Int64) async throws -> [Double] {
        try await read { db in
            let decoder = JSONDecoder()
            return try Row.fetchAll(db, sql: """
                SELECT a.secondsSpent, a.body FROM answer a JOIN microtask m ON m.id = a.microtaskId
                WHERE m.projectId = ? AND m.kind = 'image-boxes' AND a.isGold = 0
                """, arguments: [projectId]).compactMap { row in
                guard let body: String = row["body"], let answer = try? decoder.decode(AnswerBody.self, from: Data(body.utf8)),
                      let boxes = answer.boxes, !boxes.isEmpty else { return nil }
                return (row["secondsSpent"] as Double) / Double(boxes.count)
            }
        }
    }
}
