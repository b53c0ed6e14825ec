// The authorization matrix: every route the lab serves, asked by everyone who might ask it,
// with the status each must get, over real HTTP in a lab with two clients and two coaches.
import AnnolabCore
import AnnolabServer
import AnnolabStore
import Foundation
import Synchronization
import Testing

/// The columns of the matrix: who sends the request. "Another client" and "another coach" are
/// real, signed-in people of the same role, from the other company and the other group.
enum Asker: String, CaseIterable, Sendable {
    case nobody = "no session"
    case expired = "expired session"
    case `operator`
    case coach
    case client
    case admin
    case otherClient = "another client"
    case otherCoach = "another coach"

    var role: Role? {
        switch self {
        case .nobody, .expired: nil
        case .operator: .operator
        case .coach, .otherCoach: .coach
        case .client, .otherClient: .client
        case .admin: .admin
        }
    }
}

/// Who may use a route, as its documentation says; the expected status of every asker follows
/// from it, never from what the server happens to answer.
enum Access: Sendable, CustomStringConvertible {
    /// No sign-in needed.
    case everyone
    /// Anyone signed in, each about themselves.
    case signedIn
    /// One role; each person of that role gets their own (a list, a new thing of their own).
    case own(Role)
    /// One role, and the path or body names the owner's thing: the same role from another
    /// company or group gets 404, as if it did not exist.
    case owner(Role)
    /// `/media/...`, contract decision 3: the leasing operator, their coach, the project's client
    /// and the admin; another client or coach gets 404 `media_not_found`.
    case media

    var description: String {
        switch self {
        case .everyone: "public"
        case .signedIn: "anyone signed in"
        case .own(let role): "\(role.rawValue)"
        case .owner(let role): "\(role.rawValue), own things only"
        case .media: "media rule"
        }
    }

    /// The role the OpenAPI document must give: nil for a public route, "any" for anyone signed in.
    var documentedRole: String? {
        switch self {
        case .everyone: nil
        case .signedIn, .media: "any"
        case .own(let role), .owner(let role): role.rawValue
        }
    }

    /// The status this asker must get; `success` is the owner's (the route's success status).
    func expected(_ asker: Asker, success: Int) -> Int {
        if case .everyone = self { return success }
        guard let role = asker.role else { return 401 }
        switch self {
        case .everyone, .signedIn:
            return success
        case .media:
            return asker == .otherClient || asker == .otherCoach ? 404 : success
        case .own(let allowed):
            return role == allowed ? success : 403
        case .owner(let allowed):
            guard role == allowed else { return 403 }
            return asker == .otherClient || asker == .otherCoach ? 404 : success
        }
    }

    /// The error code that goes with a refusal.
    func expectedCode(for status: Int) -> String? {
        switch status {
        case 401: "not_signed_in"
        case 403: "wrong_role"
        case 404: if case .media = self { "media_not_found" } else { nil }
        default: nil
        }
    }
}

/// One request of a cell: where it goes and what it carries (valid for the route's owner).
struct MatrixCall: Sendable {
    enum Token: Sendable {
        /// The asker's own session (none for "no session", an expired one for "expired session").
        case asker
        /// A new session of the same kind, for requests that end the session they come with.
        case fresh
    }

    var path: String
    var body: Data?
    var contentType: String?
    var token: Token = .asker
    /// Read only the status and headers: the answer is an endless event stream.
    var streaming = false

    static func json(_ path: String, _ object: Any) -> MatrixCall {
        MatrixCall(path: path, body: try? JSONSerialization.data(withJSONObject: object), contentType: "application/json")
    }
}

/// One row of the matrix.
struct MatrixRoute: Sendable {
    typealias Prepare = @Sendable (MatrixLab, Asker) async throws -> MatrixCall
    typealias Tidy = @Sendable (MatrixLab, Asker, HTTPResult) async throws -> Void

    var method: String
    var path: String
    var access: Access
    var success: Int
    var prepare: Prepare
    var tidy: Tidy?

