// `annolab backup`: one file holding a consistent copy of a lab, made while it serves.
import AnnolabCore
import AnnolabMedia
import AnnolabServer
import AnnolabStore
import ArgumentParser
import Foundation

struct BackupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Copy a lab (database, media, speech) into one tar file, also while its server runs.",
        discussion: """
            The database is copied with SQLite's online backup API, so operators can go on answering: every
            answer acknowledged before the backup began is in it. The file is written under a hidden name and
            renamed when complete. Look inside with `tar -tvf FILE`; bring it back with `annolab restore`.
            """
    )

    @Option(help: "The data folder of the lab.")
    var data: String

    @Option(help: "The backup file to write (an older file of that name is replaced once the new one is complete).")
    var out: String

    func run() async throws {
        let folder = URL(fileURLWithPath: data)
        guard FileManager.default.fileExists(atPath: folder.appendingPathComponent("annolab.sqlite").path) else {
            throw CommandFailure(description: "There is no lab in \(data).")
        }
        let started = DispatchTime.now().uptimeNanoseconds
        let written: LabBackup.Written
        do {
            written = try LabBackup.write(dataFolder: folder, to: URL(fileURLWithPath: out)) { copy in
                let facts = try LabStore.copyDatabase(in: folder, to: copy)
                return LabBackup.DatabaseFacts(migrations: facts.migrations, answers: facts.answers, users: facts.users,
                                               projects: facts.projects, microtasks: facts.microtasks)
            }
        } catch let error as LabError {
            throw CommandFailure(description: error.message)
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        let counts = written.manifest.counts
        say("backup: \(out) bytes=\(written.bytes) seconds=\(String(format: "%.3f", seconds)) answers=\(counts.answers) "
            + "media_files=\(counts.mediaFiles) speech_files=\(counts.speechFiles) schema=\(written.manifest.schemaVersion)")
    }
}
