// Headers that keep the browser client safe: no sniffing, no framing, scripts only from the lab.
import Hummingbird

/// Adds protective headers to every response.
struct SecurityHeadersMiddleware: RouterMiddleware {
    typealias Context = LabRequestContext

    func handle(_ request: Request, context: Context,
                next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        response.headers[.init("X-Content-Type-Options")!] = "nosniff"
        response.headers[.init("X-Frame-Options")!] = "DENY"
        response.headers[.init("Referrer-Policy")!] = "same-origin"
        response.headers[.contentSecurityPolicy] =
            "default-src 'self'; img-src 'self' data: blob:; media-src 'self' blob:; style-src 'self'; script-src 'self'; frame-ancestors 'none'"
        return response
    }
}
