// `annolab export`: a project's consensus in a format the client's tools read.
import AnnolabCore
import AnnolabServer
import AnnolabStore
import ArgumentParser
import Foundation

struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write a project's labels: coco, yolo, voc, labelstudio (boxes), vtt, csv (subtitles), csv, json (tags, choices), jsonl (every raw answer)."
    )

    @Option(help: "The data folder.")
    var data: String

    @Option(help: "The project's id.")
    var project: Int64

    @Option(help: "The format.")
    var format: String

    @Option(help: "Where to write the file; without it, the export's own file name in the current folder.")
    var out: String?

    func run() async throws {
        let folder = URL(fileURLWithPath: data)
        guard FileManager.default.fileExists(atPath: folder.appendingPathComponent("annolab.sqlite").path) else {
            throw CommandFailure(description: "There is no lab in \(data).")
        }
        let store = try LabStore(folder: folder)
        guard let stored = try await store.project(id: project) else {
            throw CommandFailure(description: "There is no project \(project) in this lab.")
        }
        let file: ExportService.File
        do {
            file = try await ExportService(store: store).export(project: stored, format: format)
        } catch let error as LabError {
            throw CommandFailure(description: error.message)
        }
        let target = URL(fileURLWithPath: out ?? file.fileName)
        let size: Int
        do {
            size = try await FileExportSink.write(file, to: target)
        } catch let error as LabError {
            throw CommandFailure(description: error.message)
        } catch {
            throw CommandFailure(description: "Could not write \(target.path): \(error.localizedDescription)")
        }
        say("Wrote \(target.path) (\(size) bytes).")
    }
}
