// The client's routes: projects and their progress.
import AnnolabStore
import Foundation
import Hummingbird

/// Routes for clients (media companies). Every route checks that the project is theirs.
struct ClientRoutes {
    let store: LabStore
    let projects: ProjectService

    func register(on router: Router<LabRequestContext>) {
        let group = router.group("api/v1/projects").add(middleware: RoleMiddleware(.client))
        group.post(use: create)
        group.get(use: list)
        group.get("{id}", use: show)
    }

    @Sendable func create(_ request: Request, context: LabRequestContext) async throws -> EditedResponse<ProjectView> {
        let user = try context.requireUser()
        let body = try await request.decode(as: ProjectService.NewProject.self, context: context)
        let project = try await projects.create(body, clientId: try clientId(of: user), actor: user.id)
        return EditedResponse(status: .created, response: try await projects.view(project))
    }

    struct ProjectList: ResponseEncodable {
        var projects: [ProjectView]
    }

    @Sendable func list(_ request: Request, context: LabRequestContext) async throws -> ProjectList {
        let user = try context.requireUser()
        var views: [ProjectView] = []
        for project in try await store.projects(clientId: try clientId(of: user)) {
            views.append(try await projects.view(project))
        }
        return ProjectList(projects: views)
    }

    @Sendable func show(_ request: Request, context: LabRequestContext) async throws -> ProjectView {
        let user = try context.requireUser()
        let project = try await ownProject(context.parameters.get("id"), user: user)
        return try await projects.view(project)
    }

    /// The project with this id when it belongs to the signed-in client; 404 otherwise, so that
    /// one client cannot learn which project ids another has.
    func ownProject(_ rawId: String?, user: User) async throws -> Project {
        guard let rawId, let id = Int64(rawId), let project = try await store.project(id: id),
              project.clientId == (try clientId(of: user)) else {
            throw LabError(.notFound, "project_not_found", "There is no project \(rawId ?? "") among your projects.")
        }
        return project
    }

    func clientId(of user: User) throws -> Int64 {
        guard let id = user.clientId else {
            throw LabError(.forbidden, "no_client", "This account is not linked to a client company. Ask the lab's admin.")
        }
        return id
    }
}
