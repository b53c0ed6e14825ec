// `annolab migrate`: the demo lab, with operators' answers, moved from its data folder into PostgreSQL and checked from outside.
import AnnolabCore
import AnnolabPostgres
import AnnolabServer
import AnnolabStore
import Foundation
import GRDB
import Testing

/// The built `annolab` program, next to the test bundle.
let annolabProgram: URL = {
    var folder = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
    for _ in 0..<4 {
        folder.deleteLastPathComponent()
        let candidate = folder.appendingPathComponent("annolab")
        if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
    }
    return TestPostgres.repositoryRoot.appendingPathComponent(".build/debug/annolab")
}()

/// Runs `annolab` with `arguments`; returns its exit status, standard output and standard error.
private func annolab(_ arguments: [String]) throws -> (status: Int32, out: String, err: String) {
    try TestPostgres.runChild(annolabProgram.path, arguments)
}

/// An empty database to move into and a data folder to move from, both removed by `clear()`.
private struct MoveScene {
    let postgres: TestPostgres
    let address: String
    let data = FileManager.default.temporaryDirectory.appendingPathComponent("annolab-move-\(UUID().uuidString)")

    init() throws {
        postgres = try TestPostgres()
        address = try postgres.freshDatabase()
    }

    func clear() {
        postgres.dropDatabase(address)
        try? FileManager.default.removeItem(at: data)
    }
}

