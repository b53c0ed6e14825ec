// The templates projects start from, a client's API tokens, and the lab-level impact summary.
import AnnolabCore
import AnnolabStore
import Foundation
import Hummingbird

/// `GET /api/v1/templates`, `/api/v1/tokens` and `GET /api/v1/impact`.
struct ClientAccountRoutes {
    let store: any LabStoring
    let accounts: AccountService
    let templates: TemplateCatalog
    let pay: PayService

    func register(on router: LabRouter) {
        router.get("api/v1/templates", use: templateList)
        let tokens = router.group("api/v1/tokens").add(middleware: RoleMiddleware(.client))
        tokens.get(use: tokenList)
        tokens.post(use: createToken)
        tokens.delete("{id}", use: revokeToken)
        router.group("api/v1/impact").add(middleware: RoleMiddleware(.client)).get(use: impact)
    }

    struct TemplateView: Codable {
        struct Adaptive: Codable {
            var min: Int
            var max: Int
        }
        var kind: String
        var title: TaskTemplate.Text
        var instructions: TaskTemplate.Lines
        var labels: [TaskTemplate.Label]
        var examples: [TaskTemplate.Example]
        var defaultOverlap: Int?
        var adaptiveOverlap: Adaptive?
    }

    struct TemplateList: ResponseEncodable {
        var templates: [TemplateView]
    }

    /// The kinds a project can start from, with what operators will be shown.
    @Sendable func templateList(_ request: Request, context: LabRequestContext) async throws -> TemplateList {
        _ = try context.requireUser()
        let startable: [TaskKind] = [.imageBoxes, .subtitleCheck, .audioTags, .choice]
        return TemplateList(templates: startable.compactMap { templates[$0] }.map { template in
            TemplateView(kind: template.kind.rawValue, title: template.title, instructions: template.instructions,
                         labels: template.labels, examples: template.examples, defaultOverlap: template.defaultOverlap,
                         adaptiveOverlap: .init(min: template.adaptiveOverlap.min, max: template.adaptiveOverlap.max))
        })
    }

    struct TokenView: ResponseEncodable, Codable {
        var id: Int64
        var label: String?
        var createdAt: Date
        var token: String?
    }

    struct TokenList: ResponseEncodable {
        var tokens: [TokenView]
    }

    struct NewToken: Decodable {
        var label: String?
    }

    @Sendable func tokenList(_ request: Request, context: LabRequestContext) async throws -> TokenList {
        return TokenList(tokens: try await store.apiTokens(userId: try context.requireUserID()).map {
            TokenView(id: try $0.id.required("token"), label: $0.label, createdAt: $0.createdAt, token: nil)
        })
    }

    /// A new token for scripts; it is shown once and stored only as a hash.
    @Sendable func createToken(_ request: Request, context: LabRequestContext) async throws -> EditedResponse<TokenView> {
        let userId = try context.requireUserID()
        // The body may be left out; one that is sent must be a token request.
        var buffer = try await request.body.collect(upTo: context.maxUploadSize)
        let body = buffer.readableBytes == 0
            ? NewToken() : try LabJSON.decoder.decode(NewToken.self, from: buffer.readData(length: buffer.readableBytes) ?? Data())
        let label = body.label?.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (label?.count ?? 0) <= 100 else {
            throw LabError(.unprocessable, "invalid_label", "A token's name can have at most 100 characters.")
        }
        let token = try await accounts.createApiToken(userId: userId, label: label?.isEmpty == false ? label : nil)
        let stored = try await store.apiTokens(userId: userId).first { $0.tokenHash == Tokens.hash(token) }
        return EditedResponse(status: .created, response: TokenView(id: stored?.id ?? 0, label: stored?.label,
                                                                    createdAt: stored?.createdAt ?? Date(), token: token))
    }

    @Sendable func revokeToken(_ request: Request, context: LabRequestContext) async throws -> Response {
        let userId = try context.requireUserID()
        let notFound = LabError(.notFound, "token_not_found", "There is no such token of yours.")
        guard try await accounts.revokeApiToken(id: try context.parameters.requireID(else: notFound), userId: userId) else {
            throw notFound
        }
        return Response(status: .noContent)
    }

    struct Impact: ResponseEncodable {
        /// Paid hours of work by the lab's operators on this client's projects.
        var hours: Double
        var projects: Int
    }

    /// The lab-level social impact of a client's projects: hours of inclusive, paid work. No person is named.
    @Sendable func impact(_ request: Request, context: LabRequestContext) async throws -> Impact {
        let user = try context.requireUser()
        guard let clientId = user.clientId else { throw LabError(.forbidden, "no_client", "This account belongs to no client.") }
        let projects = try await store.projects(clientId: clientId)
        var seconds = 0
        for project in projects { seconds += try await pay.projectCost(project).paidSeconds }
        return Impact(hours: (Double(seconds) / 3600 * 10).rounded() / 10, projects: projects.count)
    }
}
