// What a project's cost is read from: the ended shifts someone answered it in, and the effort per project.
import AnnolabCore
import Foundation
import GRDB

/// One ended shift in which someone answered on the project, with its stored time segments
/// and the effort spent on each project in it.
public struct ShiftEffort: Sendable {
    public var shiftId: Int64
    public var timeSegments: [TimeSegment]
    /// Seconds spent on answers, per project, during the shift.
    public var effortByProject: [Int64: Double]

    public init(shiftId: Int64, timeSegments: [TimeSegment], effortByProject: [Int64: Double]) {
        self.shiftId = shiftId
        self.timeSegments = timeSegments
        self.effortByProject = effortByProject
    }
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
                let segments = try StoredSegment.filter(StoredSegment.Columns.shiftId == shiftId && StoredSegment.Columns.endedAt != nil)
                    .fetchAll(db)
                    .compactMap { stored in stored.endedAt.map { TimeSegment(kind: stored.kind, start: stored.startedAt, end: $0) } }
                let efforts = try Row.fetchAll(db, sql: """
                    SELECT microtask.projectId AS projectId, SUM(answer.secondsSpent) AS seconds
                    FROM shift JOIN answer ON answer.operatorId = shift.operatorId
                        AND answer.createdAt >= shift.startedAt AND answer.createdAt <= shift.endedAt
                    JOIN microtask ON microtask.id = answer.microtaskId
                    WHERE shift.id = ? GROUP BY microtask.projectId
                    """, arguments: [shiftId])
                var effort: [Int64: Double] = [:]
                for row in efforts { effort[row["projectId"]] = row["seconds"] }
                return ShiftEffort(shiftId: shiftId, timeSegments: segments, effortByProject: effort)
            }
        }
    }
}
