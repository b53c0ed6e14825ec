// Client feedback in the store: received once, decided by each coach for their own group.
import AnnolabCore
import Foundation
import GRDB

/// Where a piece of client feedback stands for one coach.
public enum FeedbackStatus: String, Codable, Sendable, CaseIterable {
    /// The coach has not decided yet.
    case pending
    /// The coach passed it on to chosen operators, in their own words.
    case forwarded
    /// The coach kept it from their group.
    case dismissed
}

extension LabStore {
    public func addFeedback(projectId: Int64, kind: String, body: String, actor: Int64?, at now: Date) async throws -> FeedbackRecord {
        try await write { db in
            var item = FeedbackRecord(id: nil, projectId: projectId, kind: kind, body: body, createdAt: now,
                                      status: FeedbackStatus.pending.rawValue, decidedById: nil, decidedAt: nil)
            try item.insert(db)
            try AuditEntry.record(db, actor: actor, action: "feedback.add", subject: "project:\(projectId)")
            return item
        }
    }

    /// Client feedback with its project's name, newest first, with this coach's own decision as
    /// its status (pending until they decide); `status` keeps only items in that state.
    public func feedback(coachId: Int64, status: FeedbackStatus? = nil) async throws -> [(FeedbackRecord, String)] {
        let pending = FeedbackStatus.pending.rawValue
        return try await read { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT feedback.*, project.name AS projectName, decision.status AS decided, decision.decidedAt AS decidedWhen
                FROM feedback JOIN project ON project.id = feedback.projectId
                LEFT JOIN feedbackDecision AS decision ON decision.feedbackId = feedback.id AND decision.coachId = ?
                WHERE ? IS NULL OR COALESCE(decision.status, ?) = ?
                ORDER BY feedback.createdAt DESC, feedback.id DESC LIMIT 200
                """, arguments: [coachId, status?.rawValue, pending, status?.rawValue])
            return try rows.map { row in
                var item = try FeedbackRecord(row: row)
                item.status = row["decided"] ?? pending
                item.decidedAt = row["decidedWhen"]
                item.decidedById = item.status == pending ? nil : coachId
                return (item, row["projectName"] as String)
            }
        }
    }

    /// A coach decides on an item for their own group; when forwarded, each chosen operator gets
    /// the coach's words as a message. Other coaches decide for their groups themselves.
    public func decideFeedback(id: Int64, coachId: Int64, forward: Bool, text: String, operatorIds: [Int64],
                               at now: Date) async throws -> FeedbackRecord? {
        try await write { db in
            guard var item = try FeedbackRecord.fetchOne(db, key: id) else { return nil }
            let decided = try Bool.fetchOne(db, sql: "SELECT EXISTS(SELECT 1 FROM feedbackDecision WHERE feedbackId = ? AND coachId = ?)",
                                            arguments: [id, coachId]) ?? false
            guard !decided else {
                throw LabError(.conflict, "already_decided", "You already handled this feedback.")
            }
            item.status = (forward ? FeedbackStatus.forwarded : .dismissed).rawValue
            item.decidedById = coachId
            item.decidedAt = now
            try db.execute(sql: "INSERT INTO feedbackDecision (feedbackId, coachId, status, decidedAt) VALUES (?, ?, ?, ?)",
                           arguments: [id, coachId, item.status, now])
            if forward {
                for operatorId in operatorIds {
                    var message = MessageRecord(id: nil, operatorId: operatorId, senderId: coachId, body: text, createdAt: now, readAt: nil)
                    try message.insert(db)
                }
            }
            try AuditEntry.record(db, actor: coachId, action: "feedback.\(item.status)", subject: "feedback:\(id)")
            return item
        }
    }
}
