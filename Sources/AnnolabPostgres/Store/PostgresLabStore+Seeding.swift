// Seeding a new lab, adding many operators at once, and erasing an operator, in PostgreSQL.
import AnnolabCore
import AnnolabStore
import Foundation
import PostgresNIO

extension PostgresLabStore {
    // MARK: A new lab

    /// Whether the lab has nobody in it yet.
    public func isEmpty() async throws -> Bool {
        try await read { db in try await count(#"SELECT count(*)::bigint FROM "user""#, on: db) == 0 }
    }

    /// Stores a whole seed in one transaction, only when the lab is still empty.
    /// Returns the ids of the created projects, in seed order; nil when the lab was not empty.
    public func seedIfEmpty(_ seed: LabSeed, now: Date = Date()) async throws -> [Int64]? {
        try await write { db in
            // Two servers seeding an empty database at once: the second waits here, then finds people.
            try await db.query(#"LOCK TABLE "user" IN SHARE ROW EXCLUSIVE MODE"#, logger: logger)
            guard try await count(#"SELECT count(*)::bigint FROM "user""#, on: db) == 0 else { return nil }
            let client = Client(id: nil, name: seed.clientName, hourlyPriceCents: seed.clientHourlyPriceCents, createdAt: now)
            let clientId = try await insert(client, into: Client.databaseTableName, on: db)
            var ids: [String: Int64] = [:]
            for person in seed.people {
                var user = person.user.person
                user.createdAt = now
                if user.role == .client { user.clientId = clientId }
                let userId = try await insert(user, into: User.databaseTableName, on: db)
                ids[person.key] = userId
                if user.role == .operator {
                    try await insertKeyed(OperatorProfile(operatorId: userId, coachId: person.coachKey.flatMap { ids[$0] }),
                                          into: OperatorProfile.databaseTableName, on: db)
                }
            }
            var projectIds: [Int64] = []
            for var project in seed.projects {
                project.clientId = clientId
                projectIds.append(try await insert(project, into: Project.databaseTableName, on: db))
            }
            try await record(actor: nil, action: "lab.seed", subject: nil, detail: seed.clientName, at: Date(), on: db)
            return projectIds
        }
    }

    /// Adds one operator per badge, each with a profile of `profile`'s blocks, in one transaction: one
    /// INSERT of all the people (numbered in badge order) and one of their profiles. A badge already
    /// given to someone fails the whole batch (`badge_taken`). Returns the number of operators added.
    @discardableResult
    public func addOperatorsInBulk(badges: [String], namePrefix: String, profile: WorkProfile = .standard,
                                   language: String = "nl", now: Date = Date()) async throws -> Int {
        try profile.validate()
        guard Set(badges).count == badges.count else {
            throw LabError(.conflict, "badge_taken", "The same badge is given twice in this batch. Give every operator a badge of their own.")
        }
        return try await write { db in
            // Checked first: a refused batch then takes no ids (PostgreSQL does not give back ids a rolled back insert took).
            if try await count(#"SELECT count(*)::bigint FROM "user" WHERE "badge" = ANY(\#(badges)::text[])"#, on: db) > 0 {
                throw LabError(.conflict, "badge_taken", "One of these badges is already given to someone else. Choose new badges.")
            }
            let ids: [Int64]
            do {
                ids = try await db.query(#"""
                    INSERT INTO "user" ("role", "name", "badge", "language", "createdAt")
                    SELECT \#(Role.operator.rawValue), \#(namePrefix) || ' ' || t.n, t.badge, \#(language), \#(now)
                    FROM unnest(\#(badges)::text[]) WITH ORDINALITY AS t(badge, n) ORDER BY t.n
                    RETURNING "id"
                    """#, logger: logger).collect().map { try $0.decode(Int64.self) }
            } catch let error as PSQLError where error.serverInfo?[.sqlState] == PostgresError.Code.uniqueViolation.raw {
                throw LabError(.conflict, "badge_taken", "One of these badges is already given to someone else. Choose new badges.")
            }
            try await db.query(#"""
                INSERT INTO "operatorProfile" ("operatorId", "workMinutes", "pauseMinutes", "shiftMinutes", "dailyCapMinutes")
                SELECT id, \#(profile.workMinutes), \#(profile.pauseMinutes), \#(profile.shiftMinutes), \#(profile.dailyCapMinutes)
                FROM unnest(\#(ids)::bigint[]) AS id ORDER BY id
                """#, logger: logger)
            return badges.count
        }
    }

    // MARK: Erasure

    /// Erases an operator, in one transaction: as ``LabStore``'s `erase`, only what payroll law keeps
    /// stays with them (name, birthdate, shifts, time segments, rates); their answers move to a new
    /// pseudonym account; everything else about them is removed.
    public func erase(operatorId: Int64, actor: Int64?, at now: Date) async throws -> ErasureOutcome {
        try await write { db in
            guard let person = try await one(User.self, #"SELECT * FROM "user" WHERE "id" = \#(operatorId) FOR UPDATE"#, on: db),
                  person.role == .operator else {
                throw LabError(.notFound, "operator_not_found", "There is no operator with id \(operatorId).")
            }
            if try await count(#"SELECT count(*)::bigint FROM "user" WHERE "id" = \#(operatorId) AND "erasedAt" IS NOT NULL"#, on: db) > 0 {
                throw LabError(.conflict, "already_erased", "This operator was erased already.")
            }
            // Closing the account ends its sessions; the record is made from a closed account before erasing it.
            guard person.disabledAt != nil else {
                throw LabError(.conflict, "account_open",
                               "Close this operator's account first (and give them their record); then erase it.")
            }
            var bytes = SystemRandomNumberGenerator()
            let code = String((0..<8).map { _ in "0123456789abcdef".randomElement(using: &bytes) ?? "0" })
            var pseudonym = NewUser(role: .operator, name: "Former operator \(code)").person
            pseudonym.createdAt = now
            pseudonym.disabledAt = now
            let pseudonymId = try await insert(pseudonym, into: User.databaseTableName, on: db)
            try await db.query(#"UPDATE "user" SET "erasedAt" = \#(now) WHERE "id" = \#(pseudonymId)"#, logger: logger)
            try await db.query(#"UPDATE "assignment" SET "operatorId" = \#(pseudonymId) WHERE "operatorId" = \#(operatorId)"#, logger: logger)
            let moved = try await count(#"""
                WITH moved AS (UPDATE "answer" SET "operatorId" = \#(pseudonymId), "idempotencyKey" = NULL
                               WHERE "operatorId" = \#(operatorId) RETURNING 1)
                SELECT count(*)::bigint FROM moved
                """#, on: db)
            try await db.query(#"UPDATE "instructionRating" SET "operatorId" = NULL WHERE "operatorId" = \#(operatorId)"#, logger: logger)
            for (table, column) in Self.erasedRows {
                try await db.query(PostgresQuery(unsafeSQL: #"DELETE FROM "\#(table)" WHERE "\#(column)" = $1"#,
                                                 binds: Self.binds(operatorId)), logger: logger)
            }
            try await db.query(#"""
                DELETE FROM "auditLog" WHERE "actorId" = \#(operatorId) OR "subject" = \#("user:\(operatorId)")
                """#, logger: logger)
            try await db.query(#"UPDATE "shift" SET "startedById" = NULL WHERE "startedById" = \#(operatorId)"#, logger: logger)
            try await db.query(#"""
                UPDATE "user" SET "email" = NULL, "passwordHash" = NULL, "badge" = NULL, "settings" = '{}', "erasedAt" = \#(now)
                WHERE "id" = \#(operatorId)
                """#, logger: logger)
            try await record(actor: actor, action: "operator.erased", subject: "user:\(operatorId)",
                             detail: "kept for payroll: name, birthdate, shifts, time segments, rates", at: now, on: db)
            return ErasureOutcome(pseudonymId: pseudonymId, answersMoved: moved)
        }
    }

    /// Whether this operator was erased.
    public func isErased(operatorId: Int64) async throws -> Bool {
        try await read { db in
            try await count(#"SELECT count(*)::bigint FROM "user" WHERE "id" = \#(operatorId) AND "erasedAt" IS NOT NULL"#, on: db) > 0
        }
    }

    /// The rows about an erased operator that go: table and the column naming them.
    static let erasedRows: [(String, String)] = [
        ("apiToken", "userId"), ("note", "operatorId"), ("alert", "operatorId"), ("message", "operatorId"),
        ("operatorProfile", "operatorId"), ("coachStatement", "operatorId"), ("skill", "operatorId"),
        ("instructionsSeen", "operatorId"), ("projectAccess", "operatorId"),
    ]

    static func binds(_ id: Int64) -> PostgresBindings {
        var bindings = PostgresBindings(capacity: 1)
        bindings.append(id)
        return bindings
    }
}
