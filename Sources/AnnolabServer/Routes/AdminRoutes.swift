// The admin's routes: the people in the lab, disabling an account, and the audit log.
import AnnolabStore
import Foundation
import Hummingbird

/// Routes for the lab's administration.
struct AdminRoutes {
    let store: LabStore
    let accounts: AccountService
    /// Ends a disabled operator's open shift and hands their reserved tasks back.
    let engine: LabEngine

    struct UserView: Codable, Sendable {
        var id: Int64
        var role: Role
        var name: String
        var email: String?
        var badge: String?
        /// When the account was disabled; absent while it is active.
        var disabledAt: Date?

        init(_ user: User) {
            (id, role, name, email, badge, disabledAt) = (user.id!, user.role, user.name, user.email, user.badge, user.disabledAt)
        }
    }

    struct UserList: ResponseEncodable {
        var users: [UserView]
    }

    struct NewUserRequest: Decodable {
        var role: Role
        var name: String
        var email: String?
        var password: String?
        var coach: Int64?
        var birthdate: String?
    }

    func register(on router: LabRouter) {
        let group = router.group("api/v1/admin").add(middleware: RoleMiddleware(.admin))
        group.get("users", use: users)
        group.post("users", use: addUser)
        group.post("users/{id}/disable", use: disableUser)
        group.get("audit", use: auditLog)
    }

    @Sendable func users(_ request: Request, context: LabRequestContext) async throws -> UserList {
        let all = try await store.allUsers()
        return UserList(users: all.map(UserView.init))
    }

    /// Disables an account at once: no more sign-ins, every session and API token ended in this
    /// server before the answer is sent; an operator's open shift is ended and their reserved
    /// tasks go back to the queue, as when a coach ends it.
    @Sendable func disableUser(_ request: Request, context: LabRequestContext) async throws -> UserView {
        let admin = try context.requireUser()
        guard let raw = context.parameters.get("id"), let id = Int64(raw) else {
            throw LabError(.notFound, "user_not_found", "There is no such person in the lab.")
        }
        let disabled = try await accounts.disable(userId: id, actor: admin.id)
        if disabled.user.role == .operator {
            do {
                _ = try await engine.endShift(operatorId: id, byCoach: true)
                try await store.audit(actor: admin.id, action: "shift.end", subject: "user:\(id)",
                                      detail: "open shift ended and reserved tasks handed back: the account was disabled")
            } catch let error as LabError where error.code == "no_shift" {
                // No shift was running: nothing to end.
            }
        }
        return UserView(disabled.user)
    }

    /// One line of the audit log as the admin reads it.
    struct AuditView: Codable, Sendable {
        struct Actor: Codable, Sendable {
            var id: Int64
            var name: String
            var role: Role
        }
        var id: Int64
        var at: Date
        /// Who made the change; null for the lab itself and for changes made on the command line.
        var actor: Actor?
        var action: String
        var subject: String?
        var detail: String?

        /// Every key is always there, an unknown actor, subject or detail as null, so that a
        /// reader never has to tell a missing key from an empty one.
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(id, forKey: .id)
            try container.encode(at, forKey: .at)
            try container.encode(actor, forKey: .actor)
            try container.encode(action, forKey: .action)
            try container.encode(subject, forKey: .subject)
            try container.encode(detail, forKey: .detail)
        }
    }

    struct AuditList: ResponseEncodable {
        var entries: [AuditView]
    }

    /// Allowed values of `?limit=`: how many lines, newest first.
    static let auditLimits = 1...1000

    @Sendable func auditLog(_ request: Request, context: LabRequestContext) async throws -> AuditList {
        var limit = 100
        if let raw = request.uri.queryParameters["limit"] {
            guard let value = Int(String(raw)), Self.auditLimits.contains(value) else {
                throw LabError(.badRequest, "invalid_limit",
                               "Give ?limit= as a whole number from \(Self.auditLimits.lowerBound) to \(Self.auditLimits.upperBound).")
            }
            limit = value
        }
        let lines = try await store.auditLog(limit: limit)
        return AuditList(entries: lines.map { line in
            AuditView(id: line.entry.id!, at: line.entry.at,
                      actor: line.actor.map { AuditView.Actor(id: $0.id!, name: $0.name, role: $0.role) },
                      action: line.entry.action, subject: line.entry.subject, detail: line.entry.detail)
        })
    }

    @Sendable func addUser(_ request: Request, context: LabRequestContext) async throws -> EditedResponse<UserView> {
        let admin = try context.requireUser()
        let body = try await request.decode(as: NewUserRequest.self, context: context)
        let user = try await accounts.addUser(role: body.role, name: body.name, email: body.email, password: body.password,
                                              coachId: body.coach, birthdate: body.birthdate, actor: admin.id)
        return EditedResponse(status: .created, response: UserView(user))
    }
}

