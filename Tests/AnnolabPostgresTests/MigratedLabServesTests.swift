// The demo lab moved by `annolab migrate` is served from PostgreSQL by `annolab serve --database`.
import AnnolabCore
import AnnolabServer
import AnnolabStore
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `annolab serve` running as a child, and the address it printed.
final class ServingProgram: @unchecked Sendable {
    let child = ChildProcess()
    let base: URL
    private let output: Pipe

    init(_ arguments: [String]) throws {
        child.executableURL = annolabProgram
        child.arguments = arguments
        output = Pipe()
        child.standardInput = FileHandle.nullDevice
        child.standardOutput = output
        child.standardError = FileHandle.nullDevice
        try child.run()
        // The first line says where it serves: "Annolab is serving ... at http://127.0.0.1:PORT/".
        var printed = Data()
        while !printed.contains(UInt8(ascii: "\n")) {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            printed += chunk
        }
        let line = String(decoding: printed, as: UTF8.self)
        guard let start = line.range(of: "http://"), let url = URL(string: String(line[start.lowerBound...]).trimmingCharacters(in: .whitespacesAndNewlines)) else {
            child.terminate()
            throw LabError(.internalFailure, "serve_failed", "annolab serve printed no address: \(line)")
        }
        base = url
    }

    func stop() {
        child.terminate()
        child.waitUntilExit()
    }

    /// Ends the server at once, as a crash would: no shutdown, nothing flushed.
    func kill() {
        _ = Glibc.kill(child.processIdentifier, SIGKILL)
        child.waitUntilExit()
    }

    /// Connections enough for many operators at once (URLSession's default is a few per host).
    static let session: URLSession = {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpMaximumConnectionsPerHost = 64
        configuration.timeoutIntervalForRequest = 60
        return URLSession(configuration: configuration)
    }()

    /// One request; the status and the JSON answer.
    func call(_ method: String, _ path: String, token: String? = nil, body: [String: Any]? = nil) async throws -> (Int, [String: Any]) {
        let (status, data) = try await raw(method, path, token: token, body: body)
        return (status, (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:])
    }

    /// Uploads one file as the multipart part `file`; the status and the JSON answer.
    func upload(_ path: String, token: String, file: String, contents: Data) async throws -> (Int, [String: Any]) {
        let boundary = "annolab-\(UUID().uuidString)"
        var body = Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\(file)\"\r\n".utf8)
        body += Data("Content-Type: application/octet-stream\r\n\r\n".utf8) + contents + Data("\r\n--\(boundary)--\r\n".utf8)
        var request = URLRequest(url: base.appendingPathComponent(String(path.dropFirst())))
        request.httpMethod = "POST"
        request.setValue("multipart/form-data; boundary=\(boundary)", forHTTPHeaderField: "Content-Type")
        request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        request.httpBody = body
        let (data, response) = try await Self.session.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:])
    }

    /// One request; the status and the answer's bytes.
    func raw(_ method: String, _ path: String, token: String? = nil, body: [String: Any]? = nil) async throws -> (Int, Data) {
        var request = URLRequest(url: base.appendingPathComponent(String(path.dropFirst())))
        request.httpMethod = method
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        if let body { request.httpBody = try JSONSerialization.data(withJSONObject: body) }
        let (data, response) = try await Self.session.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, data)
    }
}

@Suite("A lab moved into PostgreSQL is served from it", .serialized)
struct MigratedLabServesTests {
    @Test("the migrated demo lab serves: an operator signs in, starts a shift, gets a task and answers it, stored in PostgreSQL")
    func migratedLabServes() async throws {
        let postgres = try TestPostgres()
        let address = try postgres.freshDatabase()
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("annolab-serve-pg-\(UUID().uuidString)")
        defer {
            postgres.dropDatabase(address)
            try? FileManager.default.removeItem(at: data)
        }
        // The demo lab with its sample media, as `annolab demo` makes it, moved by the program itself.
        let store = try LabStore(folder: data)
        #expect(try await DemoLab.seedIfEmpty(store: store))
        let seeding = try await LabServer.open(store: store, options: .init(logLevel: .warning))
        try await DemoLab.addSampleMedia(server: seeding)
        await seeding.programmeJobs.runAll()
        let moved = try TestPostgres.runChild(annolabProgram.path, ["migrate", "--from", data.path, "--to", address + "?sslmode=disable"])
        #expect(moved.status == 0, "\(moved.err)")

        let server = try ServingProgram(["serve", "--database", address + "?sslmode=disable", "--data", data.path,
                                         "--port", "0", "--log-level", "warning"])
        defer { server.stop() }
        let (loggedIn, login) = try await server.call("POST", "/api/v1/login", body: ["badge": "OP-0001"])
        #expect(loggedIn == 200, "\(login)")
        let token = try #require(login["token"] as? String)
        let (started, shift) = try await server.call("POST", "/api/v1/shift/start", token: token)
        #expect(started == 200 || started == 201, "\(shift)")
        let (served, next) = try await server.call("GET", "/api/v1/tasks/next", token: token)
        #expect(served == 200, "\(next)")
        let assignment = try #require((next["assignment"] as? [String: Any])?["id"] as? Int)
        let task = try #require(next["task"] as? [String: Any])
        let labels = task["labels"] as? [String] ?? []
        let answer: [String: Any] = switch task["kind"] as? String {
        case "image-boxes": ["boxes": [["label": labels.first ?? "car", "x": 10, "y": 10, "w": 40, "h": 30]]]
        case "audio-tags": ["tags": Array(labels.prefix(1))]
        default: ["choice": labels.first ?? "yes"]
        }
        let (answered, receipt) = try await server.call("POST", "/api/v1/assignments/\(assignment)/answer", token: token,
                                                        body: ["answer": answer, "idempotencyKey": "served-from-postgres"])
        #expect(answered == 201, "\(task["kind"] ?? "") \(receipt)")
        // The answer is in PostgreSQL, and only there: the data folder's SQLite file does not have it.
        let stored = try postgres.psql(address, #"SELECT "assignmentId", "idempotencyKey" FROM "answer" WHERE "idempotencyKey" = 'served-from-postgres';"#)
        #expect(stored == [["\(assignment)", "served-from-postgres"]])
        #expect(try await store.answer(assignmentId: Int64(assignment)) == nil)
        let (again, repeated) = try await server.call("POST", "/api/v1/assignments/\(assignment)/answer", token: token,
                                                      body: ["answer": answer, "idempotencyKey": "served-from-postgres"])
        #expect(again == 200, "\(repeated)")
    }
}
