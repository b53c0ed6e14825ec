// Stored time segments of a shift: its extra pauses as they happen, and its ledger once it ends.
import AnnolabCore
import Foundation
import GRDB

/// A stored stretch of a shift: work, pause, extra pause or waiting.
///
/// An extra pause is stored when it starts and closed when the operator resumes; the other
/// kinds are written when the shift ends (``LabStore/endShift(id:at:reason:segments:)``).
/// Pay is counted from these rows alone.
public struct StoredSegment: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "timeSegment"
    public var id: Int64?
    public var shiftId: Int64
    public var kind: TimeSegment.Kind
    public var startedAt: Date
    public var endedAt: Date?

    public init(id: Int64?, shiftId: Int64, kind: TimeSegment.Kind, startedAt: Date, endedAt: Date?) {
        self.id = id
        self.shiftId = shiftId
        self.kind = kind
        self.startedAt = startedAt
        self.endedAt = endedAt
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }

    /// The table's columns, named by the record's own properties.
    public enum Columns {
        public static let shiftId = Column(CodingKeys.shiftId)
        public static let kind = Column(CodingKeys.kind)
        public static let startedAt = Column(CodingKeys.startedAt)
        public static let endedAt = Column(CodingKeys.endedAt)
    }
}

extension DerivableRequest<StoredSegment> {
    /// The extra pauses of one shift.
    func extraPauses(ofShift shiftId: Int64) -> Self {
        filter(StoredSegment.Columns.shiftId == shiftId && StoredSegment.Columns.kind == TimeSegment.Kind.extraPause)
    }

    /// Segments without an end yet: only an extra pause that still runs.
    func running() -> Self {
        filter(StoredSegment.Columns.endedAt == nil)
    }
}

extension LabStore {
    /// The extra pauses of a shift, oldest first; the last may still be open.
    public func extraPauses(shiftId: Int64) async throws -> [StoredSegment] {
        try await read { db in
            try StoredSegment.all().extraPauses(ofShift: shiftId).order(StoredSegment.Columns.startedAt).fetchAll(db)
        }
    }

    /// Starts an extra pause, unless one is already running.
    public func startExtraPause(shiftId: Int64, at now: Date) async throws {
        try await write { db in
            guard try StoredSegment.all().extraPauses(ofShift: shiftId).running().fetchCount(db) == 0 else { return }
            var segment = StoredSegment(id: nil, shiftId: shiftId, kind: .extraPause, startedAt: now, endedAt: nil)
            try segment.insert(db)
        }
    }

    /// Ends the shift's running extra pause, if there is one.
    public func endExtraPause(shiftId: Int64, at now: Date) async throws {
        try await write { db in
            _ = try StoredSegment.all().extraPauses(ofShift: shiftId).running().updateAll(db, StoredSegment.Columns.endedAt.set(to: now))
        }
    }

    /// Ended shifts' stored segments overlapping a period, with the operator each belongs to,
    /// by operator and then in time order.
    public func timeSegments(from: Date, to: Date) async throws -> [(operatorId: Int64, segment: TimeSegment)] {
        try await read { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT shift.operatorId AS operatorId, timeSegment.kind AS kind, timeSegment.startedAt AS s, timeSegment.endedAt AS e
                FROM timeSegment JOIN shift ON shift.id = timeSegment.shiftId
                WHERE timeSegment.endedAt IS NOT NULL AND timeSegment.endedAt > ? AND timeSegment.startedAt < ?
                ORDER BY shift.operatorId, timeSegment.startedAt
                """, arguments: [from, to])
            return try rows.map { row in
                let kind = try row.decode(TimeSegment.Kind.self, forColumn: "kind")
                return (operatorId: row["operatorId"], segment: TimeSegment(kind: kind, start: row["s"], end: row["e"]))
            }
        }
    }
}
