// What coaches keep and send: alerts, private notes, messages, moderated feedback, project access.
import AnnolabCore
import Foundation
import GRDB

/// An alert: a prompt for a conversation with an operator, with its reason and figures.
public struct AlertRecord: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "alert"
    public var id: Int64?
    public var operatorId: Int64
    public var kind: String
    public var reason: String
    /// The figures behind the reason (JSON); its "key" keeps one alert per kind and block.
    public var data: String
    public var createdAt: Date
    public var acknowledgedAt: Date?

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// A coach's private note about one of their operators.
public struct NoteRecord: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "note"
    public var id: Int64?
    public var operatorId: Int64
    public var coachId: Int64
    public var body: String
    public var createdAt: Date
    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// A short message from a coach that the operator sees on their page and in text mode.
public struct MessageRecord: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "message"
    public var id: Int64?
    public var operatorId: Int64
    public var senderId: Int64?
    public var body: String
    public var createdAt: Date
    public var readAt: Date?
    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// A client's feedback or "good job" note on a project, waiting for a coach's decision.
public struct FeedbackRecord: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "feedback"
    public var id: Int64?
    public var projectId: Int64
    public var kind: String
    public var body: String
    public var createdAt: Date
    public var status: String
    public var decidedById: Int64?
    public var decidedAt: Date?
    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// A coach's notice that a client uploaded new work.
public struct CoachNotification: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "coachNotification"
    public var id: Int64?
    public var coachId: Int64
    public var projectId: Int64
    public var kind: String
    public var createdAt: Date
    public var decidedAt: Date?
    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}


extension LabStore {
    // MARK: Alerts

    /// Stores an alert unless one of the same kind and key exists for the operator; returns it when new.
    public func addAlertOnce(operatorId: Int64, kind: String, key: String, reason: String, data: [String: String],
                             at now: Date) async throws -> AlertRecord? {
        var figures = data
        figures["key"] = key
        let json = String(decoding: try JSONSerialization.data(withJSONObject: figures, options: [.sortedKeys]), as: UTF8.self)
        return try await write { db in
            let exists = try Bool.fetchOne(db, sql: """
                SELECT EXISTS(SELECT 1 FROM alert WHERE operatorId = ? AND kind = ? AND json_extract(data, '$.key') = ?)
                """, arguments: [operatorId, kind, key]) ?? false
            guard !exists else { return nil }
            var alert = AlertRecord(id: nil, operatorId: operatorId, kind: kind, reason: reason, data: json, createdAt: now,
                                    acknowledgedAt: nil)
            try alert.insert(db)
            return alert
        }
    }

    /// The alerts of a coach's operators, newest first; open ones only unless `all`.
    public func alerts(coachId: Int64, all: Bool = false) async throws -> [AlertRecord] {
        try await read { db in
            try AlertRecord.fetchAll(db, sql: """
                SELECT alert.* FROM alert JOIN operatorProfile ON operatorProfile.operatorId = alert.operatorId
                WHERE operatorProfile.coachId = ? \(all ? "" : "AND alert.acknowledgedAt IS NULL")
                ORDER BY alert.createdAt DESC, alert.id DESC LIMIT 500
                """, arguments: [coachId])
        }
    }

    public func alerts(operatorId: Int64, from: Date, to: Date) async throws -> [AlertRecord] {
        try await read { db in
            try AlertRecord.filter(Column("operatorId") == operatorId && Column("createdAt") >= from && Column("createdAt") < to)
                .order(Column("createdAt")).fetchAll(db)
        }
    }

    /// Marks an alert of one of this coach's operators as seen; nil when it is not theirs.
    public func acknowledgeAlert(id: Int64, coachId: Int64, at now: Date) async throws -> AlertRecord? {
        try await write { db in
            guard var alert = try AlertRecord.fetchOne(db, sql: """
                SELECT alert.* FROM alert JOIN operatorProfile ON operatorProfile.operatorId = alert.operatorId
                WHERE alert.id = ? AND operatorProfile.coachId = ?
                """, arguments: [id, coachId]) else { return nil }
            if alert.acknowledgedAt == nil {
                alert.acknowledgedAt = now
                try alert.update(db)
                try AuditEntry.record(db, actor: coachId, action: "alert.acknowledge", subject: "alert:\(id)")
            }
            return alert
        }
    }

