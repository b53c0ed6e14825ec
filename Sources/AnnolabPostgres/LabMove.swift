// `annolab migrate`: a lab's SQLite data folder moved whole into an empty PostgreSQL database, and checked.
import AnnolabCore
import AnnolabStore
import Crypto
import Foundation
import GRDB
import Logging
import PostgresNIO

/// Moves a lab from SQLite into PostgreSQL: the schema of ``PostgresSchema``, then every row of every
/// table with its id, in one transaction (a move that fails leaves the database as empty as it was).
/// Afterwards each table is counted on both sides and the answers compared by a SHA-256 of their
/// every field, read back from PostgreSQL.
public enum LabMove {
    /// What arrived: rows per table on both sides, and the answers' checksums.
    public struct Report: Sendable {
        public struct Table: Sendable {
            public var name: String
            public var sqlite: Int
            public var postgres: Int
        }
        public var tables: [Table]
        public var answersSQLite: String
        public var answersPostgres: String

        public var isEqual: Bool { tables.allSatisfy { $0.sqlite == $0.postgres } && answersSQLite == answersPostgres }
    }

    /// Rows sent in one INSERT (PostgreSQL takes at most 65,535 parameters in one statement).
    static let batchRows = 400

    /// The tables in the order PostgreSQL's migrations make them: each after the ones it refers to.
    static var tables: [String] {
        PostgresSchema.migrations.flatMap { migration in
            migration.sql.split(separator: "\n").compactMap { line -> String? in
                guard let start = line.range(of: "CREATE TABLE \"") else { return nil }
                return String(line[start.upperBound...].prefix { $0 != "\"" })
            }
        }
    }

    public static func run(store: LabStore, to address: PostgresAddress, logger: Logger) async throws -> Report {
        let connection: PostgresConnection
        do {
            connection = try await PostgresConnection.connect(configuration: try address.configuration(), id: 1, logger: logger)
        } catch {
            throw LabError(.unavailable, "database_unreachable", "PostgreSQL at \(address) cannot be reached: \(String(reflecting: error))")
        }
        do {
            let report = try await move(store: store, connection: connection, address: address, logger: logger)
            try await connection.close()
            return report
        } catch {
            try? await connection.close()
            throw error
        }
    }

    private static func move(store: LabStore, connection: PostgresConnection, address: PostgresAddress, logger: Logger) async throws -> Report {
        let existing = try await connection.query("""
            SELECT count(*)::bigint FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'S')
            """, logger: logger).collect().first?.decode(Int64.self) ?? 0
        guard existing == 0 else {
            throw LabError(.conflict, "database_not_empty",
                           "The database \(address) is not empty (it holds \(existing) tables or sequences); a lab is moved only into an empty database, so that nothing there is mixed with it or lost.")
        }
        let sequences: [String: Int64] = try await store.read { db in
            try Row.fetchAll(db, sql: "SELECT name, seq FROM sqlite_sequence").reduce(into: [String: Int64]()) { $0[$1[0]] = $1[1] }
        }
        do {
            return try await copyAndCheck(from: store, to: connection, sequences: sequences, logger: logger)
        } catch {
            // The figures differ: the transaction was rolled back, and the caller shows the figures.
            if let different = ((error as? PostgresTransactionError)?.closureError ?? error) as? Different {
                return different.report
            }
            throw LabError(.unprocessable, "lab_not_moved",
                           "The lab could not be moved into \(address), and nothing was kept there: \(plainWords(error))")
        }
    }

    /// Thrown inside the transaction when the figures differ, so that nothing of the move is kept.
    struct Different: Error {
        var report: Report
    }

    /// The schema and every row, then the counts and the answers' checksum, in one transaction that is
    /// committed only when every figure is equal.
    private static func copyAndCheck(from store: LabStore, to connection: PostgresConnection, sequences: [String: Int64],
                                     logger: Logger) async throws -> Report {
        try await connection.withTransaction(logger: logger) { connection in
            for statement in PostgresSchema.statements(applied: []) {
                try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
            }
            // The migration seeds the table of minimum wages; the lab's own rows replace them.
            try await connection.query("DELETE FROM \"minimumWage\"", logger: logger)
            for table in tables {
                try await copy(table, from: store, to: connection, logger: logger)
                let next = max(sequences[table] ?? 0, 0)
                if next > 0 {
                    // Ids go on after the highest SQLite ever gave, as they would have there.
                    try await connection.query(PostgresQuery(unsafeSQL: """
                        SELECT setval(pg_get_serial_sequence('"\(table)"', 'id'), GREATEST($1, (SELECT coalesce(max("id"), 1) FROM "\(table)")))
                        """, binds: try bindings([.integer(next)])), logger: logger)
                }
            }
            let report = try await countAndCheck(store: store, connection: connection, logger: logger)
            guard report.isEqual else { throw Different(report: report) }
            return report
        }
    }

