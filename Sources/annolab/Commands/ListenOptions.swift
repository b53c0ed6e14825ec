// Where a lab's server listens, and the test-only fast clock: shared by `serve` and `demo`.
import ArgumentParser

/// The listening options `annolab serve` and `annolab demo` both take.
struct ListenOptions: ParsableArguments {
    @Option(help: "The address to listen on.")
    var host: String = "127.0.0.1"

    @Option(help: "The port to listen on.")
    var port: Int = 8080

    @Option(help: ArgumentHelp("For tests only: the lab's clock runs this many times faster than the wall clock.",
                               visibility: .hidden))
    var clockSpeed: Double = 1
}
