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

    func register(on router: Router<LabRequestContext>) {
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
