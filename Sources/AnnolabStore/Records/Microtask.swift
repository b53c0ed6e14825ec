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
    public var status: Status
    public var createdAt: Date
    /// For a reviewer's microtask: the microtask whose answers split, which the reviewer decides.
    public var reviewOf: Int64?

    /// Where a microtask stands: the same three values as the `microtask.status` column's CHECK.
    ///
    /// A microtask is `open` while it takes answers and `complete` once it has the answers it
    /// needs; it never goes back. `withdrawn` (taken out of the work) is allowed by the schema
    /// and not written by this version.
    public enum Status: String, Codable, Sendable, CaseIterable, DatabaseValueConvertible {
        case open, complete, withdrawn
    }

    public init(id: Int64? = nil, projectId: Int64, itemId: Int64?, kind: TaskKind, payload: String,
                estimatedSeconds: Int, isGold: Bool = false, requiredAnswers: Int, answerCount: Int = 0,
                status: Status = .open, createdAt: Date = Date()) {
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

    /// The table's columns, named by the record's own properties.
    public enum Columns {
        public static let id = Column(CodingKeys.id)
        public static let projectId = Column(CodingKeys.projectId)
    }
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
        try await read { db in
            try Microtask.filter(Microtask.Columns.projectId == projectId).order(Microtask.Columns.id).fetchAll(db)
        }
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
    ///
    /// Rows go in by multi-row INSERT statements of up to ``microtaskRowsPerInsert`` rows, so a
    /// big import (or the million microtasks of `annolab bench serve`) costs one statement per
    /// batch instead of one per row. The ids come from the statement's last row id: in one
    /// write transaction an AUTOINCREMENT key gives the rows of one statement consecutive ids.
    public func addMicrotasks(_ microtasks: [Microtask]) async throws -> [Microtask] {
        try await write { db in
            var stored = microtasks
            // A caller that chose ids keeps them: those rows go in one by one.
            guard !microtasks.contains(where: { $0.id != nil }) else {
                for index in stored.indices { try stored[index].insert(db) }
                return stored
            }
            var start = stored.startIndex
            while start < stored.endIndex {
                let end = min(start + Self.microtaskRowsPerInsert, stored.endIndex)
                let statement = try db.cachedStatement(sql: Self.microtaskInsertSQL(rows: end - start))
                var values: [(any DatabaseValueConvertible)?] = []
                values.reserveCapacity((end - start) * 10)
                for microtask in stored[start..<end] {
                    values += [microtask.projectId, microtask.itemId, microtask.kind.rawValue, microtask.payload,
                               microtask.estimatedSeconds, microtask.isGold, microtask.requiredAnswers,
                               microtask.answerCount, microtask.status, microtask.createdAt]
                }
                try statement.execute(arguments: StatementArguments(values))
                guard db.changesCount == end - start else {
                    throw LabError(.internalFailure, "storage_failure", "The lab could not store these microtasks. Nothing was changed. Please try again.")
                }
                let last = db.lastInsertedRowID
                for index in start..<end { stored[index].id = last - Int64(end - 1 - index) }
                start = end
            }
            return stored
        }
    }

    /// 10 values a row: 1,000 rows stay well inside SQLite's limit of 32,766 bound values.
    static let microtaskRowsPerInsert = 1_000

    static func microtaskInsertSQL(rows: Int) -> String {
        let row = "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        return "INSERT INTO microtask (projectId, itemId, kind, payload, estimatedSeconds, isGold, requiredAnswers, answerCount, status, createdAt) VALUES "
            + Array(repeating: row, count: rows).joined(separator: ", ")
    }
}
