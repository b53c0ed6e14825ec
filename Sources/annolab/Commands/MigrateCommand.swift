// `annolab migrate`: moves a lab from its SQLite data folder into an empty PostgreSQL database, and checks it arrived whole.
import AnnolabCore
import AnnolabPostgres
import AnnolabStore
import ArgumentParser
import Foundation
import Logging

struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Move a lab from its data folder (SQLite) into an empty PostgreSQL database.",
        discussion: """
            Makes the lab's schema in the database and copies every row of every table with its id, in one
            transaction: a move that fails leaves the database empty. Then counts every table on both sides and
            compares the answers by a SHA-256 of all their fields, and prints both; only when every figure is
            equal is the move committed. A database that holds anything is refused. Stop the lab's server
            first: answers given during the move would make the figures differ. The lab is opened as
            `annolab serve` opens it (an older schema is migrated, new assignment ids move on). The media
            folder stays where it is. The address may end in ?sslmode=disable, prefer (the default) or
            require, as with libpq.
            Serving a lab from PostgreSQL is not built yet; `annolab serve` runs on the data folder.
            """
    )

    @Option(help: "The data folder of the lab to move.")
    var from: String

    @Option(help: "The empty PostgreSQL database: postgres://user[:password]@host[:port]/database.")
    var to: String

    func run() async throws {
        let folder = URL(fileURLWithPath: from)
        guard FileManager.default.fileExists(atPath: folder.appendingPathComponent("annolab.sqlite").path) else {
            throw CommandFailure(description: "There is no lab in \(from).")
        }
        var logger = Logger(label: "annolab.migrate")
        logger.logLevel = .warning
        let report: LabMove.Report
        do {
            let address = try PostgresAddress(to)
            let store = try LabStore(folder: folder)
            report = try await LabMove.run(store: store, to: address, logger: logger)
        } catch let error as LabError {
            throw CommandFailure(description: error.message)
        }
        let width = report.tables.map(\.name.count).max() ?? 5
        say("table".padding(toLength: width, withPad: " ", startingAt: 0) + "  sqlite  postgres")
        for table in report.tables {
            let mark = table.sqlite == table.postgres ? "" : "  DIFFERENT"
            say(table.name.padding(toLength: width, withPad: " ", startingAt: 0)
                + String(format: "  %6d  %8d", table.sqlite, table.postgres) + mark)
        }
        say("answers sha256 sqlite=\(report.answersSQLite) postgres=\(report.answersPostgres)")
        guard report.isEqual else {
            throw CommandFailure(description: "The lab did not arrive whole: the figures above differ, so nothing was kept in the database. Was the lab's server still running?")
        }
        let rows = report.tables.reduce(0) { $0 + $1.sqlite }
        say("migrate: \(report.tables.count) tables, \(rows) rows, every count and the answers' checksum equal")
    }
}
