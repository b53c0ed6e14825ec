// Headers that keep the browser client safe, on every response the lab gives, errors included.
import Hummingbird

/// Adds protective headers to every response: scripts and styles only from the lab, no framing,
/// no sniffing, every browser feature the lab does not use turned off, and HSTS over HTTPS.
///
/// It is the outermost middleware, so a response made from an error (a 404, a refused role)
/// carries the same headers as a page.
struct SecurityHeadersMiddleware: RouterMiddleware {
    typealias Context = LabRequestContext
    /// The lab is reached over HTTPS (its own TLS or a proxy in front, `--secure-cookies`).
    let overHTTPS: Bool

    static let contentSecurityPolicy =
        "default-src 'self'; img-src 'self' data: blob:; media-src 'self' blob:; style-src 'self'; script-src 'self'; "
        + "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

    /// Every powerful feature the lab does not use is off. Autoplay stays on for the lab's own
    /// pages: spoken warnings and replies for blind operators must be able to play without a
    /// fresh key press. Keyboard, mouse and screen readers need no feature.
    static let permissionsPolicy = [
        "accelerometer", "ambient-light-sensor", "battery", "bluetooth", "camera", "display-capture",
        "document-domain", "encrypted-media", "fullscreen", "gamepad", "geolocation", "gyroscope", "hid",
        "identity-credentials-get", "idle-detection", "local-fonts", "magnetometer", "microphone", "midi", "otp-credentials",
        "payment", "picture-in-picture", "publickey-credentials-create", "publickey-credentials-get", "screen-wake-lock",
        "serial", "storage-access", "usb", "web-share", "window-management", "xr-spatial-tracking",
    ].map { "\($0)=()" }.joined(separator: ", ") + ", autoplay=(self)"

    func handle(_ request: Request, context: Context,
                next: (Request, Context) async throws -> Response) async throws -> Response {
        var response: Response
        do {
            response = try await next(request, context)
        } catch {
            response = try ErrorMiddleware.response(for: error, request: request, context: context)
        }
        Self.protect(&response.headers, path: request.uri.path, overHTTPS: overHTTPS)
        return response
    }

    /// Header names made once: they are set on every response.
    private enum Names {
        static let contentTypeOptions = HTTPFields.Element.Name("X-Content-Type-Options")!
        static let frameOptions = HTTPFields.Element.Name("X-Frame-Options")!
        static let referrerPolicy = HTTPFields.Element.Name("Referrer-Policy")!
        static let permissionsPolicy = HTTPFields.Element.Name("Permissions-Policy")!
        static let openerPolicy = HTTPFields.Element.Name("Cross-Origin-Opener-Policy")!
        static let resourcePolicy = HTTPFields.Element.Name("Cross-Origin-Resource-Policy")!
    }

    static func protect(_ headers: inout HTTPFields, path: String, overHTTPS: Bool) {
        headers[Names.contentTypeOptions] = "nosniff"
        headers[Names.frameOptions] = "DENY"
        headers[Names.referrerPolicy] = "same-origin"
        headers[Names.permissionsPolicy] = permissionsPolicy
        headers[Names.openerPolicy] = "same-origin"
        headers[Names.resourcePolicy] = "same-origin"
        headers[.contentSecurityPolicy] = contentSecurityPolicy
        if overHTTPS {
            headers[.strictTransportSecurity] = "max-age=31536000; includeSubDomains"
        }
        // What the API says about people (names, notes, pay) is never kept in a browser's or a
        // proxy's cache; media and pages set their own caching.
        if headers[.cacheControl] == nil, path.hasPrefix("/api/") {
            headers[.cacheControl] = "no-store"
        }
    }
}