    /// A row whose request is the documented path itself, with no body.
    init(_ method: String, _ path: String, _ access: Access, _ success: Int) {
        self.init(method, path, access, success) { _, _ in MatrixCall(path: path) }
    }

    /// A row whose request `prepare` makes for each asker; `tidy` puts the lab back afterwards.
    init(_ method: String, _ path: String, _ access: Access, _ success: Int, tidy: Tidy? = nil,
         prepare: @escaping Prepare) {
        self.method = method
        self.path = path
        self.access = access
        self.success = success
        self.tidy = tidy
        self.prepare = prepare
    }

    var name: String { "\(method) \(path)" }
}

/// The lab the matrix runs in (see ``TenantLab``), with throwaway things for requests that
/// change or end something, so that every cell meets the same situation.
final class MatrixLab: Sendable {
    let t: TenantLab
    /// Expired sessions of the admin, a client, a coach and an operator.
    let expired: [Role: String]
    /// A project of client A without items, whose operators coaches may choose freely.
    let spareProject: Int64
    /// A spoken text in the cache, for the speech route.
    let speechFile: String
    private let held = Mutex<TenantLab.Served?>(nil)
    /// The task operator A renewed in the matrix, handed back afterwards.
    let renewed = Mutex<Int64?>(nil)

    init(_ t: TenantLab) async throws {
        self.t = t
        var expired: [Role: String] = [:]
        for (role, person) in [(Role.admin, t.admin), (.client, t.clientA), (.coach, t.coachA), (.operator, t.operatorA)] {
            expired[role] = try await TenantLab.session(t.store, userId: person.id, expiresAt: Date().addingTimeInterval(-60))
        }
        self.expired = expired
        let spare = try await t.store.createProject(Project(
            clientId: t.companyA, name: "Spare project", template: .choice, labels: ["yes", "no"], overlap: 1,
            adaptiveMin: nil, adaptiveMax: nil, goldRate: 0, deadline: nil, createdAt: Date()), actor: nil)
        t.lab.server.engine.projectChanged(spare)
        spareProject = spare.id!
        speechFile = SpeechService.fileName(text: "Matrix", language: "nl")
        let speech = t.lab.server.speech.folder
        try FileManager.default.createDirectory(at: speech, withIntermediateDirectories: true)
        try TestMedia.wav(seconds: 0.2).write(to: speech.appendingPathComponent(speechFile))
    }

    func person(_ asker: Asker) -> TenantLab.Person? {
        switch asker {
        case .nobody, .expired: nil
        case .operator: t.operatorA
        case .coach: t.coachA
        case .client: t.clientA
        case .admin: t.admin
        case .otherClient: t.clientB
        case .otherCoach: t.coachB
        }
    }

    /// The role whose expired session a row is tried with: the one that could otherwise use it.
    static func expiredRole(_ access: Access) -> Role {
        switch access {
        case .own(let role), .owner(let role): role
        case .everyone, .signedIn, .media: .admin
        }
    }

    func token(_ asker: Asker, _ call: MatrixCall, _ route: MatrixRoute) async throws -> String? {
        let role = Self.expiredRole(route.access)
        switch (asker, call.token) {
        case (.nobody, _): return nil
        case (.expired, .asker): return expired[role]
        case (.expired, .fresh):
            let owner = [Role.admin: t.admin, .client: t.clientA, .coach: t.coachA, .operator: t.operatorA][role]!
            return try await TenantLab.session(t.store, userId: owner.id, expiresAt: Date().addingTimeInterval(-60))
        case (_, .asker): return person(asker)?.token
        case (_, .fresh): return try await TenantLab.session(t.store, userId: person(asker)!.id)
        }
    }

    // MARK: Throwaway things, one per cell where a request uses one up

    /// A new lease of operator A (their shift is started when needed).
    func freshLease() async throws -> TenantLab.Served { try await t.next(t.operatorA) }

    /// A lease of operator A that is live now, made again when the last one ended.
    func liveLease() async throws -> TenantLab.Served {
        if let current = held.withLock({ $0 }), let stored = try await t.store.assignment(id: current.assignment),
           stored.state == .leased, stored.leaseExpiresAt > t.clock.now() {
            return current
        }
        let lease = try await freshLease()
        held.withLock { $0 = lease }
        return lease
    }

