// Of the servers on one PostgreSQL, one at a time runs the lab's background work (programmes, models), and another takes over when it stops.
import AnnolabCore
import AnnolabPostgres
import AnnolabStore
import Foundation
import Logging
import Testing

@Suite("One server at a time runs the background work")
struct BackgroundWorkClaimTests {
    @Test("the first server to ask runs the background work, a second does not, and takes it over once the first is gone; SQLite's one server always does")
    func oneWorkerAtATime() async throws {
        let postgres = try TestPostgres()
        let address = try postgres.freshDatabase()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("annolab-worker-\(UUID().uuidString)")
        defer {
            postgres.dropDatabase(address)
            try? FileManager.default.removeItem(at: folder)
        }
        let first = try await PostgresLabStore(address: try PostgresAddress(address), folder: folder, logger: Logger(label: "first"))
        let second = try await PostgresLabStore(address: try PostgresAddress(address), folder: folder, logger: Logger(label: "second"))
        defer { second.close() }
        #expect(await first.mayRunBackgroundWork())
        #expect(await first.mayRunBackgroundWork(), "asked again, it still holds it")
        #expect(!(await second.mayRunBackgroundWork()))
        first.close()
        var tookOver = false
        let asked = ContinuousClock.now
        while !tookOver, ContinuousClock.now - asked < .seconds(10) {
            tookOver = await second.mayRunBackgroundWork()
            if !tookOver { try await Task.sleep(for: .milliseconds(200)) }
        }
        #expect(tookOver, "the second server took the background work over once the first was gone")
        let sqlite = try LabStore(folder: folder.appendingPathComponent("sqlite"))
        #expect(await sqlite.mayRunBackgroundWork())
    }
}
