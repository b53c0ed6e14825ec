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
    /// Whether the connection is encrypted: as libpq's `sslmode`, `disable`, `prefer` (encrypted when the
    /// server offers it, the default) or `require` (a server without TLS is refused).
    public var tls: TLSMode

    public enum TLSMode: String, Sendable {
        case disable, prefer, require
    }

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
        var mode = TLSMode.prefer
        for item in parts.queryItems ?? [] {
            guard item.name == "sslmode", let given = item.value.flatMap(TLSMode.init(rawValue:)) else {
                throw LabError(.badRequest, "invalid_database_address",
                               "\(Self.hidingPassword(text)) asks for \(item.name)=\(item.value ?? ""); the address takes only sslmode=disable, prefer or require.")
            }
            mode = given
        }
        self.tls = mode
        self.host = host
        self.port = parts.port ?? 5432
        self.user = user
        self.password = parts.password
        self.database = database
    }

    /// The address without its password, for messages and logs.
    public var description: String { "postgres://\(user)@\(host):\(port)/\(database)" }

    /// The driver's configuration; TLS verifies the server's certificate against the system's trusted ones.
    func configuration() throws -> PostgresConnection.Configuration {
        let tls: PostgresConnection.Configuration.TLS
        switch self.tls {
        case .disable: tls = .disable
        case .prefer: tls = .prefer(try NIOSSLContext(configuration: .makeClientConfiguration()))
        case .require: tls = .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
        }
        return PostgresConnection.Configuration(host: host, port: port, username: user, password: password, database: database, tls: tls)
    }

    /// The connection pool's configuration: the same address and TLS, at most `connections` at once.
    public func clientConfiguration(connections: Int = 20) -> PostgresClient.Configuration {
        let tls: PostgresClient.Configuration.TLS
        switch self.tls {
        case .disable: tls = .disable
        case .prefer: tls = .prefer(.makeClientConfiguration())
        case .require: tls = .require(.makeClientConfiguration())
        }
        var configuration = PostgresClient.Configuration(host: host, port: port, username: user, password: password,
                                                         database: database, tls: tls)
        configuration.options.maximumConnections = connections
        return configuration
    }

    private static func hidingPassword(_ text: String) -> String {
        text.replacingOccurrences(of: #"(://[^:/@]*):[^@]*@"#, with: "$1:***@", options: .regularExpression)
    }
}
