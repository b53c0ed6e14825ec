// The `annolab` command line: thin commands that call into the libraries.
import ArgumentParser

@main
struct Annolab: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "annolab",
        abstract: "An annotation lab: fair, paced, accessible data-labelling work.",
        subcommands: [
            ServeCommand.self, DemoCommand.self, UserCommand.self, TokenCommand.self, ImportCommand.self,
            AggregateCommand.self, ExportCommand.self, RecordCommand.self, TextCommand.self, BackupCommand.self, RestoreCommand.self, MigrateCommand.self, CheckSubtitlesCommand.self,
            BenchCommand.self,
        ]
    )
}

/// The `bench` group: the project's own benchmarks, each ending with one line of figures.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Benchmarks; each ends with one line of key=value figures.",
        subcommands: [BenchServeCommand.self, BenchConsensusCommand.self, BenchImportCommand.self, BenchExportCommand.self]
    )
}
