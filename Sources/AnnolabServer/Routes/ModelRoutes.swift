// A client's live model: connect it, remove it, and read its report.
import AnnolabCore
import AnnolabStore
import Foundation
import Hummingbird

/// ```
/// PUT    /api/v1/projects/3/model          {"url": "http://models.example:9090", "token": "..."}
/// DELETE /api/v1/projects/3/model
/// GET    /api/v1/projects/3/model/report
/// ```
struct ModelRoutes {
    let store: any LabStoring
    let models: ModelService

    func register(on router: LabRouter) {
        let client = router.group("api/v1/projects").add(middleware: RoleMiddleware(.client))
        client.put("{id}/model", use: connect)
        client.delete("{id}/model", use: disconnect)
        client.get("{id}/model/report", use: report)
    }

    struct ModelRequest: Decodable, Sendable {
        var url: String
        var token: String?
    }

    @Sendable func connect(_ request: Request, context: LabRequestContext) async throws -> ModelView {
        let user = try context.requireUser()
        let project = try await ClientRoutes.ownProject(context, user: user, store: store)
        let body = try await request.decode(as: ModelRequest.self, context: context)
        return try await models.connect(project, url: body.url, token: body.token, actor: user.id)
    }

    @Sendable func disconnect(_ request: Request, context: LabRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let project = try await ClientRoutes.ownProject(context, user: user, store: store)
        try await models.disconnect(project, actor: user.id)
        return Response(status: .noContent)
    }

    @Sendable func report(_ request: Request, context: LabRequestContext) async throws -> ModelReport {
        let user = try context.requireUser()
        return try await models.report(try await ClientRoutes.ownProject(context, user: user, store: store))
    }
}

extension ModelView: ResponseEncodable {}
extension ModelReport: ResponseEncodable {}