    func startShift(_ person: TenantLab.Person) async throws {
        _ = try await t.lab.server.engine.startShift(operatorId: person.id, startedBy: person.id)
    }

    /// A new microtask in client A's project (one short sound).
    func freshMicrotask() async throws -> Int64 {
        _ = try await t.lab.server.importer.importFiles([("extra.wav", TestMedia.wav(seconds: 2))], into: t.projectA,
                                                       strict: true, actor: nil)
        return try #require(try await t.store.microtasks(projectId: t.projectA).last?.id)
    }

    func freshApiToken() async throws -> Int64 {
        _ = try await t.lab.server.accounts.createApiToken(userId: t.clientA.id, label: "throwaway")
        return try #require(try await t.store.apiTokens(userId: t.clientA.id).first?.id)
    }

    func freshAlert() async throws -> Int64 {
        let alert = try await t.store.addAlertOnce(operatorId: t.operatorA2.id, kind: "idle", key: UUID().uuidString,
                                                   reason: "No answer for a while.", data: [:], at: Date())
        return try #require(alert?.id)
    }

    func freshFeedback() async throws -> Int64 {
        try #require(try await t.store.addFeedback(projectId: t.projectA, kind: "feedback", body: "Clear work, thanks.",
                                                   actor: t.clientA.id, at: Date()).id)
    }

    func freshMessage() async throws -> Int64 {
        try #require(try await t.store.addMessage(operatorId: t.operatorA.id, senderId: t.coachA.id, body: "Good morning",
                                                  at: Date()).id)
    }

    func freshUser() async throws -> Int64 {
        try #require(try await t.store.createUser(NewUser(role: .operator, name: "Throwaway", badge: Tokens.newBadge(),
                                                          coachId: t.coachA.id)).id)
    }

    /// What a GET gives the admin now, to send back unchanged with a PUT.
    func current(_ path: String) async throws -> Data {
        try await t.lab.request("GET", path, token: t.admin.token).body
    }

    func release(_ result: HTTPResult) async throws {
        guard let id = (result.json["assignment"] as? [String: Any])?["id"] as? Int else { return }
        _ = try await t.post("/api/v1/assignments/\(id)/release", as: t.operatorA)
    }
}

