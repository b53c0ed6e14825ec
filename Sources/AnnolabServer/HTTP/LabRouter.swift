// The router every route is registered on; it remembers each route, so a test can hold the
// API description to what the server really serves.
import Hummingbird
import Synchronization

/// Wraps the Hummingbird router and records the method and path of every route added through
/// it or through its groups.
final class LabRouter: RouterMethods {
    typealias Context = LabRequestContext
    let router: Router<LabRequestContext>
    let recorded = RecordedRoutes()

    init(_ router: Router<LabRequestContext>) {
        self.router = router
    }

    @discardableResult
    func on<Responder: HTTPResponder>(_ path: RouterPath, method: HTTPRequest.Method, responder: Responder) -> Self
    where Responder.Context == LabRequestContext {
        router.on(path, method: method, responder: responder)
        recorded.append(.init(method: method.rawValue.lowercased(), path: path.description))
        return self
    }

    @discardableResult
    func add(middleware: any MiddlewareProtocol<Request, Response, LabRequestContext>) -> Self {
        router.add(middleware: middleware)
        return self
    }
}

/// The routes registered so far; read by the 405 check while the server runs.
final class RecordedRoutes: Sendable {
    private let entries = Mutex<[LabServer.RouteEntry]>([])

    func append(_ entry: LabServer.RouteEntry) {
        entries.withLock { $0.append(entry) }
    }

    var all: [LabServer.RouteEntry] { entries.withLock { $0 } }
}

extension LabServer {
    /// One route the server answers.
    public struct RouteEntry: Sendable, Hashable {
        public var method: String
        public var path: String

        public init(method: String, path: String) {
            self.method = method
            self.path = path
        }
    }

    /// Every route the server registers (API, media and pages), as the router has them.
    public func routeTable() -> [RouteEntry] {
        let (_, recorder) = makeRouters()
        return recorder.recorded.all
    }
}
