// A SHA-256 over every field of every answer, computed the same way from SQLite and from PostgreSQL.
import Crypto
import Foundation
import GRDB
import Logging
import PostgresNIO

/// The answers, in id order, each as its fields in one line (a moment in whole milliseconds, NULL
/// as `-`), hashed: equal checksums mean the same answers, field by field.
enum AnswerChecksum {
    static let columns = #""id", "assignmentId", "microtaskId", "operatorId", "body", "idempotencyKey", "secondsSpent", "createdAt", "response", "isGold", "goldCorrect""#

    struct Line {
        var id: Int64, assignmentId: Int64, microtaskId: Int64, operatorId: Int64
        var body: String, idempotencyKey: String?, secondsSpent: Double, createdAt: Date
        var response: String, isGold: Bool, goldCorrect: Bool?

        var text: String {
            let moment = Int64((createdAt.timeIntervalSince1970 * 1000).rounded())
            let fields: [String] = ["\(id)", "\(assignmentId)", "\(microtaskId)", "\(operatorId)", body, idempotencyKey ?? "-",
                                    "\(secondsSpent)", "\(moment)", response, isGold ? "1" : "0", goldCorrect.map { $0 ? "1" : "0" } ?? "-"]
            return fields.joined(separator: "\u{1F}") + "\n"
        }
    }

    static func sqlite(_ db: Database) throws -> String {
        var hash = SHA256()
        let rows = try Row.fetchCursor(db, sql: "SELECT \(columns) FROM \"answer\" ORDER BY \"id\"")
        while let row = try rows.next() {
            let line = Line(id: row[0], assignmentId: row[1], microtaskId: row[2], operatorId: row[3], body: row[4],
                            idempotencyKey: row[5], secondsSpent: row[6], createdAt: row[7], response: row[8],
                            isGold: row[9], goldCorrect: row[10])
            hash.update(data: Data(line.text.utf8))
        }
        return hash.finalize().map { String(format: "%02x", $0) }.joined()
    }

    static func postgres(_ connection: PostgresConnection, logger: Logger) async throws -> String {
        var hash = SHA256()
        let rows = try await connection.query(PostgresQuery(unsafeSQL: "SELECT \(columns) FROM \"answer\" ORDER BY \"id\""), logger: logger)
        for try await row in rows.decode((Int64, Int64, Int64, Int64, String, String?, Double, Date, String, Bool, Bool?).self) {
            let line = Line(id: row.0, assignmentId: row.1, microtaskId: row.2, operatorId: row.3, body: row.4, idempotencyKey: row.5,
                            secondsSpent: row.6, createdAt: row.7, response: row.8, isGold: row.9, goldCorrect: row.10)
            hash.update(data: Data(line.text.utf8))
        }
        return hash.finalize().map { String(format: "%02x", $0) }.joined()
    }
}
