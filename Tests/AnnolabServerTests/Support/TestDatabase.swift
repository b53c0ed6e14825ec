// Fresh PostgreSQL databases for the server tests run on PostgreSQL (ANNOLAB_TEST_STORE=postgres).
import AnnolabCore
import Foundation

/// Makes and drops databases on the cluster of `ANNOLAB_TEST_POSTGRES` (the one the test command starts,
/// or `bash Tests/Postgres/cluster.sh start` for a run by hand), through psql.
enum TestDatabase {
    static func cluster() throws -> String {
        guard let address = ProcessInfo.processInfo.environment["ANNOLAB_TEST_POSTGRES"], !address.isEmpty else {
            throw LabError(.internalFailure, "test_postgres_missing",
                           "ANNOLAB_TEST_STORE=postgres needs ANNOLAB_TEST_POSTGRES: eval \"$(bash Tests/Postgres/cluster.sh start)\" first.")
        }
        return address
    }

    /// A new, empty database, and its address.
    static func fresh() throws -> String {
        let cluster = try cluster()
        let name = "annolab_server_\(UUID().uuidString.prefix(12).lowercased().replacingOccurrences(of: "-", with: ""))"
        // From template0, which nobody connects to: many tests making databases at once do not wait on template1.
        try psql(cluster, "CREATE DATABASE \(name) TEMPLATE template0;")
        return cluster.replacingOccurrences(of: #"/[^/]*$"#, with: "/\(name)", options: .regularExpression)
    }

    static func drop(_ address: String) {
        guard let cluster = try? cluster(), let name = address.split(separator: "/").last else { return }
        try? psql(cluster, "DROP DATABASE IF EXISTS \(name) WITH (FORCE);")
    }

    private static func psql(_ address: String, _ sql: String) throws {
        let child = ChildProcess()
        child.executableURL = URL(fileURLWithPath: "/usr/bin/psql")
        child.arguments = [address, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-c", sql]
        child.standardInput = FileHandle.nullDevice
        child.standardOutput = FileHandle.nullDevice
        child.standardError = FileHandle.nullDevice
        try child.run()
        child.waitUntilExit()
        guard child.terminationStatus == 0 else {
            throw LabError(.internalFailure, "test_postgres_failed", "psql could not run: \(sql)")
        }
    }
}
