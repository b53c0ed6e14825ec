// `annolab record`: an operator's own record of work, for the admin to hand over.
import AnnolabCore
import AnnolabServer
import AnnolabStore
import ArgumentParser
import Foundation

struct RecordCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "record",
        abstract: "Write an operator's record of work: the printable page (FILE ending in .html) or JSON (any other name).",
        discussion: "Works for a closed account too, until it is erased. The JSON follows Web/record.schema.json."
    )

    @Option(help: "The data folder.")
    var data: String

    @Option(help: "The operator's id.")
    var `operator`: Int64

    @Option(help: "Where to write the record.")
    var out: String

    func run() async throws {
        let folder = URL(fileURLWithPath: data)
        guard FileManager.default.fileExists(atPath: folder.appendingPathComponent("annolab.sqlite").path) else {
            throw CommandFailure(description: "There is no lab in \(data).")
        }
        let store = try LabStore(folder: folder)
        let bytes: Data
        do {
            bytes = try await OperatorRecordFile.make(store: store, tasksFolder: LabResources.folder(named: "Tasks"),
                                                      operatorId: `operator`, html: out.lowercased().hasSuffix(".html"))
        } catch let error as LabError {
            throw CommandFailure(description: error.message)
        }
        let target = URL(fileURLWithPath: out)
        do {
            try bytes.write(to: target, options: .atomic)
        } catch {
            throw CommandFailure(description: "Could not write \(target.path): \(error.localizedDescription)")
        }
        say("Wrote \(target.path) (\(bytes.count) bytes).")
    }
}
