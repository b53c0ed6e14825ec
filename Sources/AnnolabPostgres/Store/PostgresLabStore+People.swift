// People, clients, sign-in tokens and the audit log in PostgreSQL: what signing in and managing accounts need.
import AnnolabCore
import AnnolabStore
import Foundation
import PostgresNIO

extension PostgresLabStore {
    // MARK: Clients

    public func createClient(name: String, hourlyPriceCents: Int = 0, now: Date = Date()) async throws -> Client {
        try await write { db in
            var client = Client(id: nil, name: name, hourlyPriceCents: hourlyPriceCents, createdAt: now)
            client.id = try await insert(client, into: Client.databaseTableName, on: db)
            return client
        }
    }

    public func client(id: Int64) async throws -> Client? {
        try await read { db in try await one(Client.self, #"SELECT * FROM "client" WHERE "id" = \#(id)"#, on: db) }
    }

    // MARK: People

    /// Adds a person; an operator also gets a profile (default 45/15 blocks) under their coach.
    public func createUser(_ new: NewUser, now: Date = Date()) async throws -> User {
        try await write { db in
            if let coachId = new.coachId {
                guard let coach = try await one(User.self, #"SELECT * FROM "user" WHERE "id" = \#(coachId)"#, on: db),
                      coach.role == .coach else {
                    throw LabError(.unprocessable, "unknown_coach", "There is no coach with id \(coachId).")
                }
            }
            if let clientId = new.person.clientId,
               try await count(#"SELECT count(*)::bigint FROM "client" WHERE "id" = \#(clientId)"#, on: db) == 0 {
                throw LabError(.unprocessable, "unknown_client", "There is no client with id \(clientId).")
            }
            if let email = new.person.email,
               try await count(#"SELECT count(*)::bigint FROM "user" WHERE lower("email") = lower(\#(email))"#, on: db) > 0 {
                throw LabError(.conflict, "email_taken", "Someone in the lab already uses the email address \(email).")
            }
            if let badge = new.person.badge,
               try await count(#"SELECT count(*)::bigint FROM "user" WHERE "badge" = \#(badge)"#, on: db) > 0 {
                throw LabError(.conflict, "badge_taken", "The badge \(badge) is already given to someone else.")
            }
            var user = new.person
            user.createdAt = now
            user.id = try await insert(user, into: User.databaseTableName, on: db)
            if user.role == .operator, let operatorId = user.id {
                try await insertKeyed(OperatorProfile(operatorId: operatorId, coachId: new.coachId),
                                      into: OperatorProfile.databaseTableName, on: db)
            }
            return user
        }
    }

    public func user(id: Int64) async throws -> User? {
        try await read { db in try await one(User.self, #"SELECT * FROM "user" WHERE "id" = \#(id)"#, on: db) }
    }

    public func user(badge: String) async throws -> User? {
        try await read { db in try await one(User.self, #"SELECT * FROM "user" WHERE "badge" = \#(badge)"#, on: db) }
    }

    /// The person with this email address, written in any case.
    public func user(email: String) async throws -> User? {
        try await read { db in
            try await one(User.self, #"SELECT * FROM "user" WHERE lower("email") = lower(\#(email)) LIMIT 1"#, on: db)
        }
    }

    /// The operators whose profile names this coach: the coach's group.
    public func operators(ofCoach coachId: Int64) async throws -> [User] {
        try await read { db in
            try await all(User.self, #"""
                SELECT u.* FROM "user" u JOIN "operatorProfile" p ON p."operatorId" = u."id"
                WHERE p."coachId" = \#(coachId) ORDER BY u."name" COLLATE "C", u."id"
                """#, on: db)
        }
    }

    public func userCount(role: Role? = nil) async throws -> Int {
        try await read { db in
            if let role { return try await count(#"SELECT count(*)::bigint FROM "user" WHERE "role" = \#(role.rawValue)"#, on: db) }
            return try await count(#"SELECT count(*)::bigint FROM "user""#, on: db)
        }
    }

    /// Everyone in the lab, by role then name.
    public func allUsers() async throws -> [User] {
        try await read { db in try await all(User.self, #"SELECT * FROM "user" ORDER BY "role" COLLATE "C", "name" COLLATE "C", "id""#, on: db) }
    }

    /// Disables an account: it can no longer sign in, and every session and API token of the person is
    /// deleted in the same transaction. Recorded in the audit log; disabling it again records nothing.
    public func disableUser(id: Int64, actor: Int64?, now: Date = Date()) async throws -> LabStore.Disabled {
        try await write { db in
            guard var user = try await one(User.self, #"SELECT * FROM "user" WHERE "id" = \#(id) FOR UPDATE"#, on: db) else {
                throw LabError(.notFound, "user_not_found", "There is no person with id \(id) in the lab.")
            }
            let hashes = try await db.query(#"SELECT "tokenHash" FROM "apiToken" WHERE "userId" = \#(id) ORDER BY "id""#, logger: logger)
                .collect().map { try $0.decode(String.self) }
            try await db.query(#"DELETE FROM "apiToken" WHERE "userId" = \#(id)"#, logger: logger)
            let newly = user.disabledAt == nil
            if newly {
                user.disabledAt = now
                try await db.query(#"UPDATE "user" SET "disabledAt" = \#(now) WHERE "id" = \#(id)"#, logger: logger)
                let ended = switch hashes.count {
                case 0: "no session or token was open"
                case 1: "1 session or token ended"
                default: "\(hashes.count) sessions and tokens ended"
                }
                try await record(actor: actor, action: "user.disable", subject: "user:\(id)",
                                 detail: "\(user.role.rawValue) disabled; \(ended)", at: now, on: db)
            }
            return LabStore.Disabled(user: user, newly: newly, endedTokenHashes: hashes)
        }
    }

    // MARK: Sign-in tokens

    public func storeToken(userId: Int64, tokenHash: String, kind: ApiToken.Kind, label: String? = nil,
                           expiresAt: Date?, now: Date = Date()) async throws {
        try await write { db in
            guard try await count(#"SELECT count(*)::bigint FROM "user" WHERE "id" = \#(userId)"#, on: db) > 0 else {
                throw LabError(.notFound, "unknown_user", "There is no user with id \(userId).")
            }
            let token = ApiToken(id: nil, userId: userId, tokenHash: tokenHash, kind: kind, label: label,
                                 createdAt: now, expiresAt: expiresAt)
            try await insert(token, into: ApiToken.databaseTableName, on: db)
        }
    }

    /// The person a token belongs to, when the token exists, has not expired and the account is active.
    public func user(tokenHash: String, now: Date = Date()) async throws -> User? {
        try await read { db in
            try await one(User.self, #"""
                SELECT u.* FROM "apiToken" t JOIN "user" u ON u."id" = t."userId"
                WHERE t."tokenHash" = \#(tokenHash) AND (t."expiresAt" IS NULL OR t."expiresAt" > \#(now))
                  AND u."disabledAt" IS NULL
                """#, on: db)
        }
    }

    public func deleteToken(tokenHash: String) async throws {
        try await write { db in
            try await db.query(#"DELETE FROM "apiToken" WHERE "tokenHash" = \#(tokenHash)"#, logger: logger)
        }
    }

    /// A person's API tokens (not their browser sessions), newest first.
    public func apiTokens(userId: Int64) async throws -> [ApiToken] {
        try await read { db in
            try await all(ApiToken.self, #"""
                SELECT * FROM "apiToken" WHERE "userId" = \#(userId) AND "kind" = \#(ApiToken.Kind.api.rawValue)
                ORDER BY "createdAt" DESC, "id" DESC
                """#, on: db)
        }
    }

    /// Revokes one of a person's API tokens; returns its hash, or nil when it is not theirs.
    public func revokeApiToken(id: Int64, userId: Int64) async throws -> String? {
        try await write { db in
            let deleted = try await db.query(#"""
                DELETE FROM "apiToken" WHERE "id" = \#(id) AND "userId" = \#(userId) AND "kind" = \#(ApiToken.Kind.api.rawValue)
                RETURNING "tokenHash"
                """#, logger: logger).collect()
            guard let hash = try deleted.first?.decode(String.self) else { return nil }
            try await record(actor: userId, action: "token.revoke", subject: "token:\(id)", detail: nil, at: Date(), on: db)
            return hash
        }
    }

    // MARK: The audit log

    public func audit(actor: Int64?, action: String, subject: String?, detail: String? = nil) async throws {
        try await write { db in try await record(actor: actor, action: action, subject: subject, detail: detail, at: Date(), on: db) }
    }

    /// The newest `limit` lines of the log, newest first, each with the person who made the change.
    public func auditLog(limit: Int = 100) async throws -> [(entry: AuditEntry, actor: User?)] {
        let lines: [(AuditEntry, User?)] = try await read { db in
            let entries = try await all(AuditEntry.self, #"SELECT * FROM "auditLog" ORDER BY "id" DESC LIMIT \#(Self.limit(limit))"#, on: db)
            let ids = Array(Set(entries.compactMap(\.actorId)))
            let actors = try await all(User.self, #"SELECT * FROM "user" WHERE "id" = ANY(\#(ids)::bigint[])"#, on: db)
                .reduce(into: [Int64: User]()) { $0[$1.id!] = $1 }
            return entries.map { ($0, $0.actorId.flatMap { actors[$0] }) }
        }
        return lines.map { (entry: $0.0, actor: $0.1) }
    }

    /// One line of the audit log, inside the caller's transaction.
    func record(actor: Int64?, action: String, subject: String?, detail: String?, at: Date, on db: PostgresConnection) async throws {
        try await insert(AuditEntry(id: nil, at: at, actorId: actor, action: action, subject: subject, detail: detail),
                         into: AuditEntry.databaseTableName, on: db)
    }
}
