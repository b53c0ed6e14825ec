// Shifts, their extra pauses and the time segments that the pay ledger reads.
import AnnolabCore
import Foundation
import GRDB

/// One shift of one operator, with the profile it was started with.
public struct Shift: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "shift"
    public var id: Int64?
    public var operatorId: Int64
    public var startedAt: Date
    public var plannedEndAt: Date
    public var endedAt: Date?
    public var workMinutes: Int
    public var pauseMinutes: Int
    public var shiftMinutes: Int
    public var dailyCapMinutes: Int
    public var startedById: Int64?
    /// plannedLength | dailyCap | byOperator | byCoach | profileChanged
    public var endReason: String?
    /// When a new profile takes over this shift (the next work block after the coach's change).
    public var switchAt: Date?
    /// For a shift that continues another after a profile change: when the first one began.
    public var chainStartedAt: Date?

    /// When the operator's working time began: the first shift of a chain of profile changes.
    public var chainStart: Date { chainStartedAt ?? startedAt }

    public init(id: Int64?, operatorId: Int64, startedAt: Date, plannedEndAt: Date, endedAt: Date?, workMinutes: Int,
                pauseMinutes: Int, shiftMinutes: Int, dailyCapMinutes: Int, startedById: Int64?, endReason: String?,
                switchAt: Date? = nil, chainStartedAt: Date? = nil) {
        self.switchAt = switchAt
        self.chainStartedAt = chainStartedAt
        self.id = id
        self.operatorId = operatorId
        self.startedAt = startedAt
        self.plannedEndAt = plannedEndAt
        self.endedAt = endedAt
        self.workMinutes = workMinutes
        self.pauseMinutes = pauseMinutes
        self.shiftMinutes = shiftMinutes
        self.dailyCapMinutes = dailyCapMinutes
        self.startedById = startedById
        self.endReason = endReason
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// A stored stretch of a shift: work, pause, extra pause or waiting.
public struct StoredSegment: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "timeSegment"
    public var id: Int64?
    public var shiftId: Int64
    public var kind: String
    public var startedAt: Date
    public var endedAt: Date?

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

extension LabStore {
    /// Operators with a shift that is not closed in the store.
    public func operatorsWithOpenShifts() async throws -> [Int64] {
        try await read { db in try Int64.fetchAll(db, sql: "SELECT DISTINCT operatorId FROM shift WHERE endedAt IS NULL") }
    }

    /// The operator's most recent shift, ended or not.
    public func latestShift(operatorId: Int64) async throws -> Shift? {
        try await read { db in
            try Shift.filter(Column("operatorId") == operatorId).order(Column("startedAt").desc, Column("id").desc).fetchOne(db)
        }
    }

    public func shifts(operatorId: Int64, from: Date, to: Date) async throws -> [Shift] {
        try await read { db in
            try Shift.filter(Column("operatorId") == operatorId && Column("startedAt") >= from && Column("startedAt") < to)
                .order(Column("startedAt")).fetchAll(db)
        }
    }

    /// Starts a shift unless one is running. Returns the running or new shift.
    public func startShift(_ shift: Shift) async throws -> Shift {
        try await write { db in
            if let running = try Shift.filter(Column("operatorId") == shift.operatorId && Column("endedAt") == nil)
                .order(Column("startedAt").desc).fetchOne(db), running.plannedEndAt > shift.startedAt {
                throw LabError(.conflict, "shift_running", "A shift is already running.")
            }
            var shift = shift
            try shift.insert(db)
            return shift
        }
    }

    /// Marks when a running shift switches to the operator's new profile (nil: no switch).
    public func setShiftSwitch(id: Int64, at moment: Date?) async throws {
        try await write { db in
            try db.execute(sql: "UPDATE shift SET switchAt = ? WHERE id = ? AND endedAt IS NULL", arguments: [moment, id])
        }
    }

    /// The extra pauses of a shift, oldest first; the last may still be open.
    public func extraPauses(shiftId: Int64) async throws -> [StoredSegment] {
        try await read { db in
            try StoredSegment.filter(Column("shiftId") == shiftId && Column("kind") == "extraPause")
                .order(Column("startedAt")).fetchAll(db)
        }
    }

    public func startExtraPause(shiftId: Int64, at now: Date) async throws {
        try await write { db in
            let open = try StoredSegment.filter(Column("shiftId") == shiftId && Column("kind") == "extraPause"
                                                && Column("endedAt") == nil).fetchCount(db)
            guard open == 0 else { return }
            var segment = StoredSegment(id: nil, shiftId: shiftId, kind: "extraPause", startedAt: now, endedAt: nil)
            try segment.insert(db)
        }
    }

    public func endExtraPause(shiftId: Int64, at now: Date) async throws {
        try await write { db in
            try db.execute(sql: "UPDATE timeSegment SET endedAt = ? WHERE shiftId = ? AND kind = 'extraPause' AND endedAt IS NULL",
                           arguments: [now, shiftId])
        }
    }

    /// Closes a shift and writes its ledger segments (work, pause, extra pause), in one transaction.
    public func endShift(id: Int64, at end: Date, reason: String, segments: [(kind: String, start: Date, end: Date)]) async throws {
        try await write { db in
            guard let shift = try Shift.fetchOne(db, key: id), shift.endedAt == nil else { return }
            try db.execute(sql: "UPDATE timeSegment SET endedAt = ? WHERE shiftId = ? AND kind = 'extraPause' AND endedAt IS NULL",
                           arguments: [end, id])
            try db.execute(sql: "DELETE FROM timeSegment WHERE shiftId = ? AND kind != 'extraPause'", arguments: [id])
            for segment in segments where segment.kind != "extraPause" {
                var row = StoredSegment(id: nil, shiftId: id, kind: segment.kind, startedAt: segment.start, endedAt: segment.end)
                try row.insert(db)
            }
            try db.execute(sql: "UPDATE shift SET endedAt = ?, endReason = ? WHERE id = ?", arguments: [end, reason, id])
        }
    }
}

/// What a project's cost is computed from: each ended shift in which someone answered on the
/// project, with its stored time segments and the effort spent on each project in it.
public struct ShiftEffort: Sendable {
    public var shiftId: Int64
    public var segments: [(kind: String, start: Date, end: Date)]
    /// Seconds spent on answers, per project, during the shift.
    public var effortByProject: [Int64: Double]
}

extension LabStore {
    public func shiftEfforts(projectId: Int64) async throws -> [ShiftEffort] {
        try await read { db in
            let shiftIds = try Int64.fetchAll(db, sql: """
                SELECT DISTINCT shift.id FROM shift
                JOIN answer ON answer.operatorId = shift.operatorId
                    AND answer.createdAt >= shift.startedAt AND answer.createdAt <= shift.endedAt
                JOIN microtask ON microtask.id = answer.microtaskId
                WHERE shift.endedAt IS NOT NULL AND microtask.projectId = ?
                """, arguments: [projectId])
            return try shiftIds.map { shiftId in
                let segments = try Row.fetchAll(db, sql: """
                    SELECT kind, startedAt, endedAt FROM timeSegment WHERE shiftId = ? AND endedAt IS NOT NULL
                    """, arguments: [shiftId]).map { (kind: $0["kind"] as String, start: $0["startedAt"] as Date, end: $0["endedAt"] as Date) }
                let efforts = try Row.fetchAll(db, sql: """
                    SELECT microtask.projectId AS projectId, SUM(answer.secondsSpent) AS seconds
                    FROM shift JOIN answer ON answer.operatorId = shift.operatorId
                        AND answer.createdAt >= shift.startedAt AND answer.createdAt <= shift.endedAt
                    JOIN microtask ON microtask.id = answer.microtaskId
                    WHERE shift.id = ? GROUP BY microtask.projectId
                    """, arguments: [shiftId])
                var effort: [Int64: Double] = [:]
                for row in efforts { effort[row["projectId"]] = row["seconds"] }
                return ShiftEffort(shiftId: shiftId, segments: segments, effortByProject: effort)
            }
        }
    }
}
