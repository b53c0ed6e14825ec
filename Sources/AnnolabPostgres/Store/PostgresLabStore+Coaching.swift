// Coaching in PostgreSQL: alerts, client feedback, notes and messages, and which operators get a project.
import AnnolabCore
import AnnolabStore
import Foundation
import PostgresNIO

extension PostgresLabStore {
    // MARK: Alerts

    /// Stores an alert unless one of the same kind and key exists for the operator; returns it when new.
    /// Alerts for one operator are added one at a time (their account's row is held), so that two servers
    /// cannot both find the key missing.
    public func addAlertOnce(operatorId: Int64, kind: String, key: String, reason: String, data: [String: String],
                             at now: Date) async throws -> AlertRecord? {
        var figures = data
        figures[AlertRecord.keyFigure] = key
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let json = String(decoding: try encoder.encode(figures), as: UTF8.self)
        return try await write { db in
            try await db.query(#"SELECT 1 FROM "user" WHERE "id" = \#(operatorId) FOR NO KEY UPDATE"#, logger: logger)
            let exists = try await count(#"""
                SELECT count(*)::bigint FROM "alert"
                WHERE "operatorId" = \#(operatorId) AND "kind" = \#(kind) AND ("data"::jsonb ->> 'key') = \#(key)
                """#, on: db) > 0
            guard !exists else { return nil }
            var alert = AlertRecord(id: nil, operatorId: operatorId, kind: kind, reason: reason, data: json, createdAt: now,
                                    acknowledgedAt: nil)
            alert.id = try await insert(alert, into: AlertRecord.databaseTableName, on: db)
            return alert
        }
    }

    /// The alerts of a coach's operators, newest first; open ones only unless `all`.
    public func alerts(coachId: Int64, all: Bool = false) async throws -> [AlertRecord] {
        try await read { db in
            try await self.all(AlertRecord.self, #"""
                SELECT a.* FROM "alert" a JOIN "operatorProfile" p ON p."operatorId" = a."operatorId"
                WHERE p."coachId" = \#(coachId) \#(unescaped: all ? "" : #"AND a."acknowledgedAt" IS NULL"#)
                ORDER BY a."createdAt" DESC, a."id" DESC LIMIT 500
                """#, on: db)
        }
    }

    /// One operator's alerts raised in a span of time, oldest first.
    public func alerts(operatorId: Int64, from: Date, to: Date) async throws -> [AlertRecord] {
        try await read { db in
            try await all(AlertRecord.self, #"""
                SELECT * FROM "alert" WHERE "operatorId" = \#(operatorId) AND "createdAt" >= \#(from) AND "createdAt" < \#(to)
                ORDER BY "createdAt", "id"
                """#, on: db)
        }
    }

    /// Marks an alert of one of this coach's operators as seen; nil when it is not theirs.
    public func acknowledgeAlert(id: Int64, coachId: Int64, at now: Date) async throws -> AlertRecord? {
        try await write { db in
            guard var alert = try await one(AlertRecord.self, #"""
                SELECT a.* FROM "alert" a JOIN "operatorProfile" p ON p."operatorId" = a."operatorId"
                WHERE a."id" = \#(id) AND p."coachId" = \#(coachId) FOR UPDATE OF a
                """#, on: db) else { return nil }
            if alert.acknowledgedAt == nil {
                alert.acknowledgedAt = now
                try await db.query(#"UPDATE "alert" SET "acknowledgedAt" = \#(now) WHERE "id" = \#(id)"#, logger: logger)
                try await record(actor: coachId, action: "alert.acknowledge", subject: "alert:\(id)", detail: nil, at: Date(), on: db)
            }
            return alert
        }
    }

    /// How many of an operator's alerts no coach has acknowledged yet.
    public func openAlertCount(operatorId: Int64) async throws -> Int {
        try await read { db in
            try await count(#"""
                SELECT count(*)::bigint FROM "alert" WHERE "operatorId" = \#(operatorId) AND "acknowledgedAt" IS NULL
                """#, on: db)
        }
    }

    /// The names of several people by id, read at once: alerts are listed with their operators' names.
    public func userNames(ids: Set<Int64>) async throws -> [Int64: String] {
        guard !ids.isEmpty else { return [:] }
        return try await read { db in
            var names: [Int64: String] = [:]
            for row in try await db.query(#"SELECT "id", "name" FROM "user" WHERE "id" = ANY(\#(Array(ids))::bigint[])"#,
                                          logger: logger).collect() {
                let (id, name) = try row.decode((Int64, String).self)
                names[id] = name
            }
            return names
        }
    }

    // MARK: Client feedback

    public func addFeedback(projectId: Int64, kind: String, body: String, actor: Int64?, at now: Date) async throws -> FeedbackRecord {
        try await write { db in
            var item = FeedbackRecord(id: nil, projectId: projectId, kind: kind, body: body, createdAt: now,
                                      status: FeedbackStatus.pending.rawValue, decidedById: nil, decidedAt: nil)
            item.id = try await insert(item, into: FeedbackRecord.databaseTableName, on: db)
            try await record(actor: actor, action: "feedback.add", subject: "project:\(projectId)", detail: nil, at: Date(), on: db)
            return item
        }
    }

    /// Client feedback with its project's name, newest first, with this coach's own decision as
    /// its status (pending until they decide); `status` keeps only items in that state.
    public func feedback(coachId: Int64, status: FeedbackStatus? = nil) async throws -> [(FeedbackRecord, String)] {
        let pending = FeedbackStatus.pending.rawValue
        let rows: [FeedbackRow] = try await read { db in
            var query: PostgresQuery = #"""
                SELECT f.*, p."name" AS "projectName", d."status" AS "decided", d."decidedAt" AS "decidedWhen"
                FROM "feedback" f JOIN "project" p ON p."id" = f."projectId"
                LEFT JOIN "feedbackDecision" d ON d."feedbackId" = f."id" AND d."coachId" = \#(coachId)
                ORDER BY f."createdAt" DESC, f."id" DESC LIMIT 200
                """#
            if let status {
                query = #"""
                    SELECT f.*, p."name" AS "projectName", d."status" AS "decided", d."decidedAt" AS "decidedWhen"
                    FROM "feedback" f JOIN "project" p ON p."id" = f."projectId"
                    LEFT JOIN "feedbackDecision" d ON d."feedbackId" = f."id" AND d."coachId" = \#(coachId)
                    WHERE COALESCE(d."status", \#(pending)) = \#(status.rawValue)
                    ORDER BY f."createdAt" DESC, f."id" DESC LIMIT 200
                    """#
            }
            return try await db.query(query, logger: logger).collect().map { row in
                let named = row.makeRandomAccess()
                return FeedbackRow(item: try PostgresRecordDecoder.decode(FeedbackRecord.self, from: row),
                                   projectName: try named["projectName"].decode(String.self),
                                   decided: try named["decided"].decode(String?.self),
                                   decidedWhen: try named["decidedWhen"].decode(Date?.self))
            }
        }
        return rows.map { row in
            var item = row.item
            item.status = row.decided ?? pending
            item.decidedAt = row.decidedWhen
            item.decidedById = item.status == pending ? nil : coachId
            return (item, row.projectName)
        }
    }

    /// One row of ``feedback(coachId:status:)`` as read.
    struct FeedbackRow: Sendable {
        var item: FeedbackRecord
        var projectName: String
        var decided: String?
        var decidedWhen: Date?
    }

    /// A coach decides on an item for their own group; when forwarded, each chosen operator gets
    /// the coach's words as a message. Other coaches decide for their groups themselves.
    public func decideFeedback(id: Int64, coachId: Int64, forward: Bool, text: String, operatorIds: [Int64],
                               at now: Date) async throws -> FeedbackRecord? {
        try await write { db in
            guard var item = try await one(FeedbackRecord.self, #"SELECT * FROM "feedback" WHERE "id" = \#(id) FOR UPDATE"#,
                                           on: db) else { return nil }
            let decided = try await count(#"""
                SELECT count(*)::bigint FROM "feedbackDecision" WHERE "feedbackId" = \#(id) AND "coachId" = \#(coachId)
                """#, on: db) > 0
            guard !decided else {
                throw LabError(.conflict, "already_decided", "You already handled this feedback.")
            }
            item.status = (forward ? FeedbackStatus.forwarded : .dismissed).rawValue
            item.decidedById = coachId
            item.decidedAt = now
            try await db.query(#"""
                INSERT INTO "feedbackDecision" ("feedbackId", "coachId", "status", "decidedAt")
                VALUES (\#(id), \#(coachId), \#(item.status), \#(now))
                """#, logger: logger)
            if forward {
                for operatorId in operatorIds {
                    let message = MessageRecord(id: nil, operatorId: operatorId, senderId: coachId, body: text, createdAt: now, readAt: nil)
                    try await insert(message, into: MessageRecord.databaseTableName, on: db)
                }
            }
            try await record(actor: coachId, action: "feedback.\(item.status)", subject: "feedback:\(id)", detail: nil, at: Date(), on: db)
            return item
        }
    }

    // MARK: Notes and messages

    public func addNote(operatorId: Int64, coachId: Int64, body: String, at now: Date) async throws -> NoteRecord {
        try await write { db in
            var note = NoteRecord(id: nil, operatorId: operatorId, coachId: coachId, body: body, createdAt: now)
            note.id = try await insert(note, into: NoteRecord.databaseTableName, on: db)
            return note
        }
    }

    /// A coach's own notes about one operator, newest first; other coaches' notes stay theirs.
    public func notes(operatorId: Int64, coachId: Int64) async throws -> [NoteRecord] {
        try await read { db in
            try await all(NoteRecord.self, #"""
                SELECT * FROM "note" WHERE "operatorId" = \#(operatorId) AND "coachId" = \#(coachId)
                ORDER BY "createdAt" DESC, "id" DESC
                """#, on: db)
        }
    }

    public func addMessage(operatorId: Int64, senderId: Int64, body: String, at now: Date) async throws -> MessageRecord {
        try await write { db in
            var message = MessageRecord(id: nil, operatorId: operatorId, senderId: senderId, body: body, createdAt: now, readAt: nil)
            message.id = try await insert(message, into: MessageRecord.databaseTableName, on: db)
            try await record(actor: senderId, action: "message.send", subject: "user:\(operatorId)", detail: nil, at: Date(), on: db)
            return message
        }
    }

    /// An operator's messages, newest first, with the sender's name. A negative limit, as in SQLite, is none.
    public func messages(operatorId: Int64, limit: Int = 50) async throws -> [(MessageRecord, String?)] {
        let rows: [MessageRow] = try await read { db in
            try await db.query(#"""
                SELECT m.*, u."name" AS "senderName" FROM "message" m LEFT JOIN "user" u ON u."id" = m."senderId"
                WHERE m."operatorId" = \#(operatorId) ORDER BY m."createdAt" DESC, m."id" DESC
                LIMIT \#(limit < 0 ? nil : Int64(limit))::bigint
                """#, logger: logger).collect().map { row in
                MessageRow(message: try PostgresRecordDecoder.decode(MessageRecord.self, from: row),
                           senderName: try row.makeRandomAccess()["senderName"].decode(String?.self))
            }
        }
        return rows.map { ($0.message, $0.senderName) }
    }

    /// One row of ``messages(operatorId:limit:)`` as read.
    struct MessageRow: Sendable {
        var message: MessageRecord
        var senderName: String?
    }

    /// Marks a message of this operator as read; false when it is not theirs.
    public func markMessageRead(id: Int64, operatorId: Int64, at now: Date) async throws -> Bool {
        try await write { db in
            try await db.query(#"""
                UPDATE "message" SET "readAt" = COALESCE("readAt", \#(now)) WHERE "id" = \#(id) AND "operatorId" = \#(operatorId)
                RETURNING "id"
                """#, logger: logger).collect().count == 1
        }
    }

    // MARK: Project access

    /// Projects an operator may not work on, by their coach's decision.
    public func deniedProjects() async throws -> [Int64: Set<Int64>] {
        try await read { db in
            var denied: [Int64: Set<Int64>] = [:]
            for row in try await db.query(#"SELECT "operatorId", "projectId" FROM "projectAccess" WHERE NOT "allowed""#,
                                          logger: logger).collect() {
                let (operatorId, projectId) = try row.decode((Int64, Int64).self)
                denied[operatorId, default: []].insert(projectId)
            }
            return denied
        }
    }

    /// Records which of a coach's operators get a project; the others do not. Marks the
    /// coach's notice about the project as decided.
    public func setProjectAccess(projectId: Int64, coachId: Int64, allowed: Set<Int64>, at now: Date) async throws {
        try await write { db in
            try await db.query(#"""
                INSERT INTO "projectAccess" ("projectId", "operatorId", "allowed")
                SELECT \#(projectId), "operatorId", "operatorId" = ANY(\#(Array(allowed))::bigint[])
                FROM "operatorProfile" WHERE "coachId" = \#(coachId) ORDER BY "operatorId"
                ON CONFLICT ("projectId", "operatorId") DO UPDATE SET "allowed" = EXCLUDED."allowed"
                """#, logger: logger)
            try await db.query(#"""
                UPDATE "coachNotification" SET "decidedAt" = COALESCE("decidedAt", \#(now))
                WHERE "coachId" = \#(coachId) AND "projectId" = \#(projectId)
                """#, logger: logger)
            try await record(actor: coachId, action: "project.access", subject: "project:\(projectId)", detail: nil, at: Date(), on: db)
        }
    }

    public func notifyCoaches(projectId: Int64, kind: String, at now: Date) async throws -> [Int64] {
        try await write { db in
            let coaches = try await db.query(#"""
                SELECT "id" FROM "user" WHERE "role" = \#(Role.coach.rawValue) AND "disabledAt" IS NULL ORDER BY "id"
                """#, logger: logger).collect().map { try $0.decode(Int64.self) }
            for coachId in coaches {
                let notice = CoachNotification(id: nil, coachId: coachId, projectId: projectId, kind: kind, createdAt: now, decidedAt: nil)
                try await insert(notice, into: CoachNotification.databaseTableName, on: db)
            }
            return coaches
        }
    }

    public func notifications(coachId: Int64) async throws -> [(CoachNotification, String)] {
        let rows: [NotificationRow] = try await read { db in
            try await db.query(#"""
                SELECT n.*, p."name" AS "projectName" FROM "coachNotification" n JOIN "project" p ON p."id" = n."projectId"
                WHERE n."coachId" = \#(coachId) ORDER BY n."createdAt" DESC, n."id" DESC LIMIT 100
                """#, logger: logger).collect().map { row in
                NotificationRow(notice: try PostgresRecordDecoder.decode(CoachNotification.self, from: row),
                                projectName: try row.makeRandomAccess()["projectName"].decode(String.self))
            }
        }
        return rows.map { ($0.notice, $0.projectName) }
    }

    /// One row of ``notifications(coachId:)`` as read.
    struct NotificationRow: Sendable {
        var notice: CoachNotification
        var projectName: String
    }
}
