// A client's model in the store: how a project uses it, its predictions, and the work made from them.
import AnnolabCore
import Foundation
import GRDB

/// How a project uses a model's predictions, and the live model it asks, if any.
public struct ModelSetting: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "modelSetting"
    public var projectId: Int64
    /// `verify` or `blind`.
    public var mode: String
    public var threshold: Double
    /// `uncertain-first` or `in-order`.
    public var ordering: String
    public var modelVotes: Bool
    public var url: String?
    public var token: String?
    public var accessTokenHash: String?
    /// `checking`, `ready` or `failed` for a live model; nil without one.
    public var state: String?
    public var reason: String?
    public var modelVersion: String?
    public var checkedAt: Date?

    public init(projectId: Int64, mode: String, threshold: Double, ordering: String, modelVotes: Bool) {
        self.projectId = projectId
        self.mode = mode
        self.threshold = threshold
        self.ordering = ordering
        self.modelVotes = modelVotes
    }
}

/// One model's prediction for one stored file.
public struct StoredPrediction: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "prediction"
    public var id: Int64?
    public var projectId: Int64
    public var itemId: Int64
    /// `upload` or `model`.
    public var source: String
    public var modelVersion: String
    /// The ``FilePrediction`` as JSON.
    public var body: String
    public var createdAt: Date

    public init(projectId: Int64, itemId: Int64, source: String, modelVersion: String, body: String, createdAt: Date) {
        self.projectId = projectId
        self.itemId = itemId
        self.source = source
        self.modelVersion = modelVersion
        self.body = body
        self.createdAt = createdAt
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// Which predicted box a box check asks about.
public struct BoxCheck: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "boxCheck"
    public var microtaskId: Int64
    public var predictionId: Int64
    public var itemId: Int64
    /// The box's place in the prediction's regions.
    public var region: Int
    public var score: Double?

    public init(microtaskId: Int64, predictionId: Int64, itemId: Int64, region: Int, score: Double?) {
        self.microtaskId = microtaskId
        self.predictionId = predictionId
        self.itemId = itemId
        self.region = region
        self.score = score
    }
}

/// Work of a picture kept back: the drawing microtasks' payloads (JSON list of ``MicrotaskPayload``).
public struct HeldWork: Codable, Sendable, Equatable {
    public var payloads: String
    public var estimatedSeconds: Int
    public init(payloads: String, estimatedSeconds: Int) {
        self.payloads = payloads
        self.estimatedSeconds = estimatedSeconds
    }
}

/// An upload whose pictures come with predictions: the files, then their work in the order it is served.
public struct PredictedUpload: Sendable {
    public struct Entry: Sendable {
        public var item: Item
        /// Source, model version and ``FilePrediction`` JSON; nil for a file the model said nothing about.
        public var prediction: (source: String, modelVersion: String, body: String)?
        /// The drawing work made once the picture's box checks are done ("anything missed?").
        public var drawLater: HeldWork?
        /// The work made once a live model has predicted the picture.
        public var wait: HeldWork?
        public init(item: Item, prediction: (source: String, modelVersion: String, body: String)?,
                    drawLater: HeldWork? = nil, wait: HeldWork? = nil) {
            self.item = item
            self.prediction = prediction
            self.drawLater = drawLater
            self.wait = wait
        }
    }

    public struct Work: Sendable {
        /// The entry (file) it belongs to.
        public var entry: Int
        public var microtask: Microtask
        /// For a box check: the predicted box's place in the prediction and its score.
        public var check: (region: Int, score: Double?)?
        public init(entry: Int, microtask: Microtask, check: (region: Int, score: Double?)? = nil) {
            self.entry = entry
            self.microtask = microtask
            self.check = check
        }
    }

    public var entries: [Entry]
    /// In the order operators get it: microtask ids follow this order.
    public var work: [Work]
    public init(entries: [Entry], work: [Work]) {
        self.entries = entries
        self.work = work
    }
}

extension LabStore {
    public func modelSetting(projectId: Int64) async throws -> ModelSetting? {
        try await read { db in try ModelSetting.fetchOne(db, key: projectId) }
    }

    public func saveModelSetting(_ setting: ModelSetting) async throws {
        try await write { db in try setting.save(db) }
    }

    /// Every project with a live model, for the background fetcher.
    public func liveModels() async throws -> [ModelSetting] {
        try await read { db in try ModelSetting.filter(sql: "url IS NOT NULL").fetchAll(db) }
    }

    /// The project whose live model holds this media token (its SHA-256), if any.
    public func projectForModelToken(hash: String) async throws -> Int64? {
        try await read { db in
            try Int64.fetchOne(db, sql: "SELECT projectId FROM modelSetting WHERE accessTokenHash = ? AND url IS NOT NULL",
                               arguments: [hash])
        }
    }

