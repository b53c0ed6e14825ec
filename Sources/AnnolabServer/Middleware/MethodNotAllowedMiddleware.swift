// A known address asked with a method it does not take: 405 with the methods it does take.
import AnnolabCore
import Hummingbird
import Synchronization

/// Turns the router's "nothing here" into 405 with an `Allow` header when the path is a route
/// of the lab that takes other methods, as HTTP asks (RFC 9110, 15.5.6).
struct MethodNotAllowedMiddleware: RouterMiddleware {
    typealias Context = LabRequestContext
    let routes: RouteIndex

    func handle(_ request: Request, context: Context,
                next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound {
            let allowed = routes.methods(forPath: request.uri.path)
            guard !allowed.isEmpty, !allowed.contains(request.method.rawValue) else { throw error }
            var response = try LabError(.methodNotAllowed, "method_not_allowed",
                                        "This address does not take a \(request.method.rawValue) request. It takes \(allowed.joined(separator: ", ")).")
                .response(from: request, context: context)
            response.headers[.allow] = allowed.joined(separator: ", ")
            return response
        }
    }
}

/// The methods each route path takes, read from what the router recorded.
///
/// Routes are registered after the middleware is added, so the index is built on first use.
final class RouteIndex: Sendable {
    private let recorded: @Sendable () -> [LabServer.RouteEntry]
    private let built = Mutex<[(segments: [Substring], methods: Set<String>)]?>(nil)

    init(_ recorded: @escaping @Sendable () -> [LabServer.RouteEntry]) {
        self.recorded = recorded
    }

    /// Upper-case methods for the path, HEAD with every GET; empty when no route has this path.
    func methods(forPath path: String) -> [String] {
        let table = built.withLock { table in
            if let table { return table }
            var grouped: [String: Set<String>] = [:]
            for entry in recorded() {
                let path = entry.path.hasPrefix("/") ? entry.path : "/" + entry.path
                grouped[path, default: []].insert(entry.method.uppercased())
            }
            let made = grouped.map { (segments: $0.key.split(separator: "/"), methods: $0.value) }
            table = made
            return made
        }
        let parts = path.split(separator: "/")
        var methods = Set<String>()
        for route in table where route.segments.count == parts.count
            && zip(route.segments, parts).allSatisfy({ pattern, part in pattern.hasPrefix("{") || pattern == part }) {
            methods.formUnion(route.methods)
        }
        if methods.contains("GET") { methods.insert("HEAD") }
        return methods.sorted()
    }
}
