// The parts of an OpenAPI 3.1 document as typed values, encoded once into /api/v1/openapi.json.
import Foundation

/// The OpenAPI 3.1 object model, only as much of it as the lab's document uses.
/// Property names are the specification's, so that encoding needs no key mapping.
enum OpenAPI {
    struct Document: Encodable, Sendable {
        var openapi = "3.1.0"
        var info: Info
        var tags: [Tag]
        /// Path -> method (lowercase) -> operation.
        var paths: [String: [String: Operation]]
        var components: Components
    }

    struct Info: Encodable, Sendable {
        var title: String
        var version: String
        var description: String
    }

    struct Tag: Encodable, Sendable {
        var name: String
        var description: String
    }

    struct Operation: Encodable, Sendable {
        var operationId: String
        var summary: String
        var description: String
        var tags: [String]
        /// Empty: no sign-in needed. Otherwise any one of the schemes listed.
        var security: [[String: [String]]]
        var parameters: [Parameter]?
        var requestBody: RequestBody?
        /// Status code -> response.
        var responses: [String: Response]
    }

    struct Parameter: Encodable, Sendable, Equatable {
        enum Location: String, Encodable, Sendable {
            case path, query, header
        }
        var name: String
        var location: Location
        var required: Bool
        var description: String?
        var schema: JSONSchema

        enum CodingKeys: String, CodingKey {
            case name, location = "in", required, description, schema
        }
    }

    struct RequestBody: Encodable, Sendable {
        var description: String?
        var required: Bool
        /// Media type -> its schema.
        var content: [String: MediaType]
    }

    struct MediaType: Encodable, Sendable {
        var schema: JSONSchema?
        /// Multipart only: the content types of each part.
        var encoding: [String: Encoding]?
    }

    struct Encoding: Encodable, Sendable {
        var contentType: String
    }

    struct Response: Encodable, Sendable {
        var description: String
        var headers: [String: Header]?
        var content: [String: MediaType]?
        var links: [String: Link]?
    }

    struct Header: Encodable, Sendable {
        var description: String
        var schema: JSONSchema
    }

    /// How a value in one response becomes a parameter of another operation; a client (or a
    /// fuzzer's stateful phase) follows these to go from sign-in to work to answers.
    struct Link: Encodable, Sendable {
        var operationId: String
        var description: String
        /// `path.id`, `header.Authorization`, ... -> a runtime expression such as `$response.body#/id`.
        var parameters: [String: String]?
        /// The next request's JSON body, its values runtime expressions.
        var requestBody: [String: String]?
    }

    struct Components: Encodable, Sendable {
        var schemas: [String: JSONSchema]
        var securitySchemes: [String: SecurityScheme]
    }

    struct SecurityScheme: Encodable, Sendable {
        var type: String
        var scheme: String?
        var location: String?
        var name: String?
        var description: String

        enum CodingKeys: String, CodingKey {
            case type, scheme, location = "in", name, description
        }
    }
}
