// Sign in, sign out, and "who am I" for every role.
import AnnolabCore
import AnnolabStore
import Foundation
import Hummingbird

/// `POST /api/v1/login`, `POST /api/v1/logout`, `GET /api/v1/me`.
struct AuthRoutes {
    let accounts: AccountService
    let throttle = LoginThrottle()
    /// Mark the session cookie Secure when the lab is served over HTTPS.
    let secureCookies: Bool

    struct LoginRequest: Decodable {
        var badge: String?
        var email: String?
        var password: String?
    }

    struct LoginResponse: ResponseEncodable {
        var token: String
        var role: Role
        var name: String
        var id: Int64
        /// Send it as `X-CSRF-Token` with requests that change something, when signed in by the cookie.
        var csrfToken: String
    }

    struct Me: ResponseEncodable {
        var id: Int64
        var role: Role
        var name: String
        var email: String?
        var badge: String?
        var language: String
        var csrfToken: String?
    }

    func register(on router: LabRouter) {
        router.post("api/v1/login", use: login)
        router.post("api/v1/logout", use: logout)
        router.get("api/v1/me", use: me)
        router.get("api/v1/me/settings", use: settings)
        router.put("api/v1/me/settings", use: changeSettings)
    }

    /// A change of settings: the fields sent replace the stored ones, the others stay.
    struct SettingsChange: Decodable {
        var textSize: Int?
        var contrast: Bool?
        var reducedMotion: Bool?
        var language: String?
        var sounds: Bool?
    }

    @Sendable func settings(_ request: Request, context: LabRequestContext) async throws -> PersonalSettings {
        try await accounts.store.personalSettings(userId: try context.requireUserID())
    }

    @Sendable func changeSettings(_ request: Request, context: LabRequestContext) async throws -> PersonalSettings {
        let userId = try context.requireUserID()
        let change = try await request.decode(as: SettingsChange.self, context: context)
        var settings = try await accounts.store.personalSettings(userId: userId)
        if let value = change.textSize { settings.textSize = value }
        if let value = change.contrast { settings.contrast = value }
        if let value = change.reducedMotion { settings.reducedMotion = value }
        if let value = change.language {
            settings.language = value
            settings.languageChosen = true
        }
        if let value = change.sounds { settings.sounds = value }
        return try await accounts.store.setPersonalSettings(settings, userId: userId)
    }

    @Sendable func login(_ request: Request, context: LabRequestContext) async throws -> Response {
        let body = try await request.decode(as: LoginRequest.self, context: context)
        let session: AccountService.Session
        let place = "address:" + (context.remoteAddress ?? "unknown")
        if let badge = body.badge, !badge.isEmpty {
            try throttle.check(place)
            // Failed badge guesses are counted per address and are not forgiven by a success,
            // so that knowing one badge does not open the door to guessing others.
            do { session = try await accounts.login(badge: badge) } catch {
                throttle.failed(place)
                throw error
            }
        } else if let email = body.email, let password = body.password {
            let key = "email:" + email.lowercased()
            try throttle.check(key)
            try throttle.check(place)
            do { session = try await accounts.login(email: email, password: password) } catch {
                throttle.failed(key)
                throttle.failed(place)
                throw error
            }
            throttle.succeeded(key)
        } else {
            throw LabError(.badRequest, "login_incomplete",
                           "Send your badge code, or your email address and password.")
        }
        let cookie = Cookie(name: AuthenticationMiddleware.cookieName, value: session.token,
                            maxAge: Int(accounts.sessionLifetime), path: "/", secure: secureCookies,
                            httpOnly: true, sameSite: .strict)
        let csrf = CSRFMiddleware.token(forSession: session.token)
        var response = try LoginResponse(token: session.token, role: session.user.role, name: session.user.name,
                                         id: try session.user.id.required("person"), csrfToken: csrf).response(from: request, context: context)
        response.setCookie(cookie)
        response.setCookie(CSRFMiddleware.cookie(csrf, secure: secureCookies, maxAge: Int(accounts.sessionLifetime)))
        return response
    }

    @Sendable func logout(_ request: Request, context: LabRequestContext) async throws -> Response {
        if let token = context.token {
            try await accounts.logout(token: token)
        }
        var response = Response(status: .noContent)
        response.setCookie(Cookie(name: AuthenticationMiddleware.cookieName, value: "", maxAge: 0, path: "/",
                                  secure: secureCookies, httpOnly: true, sameSite: .strict))
        response.setCookie(CSRFMiddleware.cookie("", secure: secureCookies, maxAge: 0))
        return response
    }

    @Sendable func me(_ request: Request, context: LabRequestContext) async throws -> Me {
        let user = try context.requireUser()
        return Me(id: try user.id.required("person"), role: user.role, name: user.name, email: user.email, badge: user.badge,
                  language: user.language, csrfToken: context.token.map(CSRFMiddleware.token(forSession:)))
    }
}
extension PersonalSettings: ResponseEncodable {}