@Suite("Authorization matrix")
struct AuthorizationMatrixTests {
    /// Every route, who may use it, and the status its owner gets for a valid request. A path's
    /// `{id}` is always the owner's: client A's project, coach A's operator A2, operator A's task.
    static let routes: [MatrixRoute] = [
        // Public: the lab's health, its counters, its API description, signing in and out.
        .init("GET", "/healthz", .everyone, 200),
        .init("GET", "/metrics", .everyone, 200),
        .init("GET", "/api/v1/openapi.json", .everyone, 200),
        .init("POST", "/api/v1/login", .everyone, 200) { lab, _ in .json("/api/v1/login", ["badge": lab.t.operatorA2.badge!]) },
        .init("POST", "/api/v1/logout", .everyone, 204) { _, _ in MatrixCall(path: "/api/v1/logout", token: .fresh) },

        // Anyone signed in, about themselves.
        .init("GET", "/api/v1/me", .signedIn, 200),
        .init("GET", "/api/v1/me/settings", .signedIn, 200),
        .init("PUT", "/api/v1/me/settings", .signedIn, 200) { _, _ in .json("/api/v1/me/settings", ["sounds": true]) },
        .init("GET", "/api/v1/templates", .signedIn, 200),
        .init("GET", "/api/v1/speech/{file}", .signedIn, 200) { lab, _ in MatrixCall(path: "/api/v1/speech/\(lab.speechFile)") },

        // Clients: their own projects, items, exports, gold, feedback, tokens and impact.
        .init("GET", "/api/v1/projects", .own(.client), 200),
        .init("POST", "/api/v1/projects", .own(.client), 201) { _, _ in
            .json("/api/v1/projects", ["name": "Throwaway project", "template": "choice", "labels": ["yes", "no"]])
        },
        .init("GET", "/api/v1/projects/{id}", .owner(.client), 200) { lab, _ in MatrixCall(path: "/api/v1/projects/\(lab.t.projectA)") },
        .init("POST", "/api/v1/projects/{id}/items", .owner(.client), 201) { lab, _ in
            MatrixCall(path: "/api/v1/projects/\(lab.t.projectA)/items",
                       body: TestMedia.multipart([("more.wav", TestMedia.wav(seconds: 3))]),
                       contentType: "multipart/form-data; boundary=annolab-test-boundary")
        },
        .init("GET", "/api/v1/projects/{id}/export", .owner(.client), 200) { lab, _ in
            MatrixCall(path: "/api/v1/projects/\(lab.t.projectA)/export?format=jsonl")
        },
        .init("POST", "/api/v1/projects/{id}/gold", .owner(.client), 200) { lab, _ in
            .json("/api/v1/projects/\(lab.t.projectA)/gold",
                  ["answers": [["microtask": try await lab.freshMicrotask(), "answer": ["tags": ["music"]]]]])
        },
        .init("POST", "/api/v1/projects/{id}/feedback", .owner(.client), 201) { lab, _ in
            .json("/api/v1/projects/\(lab.t.projectA)/feedback", ["text": "Thank you, this helps."])
        },
        .init("GET", "/api/v1/tokens", .own(.client), 200),
        .init("POST", "/api/v1/tokens", .own(.client), 201) { _, _ in .json("/api/v1/tokens", ["label": "nightly script"]) },
        .init("DELETE", "/api/v1/tokens/{id}", .owner(.client), 204) { lab, _ in
            MatrixCall(path: "/api/v1/tokens/\(try await lab.freshApiToken())")
        },
        .init("GET", "/api/v1/impact", .own(.client), 200),

        // Media: a clip of client A's project, leased to operator A (coach A's group).
        .init("GET", "/media/{project}/{folder}/{file}", .media, 200) { lab, _ in MatrixCall(path: try await lab.liveLease().media) },

        // Coaches: their own group (operator A2 in the paths), alerts, datasets, feedback.
        .init("GET", "/api/v1/coach/operators", .own(.coach), 200),
        .init("PUT", "/api/v1/coach/operators/{id}/profile", .owner(.coach), 200) { lab, _ in
            .json("/api/v1/coach/operators/\(lab.t.operatorA2.id)/profile", ["audioMode": false])
        },
        .init("GET", "/api/v1/coach/events", .own(.coach), 200) { _, _ in MatrixCall(path: "/api/v1/coach/events", streaming: true) },
        .init("GET", "/api/v1/coach/alerts", .own(.coach), 200),
        .init("POST", "/api/v1/coach/alerts/{id}/acknowledge", .owner(.coach), 200) { lab, _ in
            MatrixCall(path: "/api/v1/coach/alerts/\(try await lab.freshAlert())/acknowledge")
        },
        .init("POST", "/api/v1/coach/operators/{id}/shift/start", .owner(.coach), 200) { lab, _ in
            MatrixCall(path: "/api/v1/coach/operators/\(lab.t.operatorA2.id)/shift/start")
        },
        .init("POST", "/api/v1/coach/operators/{id}/shift/end", .owner(.coach), 200) { lab, _ in
            try await lab.startShift(lab.t.operatorA2)
            return MatrixCall(path: "/api/v1/coach/operators/\(lab.t.operatorA2.id)/shift/end")
        },
        .init("POST", "/api/v1/coach/operators/{id}/messages", .owner(.coach), 201) { lab, _ in
            .json("/api/v1/coach/operators/\(lab.t.operatorA2.id)/messages", ["text": "Well done today."])
        },
        .init("GET", "/api/v1/coach/operators/{id}/notes", .owner(.coach), 200) { lab, _ in
            MatrixCall(path: "/api/v1/coach/operators/\(lab.t.operatorA2.id)/notes")
        },
        .init("POST", "/api/v1/coach/operators/{id}/notes", .owner(.coach), 201) { lab, _ in
            .json("/api/v1/coach/operators/\(lab.t.operatorA2.id)/notes", ["text": "Prefers sound tasks in the morning."])
        },
        .init("GET", "/api/v1/coach/operators/{id}/summary", .owner(.coach), 200) { lab, _ in
            MatrixCall(path: "/api/v1/coach/operators/\(lab.t.operatorA2.id)/summary")
        },
        .init("GET", "/api/v1/coach/notifications", .own(.coach), 200),
        // Any project: each coach sees and chooses among their own group.
        .init("GET", "/api/v1/coach/projects/{id}/operators", .own(.coach), 200) { lab, _ in
            MatrixCall(path: "/api/v1/coach/projects/\(lab.spareProject)/operators")
        },
        // The body names coach A's operator: another coach may not choose for them.
        .init("PUT", "/api/v1/coach/projects/{id}/operators", .owner(.coach), 200) { lab, _ in
            .json("/api/v1/coach/projects/\(lab.spareProject)/operators", ["operators": [lab.t.operatorA2.id]])
        },
        .init("GET", "/api/v1/coach/feedback", .own(.coach), 200),
        // Each coach decides on client feedback for their own group.
        .init("POST", "/api/v1/coach/feedback/{id}", .own(.coach), 200) { lab, _ in
            .json("/api/v1/coach/feedback/\(try await lab.freshFeedback())", ["action": "dismiss"])
        },

        // Operators: their shift, their tasks, their feedback and messages.
        .init("GET", "/api/v1/shift", .own(.operator), 200),
        .init("POST", "/api/v1/shift/start", .own(.operator), 200),
        .init("POST", "/api/v1/shift/pause", .own(.operator), 200, tidy: { lab, asker, _ in
            if asker == .operator { _ = try await lab.t.post("/api/v1/shift/resume", as: lab.t.operatorA) }
        }) { lab, _ in
            try await lab.startShift(lab.t.operatorA)
            return MatrixCall(path: "/api/v1/shift/pause")
        },
        .init("POST", "/api/v1/shift/resume", .own(.operator), 200) { lab, _ in
            try await lab.startShift(lab.t.operatorA)
            return MatrixCall(path: "/api/v1/shift/resume")
        },
        .init("POST", "/api/v1/shift/end", .own(.operator), 200, tidy: { lab, _, _ in
            try await lab.startShift(lab.t.operatorA)
        }) { lab, _ in
            try await lab.startShift(lab.t.operatorA)
            return MatrixCall(path: "/api/v1/shift/end")
        },
        .init("GET", "/api/v1/tasks/next", .own(.operator), 200, tidy: { lab, _, result in try await lab.release(result) }) { lab, _ in
            try await lab.startShift(lab.t.operatorA)
            return MatrixCall(path: "/api/v1/tasks/next")
        },
        .init("POST", "/api/v1/assignments/{id}/answer", .own(.operator), 201) { lab, asker in
            let id = asker == .operator ? try await lab.freshLease().assignment : try await lab.liveLease().assignment
            return .json("/api/v1/assignments/\(id)/answer", ["answer": ["tags": ["speech"]], "idempotencyKey": UUID().uuidString])
        },
        .init("POST", "/api/v1/assignments/{id}/skip", .own(.operator), 200) { lab, asker in
            let id = asker == .operator ? try await lab.freshLease().assignment : try await lab.liveLease().assignment
            return .json("/api/v1/assignments/\(id)/skip", ["reason": "Cannot hear it well."])
        },
        .init("POST", "/api/v1/assignments/{id}/release", .own(.operator), 200) { lab, asker in
            let id = asker == .operator ? try await lab.freshLease().assignment : try await lab.liveLease().assignment
            return MatrixCall(path: "/api/v1/assignments/\(id)/release")
        },
        .init("POST", "/api/v1/assignments/{id}/renew", .own(.operator), 200, tidy: { lab, asker, _ in
            // Handed back after the renewal, so operator A never holds more than the lab allows.
            if asker == .operator, let id = lab.renewed.withLock({ $0 }) {
                _ = try await lab.t.post("/api/v1/assignments/\(id)/release", as: lab.t.operatorA)
            }
        }) { lab, asker in
            let id = asker == .operator ? try await lab.freshLease().assignment : try await lab.liveLease().assignment
            if asker == .operator { lab.renewed.withLock { $0 = id } }
            return MatrixCall(path: "/api/v1/assignments/\(id)/renew")
        },
        .init("GET", "/api/v1/me/quality", .own(.operator), 200),
        .init("POST", "/api/v1/text", .own(.operator), 200) { _, _ in .json("/api/v1/text", ["input": "help", "speech": false]) },
        .init("GET", "/api/v1/me/messages", .own(.operator), 200),
        .init("POST", "/api/v1/me/messages/{id}/read", .own(.operator), 200) { lab, _ in
            MatrixCall(path: "/api/v1/me/messages/\(try await lab.freshMessage())/read")
        },

        // The admin: settings, rates, payroll, people, the audit log.
        .init("GET", "/api/v1/admin/settings/alerts", .own(.admin), 200),
        .init("PUT", "/api/v1/admin/settings/alerts", .own(.admin), 200) { lab, _ in
            MatrixCall(path: "/api/v1/admin/settings/alerts", body: try await lab.current("/api/v1/admin/settings/alerts"),
                       contentType: "application/json")
        },
        .init("PUT", "/api/v1/admin/operators/{id}/rate", .own(.admin), 200) { lab, _ in
            .json("/api/v1/admin/operators/\(lab.t.operatorA2.id)/rate", ["hourly": "20.00", "from": "2026-01-01"])
        },
        .init("GET", "/api/v1/admin/settings/pay", .own(.admin), 200),
        .init("PUT", "/api/v1/admin/settings/pay", .own(.admin), 200) { lab, _ in
            MatrixCall(path: "/api/v1/admin/settings/pay", body: try await lab.current("/api/v1/admin/settings/pay"),
                       contentType: "application/json")
        },
        .init("GET", "/api/v1/admin/payroll", .own(.admin), 200) { _, _ in
            MatrixCall(path: "/api/v1/admin/payroll?from=2026-01-01&to=2026-01-31")
        },
        .init("GET", "/api/v1/admin/users", .own(.admin), 200),
        .init("POST", "/api/v1/admin/users", .own(.admin), 201) { lab, _ in
            .json("/api/v1/admin/users", ["role": "operator", "name": "New operator", "coach": lab.t.coachA.id])
        },
        .init("POST", "/api/v1/admin/users/{id}/disable", .own(.admin), 200) { lab, _ in
            MatrixCall(path: "/api/v1/admin/users/\(try await lab.freshUser())/disable")
        },
        .init("GET", "/api/v1/admin/audit", .own(.admin), 200) { _, _ in MatrixCall(path: "/api/v1/admin/audit?limit=5") },
    ]

