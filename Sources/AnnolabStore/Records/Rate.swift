// Hourly rates per operator with the date they take effect, and the dated minimum wage table.
import AnnolabCore
import Foundation
import GRDB

/// An operator's hourly rate from a date on, in euro cents.
public struct Rate: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "rate"
    public var id: Int64?
    public var operatorId: Int64
    public var hourlyCents: Int
    /// YYYY-MM-DD
    public var effectiveFrom: String

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }

    /// The table's columns, named by the record's own properties.
    public enum Columns {
        public static let operatorId = Column(CodingKeys.operatorId)
        public static let effectiveFrom = Column(CodingKeys.effectiveFrom)
    }
}

/// One row of the minimum wage table: from a date, for an age and up, an hourly amount.
public struct MinimumWageRecord: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "minimumWage"
    public var country: String
    public var effectiveFrom: String
    public var minAge: Int
    public var hourlyCents: Int

    /// The table's columns, named by the record's own properties.
    public enum Columns {
        public static let effectiveFrom = Column(CodingKeys.effectiveFrom)
        public static let minAge = Column(CodingKeys.minAge)
    }
}

extension LabStore {
    /// Sets (or replaces) the rate that takes effect on a date.
    public func setRate(operatorId: Int64, hourlyCents: Int, from: String, actor: Int64?) async throws {
        try await write { db in
            try db.execute(sql: """
                INSERT INTO rate (operatorId, hourlyCents, effectiveFrom) VALUES (?, ?, ?)
                ON CONFLICT(operatorId, effectiveFrom) DO UPDATE SET hourlyCents = excluded.hourlyCents
                """, arguments: [operatorId, hourlyCents, from])
            try AuditEntry.record(db, actor: actor, action: "rate.set", subject: "user:\(operatorId)",
                                  detail: "\(hourlyCents) cents from \(from)")
        }
    }

    public func rates(operatorId: Int64) async throws -> [Rate] {
        try await read { db in
            try Rate.filter(Rate.Columns.operatorId == operatorId).order(Rate.Columns.effectiveFrom).fetchAll(db)
        }
    }

    public func minimumWageRows() async throws -> [MinimumWageRecord] {
        try await read { db in
            try MinimumWageRecord.order(MinimumWageRecord.Columns.effectiveFrom, MinimumWageRecord.Columns.minAge).fetchAll(db)
        }
    }
}
