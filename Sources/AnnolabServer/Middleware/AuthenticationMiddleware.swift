// Finds out who sent a request: a session cookie from the browser or a bearer token from a script.
import AnnolabCore
import AnnolabStore
import Foundation
import Hummingbird

/// Reads `Authorization: Bearer TOKEN` or the session cookie and puts the person in the context.
///
/// A request without valid credentials passes through without a user; ``RoleMiddleware``
/// then answers 401 on routes that need one.
struct AuthenticationMiddleware: RouterMiddleware {
    typealias Context = LabRequestContext
    static let cookieName = "annolab_session"
    let accounts: AccountService

    func handle(_ request: Request, context: Context,
                next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        if let (token, byCookie) = Self.token(in: request) {
            if let user = try await accounts.user(forToken: token) {
                context.user = user
                context.token = token
                context.signedInByCookie = byCookie
            }
        }
        return try await next(request, context)
    }

    /// The bearer token, or else the session cookie's, and whether it came from the cookie.
    static func token(in request: Request) -> (token: String, byCookie: Bool)? {
        if let header = request.headers[.authorization] {
            let parts = header.split(separator: " ", maxSplits: 1)
            if parts.count == 2, parts[0].lowercased() == "bearer" {
                var token = parts[1]
                while token.first == " " || token.first == "\t" { token = token.dropFirst() }
                while token.last == " " || token.last == "\t" { token = token.dropLast() }
                return (String(token), false)
            }
        }
        return request.cookies[cookieName].map { ($0.value, true) }
    }
}

/// Lets a request through only when the signed-in person has one of the allowed roles.
///
/// ```swift
/// router.group("api/v1/coach").add(middleware: RoleMiddleware(.coach))
/// ```
struct RoleMiddleware: RouterMiddleware {
    typealias Context = LabRequestContext
    let allowed: Set<Role>

    init(_ roles: Role...) {
        allowed = Set(roles)
    }

    func handle(_ request: Request, context: Context,
                next: (Request, Context) async throws -> Response) async throws -> Response {
        // A live model holding its project's media token (only the media routes give one; see ModelMediaMiddleware).
        if context.modelProject != nil { return try await next(request, context) }
        let user = try context.requireUser()
        guard allowed.contains(user.role) else {
            let names = allowed.map(\.rawValue).sorted().joined(separator: " or ")
            throw LabError(.forbidden, "wrong_role",
                           "This is for the \(names) role. You are signed in as \(user.role.rawValue).")
        }
        return try await next(request, context)
    }
}

/// Lets a client's live model read its own project's pictures: `Authorization: Token <access_token>`
/// with the read-only token the lab gave it in `/setup`, as Label Studio's backends send it. The
/// token opens the media of that one project only, and stops working when the model is removed.
struct ModelMediaMiddleware: RouterMiddleware {
    typealias Context = LabRequestContext
    let store: any LabStoring

    func handle(_ request: Request, context: Context,
                next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let header = request.headers[.authorization], header.lowercased().hasPrefix("token ") else {
            return try await next(request, context)
        }
        let token = header.dropFirst(6).trimmingCharacters(in: .whitespaces)
        guard !token.isEmpty, let projectId = try await store.projectForModelToken(hash: Tokens.hash(token)) else {
            throw LabError(.unauthorized, "invalid_token", "This media token is not valid: the model may have been removed from its project.")
        }
        var context = context
        context.modelProject = projectId
        return try await next(request, context)
    }
}
