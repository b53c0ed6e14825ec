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

    @Option(help: "How much to log: trace, debug, info (every request), notice, warning, error.")
    var logLevel: String = "info"

    func run() async throws {
        guard let level = Logger.Level(rawValue: logLevel) else {
            throw CommandFailure(description: "The log level '\(logLevel)' is not known. Use trace, debug, info, notice, warning or error.")
        }
        guard maxUploadMb >= 1 else { throw CommandFailure(description: "--max-upload-mb must be at least 1.") }
        var tls: TLSFiles?
        switch (tlsCertificate, tlsKey) {
        case (nil, nil): tls = nil
        case let (certificate?, key?):
            tls = TLSFiles(certificate: URL(fileURLWithPath: certificate), privateKey: URL(fileURLWithPath: key))
            do { try tls?.check() } catch let error as LabError { throw CommandFailure(description: error.message) }
        default: throw CommandFailure(description: "Give both --tls-certificate and --tls-key, or neither.")
        }
        let store = try await openStore()
        let server = try await LabServer.open(store: store, clock: try labClock(speed: listen.clockSpeed), options: .init(
            host: listen.host, port: listen.port, secureCookies: secureCookies, tls: tls, logLevel: level, maxUploadBytes: maxUploadMb << 20))
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
    /// only one server serves at a time for now: a second is refused while the first runs.
    func openStore() async throws -> any LabStoring {
        let folder = URL(fileURLWithPath: data)
        guard let address = database ?? ProcessInfo.processInfo.environment["ANNOLAB_DATABASE"].flatMap({ $0.isEmpty ? nil : $0 }) else {
            return try LabStore(folder: folder)
        }
        do {
            let store = try await PostgresLabStore(address: try PostgresAddress(address), folder: folder,
                                                   logger: Logger(label: "annolab.postgres"))
            do {
                try await store.claimSoleServer()
            } catch {
                store.close()
                throw error
            }
            return store
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
