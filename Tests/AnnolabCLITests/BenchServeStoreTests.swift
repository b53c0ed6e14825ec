// `bench serve --database` and `--servers`: the options that do not go together are refused, and the lab served from PostgreSQL.
import AnnolabCore
import Foundation
import Testing

@Suite("bench serve on PostgreSQL")
struct BenchServeStoreTests {
    @Test("bench serve refuses --servers without --database, --database with a baseline, and more servers than connections, before seeding")
    func refusals() throws {
        let database = "postgres://nobody@127.0.0.1:1/nothing"
        let cases: [([String], String)] = [
            (["--servers", "2"], "--servers above 1 needs --database"),
            (["--servers", "0"], "--servers must be at least 1"),
            (["--database", database, "--baseline-microtasks", "10"], "--baseline-microtasks cannot be used with --database"),
            (["--database", database, "--servers", "3"], "more than --connections 2"),
        ]
        for (arguments, words) in cases {
            let result = try annolab(["bench", "serve", "--microtasks", "10", "--connections", "2", "--seconds", "1"] + arguments)
            #expect(result.status != 0, "\(arguments)")
            #expect(result.stderr.contains(words), "\(arguments): \(result.stderr)")
            #expect(!result.stderr.contains("seeding"), "refused before anything is seeded: \(result.stderr)")
        }
    }

    @Test("bench serve --database moves the seeded lab into PostgreSQL, serves it there and counts its answers there; a database not empty is refused",
          .enabled(if: ProcessInfo.processInfo.environment["ANNOLAB_TEST_POSTGRES"].map { !$0.isEmpty } == true,
                   "needs ANNOLAB_TEST_POSTGRES (bash Tests/Postgres/cluster.sh start)"))
    func onPostgres() throws {
        let cluster = ProcessInfo.processInfo.environment["ANNOLAB_TEST_POSTGRES"] ?? ""
        let name = "annolab_bench_\(UUID().uuidString.prefix(12).lowercased().replacingOccurrences(of: "-", with: ""))"
        try psql(cluster, "CREATE DATABASE \(name) TEMPLATE template0;")
        defer { try? psql(cluster, "DROP DATABASE IF EXISTS \(name) WITH (FORCE);") }
        let database = cluster.replacingOccurrences(of: #"/[^/]*$"#, with: "/\(name)", options: .regularExpression)
        let arguments = ["bench", "serve", "--microtasks", "300", "--connections", "4", "--seconds", "2", "--database", database]

        let result = try annolab(arguments)
        #expect(result.status == 0, "\(result.stderr)")
        let values = figures(result.stdout)
        #expect(values["errors"] == 0)
        #expect((values["loops"] ?? 0) > 0)
        #expect(values["answers_stored"] == values["loops"], "the answers are counted in PostgreSQL")
        #expect((values["move_s"] ?? 0) > 0 && values["servers"] == 1)
        #expect(result.stdout.contains(" servers=1 store=postgres"), "\(result.stdout)")

        // The database now holds that lab: a second move into it is refused, and nothing is served.
        let again = try annolab(arguments)
        #expect(again.status != 0)
        #expect(again.stderr.contains("is not empty"), "\(again.stderr)")
    }

    private func psql(_ address: String, _ sql: String) throws {
        let result = try runProgram("/usr/bin/psql", [address, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-c", sql])
        guard result.status == 0 else { throw LabError(.internalFailure, "test_postgres_failed", "psql: \(sql): \(result.stderr)") }
    }
}
