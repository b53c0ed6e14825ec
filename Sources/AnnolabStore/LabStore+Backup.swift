// Copying a running lab's database with SQLite's online backup API, and checking a copy before it is used.
import AnnolabCore
import Foundation
import GRDB

/// What a copy of the lab database holds: the schema it is at and the lab's main counts.
public struct DatabaseCopyFacts: Sendable, Equatable {
    /// The schema migrations applied to the copy, in the order this Annolab applies them.
    public var migrations: [String]
    public var answers: Int
    public var users: Int
    public var projects: Int
    public var microtasks: Int
}

extension LabStore {
    /// Copies the database of the lab in `folder` into the new file `copy`, while a server may
    /// go on answering from it.
    ///
    /// SQLite's online backup API (GRDB's `DatabaseReader.backup(to:)`) copies every page in one
    /// step, inside one read transaction of its own connection: the copy is the database as it
    /// stood at one instant. Every answer acknowledged before the call is in it; a write that is
    /// still in flight is in it whole or not at all. In WAL mode the server's writers are not
    /// held up meanwhile. The copy is then switched out of WAL mode, so that it is one
    /// self-contained file, and must pass `PRAGMA integrity_check`.
    ///
    /// ```swift
    /// let facts = try LabStore.copyDatabase(in: URL(fileURLWithPath: "data"), to: scratch)
    /// print(facts.answers)
    /// ```
    public static func copyDatabase(in folder: URL, to copy: URL) throws -> DatabaseCopyFacts {
        let path = folder.appendingPathComponent("annolab.sqlite").path
        guard FileManager.default.fileExists(atPath: path) else {
            throw LabError(.notFound, "no_lab", "There is no lab in \(folder.path).")
        }
        do {
            var configuration = Configuration()
            configuration.busyMode = .timeout(10)
            let source = try DatabaseQueue(path: path, configuration: configuration)
            let destination = try DatabaseQueue(path: copy.path)
            try source.backup(to: destination)
            try source.close()
            try destination.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA journal_mode = DELETE") }
            let facts = try checkedFacts(destination, problem: "The copy of the lab database")
            try destination.close()
            return facts
        } catch let error as LabError {
            throw error
        } catch {
            throw LabError(.internalFailure, "backup_database_failed",
                           "The lab database could not be copied: \(error). Nothing was written; try again.")
        }
    }

    /// Checks a database file unpacked from a backup, without changing it: it must pass
    /// `PRAGMA integrity_check` and be at a schema this Annolab knows.
    public static func checkDatabaseCopy(at file: URL) throws -> DatabaseCopyFacts {
        do {
            var configuration = Configuration()
            configuration.readonly = true
            let database = try DatabaseQueue(path: file.path, configuration: configuration)
            let facts = try checkedFacts(database, problem: "The database in the backup")
            try refuseUnknownMigrations(facts.migrations)
            try database.close()
            return facts
        } catch let error as LabError {
            throw error
        } catch {
            throw LabError(.unprocessable, "backup_database_unreadable",
                           "The database in the backup cannot be read: \(error). Nothing was restored; use another backup.")
        }
    }

    /// Refuses a schema with migrations this Annolab does not have (a lab made by a newer one).
    public static func refuseUnknownMigrations(_ migrations: [String]) throws {
        let known = Set(knownMigrations)
        if let unknown = migrations.first(where: { !known.contains($0) }) {
            throw LabError(.unprocessable, "backup_too_new",
                           "This backup was made by a newer Annolab (its schema has \(unknown)). Update Annolab to restore it; nothing was restored.")
        }
    }

    /// Runs the integrity check and reads the schema and counts of a database copy.
    static func checkedFacts(_ reader: any DatabaseReader, problem: String) throws -> DatabaseCopyFacts {
        try reader.read { db in
            let integrity = try String.fetchAll(db, sql: "PRAGMA integrity_check")
            guard integrity == ["ok"] else {
                throw LabError(.unprocessable, "backup_integrity_failed",
                               "\(problem) fails SQLite's integrity check (\(integrity.first ?? "no answer")). Nothing was kept; use another copy.")
            }
            let order = Dictionary(uniqueKeysWithValues: knownMigrations.enumerated().map { ($1, $0) })
            let applied = try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations ORDER BY rowid")
            func count(_ table: String) throws -> Int { try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table)") ?? 0 }
            return DatabaseCopyFacts(
                migrations: applied.enumerated().sorted { (order[$0.element] ?? Int.max, $0.offset) < (order[$1.element] ?? Int.max, $1.offset) }
                    .map(\.element),
                answers: try count("answer"), users: try count("user"), projects: try count("project"),
                microtasks: try count("microtask"))
        }
    }
}
