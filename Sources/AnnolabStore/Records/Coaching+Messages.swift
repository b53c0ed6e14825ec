// A coach's words in the store: private notes about an operator, and messages to them.
import AnnolabCore
import Foundation
import GRDB

extension LabStore {
    public func addNote(operatorId: Int64, coachId: Int64, body: String, at now: Date) async throws -> NoteRecord {
        try await write { db in
            var note = NoteRecord(id: nil, operatorId: operatorId, coachId: coachId, body: body, createdAt: now)
            try note.insert(db)
            return note
        }
    }

    /// A coach's own notes about one operator, newest first; other coaches' notes stay theirs.
    public func notes(operatorId: Int64, coachId: Int64) async throws -> [NoteRecord] {
        try await read { db in
            try NoteRecord.filter(NoteRecord.Columns.operatorId == operatorId && NoteRecord.Columns.coachId == coachId)
                .order(NoteRecord.Columns.createdAt.desc, NoteRecord.Columns.id.desc).fetchAll(db)
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

    /// Marks a message of this operator as read; false when it is not theirs.
    public func markMessageRead(id: Int64, operatorId: Int64, at now: Date) async throws -> Bool {
        try await write { db in
            try db.execute(sql: "UPDATE message SET readAt = COALESCE(readAt, ?) WHERE id = ? AND operatorId = ?",
                           arguments: [now, id, operatorId])
            return db.changesCount == 1
        }
    }
}
