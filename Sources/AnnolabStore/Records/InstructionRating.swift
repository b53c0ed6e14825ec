// Operators' ratings of a project's instructions: one per task done, comments moderated by a coach.
import AnnolabCore
import Foundation
import GRDB

/// Where an operator's comment on instructions stands; the same three values as the column's CHECK.
public enum CommentStatus: String, Codable, Sendable, CaseIterable, DatabaseValueConvertible {
    /// Waiting for a coach: the client does not see it yet.
    case pending
    /// A coach passed it: the client sees it, without any name.
    case passed
    /// A coach kept it from the client.
    case dismissed
}

/// "Were the instructions clear?", answered once after a task, with an optional comment.
///
/// The rating counts for the project's figures at once; the comment reaches the client only
/// after a coach passed it, and never with the name of the person who wrote it.
public struct InstructionRating: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "instructionRating"
    public var id: Int64?
    public var projectId: Int64
    /// Nil once the task is gone; the rating still counts.
    public var assignmentId: Int64?
    /// Nil after an erasure.
    public var operatorId: Int64?
    public var instructionsVersion: Int
    public var clear: Bool
    public var comment: String?
    public var commentStatus: CommentStatus?
    public var decidedById: Int64?
    public var decidedAt: Date?
    public var createdAt: Date

    public init(id: Int64?, projectId: Int64, assignmentId: Int64?, operatorId: Int64?, instructionsVersion: Int, clear: Bool,
                comment: String?, commentStatus: CommentStatus?, decidedById: Int64?, decidedAt: Date?, createdAt: Date) {
        self.id = id
        self.projectId = projectId
        self.assignmentId = assignmentId
        self.operatorId = operatorId
        self.instructionsVersion = instructionsVersion
        self.clear = clear
        self.comment = comment
        self.commentStatus = commentStatus
        self.decidedById = decidedById
        self.decidedAt = decidedAt
        self.createdAt = createdAt
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// A comment waiting for a coach, with its project's name and nothing of its writer.
public struct PendingComment: Sendable, Equatable {
    public var id: Int64
    public var projectId: Int64
    public var projectName: String
    public var instructionsVersion: Int
    public var clear: Bool
    public var text: String
    public var createdAt: Date

    public init(id: Int64, projectId: Int64, projectName: String, instructionsVersion: Int, clear: Bool, text: String, createdAt: Date) {
        self.id = id
        self.projectId = projectId
        self.projectName = projectName
        self.instructionsVersion = instructionsVersion
        self.clear = clear
        self.text = text
        self.createdAt = createdAt
    }
}

/// How clear a project's instructions were found: per version, and the comments a coach passed.
public struct RatingSummary: Sendable, Equatable {
    public struct Version: Sendable, Equatable {
        public var version: Int
        public var ratings: Int
        public var unclear: Int

        public init(version: Int, ratings: Int, unclear: Int) {
            self.version = version
            self.ratings = ratings
            self.unclear = unclear
        }
    }

    public struct Comment: Sendable, Equatable {
        public var text: String
        public var clear: Bool
        public var version: Int
        public var createdAt: Date

        public init(text: String, clear: Bool, version: Int, createdAt: Date) {
            self.text = text
            self.clear = clear
            self.version = version
            self.createdAt = createdAt
        }
    }

    public var versions: [Version]
    public var comments: [Comment]

    public init(versions: [Version], comments: [Comment]) {
        self.versions = versions
        self.comments = comments
    }
}

extension LabStore {
    /// Keeps an operator's rating of the instructions of a task they answered or skipped.
    ///
    /// The rating belongs to the version of the instructions the operator last got with a task of
    /// the project. Another operator's task is "not found", so that nobody learns which ids exist.
    public func rateInstructions(operatorId: Int64, assignmentId: Int64, clear: Bool, comment: String?,
                                 at now: Date) async throws -> InstructionRating {
        try await write { db in
            guard let assignment = try Assignment.fetchOne(db, key: assignmentId), assignment.operatorId == operatorId,
                  let projectId = try Int64.fetchOne(db, sql: "SELECT projectId FROM microtask WHERE id = ?",
                                                     arguments: [assignment.microtaskId]) else {
                throw LabError(.notFound, "assignment_not_found", "There is no such task.")
            }
            guard [.answered, .skipped].contains(assignment.state) else {
                throw LabError(.conflict, "task_not_done", "Rate the instructions after you answered or skipped the task.")
            }
            let rated = try Bool.fetchOne(db, sql: "SELECT EXISTS(SELECT 1 FROM instructionRating WHERE assignmentId = ?)",
                                          arguments: [assignmentId]) ?? false
            guard !rated else {
                throw LabError(.conflict, "already_rated", "You already said how clear the instructions of this task were.")
            }
            let version = try Int.fetchOne(db, sql: """
                SELECT COALESCE((SELECT version FROM instructionsSeen WHERE operatorId = ? AND projectId = ?), instructionsVersion)
                FROM project WHERE id = ?
                """, arguments: [operatorId, projectId, projectId]) ?? 1
            var rating = InstructionRating(id: nil, projectId: projectId, assignmentId: assignmentId, operatorId: operatorId,
                                           instructionsVersion: version, clear: clear, comment: comment,
                                           commentStatus: comment == nil ? nil : .pending, decidedById: nil, decidedAt: nil,
                                           createdAt: now)
            try rating.insert(db)
            return rating
        }
    }

    /// Comments no coach has decided on yet, oldest first, with their project's name.
    public func pendingComments() async throws -> [PendingComment] {
        try await read { db in
            try Row.fetchAll(db, sql: """
                SELECT instructionRating.*, project.name AS projectName FROM instructionRating
                JOIN project ON project.id = instructionRating.projectId
                WHERE instructionRating.commentStatus = ? ORDER BY instructionRating.createdAt, instructionRating.id LIMIT 500
                """, arguments: [CommentStatus.pending]).map { row in
                PendingComment(id: row["id"], projectId: row["projectId"], projectName: row["projectName"],
                               instructionsVersion: row["instructionsVersion"], clear: row["clear"], text: row["comment"],
                               createdAt: row["createdAt"])
            }
        }
    }

    /// A coach passes a comment on to the client or keeps it back; nil when there is no such
    /// comment. A comment is decided once.
    public func decideComment(id: Int64, coachId: Int64, pass: Bool, at now: Date) async throws -> InstructionRating? {
        try await write { db in
            guard var rating = try InstructionRating.fetchOne(db, key: id), rating.commentStatus != nil else { return nil }
            guard rating.commentStatus == .pending else {
                throw LabError(.conflict, "already_decided", "This comment was already passed on or dismissed.")
            }
            rating.commentStatus = pass ? .passed : .dismissed
            rating.decidedById = coachId
            rating.decidedAt = now
            try rating.update(db)
            try AuditEntry.record(db, actor: coachId, action: "rating.\(pass ? "pass" : "dismiss")", subject: "rating:\(id)")
            return rating
        }
    }

    /// The ratings of a project per version of its instructions, and the comments a coach passed
    /// (newest first): no names and no operator ids, which the client must never see.
    public func ratingSummary(projectId: Int64) async throws -> RatingSummary {
        try await read { db in
            let versions = try Row.fetchAll(db, sql: """
                SELECT instructionsVersion AS version, COUNT(*) AS ratings, COALESCE(SUM(clear = 0), 0) AS unclear
                FROM instructionRating WHERE projectId = ? GROUP BY instructionsVersion ORDER BY instructionsVersion
                """, arguments: [projectId]).map { row in
                RatingSummary.Version(version: row["version"], ratings: row["ratings"], unclear: row["unclear"])
            }
            let comments = try Row.fetchAll(db, sql: """
                SELECT comment, clear, instructionsVersion, createdAt FROM instructionRating
                WHERE projectId = ? AND commentStatus = ? ORDER BY createdAt DESC, id DESC LIMIT 200
                """, arguments: [projectId, CommentStatus.passed]).map { row in
                RatingSummary.Comment(text: row["comment"], clear: row["clear"], version: row["instructionsVersion"],
                                      createdAt: row["createdAt"])
            }
            return RatingSummary(versions: versions, comments: comments)
        }
    }
}
