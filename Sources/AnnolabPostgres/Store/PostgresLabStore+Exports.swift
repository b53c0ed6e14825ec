// A project's pictures and box answers for the exports, read from PostgreSQL; and the store's one interface.
import AnnolabCore
import AnnolabStore
import Foundation
import PostgresNIO

extension PostgresLabStore {
    /// Runs `consume` over the project's items in id order, read in one snapshot. Unlike SQLite's cursor,
    /// the rows are read whole before `consume` sees them (PostgreSQL's rows arrive asynchronously and
    /// `consume` reads synchronously): memory grows with the number of items.
    public func readExportItems<T: Sendable>(projectId: Int64,
                                             _ consume: @Sendable (inout ExportItemCursor) throws -> T) async throws -> T {
        let rows = try await read { db in
            try await db.query(#"""
                SELECT "id", "fileName", "mediaPath", "meta" FROM "item" WHERE "projectId" = \#(projectId) ORDER BY "id"
                """#, logger: logger).collect().map { row in
                let (id, fileName, mediaPath, meta) = try row.decode((Int64, String, String, String).self)
                return ExportItemRow(id: id, fileName: fileName, mediaPath: mediaPath, meta: meta)
            }
        }
        var cursor = ExportItemCursor(list: rows)
        return try consume(&cursor)
    }

    /// Runs `consume` over the non-gold answers on the project's non-gold image-boxes microtasks, by item,
    /// microtask, answer time and id; read whole first, as ``readExportItems(projectId:_:)``.
    public func readExportBoxAnswers<T: Sendable>(projectId: Int64,
                                                  _ consume: @Sendable (inout ExportBoxAnswerCursor) throws -> T) async throws -> T {
        let rows = try await read { db in
            try await db.query(#"""
                SELECT m."itemId", m."id", a."operatorId", m."payload", a."body"
                FROM "item" i JOIN "microtask" m ON m."itemId" = i."id" JOIN "answer" a ON a."microtaskId" = m."id"
                WHERE i."projectId" = \#(projectId) AND m."kind" = \#(TaskKind.imageBoxes.rawValue) AND NOT m."isGold" AND NOT a."isGold"
                ORDER BY i."id", m."id", a."createdAt", a."id"
                """#, logger: logger).collect().map { row in
                let (itemId, microtaskId, operatorId, payload, body) = try row.decode((Int64, Int64, Int64, String, String).self)
                return ExportBoxAnswerRow(itemId: itemId, microtaskId: microtaskId, operatorId: operatorId,
                                          payload: Data(payload.utf8), body: Data(body.utf8))
            }
        }
        var cursor = ExportBoxAnswerCursor(list: rows)
        return try consume(&cursor)
    }
}

/// Every method the server and the command line ask of a store is here: the PostgreSQL store stands in
/// for ``LabStore``.
extension PostgresLabStore: LabStoring {}
