// Projects and the versions of their instructions in PostgreSQL: what a client sets up and operators are told.
import AnnolabCore
import AnnolabStore
import Foundation
import PostgresNIO

extension PostgresLabStore {
    // MARK: Projects

    public func createProject(_ project: Project, actor: Int64?) async throws -> Project {
        try await write { db in
            // Checked first: a refused project then takes no id (PostgreSQL does not give back ids a rolled back insert took).
            guard try await count(#"SELECT count(*)::bigint FROM "client" WHERE "id" = \#(project.clientId)"#, on: db) > 0 else {
                throw LabError(.unprocessable, "unknown_reference", "This refers to something that does not exist.")
            }
            var project = project
            project.id = try await insert(project, into: Project.databaseTableName, on: db)
            try await record(actor: actor, action: "project.create", subject: "project:\(project.id!)",
                             detail: project.name, at: Date(), on: db)
            return project
        }
    }

    public func project(id: Int64) async throws -> Project? {
        try await read { db in try await one(Project.self, #"SELECT * FROM "project" WHERE "id" = \#(id)"#, on: db) }
    }

    /// The projects of one client, or of every client when `clientId` is nil.
    public func projects(clientId: Int64?) async throws -> [Project] {
        try await read { db in
            if let clientId {
                return try await all(Project.self, #"SELECT * FROM "project" WHERE "clientId" = \#(clientId) ORDER BY "id""#, on: db)
            }
            return try await all(Project.self, #"SELECT * FROM "project" ORDER BY "id""#, on: db)
        }
    }

    public func progress(projectId: Int64, now: Date = Date()) async throws -> ProjectProgress {
        try await read { db in
            let row = try await db.query(#"""
                SELECT count(*)::bigint, (count(*) FILTER (WHERE "status" = \#(Microtask.Status.complete.rawValue)))::bigint
                FROM "microtask" WHERE "projectId" = \#(projectId) AND NOT "isGold"
                """#, logger: logger).collect().first
            let totals: (Int64, Int64) = try row.map { try $0.decode((Int64, Int64).self) } ?? (0, 0)
            let inProgress = try await count(#"""
                SELECT count(DISTINCT a."microtaskId")::bigint FROM "assignment" a
                JOIN "microtask" m ON m."id" = a."microtaskId"
                WHERE m."projectId" = \#(projectId) AND m."status" = \#(Microtask.Status.open.rawValue)
                  AND a."state" = \#(Assignment.State.leased.rawValue) AND a."leaseExpiresAt" > \#(now)
                """#, on: db)
            return ProjectProgress(microtasks: Int(totals.0), completed: Int(totals.1), inProgress: inProgress)
        }
    }

    /// Answers still needed on open microtasks, and their estimated effort.
    public func remainingWork(projectId: Int64) async throws -> RemainingWork {
        try await read { db in
            let row = try await db.query(#"""
                SELECT COALESCE(SUM(GREATEST("requiredAnswers" - "answerCount", 0)), 0)::bigint,
                       COALESCE(SUM(GREATEST("requiredAnswers" - "answerCount", 0) * "estimatedSeconds"), 0)::double precision
                FROM "microtask" WHERE "projectId" = \#(projectId) AND "status" = \#(Microtask.Status.open.rawValue) AND NOT "isGold"
                """#, logger: logger).collect().first
            let sums: (Int64, Double) = try row.map { try $0.decode((Int64, Double).self) } ?? (0, 0)
            return RemainingWork(answersNeeded: Int(sums.0), estimatedSeconds: sums.1)
        }
    }

    /// Work minutes a day the lab's operators are rostered for (their daily caps), and how many
    /// projects share them.
    public func rosteredCapacity() async throws -> (minutesPerDay: Int, openProjects: Int) {
        let found: (Int, Int) = try await read { db in
            let minutes = try await count(#"""
                SELECT COALESCE(SUM(p."dailyCapMinutes"), 0)::bigint FROM "operatorProfile" p
                JOIN "user" u ON u."id" = p."operatorId" WHERE u."disabledAt" IS NULL
                """#, on: db)
            let projects = try await count(#"""
                SELECT count(DISTINCT "projectId")::bigint FROM "microtask"
                WHERE "status" = \#(Microtask.Status.open.rawValue) AND NOT "isGold"
                """#, on: db)
            return (minutes, projects)
        }
        return (minutesPerDay: found.0, openProjects: found.1)
    }

    // MARK: Versions of the instructions

    /// The version of a project's instructions operators get now (1 until the client changes them).
    public func instructionsVersion(projectId: Int64) async throws -> Int? {
        try await read { db in
            try await db.query(#"SELECT "instructionsVersion" FROM "project" WHERE "id" = \#(projectId)"#, logger: logger)
                .collect().first.map { Int(try $0.decode(Int64.self)) }
        }
    }

    /// Every stored version of a project's instructions, oldest first.
    public func instructionsVersions(projectId: Int64) async throws -> [InstructionsVersion] {
        try await read { db in
            try await all(InstructionsVersion.self, #"""
                SELECT * FROM "instructionsVersion" WHERE "projectId" = \#(projectId) ORDER BY "version"
                """#, on: db)
        }
    }

    /// Gives a project new instructions (JSON, or nil for the template's) as a new version, and
    /// keeps the old and the new text; returns the new version number.
    public func changeInstructions(projectId: Int64, to instructions: String?, actor: Int64?, at now: Date) async throws -> Int {
        try await write { db in
            guard let row = try await db.query(#"""
                SELECT "instructions", "instructionsVersion", "createdAt" FROM "project" WHERE "id" = \#(projectId) FOR UPDATE
                """#, logger: logger).collect().first else {
                throw LabError(.notFound, "project_not_found", "There is no such project.")
            }
            let (old, currentVersion, createdAt) = try row.decode((String?, Int64, Date).self)
            let current = Int(currentVersion)
            // The first version was never stored on its own: it is kept now, as it was.
            if try await count(#"""
                SELECT count(*)::bigint FROM "instructionsVersion" WHERE "projectId" = \#(projectId) AND "version" = \#(current)
                """#, on: db) == 0 {
                try await db.query(#"""
                    INSERT INTO "instructionsVersion" ("projectId", "version", "instructions", "changedAt")
                    VALUES (\#(projectId), \#(current), \#(old), \#(createdAt))
                    """#, logger: logger)
            }
            let next = current + 1
            try await db.query(#"""
                INSERT INTO "instructionsVersion" ("projectId", "version", "instructions", "changedAt")
                VALUES (\#(projectId), \#(next), \#(instructions), \#(now))
                """#, logger: logger)
            try await db.query(#"""
                UPDATE "project" SET "instructions" = \#(instructions), "instructionsVersion" = \#(next) WHERE "id" = \#(projectId)
                """#, logger: logger)
            try await record(actor: actor, action: "project.instructions", subject: "project:\(projectId)",
                             detail: "version \(next)", at: Date(), on: db)
            return next
        }
    }

    /// The version of a project's instructions a task given to the operator now carries, and
    /// whether it is new to them: true once after each change, never with their first task of
    /// the project. The write decides, so two tasks fetched at once do not both say "changed".
    public func instructionsNotice(operatorId: Int64, projectId: Int64) async throws -> (version: Int, changed: Bool) {
        let found: (Int64, Int64?)? = try await read { db in
            let row = try await db.query(#"""
                SELECT p."instructionsVersion", s."version" FROM "project" p
                LEFT JOIN "instructionsSeen" s ON s."projectId" = p."id" AND s."operatorId" = \#(operatorId)
                WHERE p."id" = \#(projectId)
                """#, logger: logger).collect().first
            return try row.map { try $0.decode((Int64, Int64?).self) }
        }
        guard let (currentVersion, seen) = found else { return (1, false) }
        let current = Int(currentVersion)
        if let seen, seen >= currentVersion { return (current, false) }
        let changed: Bool = try await write { db in
            if seen == nil {
                try await db.query(#"""
                    INSERT INTO "instructionsSeen" ("operatorId", "projectId", "version") VALUES (\#(operatorId), \#(projectId), \#(current))
                    ON CONFLICT ("operatorId", "projectId") DO NOTHING
                    """#, logger: logger)
                return false
            }
            let updated = try await db.query(#"""
                UPDATE "instructionsSeen" SET "version" = \#(current)
                WHERE "operatorId" = \#(operatorId) AND "projectId" = \#(projectId) AND "version" < \#(current) RETURNING 1
                """#, logger: logger).collect()
            return !updated.isEmpty
        }
        return (current, changed)
    }
}