@Suite("annolab migrate: a lab moved from SQLite into PostgreSQL")
struct LabMoveTests {
    @Test("the demo lab with answers moves whole: every count and the answers' checksum equal, the rows read back by psql, ids go on; a second move is refused")
    func demoLabMoves() async throws {
        let scene = try MoveScene()
        defer { scene.clear() }
        let (postgres, address, data) = (scene.postgres, scene.address, scene.data)

        // The demo lab as `annolab demo` makes it, then operators answer its choice questions.
        let store = try LabStore(folder: data)
        #expect(try await DemoLab.seedIfEmpty(store: store))
        let server = try await LabServer.open(store: store, options: .init(logLevel: .warning))
        try await DemoLab.addSampleMedia(server: server)
        await server.programmeJobs.runAll()
        let operators = try await store.allUsers().filter { $0.role == .operator }
        for person in operators.prefix(3) {
            let id = try #require(person.id)
            _ = try await server.engine.startShift(operatorId: id, startedBy: nil)
            for number in 0..<4 {
                guard let served = try await server.engine.next(operatorId: id, only: [.choice]) else { break }
                _ = try await server.engine.answer(operatorId: id, assignmentId: served.assignmentId,
                                                   answer: AnswerBody(choice: served.labels[number % served.labels.count]),
                                                   idempotencyKey: "move-\(id)-\(number)")
            }
        }
        let answers = try await store.answerCount()
        #expect(answers >= 6, "operators answered \(answers) questions")

        let moved = try annolab(["migrate", "--from", data.path, "--to", address])
        #expect(moved.status == 0, "\(moved.err)")
        #expect(moved.out.contains("every count and the answers' checksum equal"), "\(moved.out)")
        #expect(!moved.out.contains("DIFFERENT"))
        let answerLine = moved.out.split(separator: "\n").first { $0.hasPrefix("answer ") }.map(String.init) ?? ""
        #expect(answerLine.split(separator: " ").compactMap { Int($0) } == [answers, answers], "\(answerLine)")

        // Read back from outside: the rows, their ids and their bytes are the lab's own.
        let sqliteRows = try await store.read { db in
            try Row.fetchAll(db, sql: "SELECT id, body, response FROM answer ORDER BY id").map { ["\($0[0] as Int64)", $0[1] as String, $0[2] as String] }
        }
        let postgresRows = try postgres.psql(address, #"SELECT "id", "body", "response" FROM "answer" ORDER BY "id";"#)
        #expect(postgresRows == sqliteRows)
        for table in ["user", "project", "item", "microtask", "assignment", "shift", "timeSegment", "apiToken", "minimumWage"] {
            let lite = try await store.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM \"\(table)\"") ?? -1 }
            #expect(try postgres.psql(address, "SELECT count(*) FROM \"\(table)\";") == [["\(lite)"]], "\(table)")
        }
        let names = try await store.read { try String.fetchAll($0, sql: "SELECT name FROM project ORDER BY id") }
        #expect(try postgres.psql(address, #"SELECT "name" FROM "project" ORDER BY "id";"#).map { $0[0] } == names)
        // New ids go on after the moved ones, past what SQLite ever gave.
        let lastAssignment = try await store.read { try Int64.fetchOne($0, sql: "SELECT seq FROM sqlite_sequence WHERE name = 'assignment'") ?? 0 }
        let nextClient = try postgres.psql(address, #"INSERT INTO "client" ("name", "createdAt") VALUES ('after the move', now()) RETURNING "id";"#)
        let lastClient = try await store.read { try Int64.fetchOne($0, sql: "SELECT max(id) FROM client") ?? 0 }
        #expect(Int64(nextClient.first?.first ?? "") ?? 0 > lastClient)
        let assignmentSequence = try postgres.psql(address, #"SELECT last_value FROM pg_sequences WHERE sequencename = 'assignment_id_seq';"#)
        #expect(Int64(assignmentSequence.first?.first ?? "") == lastAssignment)

        // The test cluster offers no TLS: an address that requires it is refused, and nothing is written.
        let encrypted = try annolab(["migrate", "--from", data.path, "--to", address + "?sslmode=require"])
        #expect(encrypted.status != 0)
        #expect(encrypted.err.contains("cannot be reached"), "\(encrypted.err)")
        // The same database again: refused, and what is there stays.
        let again = try annolab(["migrate", "--from", data.path, "--to", address])
        #expect(again.status != 0)
        #expect(again.err.contains("is not empty"), "\(again.err)")
        #expect(try postgres.psql(address, #"SELECT count(*) FROM "answer";"#) == [["\(answers)"]])
    }

    @Test("a move that fails on the way keeps nothing: a date SQLite took that is not a date stops it, and the database stays empty")
    func failedMoveKeepsNothing() async throws {
        let scene = try MoveScene()
        defer { scene.clear() }
        let (postgres, address, data) = (scene.postgres, scene.address, scene.data)
        let store = try LabStore(folder: data)
        _ = try await store.createUser(NewUser(role: .admin, name: "Sam", email: "sam@lab.example"))
        // SQLite keeps whatever text it is given; a hand-edited row ends up like this.
        let queue = try DatabaseQueue(path: data.appendingPathComponent("annolab.sqlite").path)
        try await queue.write { try $0.execute(sql: "INSERT INTO client (name, createdAt) VALUES ('Newsroom', 'last Tuesday')") }
        try queue.close()

        let moved = try annolab(["migrate", "--from", data.path, "--to", address])
        #expect(moved.status != 0)
        #expect(moved.err.contains("nothing was kept there"), "\(moved.err)")
        #expect(moved.err.contains("client.createdAt"), "\(moved.err)")
        let left = try postgres.psql(address, """
            SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public';
            """)
        #expect(left == [["0"]], "the database holds nothing after the failed move")
    }

    @Test("a wrong address, an unreachable database and a folder without a lab are refused in plain words")
    func refusals() throws {
        let empty = FileManager.default.temporaryDirectory.appendingPathComponent("annolab-nolab-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: empty) }
        let noLab = try annolab(["migrate", "--from", empty.path, "--to", "postgres://annolab@127.0.0.1:1/lab"])
        #expect(noLab.status != 0)
        #expect(noLab.err.contains("There is no lab in"), "\(noLab.err)")

        let data = FileManager.default.temporaryDirectory.appendingPathComponent("annolab-move-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: data) }
        _ = try LabStore(folder: data)
        let wrong = try annolab(["migrate", "--from", data.path, "--to", "mysql://root:secret@db/lab"])
        #expect(wrong.status != 0)
        #expect(wrong.err.contains("is not a PostgreSQL address"), "\(wrong.err)")
        #expect(!wrong.err.contains("secret"), "the password is not repeated")
        let unknown = try annolab(["migrate", "--from", data.path, "--to", "postgres://annolab@127.0.0.1:1/lab?application_name=x"])
        #expect(unknown.status != 0)
        #expect(unknown.err.contains("takes only sslmode"), "\(unknown.err)")
        let unreachable = try annolab(["migrate", "--from", data.path, "--to", "postgres://annolab@127.0.0.1:1/lab"])
        #expect(unreachable.status != 0)
        #expect(unreachable.err.contains("cannot be reached"), "\(unreachable.err)")
    }
}
