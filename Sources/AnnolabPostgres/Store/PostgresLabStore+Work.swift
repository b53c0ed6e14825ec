// Leases, answers and the open work in PostgreSQL: what serving microtasks needs of the store.
import AnnolabCore
import AnnolabStore
import Foundation
import PostgresNIO

extension PostgresLabStore {
    // MARK: Leases and answers

    public func assignment(id: Int64) async throws -> Assignment? {
        try await read { db in try await one(Assignment.self, #"SELECT * FROM "assignment" WHERE "id" = \#(id)"#, on: db) }
    }

    public func answer(assignmentId: Int64) async throws -> AnswerRecord? {
        try await read { db in
            try await one(AnswerRecord.self, #"SELECT * FROM "answer" WHERE "assignmentId" = \#(assignmentId)"#, on: db)
        }
    }

    /// Stores an answer, closes its assignment and counts it on the microtask, in one transaction.
    /// `required` and `complete` only ever grow; `expired` leases on the microtask end with it. An
    /// assignment that already has an answer is refused: an answer is counted once.
    public func recordAnswer(_ answer: AnswerRecord, required: Int, complete: Bool,
                             expired: [Int64] = []) async throws -> AnswerRecord {
        try await write { db in
            if try await count(#"SELECT count(*)::bigint FROM "answer" WHERE "assignmentId" = \#(answer.assignmentId)"#, on: db) > 0 {
                throw LabError(.conflict, .alreadyAnswered, "This task was already answered.")
            }
            var answer = answer
            answer.id = try await insert(answer, into: AnswerRecord.databaseTableName, on: db)
            try await db.query(#"""
                UPDATE "assignment" SET "state" = \#(Assignment.State.answered.rawValue), "finishedAt" = \#(answer.createdAt)
                WHERE "id" = \#(answer.assignmentId)
                """#, logger: logger)
            let completeStatus = Microtask.Status.complete.rawValue
            let openStatus = Microtask.Status.open.rawValue
            try await db.query(#"""
                UPDATE "microtask" SET "answerCount" = "answerCount" + 1, "requiredAnswers" = GREATEST("requiredAnswers", \#(Int64(required))),
                    "status" = CASE WHEN "status" = \#(completeStatus) OR \#(complete) THEN \#(completeStatus) ELSE \#(openStatus) END
                WHERE "id" = \#(answer.microtaskId)
                """#, logger: logger)
            if !expired.isEmpty {
                try await db.query(#"""
                    UPDATE "assignment" SET "state" = \#(Assignment.State.expired.rawValue), "finishedAt" = \#(answer.createdAt)
                    WHERE "id" = ANY(\#(expired)::bigint[]) AND "state" = \#(Assignment.State.leased.rawValue)
                    """#, logger: logger)
            }
            return answer
        }
    }

    /// Closes an assignment without an answer; only a lease still `leased` is closed.
    public func closeAssignment(id: Int64, state: Assignment.State, reason: String? = nil, at now: Date) async throws {
        try await write { db in
            try await db.query(#"""
                UPDATE "assignment" SET "state" = \#(state.rawValue), "skipReason" = \#(reason), "finishedAt" = \#(now)
                WHERE "id" = \#(id) AND "state" = \#(Assignment.State.leased.rawValue)
                """#, logger: logger)
        }
    }

    /// Extends a lease (the browser renews a preloaded task).
    public func renewLease(id: Int64, until expiry: Date) async throws {
        try await write { db in
            try await db.query(#"""
                UPDATE "assignment" SET "leaseExpiresAt" = \#(expiry) WHERE "id" = \#(id) AND "state" = \#(Assignment.State.leased.rawValue)
                """#, logger: logger)
        }
    }

    /// All answers of a project, oldest first (for consensus and exports).
    public func answers(projectId: Int64) async throws -> [AnswerRecord] {
        try await read { db in
            try await all(AnswerRecord.self, #"""
                SELECT a.* FROM "answer" a JOIN "microtask" m ON m."id" = a."microtaskId"
                WHERE m."projectId" = \#(projectId) ORDER BY a."id"
                """#, on: db)
        }
    }

    /// How many answers the lab holds in all.
    public func answerCount() async throws -> Int {
        try await read { db in try await count(#"SELECT count(*)::bigint FROM "answer""#, on: db) }
    }

    /// An operator's answers with their microtask's kind and the other answers on it, newest first.
    public func answersInContext(operatorId: Int64, limit: Int = 500) async throws -> [AnswerInContext] {
        try await read { db in
            let mine = try await all(AnswerRecord.self, #"""
                SELECT * FROM "answer" WHERE "operatorId" = \#(operatorId) ORDER BY "id" DESC LIMIT \#(Self.limit(limit))
                """#, on: db)
            let tasks = Array(Set(mine.map(\.microtaskId)))
            var kinds: [Int64: TaskKind] = [:]
            for row in try await db.query(#"SELECT "id", "kind" FROM "microtask" WHERE "id" = ANY(\#(tasks)::bigint[])"#,
                                          logger: logger).collect() {
                let (id, kind) = try row.decode((Int64, String).self)
                kinds[id] = TaskKind(rawValue: kind)
            }
            var others: [Int64: [String]] = [:]
            for row in try await db.query(#"""
                SELECT "microtaskId", "body" FROM "answer" WHERE "microtaskId" = ANY(\#(tasks)::bigint[]) AND "operatorId" <> \#(operatorId)
                ORDER BY "id"
                """#, logger: logger).collect() {
                let (microtaskId, body) = try row.decode((Int64, String).self)
                others[microtaskId, default: []].append(body)
            }
            return mine.map { AnswerInContext(answer: $0, kind: kinds[$0.microtaskId] ?? .choice, others: others[$0.microtaskId] ?? []) }
        }
    }

    // MARK: Media shown to whom

    /// Whether the media file at `url` is shown by a microtask that the viewer (or, for a coach, one of
    /// their operators) holds a live lease on at `now`, or has answered. The same expressions as the
    /// `microtask_media_*` indexes, so that PostgreSQL looks the file up by them.
    public func mediaIsOpen(url: String, to viewer: MediaViewer, at now: Date) async throws -> Bool {
        let showing = #"""
            ("payload"::jsonb -> 'image' ->> 'url') = $1 OR ("payload"::jsonb -> 'audio' ->> 'url') = $1
            OR ("payload"::jsonb -> 'video' ->> 'url') = $1
            OR "id" IN (SELECT "microtaskId" FROM "microtaskMedia" WHERE "url" = $1)
            """#
        let live = """
            (a."state" = '\(Assignment.State.answered.rawValue)' OR (a."state" = '\(Assignment.State.leased.rawValue)' AND a."leaseExpiresAt" > $3))
            """
        let sql: String
        let person: Int64
        switch viewer {
        case .operator(let id):
            person = id
            sql = """
                SELECT EXISTS (SELECT 1 FROM (SELECT "id" FROM "microtask" WHERE \(showing)) m
                    JOIN "assignment" a ON a."microtaskId" = m."id" AND a."operatorId" = $2 WHERE \(live))
                """
        case .coach(let id):
            person = id
            sql = """
                SELECT EXISTS (SELECT 1 FROM (SELECT "id" FROM "microtask" WHERE \(showing)) m
                    JOIN "assignment" a ON a."microtaskId" = m."id"
                    JOIN "operatorProfile" p ON p."operatorId" = a."operatorId" AND p."coachId" = $2 WHERE \(live))
                """
        }
        var bindings = PostgresBindings()
        bindings.append(url)
        bindings.append(person)
        bindings.append(now)
        let query = PostgresQuery(unsafeSQL: sql, binds: bindings)
        return try await read { db in try await db.query(query, logger: logger).collect().first?.decode(Bool.self) ?? false }
    }

    // MARK: The open work, when a server starts

    /// Everything the engine needs to rebuild its in-memory queue: microtasks nobody has had as runs of
    /// consecutive ids, started ones and gold whole, with their assignments and answers.
    public func openWork() async throws -> OpenWork {
        try await read { db in
            let projects = try await all(Project.self, #"SELECT * FROM "project" ORDER BY "id""#, on: db)
            var fresh: [FreshRun] = []
            var startedIds: [Int64] = []
            struct RunKey: Hashable { var projectId: Int64; var kind: TaskKind }
            var open: [RunKey: Int] = [:]
            let rows = try await db.query(#"""
                SELECT m."id", m."projectId", m."kind", m."isGold" OR m."reviewOf" IS NOT NULL OR m."answerCount" > 0
                    OR EXISTS (SELECT 1 FROM "assignment" a WHERE a."microtaskId" = m."id")
                FROM "microtask" m WHERE m."status" = \#(Microtask.Status.open.rawValue) OR m."isGold" ORDER BY m."id"
                """#, logger: logger)
            for try await row in rows {
                let (id, projectId, kindName, started) = try row.decode((Int64, Int64, String, Bool).self)
                if started {
                    startedIds.append(id)
                    continue
                }
                guard let kind = TaskKind(rawValue: kindName) else { continue }
                let key = RunKey(projectId: projectId, kind: kind)
                if let index = open[key], fresh[index].first + Int64(fresh[index].count) == id {
                    fresh[index].count += 1
                } else {
                    open[key] = fresh.count
                    fresh.append(FreshRun(projectId: projectId, kind: kind, first: id, count: 1))
                }
            }
            let started = try await all(Microtask.self, #"SELECT * FROM "microtask" WHERE "id" = ANY(\#(startedIds)::bigint[]) ORDER BY "id""#, on: db)
            let assignments = try await all(Assignment.self, #"""
                SELECT * FROM "assignment" WHERE "microtaskId" = ANY(\#(startedIds)::bigint[]) ORDER BY "id"
                """#, on: db)
            let answers = try await all(AnswerRecord.self, #"""
                SELECT * FROM "answer" WHERE "microtaskId" = ANY(\#(startedIds)::bigint[]) ORDER BY "id"
                """#, on: db)
            var reviewExcluded: [Int64: Set<Int64>] = [:]
            for row in try await db.query(#"""
                SELECT r."id", a."operatorId" FROM "microtask" r JOIN "answer" a ON a."microtaskId" = r."reviewOf"
                WHERE r."reviewOf" IS NOT NULL AND r."status" = \#(Microtask.Status.open.rawValue)
                """#, logger: logger).collect() {
                let (review, operatorId) = try row.decode((Int64, Int64).self)
                reviewExcluded[review, default: []].insert(operatorId)
            }
            return OpenWork(projects: projects, fresh: fresh, started: started, assignments: assignments, answers: answers,
                            reviewExcluded: reviewExcluded)
        }
    }
}

extension PostgresLabStore {
    /// Stores answers given outside the lab's own loop in one transaction: each with its answered
    /// assignment, counted on its microtask (complete once it has its required answers).
    public func addFinishedAnswers(_ answers: [FinishedAnswer]) async throws {
        try await write { db in
            for given in answers {
                let leased = given.createdAt.addingTimeInterval(-given.secondsSpent)
                let assignment = Assignment(id: nil, microtaskId: given.microtaskId, operatorId: given.operatorId, leasedAt: leased,
                                            leaseExpiresAt: leased.addingTimeInterval(600), state: .answered, skipReason: nil,
                                            finishedAt: given.createdAt)
                let assignmentId = try await insert(assignment, into: Assignment.databaseTableName, on: db)
                try await insert(AnswerRecord(assignmentId: assignmentId, microtaskId: given.microtaskId, operatorId: given.operatorId,
                                              body: given.body, idempotencyKey: nil, secondsSpent: given.secondsSpent, createdAt: given.createdAt,
                                              response: "{}", isGold: false, goldCorrect: nil),
                                 into: AnswerRecord.databaseTableName, on: db)
                try await db.query(#"""
                    UPDATE "microtask" SET "answerCount" = "answerCount" + 1,
                        "status" = CASE WHEN "status" = \#(Microtask.Status.open.rawValue) AND "answerCount" + 1 >= "requiredAnswers"
                                        THEN \#(Microtask.Status.complete.rawValue) ELSE "status" END
                    WHERE "id" = \#(given.microtaskId)
                    """#, logger: logger)
            }
        }
    }
}
