// A lab in PostgreSQL served by two `annolab serve` processes at once, and operators driven through both over HTTP.
import AnnolabCore
import AnnolabPostgres
import AnnolabServer
import AnnolabStore
import Foundation
import Logging
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// One choice project of `microtasks` microtasks with overlap 3, `operators` operators of one coach,
/// in a fresh database; the data folder both servers use for media.
struct TwoServersLab {
    static let coachLogin = ["email": "coach@two-servers.local", "password": "two-servers-coach"]
    static let clientLogin = ["email": "newsroom@two-servers.local", "password": "two-servers-client"]
    let postgres: TestPostgres
    let address: String
    let data: URL
    let badges: [String]
    let operatorIds: [String: Int64]
    let projectId: Int64

    static func seed(microtasks: Int, operators: Int) async throws -> TwoServersLab {
        let postgres = try TestPostgres()
        let address = try postgres.freshDatabase() + "?sslmode=disable"
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("annolab-two-\(UUID().uuidString)")
        let store = try await PostgresLabStore(address: try PostgresAddress(address), folder: data, logger: Logger(label: "two"))
        defer { store.close() }
        let now = Date()
        let client = try await store.createClient(name: "Two servers newsroom", hourlyPriceCents: 3000, now: now)
        let coach = try await store.createUser(NewUser(role: .coach, name: "Coach Two", email: coachLogin["email"],
                                                       passwordHash: PasswordHasher.hash(coachLogin["password"] ?? "")), now: now)
        _ = try await store.createUser(NewUser(role: .client, name: "Newsroom", email: clientLogin["email"],
                                               passwordHash: PasswordHasher.hash(clientLogin["password"] ?? ""), clientId: client.id), now: now)
        let project = try await store.createProject(
            Project(clientId: client.id ?? -1, name: "Two servers", template: .choice, labels: ["A", "B"],
                    overlap: 3, adaptiveMin: nil, adaptiveMax: nil, goldRate: 0, deadline: nil, createdAt: now), actor: nil)
        guard let projectId = project.id else { throw LabError(.internalFailure, "seed", "no project id") }
        let payload = String(decoding: try JSONEncoder().encode(MicrotaskPayload(options: ["A", "B"])), as: UTF8.self)
        if microtasks > 0 { _ = try await store.addMicrotasks(Array(repeating: Microtask(projectId: projectId, itemId: nil, kind: .choice, payload: payload,
                                                                     estimatedSeconds: 10, requiredAnswers: 3, createdAt: now),
                                                count: microtasks)) }
        var ids: [String: Int64] = [:]
        let badges = (0..<operators).map { String(format: "OP-T%03d", $0) }
        for badge in badges {
            let user = try await store.createUser(NewUser(role: .operator, name: "Operator \(badge)", badge: badge, coachId: coach.id), now: now)
            guard let id = user.id else { throw LabError(.internalFailure, "seed", "no operator id") }
            // One long work block: the runs never meet a pause.
            var profile = OperatorProfile(operatorId: id, coachId: coach.id)
            profile.workMinutes = 120
            profile.shiftMinutes = 240
            try await store.updateProfile(profile, actor: nil)
            ids[badge] = id
        }
        return TwoServersLab(postgres: postgres, address: address, data: data, badges: badges, operatorIds: ids, projectId: projectId)
    }

    func serve(leaseSeconds: Int = 600) throws -> ServingProgram {
        try ServingProgram(["serve", "--database", address, "--data", data.path, "--port", "0", "--log-level", "warning",
                            "--lease-seconds", "\(leaseSeconds)"])
    }

    func clear() {
        postgres.dropDatabase(address.replacingOccurrences(of: "?sslmode=disable", with: ""))
        try? FileManager.default.removeItem(at: data)
    }

