// What the lab stored about one operator's work, read for their own record.
import AnnolabCore
import Foundation
import GRDB

/// One operator's stored facts for their record: only rows about this operator.
public struct OperatorRecordFacts: Sendable {
    /// Ended shifts' segments, each with the pause length planned for its shift (minutes).
    public var segments: [(segment: TimeSegment, plannedPauseMinutes: Int)]
    /// Answers per task kind (practice questions included).
    public var answersPerKind: [TaskKind: Int]
    /// The names of the clients whose projects the operator worked on.
    public var clients: [String]
    /// The coach's statement, when the operator agreed with it.
    public var statement: (text: String, coach: String?, writtenAt: Date, agreedAt: Date)?

    public init(segments: [(segment: TimeSegment, plannedPauseMinutes: Int)], answersPerKind: [TaskKind: Int], clients: [String],
                statement: (text: String, coach: String?, writtenAt: Date, agreedAt: Date)?) {
        self.segments = segments
        self.answersPerKind = answersPerKind
        self.clients = clients
        self.statement = statement
    }
}

extension LabStore {
    public func recordFacts(operatorId: Int64) async throws -> OperatorRecordFacts {
        try await read { db in
            let segments = try Row.fetchAll(db, sql: """
                SELECT timeSegment.kind AS kind, timeSegment.startedAt AS s, timeSegment.endedAt AS e, shift.pauseMinutes AS pause
                FROM timeSegment JOIN shift ON shift.id = timeSegment.shiftId
                WHERE shift.operatorId = ? AND timeSegment.endedAt IS NOT NULL
                ORDER BY timeSegment.startedAt
                """, arguments: [operatorId]).map { row in
                (segment: TimeSegment(kind: try row.decode(TimeSegment.Kind.self, forColumn: "kind"), start: row["s"], end: row["e"]),
                 plannedPauseMinutes: row["pause"] as Int)
            }
            var perKind: [TaskKind: Int] = [:]
            for row in try Row.fetchAll(db, sql: """
                SELECT microtask.kind AS kind, COUNT(*) AS n FROM answer JOIN microtask ON microtask.id = answer.microtaskId
                WHERE answer.operatorId = ? GROUP BY microtask.kind
                """, arguments: [operatorId]) {
                if let kind = TaskKind(rawValue: row["kind"]) { perKind[kind, default: 0] += row["n"] as Int }
            }
            let clients = try String.fetchAll(db, sql: """
                SELECT DISTINCT client.name FROM answer JOIN microtask ON microtask.id = answer.microtaskId
                JOIN project ON project.id = microtask.projectId JOIN client ON client.id = project.clientId
                WHERE answer.operatorId = ? ORDER BY client.name
                """, arguments: [operatorId])
            let statement = try Row.fetchOne(db, sql: """
                SELECT coachStatement.body AS body, coachStatement.writtenAt AS writtenAt, coachStatement.agreedAt AS agreedAt,
                       user.name AS coach
                FROM coachStatement LEFT JOIN user ON user.id = coachStatement.coachId
                WHERE coachStatement.operatorId = ? AND coachStatement.agreedAt IS NOT NULL
                """, arguments: [operatorId]).map { row in
                (text: row["body"] as String, coach: row["coach"] as String?, writtenAt: row["writtenAt"] as Date, agreedAt: row["agreedAt"] as Date)
            }
            return OperatorRecordFacts(segments: segments, answersPerKind: perKind, clients: clients, statement: statement)
        }
    }
}
