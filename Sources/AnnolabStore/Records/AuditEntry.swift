// The audit log: who changed what in the lab, and when.
import Foundation
import GRDB

/// One line of the audit log.
public struct AuditEntry: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "auditLog"
    public var id: Int64?
    public var at: Date
    public var actorId: Int64?
    public var action: String
    public var subject: String?
    public var detail: String?

    public init(id: Int64?, at: Date, actorId: Int64?, action: String, subject: String?, detail: String?) {
        self.id = id
        self.at = at
        self.actorId = actorId
        self.action = action
        self.subject = subject
        self.detail = detail
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }

    /// The table's columns, named by the record's own properties.
    public enum Columns {
        public static let id = Column(CodingKeys.id)
    }
}

extension AuditEntry {
    static func record(_ db: Database, actor: Int64?, action: String, subject: String?, detail: String? = nil,
                       at: Date = Date()) throws {
        var entry = AuditEntry(id: nil, at: at, actorId: actor, action: action, subject: subject, detail: detail)
        try entry.insert(db)
    }
}

extension LabStore {
    public func audit(actor: Int64?, action: String, subject: String?, detail: String? = nil) async throws {
        try await write { db in try AuditEntry.record(db, actor: actor, action: action, subject: subject, detail: detail) }
    }

    /// The newest `limit` lines of the log, newest first, each with the person who made the
    /// change (nil for the lab itself or the command line, or when that account was removed).
    public func auditLog(limit: Int = 100) async throws -> [(entry: AuditEntry, actor: User?)] {
        try await read { db in
            let entries = try AuditEntry.order(AuditEntry.Columns.id.desc).limit(limit).fetchAll(db)
            let ids = Set(entries.compactMap(\.actorId))
            let actors = try User.fetchAll(db, keys: Array(ids)).reduce(into: [Int64: User]()) { $0[$1.id!] = $1 }
            return entries.map { ($0, $0.actorId.flatMap { actors[$0] }) }
        }
    }
}
