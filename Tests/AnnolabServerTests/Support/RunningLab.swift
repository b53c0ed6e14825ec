// A real lab server on a loopback port, with a small HTTP client, for server tests.
import AnnolabCore
import AnnolabPostgres
import AnnolabServer
import AnnolabStore
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Logging

/// The repository's root folder, found from this file's path.
let repositoryRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

func temporaryFolder(_ name: String = "annolab") -> URL {
    let url = FileManager.default.temporaryDirectory
        .appendingPathComponent("\(name)-\(UUID().uuidString)", isDirectory: true)
    try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// One answer from the server.
struct HTTPResult: Sendable {
    var status: Int
    var headers: [String: String]
    var body: Data

    var text: String { String(decoding: body, as: UTF8.self) }
    var json: [String: Any] { (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:] }
    /// The `error.code` of a JSON error body.
    var errorCode: String? { (json["error"] as? [String: Any])?["code"] as? String }
    var errorMessage: String? { (json["error"] as? [String: Any])?["message"] as? String }
    func header(_ name: String) -> String? {
        headers.first { $0.key.lowercased() == name.lowercased() }?.value
    }
}

/// A lab server running in this process on 127.0.0.1 and an ephemeral port.
///
/// The store is SQLite in a temporary folder, or with `ANNOLAB_TEST_STORE=postgres` a fresh PostgreSQL
/// database on the cluster of `ANNOLAB_TEST_POSTGRES` (media in the temporary folder): the one switch
/// that runs the server tests on either store.
final class RunningLab: Sendable {
    let server: LabServer
    let store: any LabStoring
    /// The SQLite store, for the few tests about SQLite's own file and plans; nil on PostgreSQL.
    let sqlite: LabStore?
    /// The PostgreSQL database made for this lab, dropped when it stops.
    private let database: String?
    let baseURL: URL
    private let task: Task<Void, any Error>
    private let session: URLSession

    static func start(demo: Bool = false, clock: any LabClock = SystemClock(), maxUploadBytes: Int? = nil,
                      secureCookies: Bool = false) async throws -> RunningLab {
        let folder = temporaryFolder()
        let store: any LabStoring
        let database: String?
        if onPostgres {
            let address = try TestDatabase.fresh()
            database = address
            store = try await PostgresLabStore(address: try PostgresAddress(address + "?sslmode=disable"), folder: folder, connections: 8,
                                               logger: Logger(label: "annolab.test.store"))
        } else {
            store = try LabStore(folder: folder)
            database = nil
        }
        if demo { _ = try await DemoLab.seedIfEmpty(store: store) }
        let server = try await LabServer.open(store: store, clock: clock, options: .init(
            host: "127.0.0.1", port: 0,
            webFolder: repositoryRoot.appendingPathComponent("Web"),
            tasksFolder: repositoryRoot.appendingPathComponent("Tasks"),
            secureCookies: secureCookies, logLevel: .warning, maxUploadBytes: maxUploadBytes ?? 512 << 20))
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let task = Task {
            try await server.makeApplication(onRunning: { continuation.yield($0) })
                .runService(gracefulShutdownSignals: [])
        }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else { throw CancellationError() }
        return RunningLab(server: server, store: store, database: database, port: port, task: task)
    }

    private init(server: LabServer, store: any LabStoring, database: String?, port: Int, task: Task<Void, any Error>) {
        self.server = server
        self.store = store
        self.sqlite = store as? LabStore
        self.database = database
        self.baseURL = URL(string: "http://127.0.0.1:\(port)")!
        self.task = task
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpShouldSetCookies = false
        configuration.httpCookieAcceptPolicy = .never
        self.session = URLSession(configuration: configuration)
    }

    func stop() async {
        task.cancel()
        _ = await task.result
        (store as? PostgresLabStore)?.close()
        if let database { TestDatabase.drop(database) }
    }

    /// Whether the server tests run on PostgreSQL (`ANNOLAB_TEST_STORE=postgres`).
    static var onPostgres: Bool { ProcessInfo.processInfo.environment["ANNOLAB_TEST_STORE"] == "postgres" }

    /// The SQLite store, for a test about SQLite's own file or plans; such a test fails on PostgreSQL, saying why.
    var sqliteStore: LabStore {
        get throws {
            guard let sqlite else {
                throw LabError(.internalFailure, "sqlite_only", "This test reads SQLite's own file or plans; it runs on SQLite only.")
            }
            return sqlite
        }
    }

    /// Sends one request; `json` is encoded as the body, `token` as a bearer token.
    func request(_ method: String, _ path: String, json: Any? = nil, body: Data? = nil, token: String? = nil,
                 cookie: String? = nil, headers: [String: String] = [:]) async throws -> HTTPResult {
        var request = URLRequest(url: URL(string: path, relativeTo: baseURL)!)
        request.httpMethod = method
        if let json {
            request.httpBody = try JSONSerialization.data(withJSONObject: json)
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        } else if let body {
            request.httpBody = body
        }
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        if let cookie { request.setValue(cookie, forHTTPHeaderField: "Cookie") }
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        let (data, response) = try await session.data(for: request)
        let http = response as! HTTPURLResponse
        var fields: [String: String] = [:]
        for (key, value) in http.allHeaderFields {
            fields["\(key)"] = "\(value)"
        }
        return HTTPResult(status: http.statusCode, headers: fields, body: data)
    }

    /// Signs in and returns the bearer token.
    func login(_ body: [String: String]) async throws -> String {
        let result = try await request("POST", "/api/v1/login", json: body)
        guard result.status == 200, let token = result.json["token"] as? String else {
            throw LabError(.unauthorized, "test_login_failed", "login failed: \(result.status) \(result.text)")
        }
        return token
    }
}
