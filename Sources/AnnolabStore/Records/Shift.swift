// Shifts: when an operator's working time began, with the profile it runs on, and how it ended.
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
    /// A ``ShiftEndReason`` raw value; nil while the shift runs.
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

    /// The table's columns, named by the record's own properties.
    public enum Columns {
        public static let id = Column(CodingKeys.id)
        public static let operatorId = Column(CodingKeys.operatorId)
        public static let startedAt = Column(CodingKeys.startedAt)
        public static let plannedEndAt = Column(CodingKeys.plannedEndAt)
        public static let endedAt = Column(CodingKeys.endedAt)
        public static let endReason = Column(CodingKeys.endReason)
        public static let switchAt = Column(CodingKeys.switchAt)
    }
}

extension DerivableRequest<Shift> {
    /// The shifts of one operator.
    func filter(operatorId: Int64) -> Self {
        filter(Shift.Columns.operatorId == operatorId)
    }

    /// Shifts not closed in the store: running, or over by the clock and not settled yet.
    func notEnded() -> Self {
        filter(Shift.Columns.endedAt == nil)
    }

    /// The latest shift first.
    func latestFirst() -> Self {
        order(Shift.Columns.startedAt.desc, Shift.Columns.id.desc)
    }
}

extension LabStore {
    /// Operators with a shift that is not closed in the store.
    public func operatorsWithOpenShifts() async throws -> [Int64] {
        try await read { db in
            try Shift.all().notEnded().select(Shift.Columns.operatorId, as: Int64.self).distinct().fetchAll(db)
        }
    }

    /// How many operators have a shift running at `now`: not closed, and not past its planned end.
    public func operatorsOnShift(at now: Date) async throws -> Int {
        try await read { db in
            try Shift.all().notEnded().filter(Shift.Columns.plannedEndAt > now)
                .select(count(distinct: Shift.Columns.operatorId), as: Int.self).fetchOne(db) ?? 0
        }
    }

    /// The operator's most recent shift, ended or not.
    public func latestShift(operatorId: Int64) async throws -> Shift? {
        try await read { db in try Shift.all().filter(operatorId: operatorId).latestFirst().fetchOne(db) }
    }

    public func shifts(operatorId: Int64, from: Date, to: Date) async throws -> [Shift] {
        try await read { db in
            try Shift.all().filter(operatorId: operatorId)
                .filter(Shift.Columns.startedAt >= from && Shift.Columns.startedAt < to)
                .order(Shift.Columns.startedAt).fetchAll(db)
        }
    }

    /// Starts a shift unless one is running. Returns the running or new shift.
    public func startShift(_ shift: Shift) async throws -> Shift {
        try await write { db in
            if let running = try Shift.all().filter(operatorId: shift.operatorId).notEnded().latestFirst().fetchOne(db),
               running.plannedEndAt > shift.startedAt {
                throw LabError(.conflict, .shiftRunning, "A shift is already running.")
            }
            var shift = shift
            try shift.insert(db)
            return shift
        }
    }

    /// Marks when a running shift switches to the operator's new profile (nil: no switch).
    public func setShiftSwitch(id: Int64, at moment: Date?) async throws {
        try await write { db in
            _ = try Shift.filter(key: id).notEnded().updateAll(db, Shift.Columns.switchAt.set(to: moment))
        }
    }

    /// Closes a shift and writes its ledger segments (work, pause, waiting), in one transaction.
    /// The shift's extra pauses are already stored; one still running ends with the shift.
    public func endShift(id: Int64, at end: Date, reason: ShiftEndReason, segments: [TimeSegment]) async throws {
        try await write { db in
            guard let shift = try Shift.fetchOne(db, key: id), shift.endedAt == nil else { return }
            try StoredSegment.all().extraPauses(ofShift: id).running().updateAll(db, StoredSegment.Columns.endedAt.set(to: end))
            try StoredSegment.filter(StoredSegment.Columns.shiftId == id && StoredSegment.Columns.kind != TimeSegment.Kind.extraPause)
                .deleteAll(db)
            for segment in segments where segment.kind != .extraPause {
                var row = StoredSegment(id: nil, shiftId: id, kind: segment.kind, startedAt: segment.start, endedAt: segment.end)
                try row.insert(db)
            }
            try Shift.filter(key: id).updateAll(db, Shift.Columns.endedAt.set(to: end), Shift.Columns.endReason.set(to: reason))
        }
    }
}
