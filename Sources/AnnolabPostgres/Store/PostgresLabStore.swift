// The lab's store in PostgreSQL: opening and migrating it, and the one place that runs its transactions.
import AnnolabCore
import AnnolabStore
import Foundation
import Logging
import PostgresNIO
import Synchronization

/// A lab kept in PostgreSQL, for several servers sharing one store. Its methods have the same names,
/// arguments and answers as ``LabStore``'s (the ``LabStoring`` interface), each one PostgreSQL
/// transaction; media stay in a folder (`mediaFolder`), which servers share.
///
/// Being built: the methods are ported one area at a time, each with a test that compares its answers
/// with ``LabStore``'s on the same lab; until every area is there, it does not serve a lab.
///
/// ```swift
/// let store = try await PostgresLabStore(address: PostgresAddress("postgres://annolab@db/lab"),
///                                        folder: URL(fileURLWithPath: "/srv/lab"), logger: logger)
/// defer { store.close() }
/// let client = try await store.createClient(name: "Newsroom")
/// ```
public final class PostgresLabStore: Sendable {
    /// The lab's folder: its `media/` folder is here.
    public let folder: URL
    /// Where imported media and the tiles and clips cut from them are kept.
    public let mediaFolder: URL
    let client: PostgresClient
    let logger: Logger
    private let running: Task<Void, Never>
    /// The background worker's claim on the database (``mayRunBackgroundWork()``): whether it is held,
    /// and the task whose connection holds it.
    let worker = Mutex<(held: Bool, trying: Bool, holder: Task<Void, Never>?)>((false, false, nil))

    /// PostgreSQL has no group commit here: each write is its own transaction.
    public var lastCommitBatchSize: Int { 0 }

    /// Connects, and brings the database's schema up to date (a database made by a newer Annolab is
    /// refused and left as it is). Several servers starting at once migrate one after the other.
    public init(address: PostgresAddress, folder: URL, connections: Int = 20, logger: Logger) async throws {
        self.folder = folder
        self.mediaFolder = folder.appendingPathComponent("media", isDirectory: true)
        do {
            try FileManager.default.createDirectory(at: mediaFolder, withIntermediateDirectories: true)
        } catch {
            throw LabError(.internalFailure, "data_folder_unusable",
                           "The media folder \(mediaFolder.path) cannot be created or written: \(error.localizedDescription)")
        }
        self.logger = logger
        let client = PostgresClient(configuration: address.clientConfiguration(connections: connections), backgroundLogger: logger)
        self.client = client
        running = Task { await client.run() }
        do {
            try await Self.migrate(client, logger: logger)
        } catch {
            running.cancel()
            // A refusal made inside the migration's transaction comes back wrapped in the driver's error.
            if let labError = ((error as? PostgresTransactionError)?.closureError ?? error) as? LabError { throw labError }
            throw LabError(.unavailable, "database_unreachable", "PostgreSQL at \(address) cannot be used: \(String(reflecting: error))")
        }
    }

    /// Ends the connections.
    public func close() {
        worker.withLock { $0.holder?.cancel() }
        running.cancel()
    }

    static func migrate(_ client: PostgresClient, logger: Logger) async throws {
        try await client.withTransaction(logger: logger) { db in
            // One server at a time: the others wait here, then find the schema made.
            try await db.query("SELECT pg_advisory_xact_lock(\(Self.migrationLock))", logger: logger)
            var applied = Set<String>()
            let exists = try await db.query("""
                SELECT EXISTS (SELECT 1 FROM pg_tables WHERE schemaname = current_schema() AND tablename = \(PostgresSchema.migrationTable))
                """, logger: logger).collect().first?.decode(Bool.self) ?? false
            if exists {
                let rows = try await db.query(PostgresQuery(unsafeSQL: "SELECT \"identifier\" FROM \"\(PostgresSchema.migrationTable)\""),
                                              logger: logger).collect()
                applied = Set(try rows.map { try $0.decode(String.self) })
            }
            let unknown = applied.subtracting(PostgresSchema.migrations.map(\.name))
            guard unknown.isEmpty else {
                throw LabError(.internalFailure, "database_too_new",
                               "This database was made by a newer version of Annolab (\(unknown.sorted().joined(separator: ", "))). Update Annolab to open it; nothing was changed.")
            }
            for statement in PostgresSchema.statements(applied: applied) {
                try await db.query(PostgresQuery(unsafeSQL: statement), logger: logger)
            }
        }
    }

    static let storageFailure: LabError.Code = "storage_failure"

    /// The key of the advisory lock held while migrating ("annolab" in ASCII).
    static let migrationLock: Int64 = 0x616e_6e6f_6c61_62

