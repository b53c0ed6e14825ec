// A browser request that changes something must come from the lab's own pages, not another site.
import AnnolabCore
import Foundation
import Hummingbird

/// Refuses a cookie-signed request that changes something (POST, PUT, PATCH, DELETE) unless it
/// carries the header `X-CSRF-Token` with the session's CSRF token, and refuses any such request
/// whose `Origin` is another site.
///
/// The token is derived from the session token (a keyed hash, so it gives the session token
/// away to nobody) and is handed to the lab's pages in the readable cookie `annolab_csrf` and in
/// the login reply: a page of another site can make the browser send the session cookie, but it
/// cannot read the lab's cookies to copy the token into a header (OWASP's "signed double-submit
/// cookie"). Requests with `Authorization: Bearer` are not sent by browsers on their own and need
/// no token. SameSite=Strict on the session cookie stays as a second line of defence.
struct CSRFMiddleware: RouterMiddleware {
    typealias Context = LabRequestContext
    static let cookieName = "annolab_csrf"
    static let headerName = HTTPFields.Element.Name("X-CSRF-Token")!
    let secureCookies: Bool

    /// The CSRF token that goes with a session token.
    static func token(forSession session: String) -> String {
        Tokens.hash("annolab-csrf-token:" + session)
    }

    func handle(_ request: Request, context: Context,
                next: (Request, Context) async throws -> Response) async throws -> Response {
        if Self.changesSomething(request.method) {
            if let origin = request.headers[.origin], !Self.isSameSite(origin: origin, authority: request.head.authority) {
                throw LabError(.forbidden, "cross_origin",
                               "This request came from another website, so the lab did not carry it out.")
            }
            if context.signedInByCookie, let session = context.token, request.uri.path != "/api/v1/login" {
                guard let sent = request.headers[Self.headerName], !sent.isEmpty else {
                    throw LabError(.forbidden, "csrf_token_missing",
                                   "This request was refused because it did not come from the lab's own page. Reload the page and try again.")
                }
                guard Self.equalInConstantTime(sent, Self.token(forSession: session)) else {
                    throw LabError(.forbidden, "csrf_token_wrong",
                                   "This request was refused because its page is out of date. Reload the page and try again.")
                }
            }
        }
        var response = try await next(request, context)
        // A page signed in before the token existed, or whose cookie was lost, gets it back.
        if context.signedInByCookie, let session = context.token, request.uri.path != "/api/v1/logout" {
            let expected = Self.token(forSession: session)
            if request.cookies[Self.cookieName]?.value != expected, response.headers[.setCookie] == nil {
                response.setCookie(Self.cookie(expected, secure: secureCookies))
            }
        }
        return response
    }

    /// The readable cookie that carries the CSRF token to the lab's scripts.
    static func cookie(_ value: String, secure: Bool, maxAge: Int? = nil) -> Cookie {
        Cookie(name: cookieName, value: value, maxAge: maxAge, path: "/", secure: secure, httpOnly: false, sameSite: .strict)
    }

    static func changesSomething(_ method: HTTPRequest.Method) -> Bool {
        ![.get, .head, .options, .trace].contains(method)
    }

    /// `Origin: http://host:port` against the `Host` the request was sent to.
    static func isSameSite(origin: String, authority: String?) -> Bool {
        guard let authority, let url = URL(string: origin), let host = url.host else { return false }
        let originAuthority = url.port.map { "\(host):\($0)" } ?? host
        return originAuthority.lowercased() == authority.lowercased()
    }

    static func equalInConstantTime(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var difference: UInt8 = 0
        for index in x.indices { difference |= x[index] ^ y[index] }
        return difference == 0
    }
}
