// Which operators get a project: coaches' notices of new work and their decisions on access.
import AnnolabCore
import Foundation
import GRDB

extension LabStore {
    /// Projects an operator may not work on, by their coach's decision.
    public func deniedProjects() async throws -> [Int64: Set<Int64>] {
        try await read { db in
            var denied: [Int64: Set<Int64>] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT operatorId, projectId FROM projectAccess WHERE allowed = 0") {
                denied[row["operatorId"], default: []].insert(row["projectId"])
            }
            return denied
        }
    }

    /// Records which of a coach's operators get a project; the others do not. Marks the
    /// coach's notice about the project as decided.
    public func setProjectAccess(projectId: Int64, coachId: Int64, allowed: Set<Int64>, at now: Date) async throws {
        try await write { db in
            let group = try Int64.fetchAll(db, sql: "SELECT operatorId FROM operatorProfile WHERE coachId = ?", arguments: [coachId])
            for operatorId in group {
                try db.execute(sql: """
                    INSERT INTO projectAccess (projectId, operatorId, allowed) VALUES (?, ?, ?)
                    ON CONFLICT(projectId, operatorId) DO UPDATE SET allowed = excluded.allowed
                    """, arguments: [projectId, operatorId, allowed.contains(operatorId)])
            }
            try db.execute(sql: "UPDATE coachNotification SET decidedAt = COALESCE(decidedAt, ?) WHERE coachId = ? AND projectId = ?",
                           arguments: [now, coachId, projectId])
            try AuditEntry.record(db, actor: coachId, action: "project.access", subject: "project:\(projectId)")
        }
    }

    public func notifyCoaches(projectId: Int64, kind: String, at now: Date) async throws -> [Int64] {
        try await write { db in
            let coaches = try Int64.fetchAll(db, sql: "SELECT id FROM user WHERE role = ? AND disabledAt IS NULL", arguments: [Role.coach])
            for coachId in coaches {
                var notice = CoachNotification(id: nil, coachId: coachId, projectId: projectId, kind: kind, createdAt: now, decidedAt: nil)
                try notice.insert(db)
            }
            return coaches
        }
    }

    public func notifications(coachId: Int64) async throws -> [(CoachNotification, String)] {
        try await read { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT coachNotification.*, project.name AS projectName FROM coachNotification
                JOIN project ON project.id = coachNotification.projectId
                WHERE coachNotification.coachId = ? ORDER BY coachNotification.createdAt DESC, coachNotification.id DESC LIMIT 100
                """, arguments: [coachId])
            return try rows.map { (try CoachNotification(row: $0), $0["projectName"] as String) }
        }
    }
}
