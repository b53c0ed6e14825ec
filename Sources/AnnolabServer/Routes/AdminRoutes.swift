// The admin's routes: the people in the lab, disabling an account, and the audit log.
import AnnolabCore
import AnnolabStore
import Foundation
import Hummingbird

/// Routes for the lab's administration.
struct AdminRoutes {
    let store: any LabStoring
    let accounts: AccountService
    /// Ends a disabled operator's open shift and hands their reserved tasks back.
    let engine: LabEngine
    /// Holds the alert thresholds the admin sets for the coaches' monitor.
    let monitor: CoachMonitor

    struct UserView: Codable, Sendable {
        var id: Int64
        var role: Role
        var name: String
        var email: String?
        var badge: String?
        /// When the account was disabled; absent while it is active.
        var disabledAt: Date?

        init(_ user: User) throws {
            (id, role, name, email, badge, disabledAt) = (try user.id.required("person"), user.role, user.name, user.email,
                                                          user.badge, user.disabledAt)
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
        AlertThresholds(monitor: monitor).register(on: router)
    }

    @Sendable func users(_ request: Request, context: LabRequestContext) async throws -> UserList {
        let all = try await store.allUsers()
        return UserList(users: try all.map(UserView.init))
    }

    /// Disables an account at once: no more sign-ins, every session and API token ended in this
    /// server before the answer is sent; an operator's open shift is ended and their reserved
    /// tasks go back to the queue, as when a coach ends it.
    @Sendable func disableUser(_ request: Request, context: LabRequestContext) async throws -> UserView {
        let admin = try context.requireUser()
        let id = try context.parameters.requireID(else: LabError(.notFound, "user_not_found", "There is no such person in the lab."))
        let disabled = try await accounts.disable(userId: id, actor: admin.id)
        if disabled.user.role == .operator {
            do {
                _ = try await engine.endShift(operatorId: id, byCoach: true)
                try await store.audit(actor: admin.id, action: "shift.end", subject: "user:\(id)",
                                      detail: "open shift ended and reserved tasks handed back: the account was disabled")
            } catch let error as LabError where error.code == .noShift {
                // No shift was running: nothing to end.
            }
        }
        return try UserView(disabled.user)
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
        return AuditList(entries: try lines.map { line in
            AuditView(id: try line.entry.id.required("audit entry"), at: line.entry.at,
                      actor: try line.actor.map { AuditView.Actor(id: try $0.id.required("person"), name: $0.name, role: $0.role) },
                      action: line.entry.action, subject: line.entry.subject, detail: line.entry.detail)
        })
    }

    @Sendable func addUser(_ request: Request, context: LabRequestContext) async throws -> EditedResponse<UserView> {
        let admin = try context.requireUser()
        let body = try await request.decode(as: NewUserRequest.self, context: context)
        let user = try await accounts.addUser(role: body.role, name: body.name, email: body.email, password: body.password,
                                              coachId: body.coach, birthdate: body.birthdate, actor: admin.id)
        return EditedResponse(status: .created, response: try UserView(user))
    }
}

extension AdminRoutes.UserView: ResponseEncodable {}
