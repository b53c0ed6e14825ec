// An operator's record in PostgreSQL: the coach's statement, ratings of instructions, and the skill ladder's steps.
import AnnolabCore
import AnnolabStore
import Foundation
import PostgresNIO

extension PostgresLabStore {
    // MARK: The coach's statement

    /// The operator's statement, agreed or not; nil when the coach has not written one.
    public func coachStatement(operatorId: Int64) async throws -> CoachStatement? {
        try await read { db in
            try await one(CoachStatement.self, #"SELECT * FROM "coachStatement" WHERE "operatorId" = \#(operatorId)"#, on: db)
        }
    }

    /// Stores the coach's text. A text that differs from the one stored waits for the
    /// operator's agreement again; the same text again changes nothing.
    public func writeCoachStatement(operatorId: Int64, coachId: Int64, body: String, at now: Date) async throws -> CoachStatement {
        try await write { db in
            if let current = try await statementForUpdate(operatorId: operatorId, on: db), current.body == body { return current }
            let statement = CoachStatement(operatorId: operatorId, coachId: coachId, body: body, writtenAt: now,
                                           agreedAt: nil, changeRequest: nil, changeRequestedAt: nil)
            try await db.query(#"""
                INSERT INTO "coachStatement" ("operatorId", "coachId", "body", "writtenAt", "agreedAt", "changeRequest", "changeRequestedAt")
                VALUES (\#(operatorId), \#(coachId), \#(body), \#(now), NULL, NULL, NULL)
                ON CONFLICT ("operatorId") DO UPDATE SET "coachId" = EXCLUDED."coachId", "body" = EXCLUDED."body",
                    "writtenAt" = EXCLUDED."writtenAt", "agreedAt" = NULL, "changeRequest" = NULL, "changeRequestedAt" = NULL
                """#, logger: logger)
            try await record(actor: coachId, action: "statement.write", subject: "user:\(operatorId)",
                             detail: "\(body.count) characters, waiting for agreement", at: now, on: db)
            return statement
        }
    }

    /// The operator agrees with the text as it stands; an open change request is then settled.
    /// Agreeing again keeps the first moment of agreement.
    public func agreeToCoachStatement(operatorId: Int64, at now: Date) async throws -> CoachStatement {
        try await write { db in
            guard var statement = try await statementForUpdate(operatorId: operatorId, on: db) else { throw CoachStatement.missing }
            guard statement.agreedAt == nil else { return statement }
            statement.agreedAt = now
            statement.changeRequest = nil
            statement.changeRequestedAt = nil
            try await db.query(#"""
                UPDATE "coachStatement" SET "agreedAt" = \#(now), "changeRequest" = NULL, "changeRequestedAt" = NULL
                WHERE "operatorId" = \#(operatorId)
                """#, logger: logger)
            try await record(actor: operatorId, action: "statement.agree", subject: "user:\(operatorId)", detail: nil, at: now, on: db)
            return statement
        }
    }

    /// The operator asks the coach to change the text; until the coach writes a new one, the
    /// statement is not agreed and stays out of the record.
    public func askForStatementChange(operatorId: Int64, request: String, at now: Date) async throws -> CoachStatement {
        try await write { db in
            guard var statement = try await statementForUpdate(operatorId: operatorId, on: db) else { throw CoachStatement.missing }
            statement.agreedAt = nil
            statement.changeRequest = request
            statement.changeRequestedAt = now
            try await db.query(#"""
                UPDATE "coachStatement" SET "agreedAt" = NULL, "changeRequest" = \#(request), "changeRequestedAt" = \#(now)
                WHERE "operatorId" = \#(operatorId)
                """#, logger: logger)
            try await record(actor: operatorId, action: "statement.change-request", subject: "user:\(operatorId)",
                             detail: request, at: now, on: db)
            return statement
        }
    }

    /// The operator's statement, held until the transaction ends.
    private func statementForUpdate(operatorId: Int64, on db: PostgresConnection) async throws -> CoachStatement? {
        try await one(CoachStatement.self, #"SELECT * FROM "coachStatement" WHERE "operatorId" = \#(operatorId) FOR UPDATE"#, on: db)
    }

    // MARK: Ratings of instructions

    /// Keeps an operator's rating of the instructions of a task they answered or skipped.
    ///
    /// The rating belongs to the version of the instructions the operator last got with a task of
    /// the project. Another operator's task is "not found", so that nobody learns which ids exist.
    public func rateInstructions(operatorId: Int64, assignmentId: Int64, clear: Bool, comment: String?,
                                 at now: Date) async throws -> InstructionRating {
        try await write { db in
            let assignment = try await one(Assignment.self, #"""
                SELECT * FROM "assignment" WHERE "id" = \#(assignmentId) FOR NO KEY UPDATE
                """#, on: db)
            guard let assignment, assignment.operatorId == operatorId,
                  let projectId = try await db.query(#"SELECT "projectId" FROM "microtask" WHERE "id" = \#(assignment.microtaskId)"#,
                                                     logger: logger).collect().first?.decode(Int64.self) else {
                throw LabError(.notFound, "assignment_not_found", "There is no such task.")
            }
            guard [.answered, .skipped].contains(assignment.state) else {
                throw LabError(.conflict, "task_not_done", "Rate the instructions after you answered or skipped the task.")
            }
            guard try await count(#"SELECT count(*)::bigint FROM "instructionRating" WHERE "assignmentId" = \#(assignmentId)"#,
                                  on: db) == 0 else {
                throw LabError(.conflict, "already_rated", "You already said how clear the instructions of this task were.")
            }
            let version = try await db.query(#"""
                SELECT COALESCE((SELECT "version" FROM "instructionsSeen" WHERE "operatorId" = \#(operatorId) AND "projectId" = \#(projectId)),
                                "instructionsVersion")
                FROM "project" WHERE "id" = \#(projectId)
                """#, logger: logger).collect().first?.decode(Int64?.self) ?? 1
            var rating = InstructionRating(id: nil, projectId: projectId, assignmentId: assignmentId, operatorId: operatorId,
                                           instructionsVersion: Int(version), clear: clear, comment: comment,
                                           commentStatus: comment == nil ? nil : .pending, decidedById: nil, decidedAt: nil,
                                           createdAt: now)
            rating.id = try await insert(rating, into: InstructionRating.databaseTableName, on: db)
            return rating
        }
    }

    /// Comments no coach has decided on yet, oldest first, with their project's name.
    public func pendingComments() async throws -> [PendingComment] {
        try await read { db in
            try await db.query(#"""
                SELECT r."id", r."projectId", p."name", r."instructionsVersion", r."clear", r."comment", r."createdAt"
                FROM "instructionRating" r JOIN "project" p ON p."id" = r."projectId"
                WHERE r."commentStatus" = \#(CommentStatus.pending.rawValue) ORDER BY r."createdAt", r."id" LIMIT 500
                """#, logger: logger).collect().map { row in
                let (id, projectId, name, version, clear, text, createdAt) = try row.decode((Int64, Int64, String, Int64, Bool, String, Date).self)
                return PendingComment(id: id, projectId: projectId, projectName: name, instructionsVersion: Int(version), clear: clear,
                                      text: text, createdAt: createdAt)
            }
        }
    }

    /// A coach passes a comment on to the client or keeps it back; nil when there is no such
    /// comment. A comment is decided once.
    public func decideComment(id: Int64, coachId: Int64, pass: Bool, at now: Date) async throws -> InstructionRating? {
        try await write { db in
            guard var rating = try await one(InstructionRating.self, #"SELECT * FROM "instructionRating" WHERE "id" = \#(id) FOR UPDATE"#,
                                             on: db),
                  rating.commentStatus != nil else { return nil }
            guard rating.commentStatus == .pending else {
                throw LabError(.conflict, "already_decided", "This comment was already passed on or dismissed.")
            }
            let decided: CommentStatus = pass ? .passed : .dismissed
            rating.commentStatus = decided
            rating.decidedById = coachId
            rating.decidedAt = now
            try await db.query(#"""
                UPDATE "instructionRating" SET "commentStatus" = \#(decided.rawValue), "decidedById" = \#(coachId), "decidedAt" = \#(now)
                WHERE "id" = \#(id)
                """#, logger: logger)
            try await record(actor: coachId, action: "rating.\(pass ? "pass" : "dismiss")", subject: "rating:\(id)", detail: nil,
                             at: Date(), on: db)
            return rating
        }
    }

    /// The ratings of a project per version of its instructions, and the comments a coach passed
    /// (newest first): no names and no operator ids, which the client must never see.
    public func ratingSummary(projectId: Int64) async throws -> RatingSummary {
        try await read { db in
            let versions = try await db.query(#"""
                SELECT "instructionsVersion", count(*)::bigint, COALESCE(sum(CASE WHEN "clear" THEN 0 ELSE 1 END), 0)::bigint
                FROM "instructionRating" WHERE "projectId" = \#(projectId) GROUP BY "instructionsVersion" ORDER BY "instructionsVersion"
                """#, logger: logger).collect().map { row in
                let (version, ratings, unclear) = try row.decode((Int64, Int64, Int64).self)
                return RatingSummary.Version(version: Int(version), ratings: Int(ratings), unclear: Int(unclear))
            }
            let comments = try await db.query(#"""
                SELECT "comment", "clear", "instructionsVersion", "createdAt" FROM "instructionRating"
                WHERE "projectId" = \#(projectId) AND "commentStatus" = \#(CommentStatus.passed.rawValue)
                ORDER BY "createdAt" DESC, "id" DESC LIMIT 200
                """#, logger: logger).collect().map { row in
                let (text, clear, version, createdAt) = try row.decode((String, Bool, Int64, Date).self)
                return RatingSummary.Comment(text: text, clear: clear, version: Int(version), createdAt: createdAt)
            }
            return RatingSummary(versions: versions, comments: comments)
        }
    }

    // MARK: The skill ladder

    public func skills(operatorId: Int64) async throws -> [SkillRecord] {
        try await read { db in
            try await all(SkillRecord.self, #"""
                SELECT * FROM "skill" WHERE "operatorId" = \#(operatorId) ORDER BY "reachedAt", "step" COLLATE "C"
                """#, on: db)
        }
    }

    /// Opens a step for an operator. Returns false when it was open already (nothing changes).
    @discardableResult
    public func openSkill(operatorId: Int64, step: String, via: String, by actor: Int64?, at: Date) async throws -> Bool {
        try await write { db in
            let opened = try await db.query(#"""
                INSERT INTO "skill" ("operatorId", "step", "reachedAt", "via", "openedById")
                VALUES (\#(operatorId), \#(step), \#(at), \#(via), \#(actor))
                ON CONFLICT ("operatorId", "step") DO NOTHING RETURNING 1
                """#, logger: logger).collect().count
            guard opened > 0 else { return false }
            try await record(actor: actor, action: "skill.open", subject: "user:\(operatorId)", detail: "\(step) (\(via))", at: at, on: db)
            return true
        }
    }

    /// Whether anyone reached one of `steps` (a lab with a reviewer, say).
    public func anyoneReached(steps: [String]) async throws -> Bool {
        guard !steps.isEmpty else { return false }
        return try await read { db in
            try await count(#"SELECT count(*)::bigint FROM (SELECT 1 FROM "skill" WHERE "step" = ANY(\#(steps)::text[]) LIMIT 1) s"#,
                            on: db) > 0
        }
    }

    /// Practice questions of `kinds` this operator answered (gold microtasks, right or not), and
    /// the `recent` most recent of them. A negative `recent`, as in SQLite, is no limit.
    public func practice(operatorId: Int64, kinds: Set<TaskKind>, recent: Int) async throws -> PracticeFigures {
        guard !kinds.isEmpty else { return PracticeFigures() }
        let names = kinds.map(\.rawValue)
        return try await read { db in
            let all = try await db.query(#"""
                SELECT count(*)::bigint, COALESCE(sum(CASE WHEN a."goldCorrect" THEN 1 ELSE 0 END), 0)::bigint,
                       min(a."createdAt"), max(a."createdAt")
                FROM "answer" a JOIN "microtask" m ON m."id" = a."microtaskId"
                WHERE a."operatorId" = \#(operatorId) AND a."isGold" AND m."kind" = ANY(\#(names)::text[])
                """#, logger: logger).collect().first
            let latest = try await db.query(#"""
                SELECT count(*)::bigint, COALESCE(sum(CASE WHEN g."goldCorrect" THEN 1 ELSE 0 END), 0)::bigint FROM (
                    SELECT a."goldCorrect" FROM "answer" a JOIN "microtask" m ON m."id" = a."microtaskId"
                    WHERE a."operatorId" = \#(operatorId) AND a."isGold" AND m."kind" = ANY(\#(names)::text[])
                    ORDER BY a."id" DESC LIMIT \#(recent < 0 ? nil : Int64(recent))::bigint) g
                """#, logger: logger).collect().first
            guard let all, let latest else { return PracticeFigures() }
            let (questions, right, first, last) = try all.decode((Int64, Int64, Date?, Date?).self)
            let (recentCount, recentRight) = try latest.decode((Int64, Int64).self)
            return PracticeFigures(questions: Int(questions), right: Int(right), recent: Int(recentCount),
                                   recentRight: Int(recentRight), first: first, last: last)
        }
    }

    /// For a lab that turns the ladder on: every operator keeps the steps whose kinds they
    /// already worked on, reached on the day of their first answer of those kinds.
    public func openEarlierSkills(steps: [(id: String, kinds: [TaskKind])], actor: Int64?) async throws {
        let chosen = steps.filter { !$0.kinds.isEmpty }.map { (id: $0.id, names: $0.kinds.map(\.rawValue)) }
        try await write { db in
            for step in chosen {
                try await db.query(#"""
                    INSERT INTO "skill" ("operatorId", "step", "reachedAt", "via", "openedById")
                    SELECT a."operatorId", \#(step.id), min(a."createdAt"), 'earlier', NULL
                    FROM "answer" a JOIN "microtask" m ON m."id" = a."microtaskId"
                    WHERE m."kind" = ANY(\#(step.names)::text[]) AND NOT a."isGold"
                    GROUP BY a."operatorId"
                    ON CONFLICT ("operatorId", "step") DO NOTHING
                    """#, logger: logger)
            }
            try await record(actor: actor, action: "skill.earlier", subject: nil, detail: "steps opened for work done before the ladder",
                             at: Date(), on: db)
        }
    }
}
