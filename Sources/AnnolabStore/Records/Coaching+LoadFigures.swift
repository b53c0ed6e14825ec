// What the coach's load signals read from the store: answers, skips, extra pauses and shifts.
import AnnolabCore
import Foundation
import GRDB

extension LabStore {
    /// An operator's answers since a moment, oldest first.
    public func answerActivity(operatorId: Int64, since: Date) async throws -> [LoadAnswer] {
        try await read { db in
            try Row.fetchAll(db, sql: """
                SELECT answer.createdAt AS at, answer.secondsSpent AS seconds, microtask.kind AS kind,
                       answer.isGold AS isGold, answer.goldCorrect AS goldCorrect
                FROM answer JOIN microtask ON microtask.id = answer.microtaskId
                WHERE answer.operatorId = ? AND answer.createdAt >= ? ORDER BY answer.createdAt, answer.id
                """, arguments: [operatorId, since]).compactMap { row in
                guard let kind = TaskKind(rawValue: row["kind"]) else { return nil }
                return LoadAnswer(at: row["at"], seconds: row["seconds"], kind: kind, isGold: row["isGold"],
                                  goldCorrect: row["goldCorrect"])
            }
        }
    }

    /// When an operator skipped tasks since a moment.
    public func skips(operatorId: Int64, since: Date) async throws -> [Date] {
        try await read { db in
            try Date.fetchAll(db, sql: """
                SELECT finishedAt FROM assignment WHERE operatorId = ? AND state = ? AND finishedAt >= ? ORDER BY finishedAt
                """, arguments: [operatorId, Assignment.State.skipped, since])
        }
    }

    /// How many extra pauses an operator began since a moment. A pause carried on into the shift
    /// that continues after a profile change is the same pause, counted once.
    public func extraPauseCount(operatorId: Int64, since: Date) async throws -> Int {
        try await read { db in
            try Int.fetchOne(db, sql: """
                SELECT COUNT(*) FROM timeSegment JOIN shift ON shift.id = timeSegment.shiftId
                WHERE shift.operatorId = ? AND timeSegment.kind = ? AND timeSegment.startedAt >= ?
                  AND NOT (shift.chainStartedAt IS NOT NULL AND timeSegment.startedAt = shift.startedAt)
                """, arguments: [operatorId, TimeSegment.Kind.extraPause, since]) ?? 0
        }
    }

    /// One shift by its id.
    public func shift(id: Int64) async throws -> Shift? {
        try await read { db in try Shift.fetchOne(db, key: id) }
    }
}
