// Items, microtasks, reviews and media jobs in PostgreSQL: the work an upload is cut into.
import AnnolabCore
import AnnolabStore
import Foundation
import PostgresNIO

extension PostgresLabStore {
    // MARK: Items

    /// Stores items with their microtasks in one transaction: all of them or none.
    public func addItems(_ items: [(item: Item, microtasks: [Microtask])], actor: Int64?) async throws -> [Microtask] {
        try await write { db in
            var stored: [Microtask] = []
            for entry in items {
                let itemId = try await insert(entry.item, into: Item.databaseTableName, on: db)
                for var microtask in entry.microtasks {
                    microtask.itemId = itemId
                    microtask.id = try await insert(microtask, into: Microtask.databaseTableName, on: db)
                    stored.append(microtask)
                }
            }
            if let first = items.first {
                try await record(actor: actor, action: "items.import", subject: "project:\(first.item.projectId)",
                                 detail: "\(items.count) files, \(stored.count) microtasks", at: Date(), on: db)
            }
            return stored
        }
    }

    public func items(projectId: Int64) async throws -> [Item] {
        try await read { db in try await all(Item.self, #"SELECT * FROM "item" WHERE "projectId" = \#(projectId) ORDER BY "id""#, on: db) }
    }

    /// Counts of everything an import writes, for checks that a refused upload left nothing behind.
    public func importCounts() async throws -> (items: Int, microtasks: Int) {
        let counted: (Int, Int) = try await read { db in
            (try await count(#"SELECT count(*)::bigint FROM "item""#, on: db),
             try await count(#"SELECT count(*)::bigint FROM "microtask""#, on: db))
        }
        return (items: counted.0, microtasks: counted.1)
    }

    public func item(id: Int64) async throws -> Item? {
        try await read { db in try await one(Item.self, #"SELECT * FROM "item" WHERE "id" = \#(id)"#, on: db) }
    }

    // MARK: Microtasks

    public func microtask(id: Int64) async throws -> Microtask? {
        try await read { db in try await one(Microtask.self, #"SELECT * FROM "microtask" WHERE "id" = \#(id)"#, on: db) }
    }

    public func microtasks(projectId: Int64) async throws -> [Microtask] {
        try await read { db in
            try await all(Microtask.self, #"SELECT * FROM "microtask" WHERE "projectId" = \#(projectId) ORDER BY "id""#, on: db)
        }
    }

    /// Marks microtasks of a project as gold with their known answers, in one transaction.
    public func setGold(projectId: Int64, answers: [GoldAnswer]) async throws {
        try await write { db in
            for answer in answers {
                guard let task = try await one(Microtask.self, #"SELECT * FROM "microtask" WHERE "id" = \#(answer.microtaskId)"#, on: db),
                      task.projectId == projectId else {
                    throw LabError(.unprocessable, "unknown_microtask",
                                   "Microtask \(answer.microtaskId) is not part of this project.")
                }
                try await db.query(#"UPDATE "microtask" SET "isGold" = true WHERE "id" = \#(answer.microtaskId)"#, logger: logger)
                try await db.query(try PostgresRecordEncoder.insert(answer, into: GoldAnswer.databaseTableName, suffix: #"""
                    ON CONFLICT ("microtaskId") DO UPDATE SET "body" = excluded."body", "explanation" = excluded."explanation"
                    """#), logger: logger)
            }
        }
    }

    public func goldAnswer(microtaskId: Int64) async throws -> GoldAnswer? {
        try await read { db in
            try await one(GoldAnswer.self, #"SELECT * FROM "goldAnswer" WHERE "microtaskId" = \#(microtaskId)"#, on: db)
        }
    }

    /// Stores new microtasks in one transaction; returns them with their ids, given in order.
    public func addMicrotasks(_ microtasks: [Microtask]) async throws -> [Microtask] {
        try await write { db in
            var stored = microtasks
            for index in stored.indices {
                if stored[index].id == nil {
                    stored[index].id = try await insert(stored[index], into: Microtask.databaseTableName, on: db)
                } else {
                    // A caller that chose an id keeps it.
                    try await insertKeyed(stored[index], into: Microtask.databaseTableName, on: db)
                }
            }
            if microtasks.contains(where: { $0.id != nil }) { try await catchUpIds(of: Microtask.databaseTableName, on: db) }
            return stored
        }
    }

    // MARK: Reviews

    /// Stores a reviewer's microtask for `original` (once: a second call returns nil), with the
    /// operators who answered the original, none of whom may review it.
    public func addReview(of original: Microtask, payload: String, at now: Date) async throws -> (Microtask, Set<Int64>)? {
        let made: (Microtask?, Set<Int64>) = try await write { db in
            guard let originalId = original.id else { return (nil, []) }
            // Two reviews of one original made at once: the original's row decides which is first.
            try await db.query(#"SELECT 1 FROM "microtask" WHERE "id" = \#(originalId) FOR UPDATE"#, logger: logger)
            if try await count(#"SELECT count(*)::bigint FROM "microtask" WHERE "reviewOf" = \#(originalId)"#, on: db) > 0 {
                return (nil, [])
            }
            var review = Microtask(projectId: original.projectId, itemId: original.itemId, kind: original.kind, payload: payload,
                                   estimatedSeconds: original.estimatedSeconds, requiredAnswers: 1, createdAt: now)
            review.reviewOf = originalId
            review.id = try await insert(review, into: Microtask.databaseTableName, on: db)
            let operators = try await db.query(#"SELECT "operatorId" FROM "answer" WHERE "microtaskId" = \#(originalId)"#, logger: logger)
                .collect().map { try $0.decode(Int64.self) }
            return (review, Set(operators))
        }
        guard let review = made.0 else { return nil }
        return (review, made.1)
    }

    /// Reviewers' decisions in a project: the microtask decided -> the reviewer's answer.
    public func reviewDecisions(projectId: Int64) async throws -> [Int64: AnswerRecord] {
        try await read { db in
            let rows = try await db.query(#"""
                SELECT r."reviewOf" AS "original", a.* FROM "microtask" r
                JOIN "answer" a ON a."microtaskId" = r."id"
                WHERE r."projectId" = \#(projectId) AND r."reviewOf" IS NOT NULL ORDER BY a."id"
                """#, logger: logger).collect()
            var decisions: [Int64: AnswerRecord] = [:]
            for row in rows {
                let original = try row.makeRandomAccess()["original"].decode(Int64.self)
                decisions[original] = try PostgresRecordDecoder.decode(AnswerRecord.self, from: row)
            }
            return decisions
        }
    }

    // MARK: Media jobs

    /// Stores programmes as items, each with its waiting job, in one transaction.
    public func addProgrammes(_ entries: [(item: Item, job: MediaJob)], actor: Int64?) async throws -> [MediaJob] {
        try await write { db in
            var jobs: [MediaJob] = []
            for entry in entries {
                var job = entry.job
                job.itemId = try await insert(entry.item, into: Item.databaseTableName, on: db)
                job.id = try await insert(job, into: MediaJob.databaseTableName, on: db)
                jobs.append(job)
            }
            if let first = entries.first {
                try await record(actor: actor, action: "items.import", subject: "project:\(first.item.projectId)",
                                 detail: "\(entries.count) programmes to prepare", at: Date(), on: db)
            }
            return jobs
        }
    }

    public func mediaJobs(projectId: Int64) async throws -> [MediaJob] {
        try await read { db in
            try await all(MediaJob.self, #"SELECT * FROM "mediaJob" WHERE "projectId" = \#(projectId) ORDER BY "id""#, on: db)
        }
    }

    /// Jobs still to do, oldest first; a `working` job was cut off by a stop and starts again.
    public func unfinishedMediaJobs() async throws -> [MediaJob] {
        let states = [MediaJob.State.waiting.rawValue, MediaJob.State.working.rawValue]
        return try await read { db in
            try await all(MediaJob.self, #"SELECT * FROM "mediaJob" WHERE "state" = ANY(\#(states)::text[]) ORDER BY "id""#, on: db)
        }
    }

    public func updateMediaJob(id: Int64, state: MediaJob.State, progress: Double, reason: String? = nil, at now: Date = Date()) async throws {
        try await write { db in
            _ = try await db.query(#"""
                UPDATE "mediaJob" SET "state" = \#(state.rawValue), "progress" = \#(progress), "reason" = \#(reason), "updatedAt" = \#(now)
                WHERE "id" = \#(id)
                """#, logger: logger)
        }
    }

    /// Finishes a job: its microtasks (with the frames each shows) are stored and the job is
    /// ready, in one transaction, so a stop in between leaves the job to be done again whole.
    public func finishMediaJob(_ job: MediaJob, microtasks: [(microtask: Microtask, media: [String])],
                               at now: Date = Date()) async throws -> [Microtask] {
        try await write { db in
            // Two runners may finish the same job: the job's row decides, and only the first stores its microtasks.
            let state = try await db.query(#"SELECT "state" FROM "mediaJob" WHERE "id" = \#(job.id) FOR UPDATE"#, logger: logger)
                .collect().first.map { MediaJob.State(rawValue: try $0.decode(String.self)) } ?? nil
            guard state != .ready else { return [] }
            var stored: [Microtask] = []
            for entry in microtasks {
                var microtask = entry.microtask
                microtask.itemId = job.itemId
                if microtask.id == nil {
                    microtask.id = try await insert(microtask, into: Microtask.databaseTableName, on: db)
                } else {
                    try await insertKeyed(microtask, into: Microtask.databaseTableName, on: db)
                }
                for url in Set(entry.media) {
                    try await db.query(#"INSERT INTO "microtaskMedia" ("url", "microtaskId") VALUES (\#(url), \#(microtask.id))"#,
                                       logger: logger)
                }
                stored.append(microtask)
            }
            if microtasks.contains(where: { $0.microtask.id != nil }) { try await catchUpIds(of: Microtask.databaseTableName, on: db) }
            try await db.query(#"""
                UPDATE "mediaJob" SET "state" = \#(MediaJob.State.ready.rawValue), "progress" = 1, "reason" = NULL, "updatedAt" = \#(now)
                WHERE "id" = \#(job.id)
                """#, logger: logger)
            try await record(actor: nil, action: "items.prepared", subject: "project:\(job.projectId)",
                             detail: "\(job.file): \(stored.count) microtasks", at: Date(), on: db)
            return stored
        }
    }

    /// After rows were stored with ids their caller chose, the table's next id comes after them (as SQLite's
    /// AUTOINCREMENT does), so later rows do not collide with them.
    func catchUpIds(of table: String, on db: PostgresConnection) async throws {
        try await db.query(PostgresQuery(unsafeSQL: """
            SELECT setval(s, GREATEST((SELECT max("id") FROM "\(table)"), COALESCE(pg_sequence_last_value(s::regclass), 1)))
            FROM pg_get_serial_sequence('"\(table)"', 'id') AS s
            """), logger: logger)
    }
}
