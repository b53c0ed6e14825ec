// `annolab bench serve --database`: the seeded lab moved into PostgreSQL, several servers on it, answers counted there.
import AnnolabCore
import AnnolabPostgres
import AnnolabStore
import Foundation
import Logging

extension BenchServeCommand {
    /// Refuses the options that do not go together, in plain words, before anything is seeded.
    func checkStoreOptions() throws {
        guard servers >= 1 else { throw CommandFailure(description: "--servers must be at least 1.") }
        if servers > 1 && database == nil {
            throw CommandFailure(description: "--servers above 1 needs --database: several servers share a lab only in PostgreSQL, never one SQLite file.")
        }
        if servers > connections {
            throw CommandFailure(description: "--servers \(servers) is more than --connections \(connections): every server needs at least one connection.")
        }
        if database != nil && baselineMicrotasks != nil {
            throw CommandFailure(description: "--baseline-microtasks cannot be used with --database: the baseline lab would need a second empty database. Compare without --database.")
        }
    }

    /// Moves the seeded lab from its data folder into the empty database with the code `annolab migrate`
    /// uses (one transaction, every table counted on both sides, the answers compared by checksum), and
    /// says how long it took. A database that is not empty is refused by the move, and that refusal is passed on.
    static func move(_ folder: URL, to database: String) async throws -> Double {
        let started = monotonicNanoseconds()
        let report: LabMove.Report
        do {
            report = try await LabMove.run(store: try LabStore(folder: folder), to: try PostgresAddress(database), logger: quietLogger)
        } catch let error as LabError {
            throw CommandFailure(description: error.message)
        }
        guard report.isEqual else {
            throw CommandFailure(description: "The seeded lab did not arrive whole in PostgreSQL (a table's count or the answers' checksum differ), so nothing was kept there.")
        }
        return Double(monotonicNanoseconds() - started) / 1e9
    }

    /// Answers stored in a lab, read through a store opened for this alone and closed at once, so that
    /// no connection of the bench's stays open on the server's database while it is measured: the
    /// SQLite file in the data folder, or the PostgreSQL database the servers serve.
    static func answers(in folder: URL, database: String?) async throws -> Int {
        guard let database else { return try await LabStore(folder: folder).answerCount() }
        do {
            let store = try await PostgresLabStore(address: try PostgresAddress(database), folder: folder, connections: 1,
                                                   logger: quietLogger)
            defer { store.close() }
            return try await store.answerCount()
        } catch let error as LabError {
            throw CommandFailure(description: error.message)
        }
    }

    /// Starts `count` servers on one data folder (and database), one after the other, each on its own
    /// port. When one does not start, the ones already started are stopped and its refusal is passed on.
    func startServers(_ count: Int, program: String, data: URL, extra: [String]) throws -> [BenchServer] {
        var started: [BenchServer] = []
        for number in 1...count {
            do {
                let server = try BenchServer(program: program, data: data, extra: extra)
                started.append(server)
                log(String(format: "server %d of %d: pid %d on port %d answered after %.2f s", number, count,
                           server.process.processIdentifier, server.port, server.startSeconds))
            } catch {
                for server in started { server.stop() }
                let reason = (error as? BenchServer.NotStarted)?.reason ?? "\(error)"
                let stopped = started.isEmpty ? "" : started.count == 1 ? " The server already started was stopped."
                    : " The \(started.count) servers already started were stopped."
                throw CommandFailure(description: "Server \(number) of \(count) did not start: \(reason)\(stopped)")
            }
        }
        return started
    }

    /// Errors only: the driver warns when the store's first query comes before its client runs.
    private static var quietLogger: Logger {
        var logger = Logger(label: "annolab.bench")
        logger.logLevel = .error
        return logger
    }
}
