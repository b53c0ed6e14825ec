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

    /// Styles come from the lab's own files; the one inline style allowed is the printable
    /// record's (by its hash), which must stand alone when saved as a file.
    static let contentSecurityPolicy =
        "default-src 'self'; img-src 'self' data: blob:; media-src 'self' blob:; style-src 'self' \(RecordPage.styleSource); script-src 'self'; "
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

    /// The headers every response carries, made and checked once: they are set on every response.
    private static let always: [HTTPFields.Element] = [
        HTTPFields.Element(name: HTTPFields.Element.Name("X-Content-Type-Options")!, value: "nosniff"),
        HTTPFields.Element(name: HTTPFields.Element.Name("X-Frame-Options")!, value: "DENY"),
        HTTPFields.Element(name: HTTPFields.Element.Name("Referrer-Policy")!, value: "same-origin"),
        HTTPFields.Element(name: HTTPFields.Element.Name("Permissions-Policy")!, value: permissionsPolicy),
        HTTPFields.Element(name: HTTPFields.Element.Name("Cross-Origin-Opener-Policy")!, value: "same-origin"),
        HTTPFields.Element(name: HTTPFields.Element.Name("Cross-Origin-Resource-Policy")!, value: "same-origin"),
        HTTPFields.Element(name: .contentSecurityPolicy, value: contentSecurityPolicy),
    ]
    private static let strictTransport = HTTPFields.Element(name: .strictTransportSecurity, value: "max-age=31536000; includeSubDomains")
    private static let noStore = HTTPFields.Element(name: .cacheControl, value: "no-store")

    static func protect(_ headers: inout HTTPFields, path: String, overHTTPS: Bool) {
        for field in always {
            set(field, in: &headers)
        }
        if overHTTPS {
            set(strictTransport, in: &headers)
        }
        // What the API says about people (names, notes, pay) is never kept in a browser's or a
        // proxy's cache; media and pages set their own caching.
        if headers[.cacheControl] == nil, path.hasPrefix("/api/") {
            headers.append(noStore)
        }
    }

    /// Sets one header, replacing a value a route may have given it.
    private static func set(_ field: HTTPFields.Element, in headers: inout HTTPFields) {
        if headers.contains(field.name) {
            headers[fields: field.name] = [field]
        } else {
            headers.append(field)
        }
    }
}
