// Sign-in tokens: browser sessions and API tokens for scripts, stored only as hashes.
import AnnolabCore
import Foundation
import GRDB

/// A token that signs a person in. Only its SHA-256 is stored.
public struct ApiToken: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "apiToken"
    /// A browser session or a script's API token: the same two values as the `kind` column's CHECK.
    public enum Kind: String, Codable, Sendable, CaseIterable, DatabaseValueConvertible { case session, api }
    public var id: Int64?
    public var userId: Int64
    public var tokenHash: String
    public var kind: Kind
    public var label: String?
    public var createdAt: Date
    public var expiresAt: Date?

    public init(id: Int64?, userId: Int64, tokenHash: String, kind: Kind, label: String?, createdAt: Date, expiresAt: Date?) {
        self.id = id
        self.userId = userId
        self.tokenHash = tokenHash
        self.kind = kind
        self.label = label
        self.createdAt = createdAt
        self.expiresAt = expiresAt
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }

    /// The table's columns, named by the record's own properties.
    public enum Columns {
        public static let id = Column(CodingKeys.id)
        public static let userId = Column(CodingKeys.userId)
        public static let tokenHash = Column(CodingKeys.tokenHash)
        public static let kind = Column(CodingKeys.kind)
        public static let createdAt = Column(CodingKeys.createdAt)
    }
}

extension DerivableRequest<ApiToken> {
    /// A person's API tokens, leaving out their browser sessions.
    func apiTokens(ofUser userId: Int64) -> Self {
        filter(ApiToken.Columns.userId == userId && ApiToken.Columns.kind == ApiToken.Kind.api)
    }
}

extension LabStore {
    public func storeToken(userId: Int64, tokenHash: String, kind: ApiToken.Kind, label: String? = nil,
                           expiresAt: Date?, now: Date = Date()) async throws {
        _ = try await write { db in
            guard try User.fetchOne(db, key: userId) != nil else {
                throw LabError(.notFound, "unknown_user", "There is no user with id \(userId).")
            }
            var token = ApiToken(id: nil, userId: userId, tokenHash: tokenHash, kind: kind, label: label,
                                 createdAt: now, expiresAt: expiresAt)
            try token.insert(db)
            return token.id
        }
    }

    /// The person a token belongs to, when the token exists, has not expired and the account is active.
    public func user(tokenHash: String, now: Date = Date()) async throws -> User? {
        try await read { db in
            try User.fetchOne(db, sql: """
                SELECT user.* FROM apiToken JOIN user ON user.id = apiToken.userId
                WHERE apiToken.tokenHash = ? AND (apiToken.expiresAt IS NULL OR apiToken.expiresAt > ?)
                  AND user.disabledAt IS NULL
                """, arguments: [tokenHash, now])
        }
    }

    public func deleteToken(tokenHash: String) async throws {
        try await write { db in _ = try ApiToken.filter(ApiToken.Columns.tokenHash == tokenHash).deleteAll(db) }
    }
}

extension LabStore {
    /// A person's API tokens (not their browser sessions), newest first.
    public func apiTokens(userId: Int64) async throws -> [ApiToken] {
        try await read { db in
            try ApiToken.all().apiTokens(ofUser: userId)
                .order(ApiToken.Columns.createdAt.desc, ApiToken.Columns.id.desc).fetchAll(db)
        }
    }

    /// Revokes one of a person's API tokens; returns its hash, or nil when it is not theirs.
    public func revokeApiToken(id: Int64, userId: Int64) async throws -> String? {
        try await write { db in
            guard let token = try ApiToken.all().apiTokens(ofUser: userId).filter(key: id).fetchOne(db) else { return nil }
            try token.delete(db)
            try AuditEntry.record(db, actor: userId, action: "token.revoke", subject: "token:\(id)")
            return token.tokenHash
        }
    }
}
