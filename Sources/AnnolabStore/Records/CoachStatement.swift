// The coach's statement for an operator's work record: the coach writes it, the operator agrees or asks for a change.
import AnnolabCore
import Foundation
import GRDB

/// A few sentences by the job coach about an operator's work, for the operator's own record.
///
/// It goes into the record only once the operator agreed with this very text: a new text from
/// the coach clears the agreement and any change the operator asked for.
///
/// ```swift
/// _ = try await store.writeCoachStatement(operatorId: 5, coachId: 2, body: "Careful and on time.", at: now)
/// let agreed = try await store.agreeToCoachStatement(operatorId: 5, at: now)
/// // agreed.agreedAt == now; the record now includes the statement
/// ```
public struct CoachStatement: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "coachStatement"
    public var operatorId: Int64
    /// The coach who wrote the text; nil once that coach's account is removed.
    public var coachId: Int64?
    public var body: String
    public var writtenAt: Date
    public var agreedAt: Date?
    /// What the operator asked to change, until the coach writes a new text or the operator agrees.
    public var changeRequest: String?
    public var changeRequestedAt: Date?

    public init(operatorId: Int64, coachId: Int64?, body: String, writtenAt: Date, agreedAt: Date?, changeRequest: String?,
                changeRequestedAt: Date?) {
        self.operatorId = operatorId
        self.coachId = coachId
        self.body = body
        self.writtenAt = writtenAt
        self.agreedAt = agreedAt
        self.changeRequest = changeRequest
        self.changeRequestedAt = changeRequestedAt
    }

    /// Whether the record may show this statement.
    public var isAgreed: Bool { agreedAt != nil }

    public enum Columns {
        public static let operatorId = Column(CodingKeys.operatorId)
    }

    /// The operator has no statement from their coach yet.
    public static let missing = LabError(.notFound, "no_statement", "Your coach has not written a statement for your work record yet.")
}

extension LabStore {
    /// The operator's statement, agreed or not; nil when the coach has not written one.
    public func coachStatement(operatorId: Int64) async throws -> CoachStatement? {
        try await read { db in try CoachStatement.fetchOne(db, key: operatorId) }
    }

    /// Stores the coach's text. A text that differs from the one stored waits for the
    /// operator's agreement again; the same text again changes nothing.
    public func writeCoachStatement(operatorId: Int64, coachId: Int64, body: String, at now: Date) async throws -> CoachStatement {
        try await write { db in
            if let current = try CoachStatement.fetchOne(db, key: operatorId), current.body == body { return current }
            let statement = CoachStatement(operatorId: operatorId, coachId: coachId, body: body, writtenAt: now,
                                           agreedAt: nil, changeRequest: nil, changeRequestedAt: nil)
            try statement.save(db)
            try AuditEntry.record(db, actor: coachId, action: "statement.write", subject: "user:\(operatorId)",
                                  detail: "\(body.count) characters, waiting for agreement", at: now)
            return statement
        }
    }

    /// The operator agrees with the text as it stands; an open change request is then settled.
    /// Agreeing again keeps the first moment of agreement.
    public func agreeToCoachStatement(operatorId: Int64, at now: Date) async throws -> CoachStatement {
        try await write { db in
            guard var statement = try CoachStatement.fetchOne(db, key: operatorId) else { throw CoachStatement.missing }
            guard statement.agreedAt == nil else { return statement }
            statement.agreedAt = now
            statement.changeRequest = nil
            statement.changeRequestedAt = nil
            try statement.update(db)
            try AuditEntry.record(db, actor: operatorId, action: "statement.agree", subject: "user:\(operatorId)", at: now)
            return statement
        }
    }

    /// The operator asks the coach to change the text; until the coach writes a new one, the
    /// statement is not agreed and stays out of the record.
    public func askForStatementChange(operatorId: Int64, request: String, at now: Date) async throws -> CoachStatement {
        try await write { db in
            guard var statement = try CoachStatement.fetchOne(db, key: operatorId) else { throw CoachStatement.missing }
            statement.agreedAt = nil
            statement.changeRequest = request
            statement.changeRequestedAt = now
            try statement.update(db)
            try AuditEntry.record(db, actor: operatorId, action: "statement.change-request", subject: "user:\(operatorId)",
                                  detail: request, at: now)
            return statement
        }
    }
}
