// How a LabError becomes an HTTP response of the shape API.md promises.
import AnnolabCore
import Foundation
import Hummingbird

/// The body of every error response: `{"error": {"code": ..., "message": ...}}`.
struct ErrorBody: Codable, Sendable {
    struct Detail: Codable, Sendable {
        var code: String
        var message: String

        init(code: String, message: String) {
            self.code = code
            self.message = message
        }

        init(_ error: LabError) {
            self.init(code: error.code.rawValue, message: error.message)
        }
    }
    var error: Detail
}

extension LabError.Kind {
    var status: HTTPResponse.Status {
        switch self {
        case .badRequest: .badRequest
        case .unauthorized: .unauthorized
        case .forbidden: .forbidden
        case .notFound: .notFound
        case .conflict: .conflict
        case .tooLarge: .contentTooLarge
        case .unsupportedMedia: .unsupportedMediaType
        case .unprocessable: .unprocessableContent
        case .locked: .init(code: 423, reasonPhrase: "Locked")
        case .tooManyRequests: .tooManyRequests
        case .internalFailure: .internalServerError
        case .unavailable: .serviceUnavailable
        case .methodNotAllowed: .methodNotAllowed
        }
    }
}

extension LabError: HTTPResponseError {
    public var status: HTTPResponse.Status { kind.status }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        try reply(ErrorBody(error: .init(self)))
    }

    /// The one place a LabError becomes a reply: its status, and `body` as the lab's JSON.
    /// `body` is ``ErrorBody`` or a reply that carries more beside it, such as ``PauseReply``.
    func reply(_ body: some Encodable) throws -> Response {
        Response(
            status: status,
            headers: [.contentType: "application/json; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(bytes: try LabJSON.encoder.encode(body)))
        )
    }
}
