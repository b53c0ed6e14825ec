// Assignments (leases of a microtask to one operator) and the answers given on them.
import AnnolabCore
import Foundation
import GRDB

/// A microtask served to one operator, leased until `leaseExpiresAt`.
public struct Assignment: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    /// Where a lease stands in the store: the same five values as the `assignment.state` column's CHECK.
    ///
    /// A lease is `leased` until it ends: `answered` with an answer, `skipped` by its operator
    /// (with an optional reason), `released` when handed back or no longer needed, `expired` when
    /// its time ran out and its place went to someone else. The work queue's ``LeaseState`` says
    /// the same of a lease while it is live, and maps onto these.
    public enum State: String, Codable, Sendable, CaseIterable, DatabaseValueConvertible {
        case leased, answered, skipped, expired, released
    }

    public static let databaseTableName = "assignment"
    public var id: Int64?
    public var microtaskId: Int64
    public var operatorId: Int64
    public var leasedAt: Date
    public var leaseExpiresAt: Date
    public var state: State
    public var skipReason: String?
    public var finishedAt: Date?

    public init(id: Int64?, microtaskId: Int64, operatorId: Int64, leasedAt: Date, leaseExpiresAt: Date, state: State,
                skipReason: String?, finishedAt: Date?) {
        self.id = id
        self.microtaskId = microtaskId
        self.operatorId = operatorId
        self.leasedAt = leasedAt
        self.leaseExpiresAt = leaseExpiresAt
        self.state = state
        self.skipReason = skipReason
        self.finishedAt = finishedAt
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }

    /// The table's columns, named by the record's own properties.
    public enum Columns {
        public static let id = Column(CodingKeys.id)
        public static let microtaskId = Column(CodingKeys.microtaskId)
        public static let operatorId = Column(CodingKeys.operatorId)
        public static let state = Column(CodingKeys.state)
        public static let leaseExpiresAt = Column(CodingKeys.leaseExpiresAt)
        public static let finishedAt = Column(CodingKeys.finishedAt)
    }
}

/// An operator's answer to a microtask.
public struct AnswerRecord: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "answer"
    public var id: Int64?
    public var assignmentId: Int64
    public var microtaskId: Int64
    public var operatorId: Int64
    /// The answer in the kind's shape (JSON), exactly as accepted.
    public var body: String
    public var idempotencyKey: String?
    public var secondsSpent: Double
    public var createdAt: Date
    /// The response given to the first submit (JSON), replayed to a repeat.
    public var response: String
    public var isGold: Bool
    public var goldCorrect: Bool?

    public init(assignmentId: Int64, microtaskId: Int64, operatorId: Int64, body: String, idempotencyKey: String?,
                secondsSpent: Double, createdAt: Date, response: String, isGold: Bool, goldCorrect: Bool?) {
        self.assignmentId = assignmentId
        self.microtaskId = microtaskId
        self.operatorId = operatorId
        self.body = body
        self.idempotencyKey = idempotencyKey
        self.secondsSpent = secondsSpent
        self.createdAt = createdAt
        self.response = response
        self.isGold = isGold
        self.goldCorrect = goldCorrect
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }

    /// The table's columns, named by the record's own properties.
    public enum Columns {
        public static let id = Column(CodingKeys.id)
        public static let assignmentId = Column(CodingKeys.assignmentId)
        public static let microtaskId = Column(CodingKeys.microtaskId)
        public static let operatorId = Column(CodingKeys.operatorId)
    }
}

