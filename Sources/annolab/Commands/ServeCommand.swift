// `annolab serve`: runs the lab on a data folder.
import AnnolabServer
import AnnolabStore
import ArgumentParser
import Foundation

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the lab's server on a data folder (embedded SQLite)."
    )

    @Option(help: "The data folder; it is made when missing.")
    var data: String

    @Option(help: "The address to listen on.")
    var host: String = "127.0.0.1"

    @Option(help: "The port to listen on.")
    var port: Int = 8080

    @Flag(help: "Mark session cookies Secure (when a proxy serves the lab over HTTPS).")
    var secureCookies = false

    func run() async throws {
        let store = try LabStore(folder: URL(fileURLWithPath: data))
        let server = try await LabServer.open(store: store, options: .init(host: host, port: port, secureCookies: secureCookies))
        let host = self.host
        try await server.run { port in
            say("Annolab is serving \(store.folder.path) at http://\(host):\(port)/")
        }
    }
}
