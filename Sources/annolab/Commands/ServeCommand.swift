// `annolab serve`: runs the lab on a data folder.
import AnnolabCore
import AnnolabPostgres
import AnnolabServer
import AnnolabStore
import ArgumentParser
import Foundation
import Logging

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the lab's server on a data folder (embedded SQLite), or on PostgreSQL with --database."
    )

    @Option(help: "The data folder; it is made when missing.")
    var data: String

    @Option(help: ArgumentHelp("Keep the lab in this PostgreSQL database instead of SQLite (also ANNOLAB_DATABASE); media stay in --data.",
                               valueName: "postgres://user@host:port/db"))
    var database: String?

    @OptionGroup var listen: ListenOptions

    @Flag(help: "Mark session cookies Secure and send HSTS (when a proxy serves the lab over HTTPS).")
    var secureCookies = false

    @Option(help: "Serve HTTPS with this certificate (PEM); needs --tls-key.")
    var tlsCertificate: String?

    @Option(help: "The private key (PEM) of --tls-certificate.")
    var tlsKey: String?

    @Option(help: "The largest upload taken in one request, in MB; larger uploads get 413.")
    var maxUploadMb: Int = 4096

    @Option(help: "How long a served task stays reserved for its operator, in seconds (10 to 3600); then someone else may get it.")
    var leaseSeconds = 600

    @Option(help: "How much to log: trace, debug, info (every request), notice, warning, error.")
    var logLevel: String = "info"

    func run() async throws {
        guard let level = Logger.Level(rawValue: logLevel) else {
            throw CommandFailure(description: "The log level '\(logLevel)' is not known. Use trace, debug, info, notice, warning or error.")
        }
        guard maxUploadMb >= 1 else { throw CommandFailure(description: "--max-upload-mb must be at least 1.") }
        guard (10...3600).contains(leaseSeconds) else { throw CommandFailure(description: "--lease-seconds must be from 10 to 3600.") }
        if listen.clockSpeed != 1, database ?? ProcessInfo.processInfo.environment["ANNOLAB_DATABASE"].flatMap({ $0.isEmpty ? nil : $0 }) != nil {
            throw CommandFailure(description: "--clock-speed is for tests of one server on SQLite: servers sharing a database must keep the same time.")
        }
        var tls: TLSFiles?
        switch (tlsCertificate, tlsKey) {
        case (nil, nil): tls = nil
        case let (certificate?, key?):
            tls = TLSFiles(certificate: URL(fileURLWithPath: certificate), privateKey: URL(fileURLWithPath: key))
            do { try tls?.check() } catch let error as LabError { throw CommandFailure(description: error.message) }
        default: throw CommandFailure(description: "Give both --tls-certificate and --tls-key, or neither.")
        }
        let store = try await openStore()
        var options = LabServer.Options(host: listen.host, port: listen.port, secureCookies: secureCookies, tls: tls, logLevel: level,
                                        maxUploadBytes: maxUploadMb << 20)
        options.leaseSeconds = TimeInterval(leaseSeconds)
        let server = try await LabServer.open(store: store, clock: try labClock(speed: listen.clockSpeed), options: options)
        // Other servers may serve the same PostgreSQL: coaches' events and news of work go to them and come from them.
        let sharing = (store as? PostgresLabStore).map { ServerSharing.start(store: $0, server: server) }
        defer { sharing?.cancel() }
        let host = listen.host
        let scheme = tls == nil ? "http" : "https"
        let place = database == nil && ProcessInfo.processInfo.environment["ANNOLAB_DATABASE"].map(\.isEmpty) != false
            ? store.folder.path : "\(store.folder.path) and PostgreSQL"
        try await server.run { port in
            say("Annolab is serving \(place) at \(scheme)://\(host):\(port)/")
        }
        (store as? PostgresLabStore)?.close()
    }

    /// SQLite in the data folder, or the PostgreSQL database of --database (or ANNOLAB_DATABASE), which
    /// several servers may serve at once (leases and answers are decided in the database).
    func openStore() async throws -> any LabStoring {
        let folder = URL(fileURLWithPath: data)
        guard let address = database ?? ProcessInfo.processInfo.environment["ANNOLAB_DATABASE"].flatMap({ $0.isEmpty ? nil : $0 }) else {
            return try LabStore(folder: folder)
        }
        do {
            return try await PostgresLabStore(address: try PostgresAddress(address), folder: folder,
                                              logger: Logger(label: "annolab.postgres"))
        } catch let error as LabError {
            throw CommandFailure(description: error.message)
        }
    }
}

/// The lab's clock: the real time, or (for browser tests of block ends) a faster one.
func labClock(speed: Double) throws -> any LabClock {
    guard speed.isFinite, speed >= 1, speed <= 10_000 else {
        throw CommandFailure(description: "--clock-speed must be a number from 1 to 10000.")
    }
    return speed == 1 ? SystemClock() : ScaledClock(speed: speed)
}
