// The lab's SQLite database in a data folder: opening, migrating, and the one place that writes.
import AnnolabCore
import Foundation
import GRDB

/// The lab's persistent state, kept in SQLite (WAL mode) inside a data folder.
///
/// The engine and the server ask the store for things in the lab's own words ("find the
/// user with this badge", "create this project"); SQL stays inside this target.
///
/// ```swift
/// let store = try LabStore(folder: URL(fileURLWithPath: "data"))
/// let admin = try await store.createUser(NewUser(role: .admin, name: "Sam"))
/// ```
public final class LabStore: Sendable {
    /// The data folder: `annolab.sqlite` and the `media/` folder live here.
    public let folder: URL
    /// Where imported media and the tiles and clips cut from them are kept.
    public let mediaFolder: URL
    let pool: DatabasePool
    let committer: GroupCommitter

    /// Opens (and creates, when needed) the lab in `folder`, bringing an older schema up to date.
    public init(folder: URL) throws {
        self.folder = folder
        self.mediaFolder = folder.appendingPathComponent("media", isDirectory: true)
        let files = FileManager.default
        do {
            try files.createDirectory(at: mediaFolder, withIntermediateDirectories: true)
        } catch {
            throw LabError(.internalFailure, "data_folder_unusable",
                           "The data folder \(folder.path) cannot be created or written: \(error.localizedDescription)")
        }
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in
            // An acknowledged write must survive a crash of the process or the machine.
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        let path = folder.appendingPathComponent("annolab.sqlite").path
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
        } catch {
            throw LabError(.internalFailure, "database_unreadable",
                           "The lab database at \(path) cannot be opened: \(error)")
        }
        try Self.migrate(pool)
        do {
            // Leases are committed without waiting for the disk; a power cut may lose the last ones,
            // and their ids with them. New ids start well past them, so that an answer a browser
            // still sends on a lost lease can never land on another task given the same id.
            try pool.write { db in
                try db.execute(sql: "UPDATE sqlite_sequence SET seq = seq + 10000 WHERE name = 'assignment'")
            }
        } catch {
            throw LabError(.internalFailure, "database_unwritable", "The lab database at \(path) cannot be written: \(error)")
        }
        committer = GroupCommitter(writer: pool)
    }

    /// The names of the migrations this version knows, oldest first.
    public static var knownMigrations: [String] { Schema.migrator.migrations }

    static func migrate(_ writer: any DatabaseWriter) throws {
        let migrator = Schema.migrator
        let superseded = try writer.read { db in try migrator.hasBeenSuperseded(db) }
        if superseded {
            throw LabError(.internalFailure, "database_too_new",
                           "This data folder was made by a newer version of Annolab. Update Annolab to open it; nothing was changed.")
        }
        try migrator.migrate(writer)
    }

    /// The migrations applied to this store, oldest first.
    public func appliedMigrations() throws -> [String] {
        try pool.read { db in try Schema.migrator.completedMigrations(db) }
    }

    /// SQLite's own consistency check; "ok" when the file is sound.
    public func integrityCheck() throws -> String {
        try pool.read { db in try String.fetchOne(db, sql: "PRAGMA integrity_check") ?? "no answer" }
    }

    /// Runs a read in the pool's readers, mapping database failures to a plain error.
    package func read<T: Sendable>(_ body: @Sendable (Database) throws -> T) async throws -> T {
        do { return try await pool.read(body) } catch let error as LabError { throw error } catch {
            throw Self.plain(error)
        }
    }

    /// The one place that decides transaction boundaries: each call is one transaction.
    package func write<T: Sendable>(_ body: @Sendable (Database) throws -> T) async throws -> T {
        do { return try await pool.write(body) } catch let error as LabError { throw error } catch {
            throw Self.plain(error)
        }
    }

    /// A write that shares its durable commit with the writes arriving at the same time.
    /// `durable: false` only for leases: see ``GroupCommitter``.
    package func groupWrite<T: Sendable>(durable: Bool = true,
                                         _ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await committer.write(durable: durable, body)
    }

    /// How many writes shared the last group commit (0 before the first): how much the lab's
    /// writes are bunching up, shown at `/metrics`.
    public var lastCommitBatchSize: Int { committer.lastBatchSize }

    static func plain(_ error: any Error) -> LabError {
        if let cause = StorageFailure.cause(of: error) { return StorageFailure.labError(cause) }
        if let db = error as? DatabaseError {
            switch db.extendedResultCode {
            case .SQLITE_CONSTRAINT_UNIQUE, .SQLITE_CONSTRAINT_PRIMARYKEY:
                return LabError(.conflict, "already_exists", "Something with the same name or code is already there.")
            case .SQLITE_CONSTRAINT_FOREIGNKEY:
                return LabError(.unprocessable, "unknown_reference", "This refers to something that does not exist.")
            default:
                break
            }
        }
        return LabError(.internalFailure, "storage_failure", "The lab could not store this. Nothing was changed. Please try again.")
    }
}
