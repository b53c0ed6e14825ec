// Items: the files a client uploaded, each cut into microtasks at import.
import AnnolabCore
import Foundation
import GRDB

/// One uploaded file (a picture, a subtitle file with its sound, a sound file).
public struct Item: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "item"
    public var id: Int64?
    public var projectId: Int64
    public var fileName: String
    public var mediaType: String
    /// The item's folder under the data folder's `media/`.
    public var mediaPath: String
    public var byteCount: Int
    public var meta: String
    public var createdAt: Date

    /// The table's columns, named by the record's own properties.
    public enum Columns {
        public static let id = Column(CodingKeys.id)
        public static let projectId = Column(CodingKeys.projectId)
    }

    public init(projectId: Int64, fileName: String, mediaType: String, mediaPath: String, byteCount: Int, meta: String,
                createdAt: Date = Date()) {
        self.projectId = projectId
        self.fileName = fileName
        self.mediaType = mediaType
        self.mediaPath = mediaPath
        self.byteCount = byteCount
        self.meta = meta
        self.createdAt = createdAt
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

extension LabStore {
    /// Stores items with their microtasks in one transaction: all of them or none.
    public func addItems(_ items: [(item: Item, microtasks: [Microtask])], actor: Int64?) async throws -> [Microtask] {
        try await write { db in
            var stored: [Microtask] = []
            for entry in items {
                var item = entry.item
                try item.insert(db)
                for var microtask in entry.microtasks {
                    microtask.itemId = item.id
                    try microtask.insert(db)
                    stored.append(microtask)
                }
            }
            if let first = items.first {
                try AuditEntry.record(db, actor: actor, action: "items.import", subject: "project:\(first.item.projectId)",
                                      detail: "\(items.count) files, \(stored.count) microtasks")
            }
            return stored
        }
    }

    public func items(projectId: Int64) async throws -> [Item] {
        try await read { db in try Item.filter(Item.Columns.projectId == projectId).order(Item.Columns.id).fetchAll(db) }
    }

    /// Counts of everything an import writes, for checks that a refused upload left nothing behind.
    public func importCounts() async throws -> (items: Int, microtasks: Int) {
        try await read { db in (try Item.fetchCount(db), try Microtask.fetchCount(db)) }
    }
}

extension LabStore {
    public func item(id: Int64) async throws -> Item? {
        try await read { db in try Item.fetchOne(db, key: id) }
    }
}