    /// Every stored answer's microtask and operator, and each microtask's overlap and status, read by psql.
    func storedAnswers() throws -> [(microtask: Int64, operatorId: Int64, key: String)] {
        try postgres.psql(address, #"SELECT "microtaskId", "operatorId", coalesce("idempotencyKey", '') FROM "answer" ORDER BY "id";"#)
            .map { (Int64($0[0]) ?? -1, Int64($0[1]) ?? -1, $0[2]) }
    }

    func microtaskStates() throws -> [(id: Int64, required: Int, status: String, answers: Int)] {
        try postgres.psql(address, #"SELECT "id", "requiredAnswers", "status", "answerCount" FROM "microtask" ORDER BY "id";"#)
            .map { (Int64($0[0]) ?? -1, Int($0[1]) ?? -1, $0[2], Int($0[3]) ?? -1) }
    }
}

/// One operator's client: signs in on a server, and answers what it is given.
struct OperatorClient: Sendable {
    let badge: String
    let token: String

    static func signIn(_ badge: String, on server: ServingProgram) async throws -> OperatorClient {
        let (status, body) = try await server.call("POST", "/api/v1/login", body: ["badge": badge])
        guard status == 200, let token = body["token"] as? String else {
            throw LabError(.internalFailure, "login_failed", "\(badge) could not sign in: \(status) \(body)")
        }
        return OperatorClient(badge: badge, token: token)
    }

    /// The next task's assignment id; nil when there is no work now (204).
    func next(on server: ServingProgram) async throws -> Int? {
        let (status, body) = try await server.call("GET", "/api/v1/tasks/next", token: token)
        if status == 204 { return nil }
        guard status == 200, let id = (body["assignment"] as? [String: Any])?["id"] as? Int else {
            throw LabError(.internalFailure, "next_failed", "\(badge): next gave \(status) \(body)")
        }
        return id
    }

    /// Sends an answer; the status and the reply's body as bytes.
    func answer(_ assignment: Int, choice: String, key: String, on server: ServingProgram) async throws -> (Int, Data) {
        try await server.raw("POST", "/api/v1/assignments/\(assignment)/answer", token: token,
                             body: ["answer": ["choice": choice], "idempotencyKey": key])
    }
}

/// Reads a server-sent event stream over a plain socket, keeping each event's name and data.
final class CoachStream: Sendable {
    let events = Mutex<[(name: String, data: String)]>([])
    let socketFD: Int32

    init(port: Int, token: String) throws {
        socketFD = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(socketFD, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw LabError(.internalFailure, "no_connection", "could not connect to port \(port)") }
        let request = "GET /api/v1/coach/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \(token)\r\nAccept: text/event-stream\r\n\r\n"
        _ = request.withCString { send(socketFD, $0, strlen($0), 0) }
        let fd = socketFD
        Thread.detachNewThread { [self] in
            var pending = ""
            var buffer = [UInt8](repeating: 0, count: 8192)
            while true {
                let count = recv(fd, &buffer, buffer.count, 0)
                if count <= 0 { break }
                pending += String(decoding: buffer[0..<count], as: UTF8.self)
                while let range = pending.range(of: "\n") {
                    let line = String(pending[..<range.lowerBound]).trimmingCharacters(in: .whitespacesAndNewlines)
                    pending = String(pending[range.upperBound...])
                    if line.hasPrefix("event: ") {
                        self.events.withLock { $0.append((String(line.dropFirst(7)), "")) }
                    } else if line.hasPrefix("data: ") {
                        self.events.withLock { list in
                            if let last = list.indices.last, list[last].data.isEmpty { list[last].data = String(line.dropFirst(6)) }
                        }
                    }
                }
            }
        }
    }

    func close() { shutdown(socketFD, Int32(SHUT_RDWR)); Glibc.close(socketFD) }

    /// The phases one operator's `operator` events told, in order.
    func phases(of operatorId: Int64) -> [String] {
        events.withLock { list in
            list.filter { $0.name == "operator" }.compactMap { event in
                guard let data = (try? JSONSerialization.jsonObject(with: Data(event.data.utf8))) as? [String: Any],
                      (data["operator"] as? Int).map(Int64.init) == operatorId else { return nil }
                return data["phase"] as? String
            }
        }
    }

    /// The operators named in `operator` events so far.
    func operatorsSeen() -> Set<Int64> {
        events.withLock { list in
            Set(list.filter { $0.name == "operator" }.compactMap { event in
                ((try? JSONSerialization.jsonObject(with: Data(event.data.utf8))) as? [String: Any])?["operator"] as? Int
            }.map(Int64.init))
        }
    }
}