    public func openAlertCount(operatorId: Int64) async throws -> Int {
        try await read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM alert WHERE operatorId = ? AND acknowledgedAt IS NULL",
                             arguments: [operatorId]) ?? 0
        }
    }

    public func shift(id: Int64) async throws -> Shift? {
        try await read { db in try Shift.fetchOne(db, key: id) }
    }

    // MARK: Notes and messages

    public func addNote(operatorId: Int64, coachId: Int64, body: String, at now: Date) async throws -> NoteRecord {
        try await write { db in
            var note = NoteRecord(id: nil, operatorId: operatorId, coachId: coachId, body: body, createdAt: now)
            try note.insert(db)
            return note
        }
    }

    public func notes(operatorId: Int64, coachId: Int64) async throws -> [NoteRecord] {
        try await read { db in
            try NoteRecord.filter(Column("operatorId") == operatorId && Column("coachId") == coachId)
                .order(Column("createdAt").desc, Column("id").desc).fetchAll(db)
        }
    }

    public func addMessage(operatorId: Int64, senderId: Int64, body: String, at now: Date) async throws -> MessageRecord {
        try await write { db in
            var message = MessageRecord(id: nil, operatorId: operatorId, senderId: senderId, body: body, createdAt: now, readAt: nil)
            try message.insert(db)
            try AuditEntry.record(db, actor: senderId, action: "message.send", subject: "user:\(operatorId)")
            return message
        }
    }

    /// An operator's messages, newest first, with the sender's name.
    public func messages(operatorId: Int64, limit: Int = 50) async throws -> [(MessageRecord, String?)] {
        try await read { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT message.*, user.name AS senderName FROM message LEFT JOIN user ON user.id = message.senderId
                WHERE message.operatorId = ? ORDER BY message.createdAt DESC, message.id DESC LIMIT ?
                """, arguments: [operatorId, limit])
            return try rows.map { (try MessageRecord(row: $0), $0["senderName"] as String?) }
        }
    }

    public func markMessageRead(id: Int64, operatorId: Int64, at now: Date) async throws -> Bool {
        try await write { db in
            try db.execute(sql: "UPDATE message SET readAt = COALESCE(readAt, ?) WHERE id = ? AND operatorId = ?",
                           arguments: [now, id, operatorId])
            return db.changesCount == 1
        }
    }

    // MARK: Feedback from clients

    public func addFeedback(projectId: Int64, kind: String, body: String, actor: Int64?, at now: Date) async throws -> FeedbackRecord {
        try await write { db in
            var item = FeedbackRecord(id: nil, projectId: projectId, kind: kind, body: body, createdAt: now, status: "pending",
                                      decidedById: nil, decidedAt: nil)
            try item.insert(db)
            try AuditEntry.record(db, actor: actor, action: "feedback.add", subject: "project:\(projectId)")
            return item
        }
    }

    /// Client feedback with its project's name, newest first, with this coach's own decision as
    /// its status ("pending" until they decide); `status` keeps only items in that state.
    public func feedback(coachId: Int64, status: String? = nil) async throws -> [(FeedbackRecord, String)] {
        try await read { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT feedback.*, project.name AS projectName, decision.status AS decided, decision.decidedAt AS decidedWhen
                FROM feedback JOIN project ON project.id = feedback.projectId
                LEFT JOIN feedbackDecision AS decision ON decision.feedbackId = feedback.id AND decision.coachId = ?
                WHERE ? IS NULL OR COALESCE(decision.status, 'pending') = ?
                ORDER BY feedback.createdAt DESC, feedback.id DESC LIMIT 200
                """, arguments: [coachId, status, status])
            return try rows.map { row in
                var item = try FeedbackRecord(row: row)
                item.status = row["decided"] ?? "pending"
                item.decidedAt = row["decidedWhen"]
                item.decidedById = item.status == "pending" ? nil : coachId
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
            item.status = forward ? "forwarded" : "dismissed"
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

    // MARK: Which operators get a project

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
            let coaches = try Int64.fetchAll(db, sql: "SELECT id FROM user WHERE role = 'coach' AND disabledAt IS NULL")
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

    // MARK: What the load signals read

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
                SELECT finishedAt FROM assignment WHERE operatorId = ? AND state = 'skipped' AND finishedAt >= ? ORDER BY finishedAt
                """, arguments: [operatorId, since])
        }
    }

    /// How many extra pauses an operator began since a moment. A pause carried on into the shift
    /// that continues after a profile change is the same pause, counted once.
    public func extraPauseCount(operatorId: Int64, since: Date) async throws -> Int {
        try await read { db in
            try Int.fetchOne(db, sql: """
                SELECT COUNT(*) FROM timeSegment JOIN shift ON shift.id = timeSegment.shiftId
                WHERE shift.operatorId = ? AND timeSegment.kind = 'extraPause' AND timeSegment.startedAt >= ?
                  AND NOT (shift.chainStartedAt IS NOT NULL AND timeSegment.startedAt = shift.startedAt)
                """, arguments: [operatorId, since]) ?? 0
        }
    }
}
