// Assembles the lab's HTTP server: middleware, routes per role, static files, graceful shutdown.
import AnnolabCore
import AnnolabStore
import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging

/// The Annolab HTTP server.
///
/// ```swift
/// let store = try LabStore(folder: dataFolder)
/// let server = try await LabServer.open(store: store, options: .init(host: "127.0.0.1", port: 8080))
/// try await server.run()    // until SIGINT or SIGTERM
/// ```
public struct LabServer: Sendable {
    public struct Options: Sendable {
        public var host: String
        public var port: Int
        /// The browser client's files; found next to the sources when not given.
        public var webFolder: URL
        /// The task templates.
        public var tasksFolder: URL
        /// Mark cookies Secure and send HSTS (when the lab is served over HTTPS by a proxy).
        public var secureCookies: Bool
        /// Serve HTTPS with this certificate and key (PEM files); cookies are then Secure too.
        public var tls: TLSFiles?
        /// The lab is reached over HTTPS, by its own TLS or by a proxy in front.
        public var overHTTPS: Bool { secureCookies || tls != nil }
        public var logLevel: Logger.Level
        /// The largest upload taken in one request.
        public var maxUploadBytes: Int
        /// How long a served microtask stays reserved for its operator, in seconds.
        public var leaseSeconds: TimeInterval = 600

        public init(host: String = "127.0.0.1", port: Int = 8080, webFolder: URL? = nil, tasksFolder: URL? = nil,
                    secureCookies: Bool = false, tls: TLSFiles? = nil, logLevel: Logger.Level = .info,
                    maxUploadBytes: Int = 4096 << 20) {
            self.tls = tls
            self.maxUploadBytes = maxUploadBytes
            self.host = host
            self.port = port
            self.webFolder = webFolder ?? LabResources.folder(named: "Web")
            self.tasksFolder = tasksFolder ?? LabResources.folder(named: "Tasks")
            self.secureCookies = secureCookies
            self.logLevel = logLevel
        }
    }

    public let store: any LabStoring
    public let options: Options
    public let accounts: AccountService
    public let engine: LabEngine
    /// The task templates from Tasks/, checked when the server starts.
    public let templates: TemplateCatalog
    /// Spoken prompts for the text and audio modes (espeak-ng), cached in the data folder.
    public let speech: SpeechService
    /// The coaches' live view and alerts; it runs beside the HTTP server.
    public let monitor: CoachMonitor
    /// Request counts and the lab's figures, served at `/metrics`.
    let metrics: LabMetrics
    public var importer: ImportService {
        var importer = ImportService(store: store, engine: engine, templates: templates, programmeJobs: programmeJobs)
        importer.modelFetcher = modelFetcher
        return importer
    }
    /// Prepares uploaded programmes (video, compressed sound) in the background.
    public let programmeJobs: ProgrammeJobs
    /// Fetches live models' predictions in the background.
    public let modelFetcher: ModelFetcher

    /// Opens the lab: loads the templates and rebuilds the work queue from the store.
    public static func open(store: any LabStoring, clock: any LabClock = SystemClock(), options: Options) async throws -> LabServer {
        FreedMemory.keep()
        let templates = try TemplateCatalog.load(from: options.tasksFolder)
        let engine = try await LabEngine.start(store: store, clock: clock, leaseLength: options.leaseSeconds)
        try await engine.useLadder(try SkillLadder.loadIfPresent(from: options.tasksFolder))
        let monitor = CoachMonitor(store: store, engine: engine)
        try await monitor.load()
        return LabServer(store: store, options: options, engine: engine, templates: templates, monitor: monitor)
    }

    init(store: any LabStoring, options: Options, engine: LabEngine, templates: TemplateCatalog, monitor: CoachMonitor) {
        self.monitor = monitor
        self.store = store
        self.options = options
        self.accounts = AccountService(store: store)
        self.engine = engine
        self.templates = templates
        self.speech = SpeechService(folder: store.folder.appendingPathComponent("speech", isDirectory: true))
        self.metrics = LabMetrics { try await LabFigures.read(from: engine) }
        self.programmeJobs = ProgrammeJobs(store: store, engine: engine, templates: templates)
        self.modelFetcher = ModelFetcher(store: store, engine: engine)
    }

