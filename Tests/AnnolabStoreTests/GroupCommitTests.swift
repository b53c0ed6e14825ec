// Writes that share one group commit: a failing write is undone alone, the others are stored.
import AnnolabCore
import Foundation
import GRDB
import Testing
@testable import AnnolabStore

@Suite("Group commit")
struct GroupCommitTests {
    struct Refused: Error {}

    @Test("in one round, a write that fails half-way is undone alone and each caller hears its own outcome")
    func failingWriteIsUndoneAlone() async throws {
        let store = try LabStore(folder: temporaryFolder())
        _ = try await store.groupWrite { db in
            try db.execute(sql: "CREATE TABLE scratch (n INTEGER PRIMARY KEY, note TEXT NOT NULL)")
        }
        // The writer is held busy, so that the writes below queue up and share the next rounds.
        async let hold: Void = store.groupWrite { _ in Thread.sleep(forTimeInterval: 0.3) }
        try await Task.sleep(for: .milliseconds(50))
        let outcomes = await withTaskGroup(of: (Int, Bool).self) { group in
            for n in 1...120 {
                group.addTask {
                    do {
                        let stored = try await store.groupWrite { db -> Int in
                            try db.execute(sql: "INSERT INTO scratch (n, note) VALUES (?, 'kept')", arguments: [n])
                            // Every seventh write fails after it has written: its row must not stay.
                            if n % 7 == 0 { throw Refused() }
                            return n
                        }
                        return (stored, true)
                    } catch {
                        return (n, false)
                    }
                }
            }
            var all: [Int: Bool] = [:]
            for await (n, ok) in group { all[n] = ok }
            return all
        }
        try await hold
        let stored = try await store.read { db in try Int.fetchAll(db, sql: "SELECT n FROM scratch ORDER BY n") }
        let expected = (1...120).filter { $0 % 7 != 0 }
        #expect(stored == expected)
        #expect(outcomes.filter(\.value).keys.sorted() == expected)
        #expect(outcomes.filter { !$0.value }.keys.sorted() == (1...120).filter { $0 % 7 == 0 })
        #expect(try store.integrityCheck() == "ok")
    }

    @Test("rounds take many writes together when they arrive at once")
    func roundsShareWrites() async throws {
        let store = try LabStore(folder: temporaryFolder())
        _ = try await store.groupWrite { db in try db.execute(sql: "CREATE TABLE scratch (n INTEGER PRIMARY KEY)") }
        async let hold: Void = store.groupWrite { _ in Thread.sleep(forTimeInterval: 0.3) }
        try await Task.sleep(for: .milliseconds(50))
        try await withThrowingTaskGroup(of: Void.self) { group in
            for n in 1...50 {
                group.addTask {
                    _ = try await store.groupWrite { db in
                        try db.execute(sql: "INSERT INTO scratch (n) VALUES (?)", arguments: [n])
                    }
                }
            }
            try await group.waitForAll()
        }
        try await hold
        #expect(store.lastCommitBatchSize > 1, "the queued writes were committed together")
        let count = try await store.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM scratch") }
        #expect(count == 50)
    }
}
