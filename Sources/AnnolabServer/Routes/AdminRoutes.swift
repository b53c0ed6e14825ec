// The admin's routes: the people in the lab.
import AnnolabStore
import Foundation
import Hummingbird

/// Routes for the lab's administration.
struct AdminRoutes {
    let store: LabStore
    let accounts: AccountService

    struct UserView: Codable, Sendable {
        var id: Int64
        var role: Role
        var name: String
        var email: String?
        var badge: String?
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
    }

    @Sendable func users(_ request: Request, context: LabRequestContext) async throws -> UserList {
        let all = try await store.allUsers()
        return UserList(users: all.map { UserView(id: $0.id!, role: $0.role, name: $0.name, email: $0.email, badge: $0.badge) })
    }

    @Sendable func addUser(_ request: Request, context: LabRequestContext) async throws -> EditedResponse<UserView> {
        let admin = try context.requireUser()
        let body = try await request.decode(as: NewUserRequest.self, context: context)
        let user = try await accounts.addUser(role: body.role, name: body.name, email: body.email, password: body.password,
                                              coachId: body.coach, birthdate: body.birthdate, actor: admin.id)
        return EditedResponse(status: .created,
                              response: UserView(id: user.id!, role: user.role, name: user.name, email: user.email, badge: user.badge))
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
        let rows = try await pay.payroll(from: from, to: to)
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
