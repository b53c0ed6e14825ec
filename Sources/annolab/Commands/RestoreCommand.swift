// `annolab restore`: a backup file brought back into a new data folder, checked before it is used.
import AnnolabCore
import AnnolabMedia
import AnnolabServer
import AnnolabStore
import ArgumentParser
import Foundation

struct RestoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Bring a backup made by annolab backup back into a new, empty data folder.",
        discussion: """
            Unpacks into a hidden folder next to the target, checks every file's checksum and SQLite's
            integrity_check, and only then moves it into place. A damaged or cut-off backup, or a target
            that is not empty, is refused with one line saying why; nothing half-written is left.
            """
    )

    @Option(help: "The backup file.")
    var from: String

    @Option(help: "The new data folder; it must not exist yet or be empty.")
    var data: String

    func run() async throws {
        let started = DispatchTime.now().uptimeNanoseconds
        let restored: LabBackup.Restored
        do {
            restored = try LabBackup.restore(
                from: URL(fileURLWithPath: from), into: URL(fileURLWithPath: data),
                accept: { manifest in try LabStore.refuseUnknownMigrations(manifest.migrations) },
                checkDatabase: { file in
                    let facts = try LabStore.checkDatabaseCopy(at: file)
                    return LabBackup.DatabaseFacts(migrations: facts.migrations, answers: facts.answers, users: facts.users,
                                                   projects: facts.projects, microtasks: facts.microtasks)
                })
        } catch let error as LabError {
            throw CommandFailure(description: error.message)
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        let manifest = restored.manifest
        say("restore: \(data) bytes=\(restored.bytes) seconds=\(String(format: "%.3f", seconds)) answers=\(manifest.counts.answers) "
            + "media_files=\(manifest.counts.mediaFiles) speech_files=\(manifest.counts.speechFiles) "
            + "backup_made=\(manifest.createdAt) integrity=ok")
    }
}
