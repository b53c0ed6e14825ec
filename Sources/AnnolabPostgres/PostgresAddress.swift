// Where a PostgreSQL database is: parsed from the postgres://user[:password]@host[:port]/database form people write.
import AnnolabCore
import Foundation
import PostgresNIO

/// A PostgreSQL database's address, as in `postgres://annolab@127.0.0.1:5432/lab`.
public struct PostgresAddress: Sendable, CustomStringConvertible {
    public var host: String
    public var port: Int
    public var user: String
    public var password: String?
    public var database: String

    /// Reads `postgres://user[:password]@host[:port]/database` (also `postgresql://`); the port is 5432
    /// when left out.
    public init(_ text: String) throws {
        guard let parts = URLComponents(string: text), ["postgres", "postgresql"].contains(parts.scheme ?? ""),
              let host = parts.host, !host.isEmpty, let user = parts.user, !user.isEmpty
        else {
            throw LabError(.badRequest, "invalid_database_address",
                           "\(Self.hidingPassword(text)) is not a PostgreSQL address; write postgres://user@host:port/database.")
        }
        let database = String(parts.path.drop { $0 == "/" })
        guard !database.isEmpty, !database.contains("/") else {
            throw LabError(.badRequest, "invalid_database_address",
                           "\(Self.hidingPassword(text)) names no database; write postgres://user@host:port/database.")
        }
        self.host = host
        self.port = parts.port ?? 5432
        self.user = user
        self.password = parts.password
        self.database = database
    }

    /// The address without its password, for messages and logs.
    public var description: String { "postgres://\(user)@\(host):\(port)/\(database)" }

    var configuration: PostgresConnection.Configuration {
        PostgresConnection.Configuration(host: host, port: port, username: user, password: password, database: database, tls: .disable)
    }

    private static func hidingPassword(_ text: String) -> String {
        text.replacingOccurrences(of: #"(://[^:/@]*):[^@]*@"#, with: "$1:***@", options: .regularExpression)
    }
}