    /// Runs reads in one read-only transaction that sees one moment of the database (as a read of
    /// ``LabStore`` sees one snapshot), mapping database failures to a plain error.
    func read<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        do {
            return try await client.withConnection { connection in
                try await connection.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", logger: logger)
                do {
                    let result = try await body(connection)
                    try await connection.query("COMMIT", logger: logger)
                    return result
                } catch {
                    try? await connection.query("ROLLBACK", logger: logger)
                    throw error
                }
            }
        } catch {
            throw failure(error)
        }
    }

    /// Runs `body` as one transaction: all of it is kept, or (when it throws) none of it.
    func write<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        do {
            return try await client.withTransaction(logger: logger) { connection in try await body(connection) }
        } catch let error as PostgresTransactionError {
            // Another server's operators hold the places: the engine looks further, so it passes as it is.
            if let taken = error.closureError as? PlacesTaken { throw taken }
            throw failure(error)
        } catch {
            throw failure(error)
        }
    }

    /// The plain error for the caller; what PostgreSQL said goes to the log when the plain words hide it.
    private func failure(_ error: any Error) -> LabError {
        let plain = Self.plain(error)
        if plain.code == Self.storageFailure {
            logger.error("A PostgreSQL store call failed", metadata: ["error": "\(String(reflecting: error))"])
        }
        return plain
    }

    /// The lab's own error for a failure: a ``LabError`` thrown inside stays itself; PostgreSQL's
    /// unique and foreign-key violations read as ``LabStore``'s do; anything else is a plain storage failure.
    static func plain(_ error: any Error) -> LabError {
        if let labError = error as? LabError { return labError }
        if let transaction = error as? PostgresTransactionError {
            if let inner = transaction.closureError { return plain(inner) }
            if let begin = transaction.beginError { return plain(begin) }
            if let commit = transaction.commitError { return plain(commit) }
        }
        if let failure = error as? PSQLError, let code = failure.serverInfo?[.sqlState] {
            switch code {
            case PostgresError.Code.uniqueViolation.raw:
                return LabError(.conflict, "already_exists", "Something with the same name or code is already there.")
            case PostgresError.Code.foreignKeyViolation.raw:
                return LabError(.unprocessable, "unknown_reference", "This refers to something that does not exist.")
            default:
                break
            }
        }
        return LabError(.internalFailure, storageFailure, "The lab could not store this. Nothing was changed. Please try again.")
    }
}

extension PostgresLabStore {
    /// Every row of a query as records of `type`, read by column names.
    func all<T: Decodable>(_ type: T.Type, _ query: PostgresQuery, on db: PostgresConnection) async throws -> [T] {
        try await db.query(query, logger: logger).collect().map { try PostgresRecordDecoder.decode(type, from: $0) }
    }

    /// The first row of a query as a record of `type`; nil when there is none.
    func one<T: Decodable>(_ type: T.Type, _ query: PostgresQuery, on db: PostgresConnection) async throws -> T? {
        try await all(type, query, on: db).first
    }

    /// A row limit as SQLite takes it: a negative one means no limit (PostgreSQL's LIMIT NULL).
    static func limit(_ limit: Int) -> Int64? { limit < 0 ? nil : Int64(limit) }

    /// A number the query counts (its first column of its first row).
    func count(_ query: PostgresQuery, on db: PostgresConnection) async throws -> Int {
        Int(try await db.query(query, logger: logger).collect().first?.decode(Int64.self) ?? 0)
    }

    /// Inserts a record into its table; returns the id the database gave it.
    @discardableResult
    func insert(_ record: some Encodable, into table: String, on db: PostgresConnection) async throws -> Int64 {
        let query = try PostgresRecordEncoder.insert(record, into: table, suffix: "RETURNING \"id\"")
        guard let id = try await db.query(query, logger: logger).collect().first?.decode(Int64.self) else {
            throw LabError(.internalFailure, "storage_failure", "PostgreSQL gave no id for the new \(table).")
        }
        return id
    }

    /// Inserts a record of a table whose key is not a generated id.
    func insertKeyed(_ record: some Encodable, into table: String, on db: PostgresConnection) async throws {
        try await db.query(try PostgresRecordEncoder.insert(record, into: table), logger: logger)
    }
}

extension PostgresLabStore {
    /// The key of the advisory lock the server running the lab's background work holds ("annowork" in ASCII).
    static let workerLock: Int64 = 0x616e_6e6f_776f_726b

    /// Whether this server runs the lab's background work: of the servers on one database, the one whose
    /// connection holds an advisory lock, for as long as that connection lives. A server that dies loses it
    /// with its connection, and the next server that asks takes it over.
    public func mayRunBackgroundWork() async -> Bool {
        let start = worker.withLock { state -> Bool in
            guard !state.held, !state.trying else { return false }
            state.trying = true
            return true
        }
        guard start else { return worker.withLock { $0.held } }
        let (answer, told) = AsyncStream<Bool>.makeStream()
        let holder = Task { [self] in
            do {
                try await client.withConnection { connection in
                    let got = try await connection.query("SELECT pg_try_advisory_lock(\(Self.workerLock))", logger: logger)
                        .collect().first?.decode(Bool.self) ?? false
                    worker.withLock { $0.held = got; $0.trying = false }
                    told.yield(got)
                    guard got else { return }
                    // Held while the connection lives: until the store closes, or the connection breaks. The
                    // connection goes back to the pool: the lock is let go first.
                    do {
                        while !Task.isCancelled {
                            try await Task.sleep(for: .seconds(5))
                            _ = try await connection.query("SELECT 1", logger: logger).collect()
                        }
                    } catch {
                        _ = try? await connection.query("SELECT pg_advisory_unlock_all()", logger: logger).collect()
                        throw error
                    }
                }
            } catch {
                logger.warning("The claim on the lab's background work ended", metadata: ["error": "\(String(reflecting: error))"])
            }
            worker.withLock { $0.held = false; $0.trying = false }
            told.yield(false)
            told.finish()
        }
        worker.withLock { $0.holder = holder }
        var iterator = answer.makeAsyncIterator()
        return await iterator.next() ?? false
    }
}
