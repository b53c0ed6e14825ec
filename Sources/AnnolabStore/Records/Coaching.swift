// The records coaches keep and send: alerts, private notes, messages, client feedback, notices.
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
    /// The figures behind the reason (a JSON object of texts); its "key" keeps one alert per kind and block.
    public var data: String
    public var createdAt: Date
    public var acknowledgedAt: Date?

    public init(id: Int64?, operatorId: Int64, kind: String, reason: String, data: String, createdAt: Date, acknowledgedAt: Date?) {
        self.id = id
        self.operatorId = operatorId
        self.kind = kind
        self.reason = reason
        self.data = data
        self.createdAt = createdAt
        self.acknowledgedAt = acknowledgedAt
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }

    public enum Columns {
        public static let id = Column(CodingKeys.id)
        public static let operatorId = Column(CodingKeys.operatorId)
        public static let kind = Column(CodingKeys.kind)
        public static let data = Column(CodingKeys.data)
        public static let createdAt = Column(CodingKeys.createdAt)
        public static let acknowledgedAt = Column(CodingKeys.acknowledgedAt)
    }
}

/// A coach's private note about one of their operators.
public struct NoteRecord: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "note"
    public var id: Int64?
    public var operatorId: Int64
    public var coachId: Int64
    public var body: String
    public var createdAt: Date
    public init(id: Int64?, operatorId: Int64, coachId: Int64, body: String, createdAt: Date) {
        self.id = id
        self.operatorId = operatorId
        self.coachId = coachId
        self.body = body
        self.createdAt = createdAt
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }

    public enum Columns {
        public static let id = Column(CodingKeys.id)
        public static let operatorId = Column(CodingKeys.operatorId)
        public static let coachId = Column(CodingKeys.coachId)
        public static let createdAt = Column(CodingKeys.createdAt)
    }
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
    public init(id: Int64?, operatorId: Int64, senderId: Int64?, body: String, createdAt: Date, readAt: Date?) {
        self.id = id
        self.operatorId = operatorId
        self.senderId = senderId
        self.body = body
        self.createdAt = createdAt
        self.readAt = readAt
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }

    public enum Columns {
        public static let id = Column(CodingKeys.id)
        public static let operatorId = Column(CodingKeys.operatorId)
        public static let senderId = Column(CodingKeys.senderId)
        public static let createdAt = Column(CodingKeys.createdAt)
        public static let readAt = Column(CodingKeys.readAt)
    }
}

/// A client's feedback or "good job" note on a project, waiting for a coach's decision.
public struct FeedbackRecord: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "feedback"
    public var id: Int64?
    public var projectId: Int64
    public var kind: String
    public var body: String
    public var createdAt: Date
    /// "pending" until a coach decides, then "forwarded" or "dismissed" (``FeedbackStatus``).
    public var status: String
    public var decidedById: Int64?
    public var decidedAt: Date?
    public init(id: Int64?, projectId: Int64, kind: String, body: String, createdAt: Date, status: String, decidedById: Int64?,
                decidedAt: Date?) {
        self.id = id
        self.projectId = projectId
        self.kind = kind
        self.body = body
        self.createdAt = createdAt
        self.status = status
        self.decidedById = decidedById
        self.decidedAt = decidedAt
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }

    public enum Columns {
        public static let id = Column(CodingKeys.id)
        public static let projectId = Column(CodingKeys.projectId)
        public static let createdAt = Column(CodingKeys.createdAt)
        public static let status = Column(CodingKeys.status)
    }
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
    public init(id: Int64?, coachId: Int64, projectId: Int64, kind: String, createdAt: Date, decidedAt: Date?) {
        self.id = id
        self.coachId = coachId
        self.projectId = projectId
        self.kind = kind
        self.createdAt = createdAt
        self.decidedAt = decidedAt
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }

    public enum Columns {
        public static let id = Column(CodingKeys.id)
        public static let coachId = Column(CodingKeys.coachId)
        public static let projectId = Column(CodingKeys.projectId)
        public static let createdAt = Column(CodingKeys.createdAt)
        public static let decidedAt = Column(CodingKeys.decidedAt)
    }
}