    /// What PostgreSQL said, without the driver's wrapping.
    static func plainWords(_ error: any Error) -> String {
        if let failed = error as? PostgresTransactionError {
            return plainWords(failed.closureError ?? failed.commitError ?? failed.beginError ?? failed.rollbackError ?? error)
        }
        if let psql = error as? PSQLError, let message = psql.serverInfo?[.message] {
            return message
        }
        if let lab = error as? LabError { return lab.message }
        return String(describing: error)
    }

    private static func countAndCheck(store: LabStore, connection: PostgresConnection, logger: Logger) async throws -> Report {
        var counted: [Report.Table] = []
        for table in tables {
            let lite = try await store.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM \"\(table)\"") ?? 0 }
            let pg = try await connection.query(PostgresQuery(unsafeSQL: "SELECT count(*)::bigint FROM \"\(table)\""), logger: logger)
                .collect().first?.decode(Int64.self) ?? -1
            counted.append(Report.Table(name: table, sqlite: lite, postgres: Int(pg)))
        }
        let liteAnswers = try await store.read { db in
            try AnswerChecksum.sqlite(db)
        }
        let pgAnswers = try await AnswerChecksum.postgres(connection, logger: logger)
        return Report(tables: counted, answersSQLite: liteAnswers, answersPostgres: pgAnswers)
    }

    /// One value read from SQLite, as the PostgreSQL column takes it.
    enum Value {
        case null, integer(Int64), double(Double), boolean(Bool), date(Date), text(String), bytes(Data)
    }

    private static func copy(_ table: String, from store: LabStore, to connection: PostgresConnection, logger: Logger) async throws {
        let columns = try await store.read { db in
            try Row.fetchAll(db, sql: "PRAGMA table_info(\"\(table)\")").map { ($0["name"] as String, ($0["type"] as String).uppercased()) }
        }
        let names = columns.map { "\"\($0.0)\"" }.joined(separator: ", ")
        var after: Int64 = Int64.min
        while true {
            let start = after
            let rows: [(Int64, [Value])] = try await store.read { db in
                try Row.fetchAll(db, sql: "SELECT rowid AS \"_rowid\", * FROM \"\(table)\" WHERE rowid > ? ORDER BY rowid LIMIT ?",
                                 arguments: [start, batchRows]).map { row in
                    (row["_rowid"], try columns.map { try value(row[$0.0] as DatabaseValue, declared: $0.1, place: "\(table).\($0.0)") })
                }
            }
            guard let last = rows.last else { return }
            after = last.0
            var placeholders: [String] = []
            var values: [Value] = []
            for (_, row) in rows {
                let first = values.count
                placeholders.append("(" + row.indices.map { "$\(first + $0 + 1)" }.joined(separator: ", ") + ")")
                values += row
            }
            let sql = "INSERT INTO \"\(table)\" (\(names)) VALUES " + placeholders.joined(separator: ", ")
            try await connection.query(PostgresQuery(unsafeSQL: sql, binds: try bindings(values)), logger: logger)
        }
    }

    /// The value of a column as PostgreSQL's column type takes it; a value SQLite holds that does
    /// not fit its column's type stops the move (nothing is turned into NULL on the way).
    private static func value(_ stored: DatabaseValue, declared: String, place: String) throws -> Value {
        if stored.isNull { return .null }
        let converted: Value?
        switch declared {
        case "INTEGER": converted = Int64.fromDatabaseValue(stored).map { .integer($0) }
        case "DOUBLE": converted = Double.fromDatabaseValue(stored).map { .double($0) }
        case "BOOLEAN": converted = Bool.fromDatabaseValue(stored).map { .boolean($0) }
        case "DATETIME": converted = Date.fromDatabaseValue(stored).map { .date($0) }
        case "BLOB": converted = Data.fromDatabaseValue(stored).map { .bytes($0) }
        default: converted = String.fromDatabaseValue(stored).map { .text($0) }
        }
        guard let converted else {
            throw LabError(.unprocessable, "value_not_movable", "\(place) holds \(stored), which is not a \(declared.lowercased()).")
        }
        return converted
    }

    static func bindings(_ values: [Value]) throws -> PostgresBindings {
        var bindings = PostgresBindings(capacity: values.count)
        for value in values {
            switch value {
            case .null: bindings.appendNull()
            case .integer(let number): try bindings.append(number)
            case .double(let number): try bindings.append(number)
            case .boolean(let flag): try bindings.append(flag)
            case .date(let date): try bindings.append(date)
            case .text(let text): try bindings.append(text)
            case .bytes(let data): try bindings.append(ByteBuffer(bytes: data))
            }
        }
        return bindings
    }
}
