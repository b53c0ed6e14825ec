// Stories about the lab's database: new folders, older folders, newer folders, integrity.
import AnnolabCore
import Foundation
import GRDB
import Testing
@testable import AnnolabStore

func temporaryFolder(_ name: String = "annolab") -> URL {
    let url = FileManager.default.temporaryDirectory
        .appendingPathComponent("\(name)-\(UUID().uuidString)", isDirectory: true)
    try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

@Suite("The lab's database")
struct MigrationTests {
    @Test("a new data folder gets every migration, in WAL mode, with foreign keys on")
    func newFolder() async throws {
        let folder = temporaryFolder()
        let store = try LabStore(folder: folder)
        #expect(try store.appliedMigrations() == LabStore.knownMigrations)
        #expect(LabStore.knownMigrations.count >= 4)
        let mode = try await store.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") }
        #expect(mode == "wal")
        let foreignKeys = try await store.read { db in try Bool.fetchOne(db, sql: "PRAGMA foreign_keys") }
        #expect(foreignKeys == true)
        let synchronous = try await store.read { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") }
        #expect(synchronous == 2, "synchronous=FULL keeps acknowledged writes through a crash")
        #expect(try store.integrityCheck() == "ok")
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("media").path))
    }

    @Test("a folder made by an older version is migrated and keeps what it held")
    func olderFolderIsMigrated() async throws {
        let folder = temporaryFolder()
        let path = folder.appendingPathComponent("annolab.sqlite").path
        // An Annolab that only knew the first migration made this folder and added a coach.
        do {
            let old = try DatabaseQueue(path: path)
            try Schema.migrator.migrate(old, upTo: "v1-accounts")
            try await old.write { db in
                try db.execute(sql: """
                    INSERT INTO user (role, name, email, passwordHash, createdAt)
                    VALUES ('coach', 'Coach from before', 'old@lab.local', 'x', '2026-01-05 09:00:00.000')
                    """)
            }
            let tables = try await old.read { db in try db.tableExists("project") }
            #expect(tables == false)
        }
        let store = try LabStore(folder: folder)
        #expect(try store.appliedMigrations() == LabStore.knownMigrations)
        let coach = try await store.user(email: "old@lab.local")
        #expect(coach?.name == "Coach from before")
        // The new tables work: the old coach can get an operator and the wage table is seeded.
        let op = try await store.createUser(NewUser(role: .operator, name: "New operator", badge: "OP-NEW1", coachId: coach?.id))
        #expect(try await store.operators(ofCoach: coach!.id!).map(\.id) == [op.id])
        let wages = try await store.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM minimumWage") }
        #expect(wages == 7)
    }

    @Test("a folder made by a newer version is refused and left untouched")
    func newerFolderIsRefused() async throws {
        let folder = temporaryFolder()
        _ = try LabStore(folder: folder)
        let path = folder.appendingPathComponent("annolab.sqlite").path
        let queue = try DatabaseQueue(path: path)
        try await queue.write { db in
            try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v99-from-the-future')")
        }
        try queue.close()
        let error = #expect(throws: LabError.self) { try LabStore(folder: folder) }
        #expect(error?.code == "database_too_new")
        let applied = try await DatabaseQueue(path: path).read { db in try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations") }
        #expect(applied.contains("v99-from-the-future"))
    }

    @Test("a row that points at nothing is refused by the foreign keys")
    func foreignKeysHold() async throws {
        let store = try LabStore(folder: temporaryFolder())
        let error = await #expect(throws: LabError.self) {
            try await store.createProject(
                Project(clientId: 4242, name: "Orphan", template: .choice, labels: ["a", "b"], overlap: 3,
                        adaptiveMin: nil, adaptiveMax: nil, goldRate: 0.1, deadline: nil, createdAt: Date()),
                actor: nil)
        }
        #expect(error?.code == "unknown_reference")
        #expect(try await store.projects(clientId: nil).isEmpty)
    }

    @Test("the same badge cannot be given twice")
    func badgeIsUnique() async throws {
        let store = try LabStore(folder: temporaryFolder())
        _ = try await store.createUser(NewUser(role: .operator, name: "First", badge: "OP-AAAA"))
        let error = await #expect(throws: LabError.self) {
            try await store.createUser(NewUser(role: .operator, name: "Second", badge: "OP-AAAA"))
        }
        #expect(error?.code == "badge_taken")
        #expect(try await store.userCount() == 1)
    }
}