    /// Stores the files, their predictions and their work in one transaction: all or nothing.
    /// Returns the microtasks made, in serving order.
    public func addPredictedUpload(_ upload: PredictedUpload, actor: Int64?, at now: Date) async throws -> [Microtask] {
        try await write { db in
            var itemIds: [Int64] = []
            var predictionIds: [Int64?] = []
            for entry in upload.entries {
                var item = entry.item
                if item.id == nil {
                    try item.insert(db)
                } else {
                    // A picture that waited for a live model: its work is made now, once.
                    try db.execute(sql: "DELETE FROM predictionWait WHERE itemId = ?", arguments: [item.id])
                    guard db.changesCount == 1 else { throw LabError(.conflict, "already_predicted", "This picture's work was already made.") }
                }
                let itemId = try item.id.required("item")
                itemIds.append(itemId)
                if let given = entry.prediction {
                    var prediction = StoredPrediction(projectId: item.projectId, itemId: itemId, source: given.source,
                                                      modelVersion: given.modelVersion, body: given.body, createdAt: now)
                    try prediction.insert(db)
                    predictionIds.append(prediction.id)
                } else {
                    predictionIds.append(nil)
                }
                if let held = entry.drawLater {
                    try db.execute(sql: "INSERT INTO drawLater (itemId, projectId, payloads, estimatedSeconds) VALUES (?, ?, ?, ?)",
                                   arguments: [itemId, item.projectId, held.payloads, held.estimatedSeconds])
                }
                if let held = entry.wait {
                    try db.execute(sql: "INSERT INTO predictionWait (itemId, projectId, payloads, estimatedSeconds) VALUES (?, ?, ?, ?)",
                                   arguments: [itemId, item.projectId, held.payloads, held.estimatedSeconds])
                }
            }
            let stored = try Self.insertWork(db, upload.work, itemIds: itemIds, predictionIds: predictionIds)
            if let first = upload.entries.first {
                try AuditEntry.record(db, actor: actor, action: "items.import", subject: "project:\(first.item.projectId)",
                                      detail: "\(upload.entries.count) files with predictions, \(stored.count) microtasks")
            }
            return stored
        }
    }

    static func insertWork(_ db: Database, _ work: [PredictedUpload.Work], itemIds: [Int64], predictionIds: [Int64?]) throws -> [Microtask] {
        var stored: [Microtask] = []
        for piece in work {
            var microtask = piece.microtask
            microtask.itemId = itemIds[piece.entry]
            try microtask.insert(db)
            if let check = piece.check, let predictionId = predictionIds[piece.entry] {
                try BoxCheck(microtaskId: try microtask.id.required("microtask"), predictionId: predictionId,
                             itemId: itemIds[piece.entry], region: check.region, score: check.score).insert(db)
            }
            stored.append(microtask)
        }
        return stored
    }
}

extension Optional {
    /// The value, or a plain storage error naming what was missing.
    func required(_ what: String) throws -> Wrapped {
        guard let self else {
            throw LabError(.internalFailure, "storage_failure", "The lab could not store this \(what). Nothing was changed. Please try again.")
        }
        return self
    }
}

extension LabStore {
    /// Pictures a live model has predicted, and pictures still waiting for it.
    public func predictionCounts(projectId: Int64) async throws -> (predicted: Int, waiting: Int) {
        try await read { db in
            (try Int.fetchOne(db, sql: "SELECT COUNT(DISTINCT itemId) FROM prediction WHERE projectId = ? AND source = 'model'",
                              arguments: [projectId]) ?? 0,
             try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM predictionWait WHERE projectId = ?", arguments: [projectId]) ?? 0)
        }
    }
}

/// A picture waiting for a live model, with the work it gets once predicted.
public struct WaitingPicture: Sendable {
    public var item: Item
    public var held: HeldWork
    public var attempts: Int

    public init(item: Item, held: HeldWork, attempts: Int) {
        self.item = item
        self.held = held
        self.attempts = attempts
    }
}

extension LabStore {
    /// Pictures of a project waiting for its live model, oldest first.
    public func waitingPictures(projectId: Int64, limit: Int) async throws -> [WaitingPicture] {
        try await read { db in
            try Row.fetchAll(db, sql: """
                SELECT w.payloads, w.estimatedSeconds, w.attempts, i.* FROM predictionWait w JOIN item i ON i.id = w.itemId
                WHERE w.projectId = ? ORDER BY w.itemId LIMIT ?
                """, arguments: [projectId, limit]).map { row in
                WaitingPicture(item: try Item(row: row), held: HeldWork(payloads: row["payloads"], estimatedSeconds: row["estimatedSeconds"]),
                               attempts: row["attempts"])
            }
        }
    }

    /// Notes a failed attempt to get pictures' predictions.
    public func noteWaitFailure(itemIds: [Int64], reason: String) async throws {
        try await write { db in
            for id in itemIds {
                try db.execute(sql: "UPDATE predictionWait SET attempts = attempts + 1, lastError = ? WHERE itemId = ?", arguments: [reason, id])
            }
        }
    }
}
