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

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
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

    public func auditLog(limit: Int = 100) async throws -> [AuditEntry] {
        try await read { db in try AuditEntry.order(Column("id").desc).limit(limit).fetchAll(db) }
    }
}
