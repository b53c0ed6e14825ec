// Clients: the media companies whose projects the lab works on.
import Foundation
import GRDB

/// A media company that brings datasets to the lab.
public struct Client: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "client"
    public var id: Int64?
    public var name: String
    /// Charged per paid hour of lab work on the client's projects, in euro cents.
    public var hourlyPriceCents: Int
    public var createdAt: Date

    public init(id: Int64?, name: String, hourlyPriceCents: Int, createdAt: Date) {
        self.id = id
        self.name = name
        self.hourlyPriceCents = hourlyPriceCents
        self.createdAt = createdAt
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

extension LabStore {
    public func createClient(name: String, hourlyPriceCents: Int = 0, now: Date = Date()) async throws -> Client {
        try await write { db in
            var client = Client(id: nil, name: name, hourlyPriceCents: hourlyPriceCents, createdAt: now)
            try client.insert(db)
            return client
        }
    }

    public func client(id: Int64) async throws -> Client? {
        try await read { db in try Client.fetchOne(db, key: id) }
    }
}