    /// The routes the lab serves that the matrix must cover (the pages are public files).
    static func served(_ server: LabServer) -> Set<String> {
        Set(server.routeTable().filter { entry in
            entry.method != "head" && ["/api/", "/media/", "/healthz", "/metrics"].contains { entry.path.hasPrefix($0) }
        }.map { "\($0.method.uppercased()) \($0.path)" })
    }

    @Test("every served route refuses everyone it should, with the documented status, over real HTTP")
    func matrix() async throws {
        let tenants = try await TenantLab.start()
        defer { Task { await tenants.stop() } }
        let lab = try await MatrixLab(tenants)
        var problems: [String] = []

        // Every route the server serves and the document describes has exactly one row.
        let rows = Dictionary(grouping: Self.allRoutes, by: \.name)
        problems += rows.filter { $0.value.count > 1 }.map { "two rows for \($0.key)" }
        let document = try await tenants.get("/api/v1/openapi.json", as: nil)
        let paths = try #require(document.json["paths"] as? [String: [String: Any]])
        var documented: [String: [String: Any]] = [:]
        for (path, operations) in paths {
            for (method, operation) in operations {
                if let operation = operation as? [String: Any] { documented["\(method.uppercased()) \(path)"] = operation }
            }
        }
        let served = Self.served(tenants.lab.server)
        for name in served.union(documented.keys).sorted() where rows[name] == nil {
            problems.append("no row for \(name)\(served.contains(name) ? "" : " (documented, not served)")")
        }
        for name in rows.keys.sorted() where !served.contains(name) {
            problems.append("a row for \(name), which the lab does not serve")
        }
        // The row's access is the documented one.
        for route in Self.allRoutes {
            guard let operation = documented[route.name] else { continue }
            let role = Self.documentedRole(operation)
            if role != .some(route.access.documentedRole) {
                problems.append("\(route.name): the document says \(role.map { $0 ?? "public" } ?? "nothing about who may use it"), the row \(route.access)")
            }
        }

        // Every row, asked by everyone.
        var table: [(route: MatrixRoute, statuses: [Int])] = []
        for route in Self.allRoutes {
            var statuses: [Int] = []
            for asker in Asker.allCases {
                let call = try await route.prepare(lab, asker)
                let token = try await lab.token(asker, call, route)
                let status: Int, code: String?
                if call.streaming {
                    status = try RawHTTP.get(port: tenants.lab.baseURL.port!, call.path, token: token, statusOnly: true).status
                    code = nil
                } else {
                    var headers: [String: String] = [:]
                    if let type = call.contentType { headers["Content-Type"] = type }
                    let result = try await tenants.lab.request(route.method, call.path, body: call.body, token: token, headers: headers)
                    status = result.status
                    code = result.errorCode
                    try await route.tidy?(lab, asker, result)
                }
                statuses.append(status)
                let expected = route.access.expected(asker, success: route.success)
                if status != expected {
                    problems.append("\(route.name) as \(asker.rawValue): \(status) \(code ?? ""), expected \(expected)")
                } else if let wanted = route.access.expectedCode(for: expected), !call.streaming, code != wanted {
                    problems.append("\(route.name) as \(asker.rawValue): code \(code ?? "none"), expected \(wanted)")
                }
            }
            table.append((route, statuses))
        }

        print(Self.render(table))
        #expect(served.count >= 60, "the router recorded the routes it serves")
        #expect(problems.isEmpty, "\n\(problems.joined(separator: "\n"))")
    }

