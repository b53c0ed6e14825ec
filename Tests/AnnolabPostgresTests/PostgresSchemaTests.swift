// The PostgreSQL migrations kept in step with SQLite's: after each named migration both databases hold the same schema.
import AnnolabCore
import Foundation
import GRDB
import Testing
@testable import AnnolabStore

/// A PostgreSQL for the tests: the one `.ci/test` started (ANNOLAB_TEST_POSTGRES), or a throwaway
/// cluster of Tests/Postgres/cluster.sh started here and stopped at the end.
final class TestPostgres: @unchecked Sendable {
    let url: String
    private let ownCluster: String?

    init() throws {
        if let given = ProcessInfo.processInfo.environment["ANNOLAB_TEST_POSTGRES"], !given.isEmpty {
            url = given
            ownCluster = nil
            return
        }
        let printed = try Self.run("/bin/bash", [Self.repositoryRoot.appendingPathComponent("Tests/Postgres/cluster.sh").path, "start"])
        var found: [String: String] = [:]
        for line in printed.split(separator: "\n") where line.hasPrefix("export ") {
            let pair = line.dropFirst("export ".count).split(separator: "=", maxSplits: 1).map(String.init)
            if pair.count == 2 { found[pair[0]] = pair[1] }
        }
        guard let started = found["ANNOLAB_TEST_POSTGRES"], let folder = found["ANNOLAB_TEST_POSTGRES_DIR"] else {
            throw LabError(.internalFailure, "test_postgres_missing", "Tests/Postgres/cluster.sh printed no address: \(printed)")
        }
        url = started
        ownCluster = folder
    }

    deinit {
        if let ownCluster {
            _ = try? Self.run("/bin/bash", [Self.repositoryRoot.appendingPathComponent("Tests/Postgres/cluster.sh").path, "stop", ownCluster])
        }
    }

    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// A new, empty database on the cluster, and its address.
    func freshDatabase() throws -> String {
        let name = "annolab_test_\(UUID().uuidString.prefix(8).lowercased())"
        _ = try psql(url, "CREATE DATABASE \(name);")
        return url.replacingOccurrences(of: #"/[^/]*$"#, with: "/\(name)", options: .regularExpression)
    }

    func dropDatabase(_ address: String) {
        guard let name = address.split(separator: "/").last else { return }
        _ = try? psql(url, "DROP DATABASE IF EXISTS \(name) WITH (FORCE);")
    }

    /// Runs `sql` with psql against `address`; returns its rows, one line each, columns split by tabs.
    func psql(_ address: String, _ sql: String) throws -> [[String]] {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("annolab-psql-\(UUID().uuidString).sql")
        try Data(sql.utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let printed = try Self.run("/usr/bin/psql", [address, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-tA", "-F", "\t", "-f", file.path])
        return printed.split(separator: "\n", omittingEmptySubsequences: true).map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
    }

    /// Runs a program to its end; returns its standard output or throws with its error output.
    static func run(_ program: String, _ arguments: [String]) throws -> String {
        let ended = try runChild(program, arguments)
        guard ended.status == 0 else {
            throw LabError(.internalFailure, "test_child_failed", "\(program) \(arguments.last ?? "") failed: \(ended.err)")
        }
        return ended.out
    }

    /// Runs a program to its end, with no input; returns its exit status, standard output and standard
    /// error (both written to files, so that neither can fill a pipe while the other is read).
    static func runChild(_ program: String, _ arguments: [String]) throws -> (status: Int32, out: String, err: String) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("annolab-child-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let outFile = folder.appendingPathComponent("out"), errFile = folder.appendingPathComponent("err")
        _ = FileManager.default.createFile(atPath: outFile.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errFile.path, contents: nil)
        let out = try FileHandle(forWritingTo: outFile), err = try FileHandle(forWritingTo: errFile)
        let child = ChildProcess()
        child.executableURL = URL(fileURLWithPath: program)
        child.arguments = arguments
        child.standardInput = FileHandle.nullDevice
        child.standardOutput = out
        child.standardError = err
        try child.run()
        child.waitUntilExit()
        try out.close()
        try err.close()
        return (child.terminationStatus, try String(contentsOf: outFile, encoding: .utf8), try String(contentsOf: errFile, encoding: .utf8))
    }
}

@Suite("PostgreSQL's schema kept in step with SQLite's")
struct PostgresSchemaTests {
    @Test("both lists name the same migrations in the same order")
    func sameNames() {
        #expect(PostgresSchema.migrations.map(\.name) == Schema.migrator.migrations)
    }

    @Test("after each migration, PostgreSQL and SQLite hold the same tables, columns, keys, checks, indexes and rows")
    func inStep() throws {
        let postgres = try TestPostgres()
        let address = try postgres.freshDatabase()
        defer { postgres.dropDatabase(address) }
        let sqlite = try DatabaseQueue()
        var applied = Set<String>()
        for name in Schema.migrator.migrations {
            try Schema.migrator.migrate(sqlite, upTo: name)
            _ = try postgres.psql(address, PostgresSchema.script(applied: applied, upTo: name))
            applied.insert(name)
            let lite = try sqlite.read { try SchemaFacts.sqlite($0) }
            let pg = try SchemaFacts.postgres(postgres, address)
            let onlySQLite = lite.subtracting(pg).sorted()
            let onlyPostgres = pg.subtracting(lite).sorted()
            #expect(onlySQLite.isEmpty && onlyPostgres.isEmpty,
                    "after \(name):\n only in SQLite:\n  \(onlySQLite.joined(separator: "\n  "))\n only in PostgreSQL:\n  \(onlyPostgres.joined(separator: "\n  "))")
            #expect(lite.count > 3 * applied.count, "after \(name) the comparison saw \(lite.count) facts")
        }
        let recorded = try postgres.psql(address, "SELECT \"identifier\" FROM \"schemaMigration\" ORDER BY \"appliedAt\", \"identifier\";")
        #expect(Set(recorded.map { $0[0] }) == Set(Schema.migrator.migrations))
        // Applying again with what is recorded changes nothing and fails nowhere.
        _ = try postgres.psql(address, PostgresSchema.script(applied: Set(recorded.map { $0[0] })))
        #expect(try postgres.psql(address, "SELECT count(*) FROM \"schemaMigration\";") == [["\(Schema.migrator.migrations.count)"]])
    }

    @Test("a difference is seen: a column that PostgreSQL lacks, and a check with another value")
    func differenceIsSeen() throws {
        let postgres = try TestPostgres()
        let address = try postgres.freshDatabase()
        defer { postgres.dropDatabase(address) }
        let sqlite = try DatabaseQueue()
        try Schema.migrator.migrate(sqlite)
        _ = try postgres.psql(address, PostgresSchema.script(applied: []))
        _ = try postgres.psql(address, """
            ALTER TABLE "alert" DROP COLUMN "acknowledgedAt";
            ALTER TABLE "mediaJob" DROP CONSTRAINT "mediaJob_state_check";
            ALTER TABLE "mediaJob" ADD CHECK ("state" IN ('waiting', 'working', 'ready'));
            """)
        let lite = try sqlite.read { try SchemaFacts.sqlite($0) }
        let pg = try SchemaFacts.postgres(postgres, address)
        #expect(lite.subtracting(pg) == [
            "column alert.acknowledgedAt datetime null default=-",
            "check mediaJob.state failed,ready,waiting,working",
        ])
        #expect(pg.subtracting(lite) == ["check mediaJob.state ready,waiting,working"])
    }
}
