// Microtasks: the small pieces of work a job is cut into, and what it takes to store them.
import AnnolabCore
import Foundation
import GRDB

/// One microtask: a tile, a subtitle window, a sound clip or a choice, with its payload as JSON.
public struct Microtask: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "microtask"
    public var id: Int64?
    public var projectId: Int64
    public var itemId: Int64?
    public var kind: TaskKind
    /// What the operator sees: media references and the details of this piece (JSON).
    public var payload: String
    public var estimatedSeconds: Int
    public var isGold: Bool
    public var requiredAnswers: Int
    public var answerCount: Int
    /// open | complete | withdrawn
    public var status: String
    public var createdAt: Date

    public init(id: Int64? = nil, projectId: Int64, itemId: Int64?, kind: TaskKind, payload: String,
                estimatedSeconds: Int, isGold: Bool = false, requiredAnswers: Int, answerCount: Int = 0,
                status: String = "open", createdAt: Date = Date()) {
        self.id = id
        self.projectId = projectId
        self.itemId = itemId
        self.kind = kind
        self.payload = payload
        self.estimatedSeconds = estimatedSeconds
        self.isGold = isGold
        self.requiredAnswers = requiredAnswers
        self.answerCount = answerCount
        self.status = status
        self.createdAt = createdAt
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// A known answer for a gold microtask, with the explanation an operator sees afterwards.
public struct GoldAnswer: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "goldAnswer"
    public var microtaskId: Int64
    /// The correct answer, in the kind's answer shape (JSON).
    public var body: String
    /// {"nl": "...", "en": "..."}: why this is the answer, kindly put.
    public var explanation: String

    public init(microtaskId: Int64, body: String, explanation: String) {
        self.microtaskId = microtaskId
        self.body = body
        self.explanation = explanation
    }
}

extension LabStore {
    public func microtask(id: Int64) async throws -> Microtask? {
        try await read { db in try Microtask.fetchOne(db, key: id) }
    }

    public func microtasks(projectId: Int64) async throws -> [Microtask] {
        try await read { db in try Microtask.filter(Column("projectId") == projectId).order(Column("id")).fetchAll(db) }
    }

    /// Marks microtasks of a project as gold with their known answers, in one transaction.
    public func setGold(projectId: Int64, answers: [GoldAnswer]) async throws {
        try await write { db in
            for answer in answers {
                guard let task = try Microtask.fetchOne(db, key: answer.microtaskId), task.projectId == projectId else {
                    throw LabError(.unprocessable, "unknown_microtask",
                                   "Microtask \(answer.microtaskId) is not part of this project.")
                }
                try db.execute(sql: "UPDATE microtask SET isGold = 1 WHERE id = ?", arguments: [answer.microtaskId])
                try answer.save(db)
            }
        }
    }

    public func goldAnswer(microtaskId: Int64) async throws -> GoldAnswer? {
        try await read { db in try GoldAnswer.fetchOne(db, key: microtaskId) }
    }
}

extension LabStore {
    /// Stores new microtasks in one transaction; returns them with their ids.
    public func addMicrotasks(_ microtasks: [Microtask]) async throws -> [Microtask] {
        try await write { db in
            var stored: [Microtask] = []
            for var microtask in microtasks {
                try microtask.insert(db)
                stored.append(microtask)
            }
            return stored
        }
    }
}