extension LabStore {
    /// Stores a new lease (group commit). Fails when this operator already had this microtask.
    /// With `withTask`, also reads the microtask's payload and overlap in the same transaction: the
    /// work queue keeps only ids of microtasks nobody has had yet, so their details come from here.
    public func lease(microtaskId: Int64, operatorId: Int64, at now: Date, until expiry: Date,
                      withTask: Bool = false) async throws -> LeasedMicrotask {
        // Soft state: committed without waiting for the disk (see GroupCommitter).
        try await groupWrite(durable: false) { db in
            var assignment = Assignment(id: nil, microtaskId: microtaskId, operatorId: operatorId, leasedAt: now,
                                        leaseExpiresAt: expiry, state: .leased, skipReason: nil, finishedAt: nil)
            // Prepared once per connection, times written directly: this runs for every task served.
            try db.cachedStatement(sql: """
                INSERT INTO assignment (microtaskId, operatorId, leasedAt, leaseExpiresAt, state) VALUES (?, ?, ?, ?, ?)
                """).execute(arguments: [microtaskId, operatorId, FastText.storeTime(now), FastText.storeTime(expiry),
                                         Assignment.State.leased])
            assignment.id = db.lastInsertedRowID
            guard withTask else { return LeasedMicrotask(assignment: assignment, payload: nil, requiredAnswers: nil) }
            let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT payload, requiredAnswers FROM microtask WHERE id = ?"),
                                       arguments: [microtaskId])
            return LeasedMicrotask(assignment: assignment, payload: row?["payload"], requiredAnswers: row?["requiredAnswers"])
        }
    }

    public func assignment(id: Int64) async throws -> Assignment? {
        try await read { db in try Assignment.fetchOne(db, key: id) }
    }

    public func answer(assignmentId: Int64) async throws -> AnswerRecord? {
        try await read { db in try AnswerRecord.filter(AnswerRecord.Columns.assignmentId == assignmentId).fetchOne(db) }
    }

    /// Stores an answer, closes its assignment and counts it on the microtask, as one write
    /// of a group commit. `required` is the microtask's new overlap and `complete` whether this
    /// answer finishes it; both only ever grow (open to complete), so answers committed out of
    /// order cannot undo them. `expired` are other leases on the microtask whose time ran out:
    /// an answer that finishes it takes their places for good, so they end `expired` with it.
    /// An assignment that already has an answer is refused: an answer is counted once.
    public func recordAnswer(_ answer: AnswerRecord, required: Int, complete: Bool,
                             expired: [Int64] = []) async throws -> AnswerRecord {
        try await groupWrite { db in
            // Prepared once per connection, times written directly: this runs for every answer.
            if try Bool.fetchOne(db.cachedStatement(sql: "SELECT 1 FROM answer WHERE assignmentId = ?"),
                                 arguments: [answer.assignmentId]) != nil {
                throw LabError(.conflict, .alreadyAnswered, "This task was already answered.")
            }
            var answer = answer
            let createdAt = FastText.storeTime(answer.createdAt)
            try db.cachedStatement(sql: """
                INSERT INTO answer (assignmentId, microtaskId, operatorId, body, idempotencyKey, secondsSpent, createdAt,
                    response, isGold, goldCorrect) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """).execute(arguments: [answer.assignmentId, answer.microtaskId, answer.operatorId, answer.body,
                                         answer.idempotencyKey, answer.secondsSpent, createdAt, answer.response,
                                         answer.isGold, answer.goldCorrect])
            answer.id = db.lastInsertedRowID
            try db.cachedStatement(sql: "UPDATE assignment SET state = ?, finishedAt = ? WHERE id = ?")
                .execute(arguments: [Assignment.State.answered, createdAt, answer.assignmentId])
            try db.cachedStatement(sql: Self.countAnswerSQL).execute(arguments: [required, complete, answer.microtaskId])
            if !expired.isEmpty {
                try Assignment.filter(expired.contains(Assignment.Columns.id) && Assignment.Columns.state == Assignment.State.leased)
                    .updateAll(db, Assignment.Columns.state.set(to: Assignment.State.expired),
                               Assignment.Columns.finishedAt.set(to: answer.createdAt))
            }
            return answer
        }
    }

    /// Counts an answer on its microtask: the overlap only grows, and a complete microtask stays complete.
    static let countAnswerSQL = """
        UPDATE microtask SET answerCount = answerCount + 1, requiredAnswers = MAX(requiredAnswers, ?),
            status = CASE WHEN status = '\(Microtask.Status.complete.rawValue)' OR ? THEN '\(Microtask.Status.complete.rawValue)'
                          ELSE '\(Microtask.Status.open.rawValue)' END
        WHERE id = ?
        """

    /// Closes an assignment without an answer: skipped by the operator, released, or expired.
    /// Only a lease still `leased` is closed; one that ended already keeps how it ended.
    public func closeAssignment(id: Int64, state: Assignment.State, reason: String? = nil, at now: Date) async throws {
        _ = try await groupWrite { db in
            try db.execute(sql: "UPDATE assignment SET state = ?, skipReason = ?, finishedAt = ? WHERE id = ? AND state = ?",
                           arguments: [state, reason, now, id, Assignment.State.leased])
            return db.changesCount
        }
    }

    /// Extends a lease (the browser renews a preloaded task).
    public func renewLease(id: Int64, until expiry: Date) async throws {
        // Soft state, like the lease itself (see GroupCommitter).
        _ = try await groupWrite(durable: false) { db in
            try db.execute(sql: "UPDATE assignment SET leaseExpiresAt = ? WHERE id = ? AND state = ?",
                           arguments: [expiry, id, Assignment.State.leased])
            return 0
        }
    }

    /// All answers of a project, oldest first (for consensus and exports).
    public func answers(projectId: Int64) async throws -> [AnswerRecord] {
        try await read { db in
            try AnswerRecord.fetchAll(db, sql: """
                SELECT answer.* FROM answer JOIN microtask ON microtask.id = answer.microtaskId
                WHERE microtask.projectId = ? ORDER BY answer.id
                """, arguments: [projectId])
        }
    }

    /// Counts for tests and reports: answers per microtask.
    public func answerCounts(projectId: Int64) async throws -> [Int64: Int] {
        try await read { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT answer.microtaskId AS id, COUNT(*) AS n FROM answer JOIN microtask ON microtask.id = answer.microtaskId
                WHERE microtask.projectId = ? GROUP BY answer.microtaskId
                """, arguments: [projectId])
            var result: [Int64: Int] = [:]
            for row in rows { result[row["id"]] = row["n"] }
            return result
        }
    }
}

extension LabStore {
    /// How many answers the lab holds in all.
    public func answerCount() async throws -> Int {
        try await read { db in try AnswerRecord.fetchCount(db) }
    }
}

/// An operator's answer together with the other answers on the same microtask, for feedback.
public struct AnswerInContext: Sendable {
    public var answer: AnswerRecord
    public var kind: TaskKind
    /// Everyone else's answers (bodies) on the same microtask.
    public var others: [String]

    public init(answer: AnswerRecord, kind: TaskKind, others: [String]) {
        self.answer = answer
        self.kind = kind
        self.others = others
    }
}

extension LabStore {
    /// An operator's answers with their microtask's kind and the other answers on it, newest first.
    ///
    /// One query: the operator's latest answers, each joined to its microtask and to everyone
    /// else's answers on it (one row per other answer, or one row with none), read in order.
    public func answersInContext(operatorId: Int64, limit: Int = 500) async throws -> [AnswerInContext] {
        try await read { db in
            var result: [AnswerInContext] = []
            let rows = try Row.fetchCursor(db, sql: """
                SELECT mine.*, microtask.kind AS microtaskKind, other.body AS otherBody
                FROM (SELECT * FROM answer WHERE operatorId = ? ORDER BY id DESC LIMIT ?) AS mine
                LEFT JOIN microtask ON microtask.id = mine.microtaskId
                LEFT JOIN answer AS other ON other.microtaskId = mine.microtaskId AND other.operatorId != mine.operatorId
                ORDER BY mine.id DESC, other.id
                """, arguments: [operatorId, limit])
            while let row = try rows.next() {
                let id: Int64 = row["id"]
                if result.last?.answer.id != id {
                    let kind = (row["microtaskKind"] as String?).flatMap(TaskKind.init(rawValue:)) ?? .choice
                    result.append(AnswerInContext(answer: try AnswerRecord(row: row), kind: kind, others: []))
                }
                if let other: String = row["otherBody"] { result[result.count - 1].others.append(other) }
            }
            return result
        }
    }
}
