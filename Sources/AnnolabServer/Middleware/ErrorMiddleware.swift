// Turns every failure into the lab's JSON error shape, in plain words.
import Foundation
import Hummingbird
import Logging

/// Catches errors from routes and other middleware and answers with the JSON error shape.
///
/// Errors from the framework (no such route, a body that is not JSON, a body too large)
/// get a stable code and a plain sentence; anything unexpected is logged and answered
/// with a 500 that gives nothing away.
struct ErrorMiddleware: RouterMiddleware {
    typealias Context = LabRequestContext

    func handle(_ request: Request, context: Context,
                next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as LabError {
            if error.kind == .internalFailure {
                context.logger.error("request failed", metadata: ["code": "\(error.code)", "message": "\(error.message)"])
            }
            return try error.response(from: request, context: context)
        } catch let error as HTTPError {
            return try Self.translate(error).response(from: request, context: context)
        } catch let error as DecodingError {
            return try LabError(.badRequest, "invalid_json", Self.describe(error)).response(from: request, context: context)
        } catch {
            context.logger.error("unexpected failure", metadata: ["error": "\(String(reflecting: error))"])
            return try LabError(.internalFailure, "internal_error",
                                "Something went wrong on the server. Nothing was changed. Please try again.")
                .response(from: request, context: context)
        }
    }

    static func translate(_ error: HTTPError) -> LabError {
        switch error.status {
        case .notFound:
            return LabError(.notFound, "not_found", "There is nothing at this address.")
        case .methodNotAllowed:
            return LabError(.badRequest, "method_not_allowed", "This address does not take this kind of request.")
        case .contentTooLarge:
            return LabError(.tooLarge, "too_large", "What was sent is too large.")
        case .badRequest:
            return LabError(.badRequest, "bad_request", error.body ?? "The request could not be read.")
        case .unsupportedMediaType:
            return LabError(.unsupportedMedia, "unsupported_media_type", error.body ?? "This kind of content is not accepted here.")
        default:
            return LabError(.badRequest, "http_\(error.status.code)", error.body ?? error.status.reasonPhrase)
        }
    }

    static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            let names = context.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }
            return names.isEmpty ? "the body" : "'\(names.joined(separator: "."))'"
        }
        switch error {
        case .keyNotFound(let key, let context):
            let parent = context.codingPath.isEmpty ? "" : " in \(path(context))"
            return "The field '\(key.stringValue)' is missing\(parent)."
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            return "The field \(path(context)) has the wrong kind of value."
        case .dataCorrupted(let context):
            return context.codingPath.isEmpty ? "The body is not valid JSON." : "The field \(path(context)) has a value that cannot be read."
        @unknown default:
            return "The body could not be read."
        }
    }
}
