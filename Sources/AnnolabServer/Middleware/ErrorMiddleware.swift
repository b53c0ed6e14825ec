// Turns every failure into the lab's JSON error shape, in plain words.
import AnnolabCore
import AnnolabStore
import Foundation
import Hummingbird
import Logging

/// Catches errors from routes and other middleware and answers with the JSON error shape.
///
/// Errors from the framework (no such route, a body that is not JSON, a body too large)
/// get a stable code and a plain sentence; a full disk is a 503 that says so; anything
/// unexpected is logged and answered with a 500 that gives nothing away.
struct ErrorMiddleware: RouterMiddleware {
    typealias Context = LabRequestContext

    func handle(_ request: Request, context: Context,
                next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            return try Self.response(for: error, request: request, context: context)
        }
    }

    /// The response for any error; also used by the outermost middleware for the rare error
    /// that escapes this one.
    static func response(for error: any Error, request: Request, context: Context) throws -> Response {
        let labError = labError(for: error)
        switch labError.kind {
        case .internalFailure:
            context.logger.error("unexpected failure", metadata: ["code": "\(labError.code)", "error": "\(String(reflecting: error))"])
        case .unavailable:
            context.logger.critical("storage failure", metadata: ["code": "\(labError.code)", "error": "\(String(reflecting: error))"])
        default:
            break
        }
        return try labError.response(from: request, context: context)
    }

    static func labError(for error: any Error) -> LabError {
        if let cause = StorageFailure.cause(of: error) { return StorageFailure.labError(cause) }
        switch error {
        case let error as LabError:
            return error
        case let error as HTTPError:
            return translate(status: error.status, body: error.body)
        case let error as DecodingError:
            return LabError(.badRequest, "invalid_json", describe(error))
        case let error as any HTTPResponseError:
            // NIO's "too many bytes" for a body over the limit, and other framework errors with a status.
            return translate(status: error.status, body: nil)
        default:
            return LabError(.internalFailure, "internal_error",
                            "Something went wrong on the server. Nothing was changed. Please try again.")
        }
    }

    static func translate(status: HTTPResponse.Status, body: String?) -> LabError {
        switch status {
        case .notFound:
            return LabError(.notFound, "not_found", "There is nothing at this address.")
        case .methodNotAllowed:
            return LabError(.methodNotAllowed, "method_not_allowed", "This address does not take this kind of request.")
        case .contentTooLarge:
            return LabError(.tooLarge, "too_large", "What was sent is too large.")
        case .badRequest:
            return LabError(.badRequest, "bad_request", body ?? "The request could not be read.")
        case .unsupportedMediaType:
            return LabError(.unsupportedMedia, "unsupported_media_type", body ?? "This kind of content is not accepted here.")
        default:
            return LabError(.badRequest, "http_\(status.code)", body ?? status.reasonPhrase)
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