    /// The role an operation's description gives ("For the coach role.", "For anyone signed in."),
    /// `.some(nil)` for a public one, nil when the document does not say.
    static func documentedRole(_ operation: [String: Any]) -> String?? {
        if let role = operation["x-role"] as? String { return .some(role == "public" ? nil : role) }
        if let security = operation["security"] as? [Any], security.isEmpty { return .some(nil) }
        let text = operation["description"] as? String ?? ""
        if text.contains("anyone signed in") { return .some("any") }
        for role in Role.allCases where text.contains("For the \(role.rawValue) role") { return .some(role.rawValue) }
        // The document's tags name the audience too: public, signed-in, or a role.
        let tags = operation["tags"] as? [String] ?? []
        if tags.contains("public") { return .some(nil) }
        if tags.contains("signed-in") { return .some("any") }
        if let role = Role.allCases.first(where: { tags.contains($0.rawValue) }) { return .some(role.rawValue) }
        return nil
    }

    /// The matrix as a plain-text table, with its size.
    static func render(_ table: [(route: MatrixRoute, statuses: [Int])]) -> String {
        let width = table.map(\.route.name.count).max() ?? 0
        let columns = Asker.allCases.map(\.rawValue)
        func line(_ name: String, _ cells: [String]) -> String {
            name.padding(toLength: width, withPad: " ", startingAt: 0) + " | "
                + zip(cells, columns).map { $0.padding(toLength: $1.count, withPad: " ", startingAt: 0) }.joined(separator: " | ")
        }
        var lines = ["Authorization matrix: \(table.count) routes x \(columns.count) askers = \(table.count * columns.count) requests"]
        lines.append(line("route", columns))
        for (route, statuses) in table { lines.append(line(route.name, statuses.map(String.init))) }
        return lines.joined(separator: "\n")
    }
}
