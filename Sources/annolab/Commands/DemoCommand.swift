// `annolab demo`: a working lab with sample accounts and projects, in one command.
import AnnolabServer
import AnnolabStore
import ArgumentParser
import Foundation

struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Seed a demo lab (accounts, projects, sample media) in an empty data folder, then serve it."
    )

    @Option(help: "The data folder; seeded only when it holds no lab yet.")
    var data: String = "demo-data"

    @OptionGroup var listen: ListenOptions

    func run() async throws {
        let store = try LabStore(folder: URL(fileURLWithPath: data))
        let seeded = try await DemoLab.seedIfEmpty(store: store)
        let server = try await LabServer.open(store: store, clock: try labClock(speed: listen.clockSpeed), options: .init(host: listen.host, port: listen.port))
        if seeded {
            try await DemoLab.addSampleMedia(server: server)
            // The demo's programmes are prepared before the lab opens, so that every project has
            // its work from the first page (a few seconds for the two short programmes).
            await server.programmeJobs.runAll()
        }
        let host = listen.host
        try await server.run { port in
            say(DemoLab.welcome(url: "http://\(host):\(port)/", folder: store.folder.path, seededNow: seeded))
        }
    }
}
