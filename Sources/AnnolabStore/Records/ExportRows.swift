// A project's pictures and box answers read as cursors, so that an export never holds a whole project in memory.
import AnnolabCore
import Foundation
import GRDB

/// One uploaded file of a project as the image exports need it: its id, upload name, media
/// folder and stored meta (JSON text, e.g. `{"width":"1920","height":"1080"}`).
public struct ExportItemRow: Sendable, Equatable {
    public var id: Int64
    public var fileName: String
    public var mediaPath: String
    public var meta: String

    public init(id: Int64, fileName: String, mediaPath: String, meta: String) {
        self.id = id
        self.fileName = fileName
        self.mediaPath = mediaPath
        self.meta = meta
    }
}

/// One operator's answer on an image-boxes microtask, as read from the store.
///
/// `payload` and `body` are the stored JSON texts as UTF-8 bytes; they are copies, so the row
/// may outlive the cursor step that produced it.
public struct ExportBoxAnswerRow: Sendable, Equatable {
    public var itemId: Int64
    public var microtaskId: Int64
    public var operatorId: Int64
    public var payload: Data
    public var body: Data

    public init(itemId: Int64, microtaskId: Int64, operatorId: Int64, payload: Data, body: Data) {
        self.itemId = itemId
        self.microtaskId = microtaskId
        self.operatorId = operatorId
        self.payload = payload
        self.body = body
    }
}

/// The items of a project in id order, one at a time.
///
/// ```swift
/// let names = try await store.readExportItems(projectId: 3) { items in
///     var names: [String] = []
///     while let item = try items.next() { names.append(item.fileName) }
///     return names
/// }
/// ```
public struct ExportItemCursor {
    private var rows: RowCursor?
    private var list: ArraySlice<ExportItemRow> = []

    init(rows: RowCursor) { self.rows = rows }

    /// A cursor over rows already read (a store whose rows do not come as a SQLite cursor).
    public init(list: [ExportItemRow]) { self.list = list[...] }

    public mutating func next() throws -> ExportItemRow? {
        guard let rows else { return list.popFirst() }
        guard let row = try rows.next() else { return nil }
        return ExportItemRow(id: row[0], fileName: row[1], mediaPath: row[2], meta: row[3])
    }
}

/// The non-gold answers on a project's non-gold image-boxes microtasks, grouped by picture:
/// ordered by item id, then microtask id, then answer time and id (the order consensus reads them in).
public struct ExportBoxAnswerCursor {
    private var rows: RowCursor?
    private var list: ArraySlice<ExportBoxAnswerRow> = []

    init(rows: RowCursor) { self.rows = rows }

    /// A cursor over rows already read (a store whose rows do not come as a SQLite cursor).
    public init(list: [ExportBoxAnswerRow]) { self.list = list[...] }

    public mutating func next() throws -> ExportBoxAnswerRow? {
        guard let rows else { return list.popFirst() }
        guard let row = try rows.next() else { return nil }
        return ExportBoxAnswerRow(itemId: row[0], microtaskId: row[1], operatorId: row[2],
                                  payload: row[3], body: row[4])
    }
}

extension LabStore {
    /// Runs `consume` over a cursor of the project's items, inside one read transaction, and
    /// returns what it makes of them. Memory stays flat whatever the number of items.
    public func readExportItems<T: Sendable>(projectId: Int64,
                                             _ consume: @Sendable (inout ExportItemCursor) throws -> T) async throws -> T {
        try await read { db in
            var cursor = ExportItemCursor(rows: try Row.fetchCursor(db, sql: """
                SELECT id, fileName, mediaPath, meta FROM item WHERE projectId = ? ORDER BY id
                """, arguments: [projectId]))
            return try consume(&cursor)
        }
    }

    /// Runs `consume` over a cursor of the project's box answers (see ``ExportBoxAnswerCursor``),
    /// inside one read transaction. The join starts from the project's items so that SQLite
    /// walks its indexes in the wanted order and sorts only the few answers of each microtask.
    public func readExportBoxAnswers<T: Sendable>(projectId: Int64,
                                                  _ consume: @Sendable (inout ExportBoxAnswerCursor) throws -> T) async throws -> T {
        try await read { db in
            var cursor = ExportBoxAnswerCursor(rows: try Row.fetchCursor(db, sql: Self.boxAnswersSQL,
                                                                          arguments: [projectId, TaskKind.imageBoxes]))
            return try consume(&cursor)
        }
    }

    /// `CROSS JOIN` keeps SQLite's join order: item (by project, in id order), microtask (by
    /// item, in id order), answer (by microtask).
    static let boxAnswersSQL = """
        SELECT m.itemId, m.id, a.operatorId, m.payload, a.body
        FROM item i CROSS JOIN microtask m ON m.itemId = i.id CROSS JOIN answer a ON a.microtaskId = m.id
        WHERE i.projectId = ? AND m.kind = ? AND m.isGold = 0 AND a.isGold = 0
        ORDER BY i.id, m.id, a.createdAt, a.id
        """

    /// SQLite's plan for the box answer cursor, for tests that check it needs no full sort.
    public func exportBoxAnswersPlan(projectId: Int64) async throws -> [String] {
        try await read { db in
            try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + Self.boxAnswersSQL, arguments: [projectId, TaskKind.imageBoxes])
                .map { $0["detail"] }
        }
    }
}

/// An answer given outside the lab's own loop (a benchmark's seed, an import of finished work):
/// it gets an assignment marked answered, as if the operator had leased and answered it.
public struct FinishedAnswer: Sendable {
    public var microtaskId: Int64
    public var operatorId: Int64
    /// The answer in the kind's shape (JSON).
    public var body: String
    public var createdAt: Date
    public var secondsSpent: Double

    public init(microtaskId: Int64, operatorId: Int64, body: String, createdAt: Date, secondsSpent: Double) {
        self.microtaskId = microtaskId
        self.operatorId = operatorId
        self.body = body
        self.createdAt = createdAt
        self.secondsSpent = secondsSpent
    }
}

extension LabStore {
    /// Stores finished answers in one transaction: each with its answered assignment, counted
    /// on its microtask (complete once it has its required answers). Large batches are what
    /// make seeding a big project quick: one durable commit for thousands of rows.
    public func addFinishedAnswers(_ answers: [FinishedAnswer]) async throws {
        try await write { db in
            let assignment = try db.cachedStatement(sql: """
                INSERT INTO assignment (microtaskId, operatorId, leasedAt, leaseExpiresAt, state, finishedAt)
                VALUES (?, ?, ?, ?, ?, ?)
                """)
            let answer = try db.cachedStatement(sql: """
                INSERT INTO answer (assignmentId, microtaskId, operatorId, body, secondsSpent, createdAt, response, isGold)
                VALUES (?, ?, ?, ?, ?, ?, '{}', 0)
                """)
            let count = try db.cachedStatement(sql: """
                UPDATE microtask SET answerCount = answerCount + 1,
                    status = CASE WHEN status = ? AND answerCount + 1 >= requiredAnswers THEN ? ELSE status END
                WHERE id = ?
                """)
            for given in answers {
                let leased = given.createdAt.addingTimeInterval(-given.secondsSpent)
                try assignment.execute(arguments: [given.microtaskId, given.operatorId, leased,
                                                   leased.addingTimeInterval(600), Assignment.State.answered, given.createdAt])
                try answer.execute(arguments: [db.lastInsertedRowID, given.microtaskId, given.operatorId, given.body,
                                               given.secondsSpent, given.createdAt])
                try count.execute(arguments: [Microtask.Status.open, Microtask.Status.complete, given.microtaskId])
            }
        }
    }
}