    /// The router with every route and middleware; usable without a socket in tests.
    func makeRouter() -> Router<LabRequestContext> {
        makeRouters().router
    }

    /// The router, and the recorder every route was registered through.
    func makeRouters() -> (router: Router<LabRequestContext>, recorder: LabRouter) {
        // HEAD answers every GET route with its headers and no body, as HTTP asks.
        let base = Router(context: LabRequestContext.self, options: .autoGenerateHeadEndpoints)
        let router = LabRouter(base)
        // Outermost first: every response, errors included, gets the protective headers.
        router.add(middleware: SecurityHeadersMiddleware(overHTTPS: options.overHTTPS))
        router.add(middleware: ErrorMiddleware())
        router.add(middleware: LogRequestsMiddleware(.info))
        // Counts and times each request through swift-metrics, into this server's registry (see LabApplication).
        router.add(middleware: MetricsMiddleware<LabRequestContext>())
        router.add(middleware: MethodNotAllowedMiddleware(routes: RouteIndex { [recorded = router.recorded] in recorded.all }))
        router.add(middleware: FileMiddleware(options.webFolder.path, searchForIndexHtml: false))
        router.add(middleware: AuthenticationMiddleware(accounts: accounts))
        router.add(middleware: CSRFMiddleware(secureCookies: options.overHTTPS))

        let pay = PayService(store: store, engine: engine)
        let projects = ProjectService(store: store, engine: engine, pay: pay, defaults: ProjectDefaults.from(templates), templates: templates)
        MetaRoutes(metrics: metrics).register(on: router)
        PageRoutes(webFolder: options.webFolder).register(on: router)
        AuthRoutes(accounts: accounts, secureCookies: options.overHTTPS).register(on: router)
        ClientRoutes(store: store, projects: projects, importer: importer, maxUploadBytes: options.maxUploadBytes, monitor: monitor)
            .register(on: router)
        MediaRoutes(store: store, clock: engine.clock).register(on: router)
        CoachRoutes(store: store, engine: engine, monitor: monitor, pay: pay).register(on: router)
        AdminRoutes(store: store, accounts: accounts, engine: engine, monitor: monitor).register(on: router)
        OperatorRoutes(engine: engine, templates: templates).register(on: router)
        RatingRoutes(store: store, clock: engine.clock).register(on: router)
        StatementRoutes(store: store, clock: engine.clock, monitor: monitor).register(on: router)
        PayRoutes(pay: pay).register(on: router)
        RecordRoutes(store: store, engine: engine, pay: pay).register(on: router)
        TextRoutes(engine: engine, templates: templates, speech: speech).register(on: router)
        ClientAccountRoutes(store: store, accounts: accounts, templates: templates, pay: pay).register(on: router)
        ModelRoutes(store: store, models: ModelService(store: store, engine: engine, fetcher: modelFetcher)).register(on: router)
        return (base, router)
    }

    /// The application, ready to run; `onRunning` receives the bound port (useful with port 0).
    public func makeApplication(onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) throws -> LabApplication {
        var logger = Logger(label: "annolab")
        logger.logLevel = options.logLevel
        let application = Application(
            router: makeRouter(),
            server: try options.tls.map { try HTTPServerBuilder.tls(.http1(), tlsConfiguration: try $0.configuration()) } ?? .http1(),
            configuration: .init(address: .hostname(options.host, port: options.port), serverName: "Annolab"),
            services: [monitor, programmeJobs, modelFetcher],
            onServerRunning: { [modelFetcher] channel in
                let port = channel.localAddress?.port ?? options.port
                modelFetcher.listening(host: options.host, port: port)
                modelFetcher.nudge()
                await onRunning(port)
            },
            logger: logger
        )
        return LabApplication(application: application, metrics: metrics)
    }

    /// Serves until SIGINT or SIGTERM; requests under way are finished before it returns.
    public func run(onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        try await makeApplication(onRunning: onRunning).runService()
    }
}
