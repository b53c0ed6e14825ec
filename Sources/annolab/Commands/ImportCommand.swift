// `annolab import`: files into a project, by the same rules as the upload route.
import AnnolabMedia
import AnnolabServer
import AnnolabStore
import ArgumentParser
import Foundation

struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import files (PNG, JPEG, SRT, VTT, WAV, or ZIP archives of them) into a project.",
        discussion: "Prints one JSON object: {\"imported\": n, \"microtasks\": m, \"rejected\": [{\"file\", \"reason\"}]}."
    )

    @Option(help: "The data folder.")
    var data: String

    @Option(help: "The project id.")
    var project: Int64

    @Flag(help: "Store nothing when any file is refused.")
    var strict = false

    @Argument(help: "The files to import.")
    var files: [String]

    func run() async throws {
        let store = try LabStore(folder: URL(fileURLWithPath: data))
        let server = try await LabServer.open(store: store, options: .init())
        var uploads: [(name: String, data: Data)] = []
        var programmes: [UploadedProgramme] = []
        for path in files {
            // Programmes are read by ffmpeg where they are, and copied into the lab whole.
            if ItemPreparer.isProgramme(path) {
                guard FileManager.default.isReadableFile(atPath: path) else {
                    throw CommandFailure(description: "The file \(path) cannot be read.")
                }
                programmes.append(UploadedProgramme(name: (path as NSString).lastPathComponent, url: URL(fileURLWithPath: path), owned: false))
                continue
            }
            guard let bytes = FileManager.default.contents(atPath: path) else {
                throw CommandFailure(description: "The file \(path) cannot be read.")
            }
            uploads.append((name: (path as NSString).lastPathComponent, data: bytes))
        }
        let report = try await server.importer.importFiles(uploads, programmes: programmes, into: project, strict: strict, actor: nil)
        // Programmes are prepared here and now (web version, sound, frames), so that the lab
        // serves them as soon as it starts; a failed one is said below and in the project's jobs.
        await server.programmeJobs.runAll()
        let failed = try await store.mediaJobs(projectId: project).filter { $0.state == .failed }
        for job in failed {
            FileHandle.standardError.write(Data("\(job.file) could not be prepared: \(job.reason ?? "unknown reason")\n".utf8))
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        say(String(decoding: try encoder.encode(report), as: UTF8.self))
        if report.imported == 0 {
            throw CommandFailure(description: "No file was imported: \(report.rejected.map { "\($0.file): \($0.reason)" }.joined(separator: " "))")
        }
    }
}