extension AdminRoutes.UserView: ResponseEncodable {}

/// Rates and payroll for the admin.
struct PayRoutes {
    let pay: PayService

    struct RateRequest: Decodable {
        var hourly: String
        var from: String
    }

    struct RateResponse: ResponseEncodable {
        var operatorId: Int64
        var hourly: Money
        var from: CalendarDate
        var minimumWage: Money?
    }

    struct PayrollResponse: ResponseEncodable {
        var from: CalendarDate
        var to: CalendarDate
        var rows: [PayrollRow]
        var totalGross: Money
    }

    func register(on router: LabRouter) {
        let group = router.group("api/v1/admin").add(middleware: RoleMiddleware(.admin))
        group.put("operators/{id}/rate", use: setRate)
        group.get("payroll", use: payroll)
        group.get("settings/pay") { _, _ in try await pay.policy() }
        group.put("settings/pay") { request, context in
            let policy = try await request.decode(as: PayPolicy.self, context: context)
            try await pay.setPolicy(policy, actor: try context.requireUser().id)
            return policy
        }
    }

    @Sendable func setRate(_ request: Request, context: LabRequestContext) async throws -> RateResponse {
        let admin = try context.requireUser()
        guard let raw = context.parameters.get("id"), let id = Int64(raw) else {
            throw LabError(.notFound, "operator_not_found", "There is no such operator.")
        }
        let body = try await request.decode(as: RateRequest.self, context: context)
        let (amount, date, floor) = try await pay.setRate(operatorId: id, hourly: body.hourly, from: body.from, actor: admin.id)
        return RateResponse(operatorId: id, hourly: amount, from: date, minimumWage: floor)
    }

    @Sendable func payroll(_ request: Request, context: LabRequestContext) async throws -> Response {
        let query = request.uri.queryParameters
        guard let fromText = query["from"].map(String.init), let from = CalendarDate(fromText),
              let toText = query["to"].map(String.init), let to = CalendarDate(toText) else {
            throw LabError(.badRequest, "period_missing", "Give the period as ?from=YYYY-MM-DD&to=YYYY-MM-DD.")
        }
        guard [nil, "json", "csv"].contains(query["format"].map(String.init)) else {
            throw LabError(.badRequest, "invalid_format", "Give ?format= as json or csv, or leave it out for JSON.")
        }
        let rows = try await pay.payroll(from: from, to: to)
        try await pay.store.audit(actor: try context.requireUser().id, action: "payroll.read", subject: nil,
                                  detail: "\(from) to \(to) as \(query["format"].map(String.init) == "csv" ? "CSV" : "JSON")")
        if query["format"].map(String.init) == "csv" {
            return Response(status: .ok,
                            headers: [.contentType: "text/csv; charset=utf-8",
                                      .contentDisposition: "attachment; filename=\"payroll-\(from)-\(to).csv\""],
                            body: .init(byteBuffer: ByteBuffer(string: PayrollCSV.render(rows))))
        }
        let total = rows.reduce(Money(cents: 0)) { $0 + $1.gross }
        return try PayrollResponse(from: from, to: to, rows: rows, totalGross: total).response(from: request, context: context)
    }
}

extension PayPolicy: ResponseEncodable {}
