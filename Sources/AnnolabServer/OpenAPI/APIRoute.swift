// One operation of the lab's HTTP API as its document describes it: who may call it, what it reads,
// what it answers.
import AnnolabCore
import Foundation

/// One row of ``APIRoutes/all``: method, path, who may call it, the request it reads, the answer
/// it gives and the statuses it can give besides.
///
/// ```swift
/// APIRoute(.post, "/api/v1/projects/{id}/feedback", "sendProjectFeedback", "Feedback on a project.", .role(.client),
///          body: .json(ClientRoutes.FeedbackRequest.self),
///          answer: .json(201, ResponseSchemas.feedbackReceipt), errors: [422: "An unknown kind, or no text."])
/// ```
///
/// Statuses every route of a kind can give are added by ``OpenAPIDocument``: 401 and 403 for a
/// route that needs a sign-in, 400 and 413 for one that reads a JSON body, 404 for one with an id
/// in its path, 503 for one that stores something.
struct APIRoute: Sendable {
    enum Method: String, Sendable {
        case get, post, put, delete
    }

    /// Who may call the route.
    enum Access: Sendable, Equatable {
        /// No sign-in needed.
        case everyone
        /// Anyone signed in, whatever their role.
        case signedIn
        case role(Role)

        var tag: String {
            switch self {
            case .everyone: "public"
            case .signedIn: "signed-in"
            case .role(let role): role.rawValue
            }
        }
    }

    var method: Method
    var path: String
    var operationId: String
    var summary: String
    var access: Access
    var body: RequestShape?
    var query: [OpenAPI.Parameter]
    var answer: Answer
    /// Other answers with a body of their own (a 423 with the pause's end, a repeated answer's 200).
    var otherAnswers: [Answer]
    /// Statuses this route gives besides the common ones, each with when it does.
    var errors: [Int: String]

    init(_ method: Method, _ path: String, _ operationId: String, _ summary: String, _ access: Access,
         body: RequestShape? = nil, query: [OpenAPI.Parameter] = [], answer: Answer,
         otherAnswers: [Answer] = [], errors: [Int: String] = [:]) {
        self.method = method
        self.path = path
        self.operationId = operationId
        self.summary = summary
        self.access = access
        self.body = body
        self.query = query
        self.answer = answer
        self.otherAnswers = otherAnswers
        self.errors = errors
    }

    /// The path's `{name}` parameters, in order.
    var pathParameterNames: [String] {
        path.split(separator: "/").compactMap { part in
            part.hasPrefix("{") && part.hasSuffix("}") ? String(part.dropFirst().dropLast()) : nil
        }
    }

    /// Whether the route can store something (and so can meet a full disk).
    var writes: Bool { method != .get }
}

/// What a route reads from the request body.
enum RequestShape: Sendable {
    /// JSON read with `request.decode(as: T.self)`: the schema is derived from `T`. `refine` gives
    /// some properties a stricter schema the route checks beyond their JSON type (a date, an amount);
    /// `alternatives` are the combinations of keys the route accepts when not all are required.
    case json(any (Decodable & SendableMetatype).Type, refine: [String: JSONSchema] = [:], alternatives: [JSONSchema] = [], optional: Bool = false)
    /// Read by hand, not through a Codable type; the schema is written by hand (and checked by a test).
    case handWritten(mediaType: String, schema: JSONSchema, encoding: [String: OpenAPI.Encoding]? = nil, note: String)

    /// The Codable type the route decodes, when it decodes one.
    var decodedType: (any Decodable.Type)? {
        if case .json(let type, _, _, _) = self { return type }
        return nil
    }
}

/// A response: its status, and what its body is.
struct Answer: Sendable {
    enum Content: Sendable {
        case none
        case json(JSONSchema)
        /// Other media types, each with the schema of its body.
        case media([String: JSONSchema])
    }

    var status: Int
    var description: String
    var content: Content
    var headers: [String: OpenAPI.Header] = [:]

    static func json(_ status: Int = 200, _ schema: JSONSchema, _ description: String = "Done.") -> Answer {
        Answer(status: status, description: description, content: .json(schema))
    }

    static func empty(_ status: Int, _ description: String) -> Answer {
        Answer(status: status, description: description, content: .none)
    }

    static func media(_ status: Int = 200, _ types: [String: JSONSchema], _ description: String) -> Answer {
        Answer(status: status, description: description, content: .media(types))
    }
}

extension OpenAPI.Parameter {
    /// A query parameter the route reads by hand from the URL.
    static func query(_ name: String, _ schema: JSONSchema, required: Bool = false, _ description: String) -> OpenAPI.Parameter {
        OpenAPI.Parameter(name: name, location: .query, required: required, description: description, schema: schema)
    }
}
