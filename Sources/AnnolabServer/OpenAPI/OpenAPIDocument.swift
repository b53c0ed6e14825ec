// The OpenAPI 3.1 description of the lab's HTTP API, served at /api/v1/openapi.json.
import Foundation

/// Builds the document from ``APIRoutes`` and ``APILinks``, once, as typed values.
///
/// ```swift
/// let bytes = OpenAPIDocument.json          // what /api/v1/openapi.json sends
/// let document = OpenAPIDocument.document()  // the same, as values
/// ```
///
/// Statuses every route of a kind gives are added here, so that the table says only what is
/// particular to a route.
enum OpenAPIDocument {
    /// The document as JSON, built once when first asked for.
    static let json: Data = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(document())) ?? Data("{}".utf8)
    }()

    static func document() -> OpenAPI.Document {
        var paths: [String: [String: OpenAPI.Operation]] = [:]
        for route in APIRoutes.all {
            paths[route.path, default: [:]][route.method.rawValue] = operation(for: route)
        }
        return OpenAPI.Document(
            info: .init(title: "Annolab", version: "1.0.0",
                        description: "An annotation lab: paid, paced, accessible data-labelling work. Errors are always "
                            + "{\"error\": {\"code\": \"snake_case\", \"message\": \"a plain sentence\"}}. A known path asked "
                            + "with a method it does not take answers 405 with an Allow header; HEAD answers every GET."),
            tags: tags, paths: paths,
            components: .init(schemas: ["Error": ResponseSchemas.error.closed], securitySchemes: securitySchemes))
    }

    static let tags: [OpenAPI.Tag] = [
        .init(name: "public", description: "No sign-in needed."),
        .init(name: "signed-in", description: "Anyone signed in, whatever their role."),
        .init(name: "operator", description: "Operators: shifts, tasks, answers, their own feedback."),
        .init(name: "coach", description: "Job coaches: their own group of operators."),
        .init(name: "client", description: "Clients: their own projects, uploads, exports and tokens."),
        .init(name: "admin", description: "The lab's admins: people, rates, payroll, settings, the audit log."),
    ]

    static let securitySchemes: [String: OpenAPI.SecurityScheme] = [
        "bearer": .init(type: "http", scheme: "bearer",
                        description: "A session token from POST /api/v1/login, or a client's API token."),
        "session": .init(type: "apiKey", location: "cookie", name: "annolab_session",
                         description: "The browser's session cookie. A request that changes something must then also send "
                             + "X-CSRF-Token with the csrfToken from login (also in the annolab_csrf cookie)."),
    ]

    static func operation(for route: APIRoute) -> OpenAPI.Operation {
        var parameters = route.pathParameterNames.map { name in
            OpenAPI.Parameter(name: name, location: .path, required: true, description: nil,
                              schema: ["id", "project"].contains(name) ? .integer : .string)
        }
        parameters += route.query
        let who = switch route.access {
        case .everyone: "No sign-in needed."
        case .signedIn: "For anyone signed in."
        case .role(let role): "For the \(role.rawValue) role."
        }
        return OpenAPI.Operation(
            operationId: route.operationId, summary: route.summary, description: who, tags: [route.access.tag],
            security: route.access == .everyone ? [] : [["bearer": []], ["session": []]],
            parameters: parameters.isEmpty ? nil : parameters,
            requestBody: route.body.map(requestBody), responses: responses(for: route))
    }

    static func requestBody(_ shape: RequestShape) -> OpenAPI.RequestBody {
        switch shape {
        case .json(let type, _, _, let optional):
            let name = String(reflecting: type).split(separator: ".").dropFirst().joined(separator: ".")
            return .init(description: "JSON, read as \(name)." + (optional ? " May be left out." : ""), required: !optional,
                         content: ["application/json": .init(schema: bodySchema(shape))])
        case .handWritten(let mediaType, let schema, let encoding, let note):
            return .init(description: note, required: true, content: [mediaType: .init(schema: schema, encoding: encoding)])
        }
    }

    /// The schema of a request body: derived from the Codable type the route decodes, with the
    /// stricter rules the route checks after decoding.
    static func bodySchema(_ shape: RequestShape) -> JSONSchema {
        switch shape {
        case .json(let type, let refine, let alternatives, _):
            var schema = JSONSchema.derived(type)
            for (key, stricter) in refine {
                guard let derived = schema.properties?[key] else {
                    SchemaDerivation.failures.withLock { $0.append("\(type) has no key '\(key)' to refine") }
                    continue
                }
                let mayBeNull = derived.types?.contains("null") == true || derived.anyOf?.contains(.null) == true
                schema.properties?[key] = mayBeNull ? stricter.orNull : stricter
            }
            if !alternatives.isEmpty { schema.anyOf = alternatives }
            return schema
        case .handWritten(_, let schema, _, _):
            return schema
        }
    }

    /// The answers a route can give: its own, and the errors common to routes of its kind.
    static func responses(for route: APIRoute) -> [String: OpenAPI.Response] {
        var result: [String: OpenAPI.Response] = [:]
        for answer in [route.answer] + route.otherAnswers {
            result["\(answer.status)"] = response(answer)
        }
        var errors: [Int: String] = [:]
        if route.access != .everyone {
            errors[401] = "Not signed in, or the session or token has ended (signed out, expired, account disabled)."
            errors[403] = "Signed in with a role this route is not for."
        }
        if route.writes {
            errors[403, default: ""] += (errors[403] == nil ? "" : " Or: ")
                + "sent from another website, or signed in by the cookie without the X-CSRF-Token header."
            errors[503] = "The lab cannot store anything now (its disk is full); nothing was changed. Try again later."
        }
        if case .json? = route.body {
            errors[400] = "Not JSON, or a field missing or of the wrong kind."
            errors[413] = "The body is larger than 1 MiB."
        }
        if let named = route.pathParameterNames.last {
            errors[404] = "No such \(named) among those this person may see."
        }
        if route.query.contains(where: \.required) || route.query.contains(where: { $0.schema.enumValues != nil }) {
            errors[400] = errors[400] ?? "A query parameter missing or not one of its values."
        }
        for (status, text) in route.errors {
            errors[status] = errors[status].map { $0 + " Or: " + text } ?? text
        }
        for (status, text) in errors where result["\(status)"] == nil {
            result["\(status)"] = OpenAPI.Response(
                description: text, content: ["application/json": .init(schema: .reference("Error"))])
        }
        for link in APILinks.all where link.from == route.operationId {
            var links = result["\(link.status)"]?.links ?? [:]
            links[link.name] = OpenAPI.Link(operationId: link.to, description: link.description,
                                            parameters: link.parameters.isEmpty ? nil : link.parameters,
                                            requestBody: link.requestBody)
            result["\(link.status)"]?.links = links
        }
        return result
    }

    static func response(_ answer: Answer) -> OpenAPI.Response {
        switch answer.content {
        case .none:
            return .init(description: answer.description)
        case .json(let schema):
            return .init(description: answer.description, content: ["application/json": .init(schema: schema.closed)])
        case .media(let types):
            return .init(description: answer.description,
                         content: types.mapValues { .init(schema: $0.closed) })
        }
    }
}
