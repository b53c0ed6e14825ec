// The migration for a client's model: its settings per project, its predictions, the box checks made from them.
import GRDB

extension Schema {
    /// A client's model as the starting point: how a project uses predictions, the live model's
    /// address, the predictions themselves, and which microtasks check which predicted box.
    static func predictions(_ db: Database) throws {
        try db.create(table: "modelSetting") { t in
            t.primaryKey("projectId", .integer).references("project", onDelete: .cascade)
            // verify: people check the model's boxes; blind: people label without seeing them.
            t.column("mode", .text).notNull().check { ["verify", "blind"].contains($0) }
            t.column("threshold", .double).notNull()
            t.column("ordering", .text).notNull().check { ["uncertain-first", "in-order"].contains($0) }
            t.column("modelVotes", .boolean).notNull()
            // A live model speaking Label Studio's ML backend protocol; nil when predictions come with uploads.
            t.column("url", .text)
            // The client's token for the model, sent as Label Studio sends it; never shown again.
            t.column("token", .text)
            // The lab's read-only media token given to the model (its SHA-256; the token itself only in /setup).
            t.column("accessTokenHash", .text)
            t.column("state", .text)
            t.column("reason", .text)
            t.column("modelVersion", .text)
            t.column("checkedAt", .datetime)
        }
        try db.create(table: "prediction") { t in
            t.autoIncrementedPrimaryKey("id")
            t.belongsTo("project", onDelete: .cascade).notNull()
            t.belongsTo("item", onDelete: .cascade).notNull()
            // upload: came with the client's files; model: fetched from the live model.
            t.column("source", .text).notNull().check { ["upload", "model"].contains($0) }
            t.column("modelVersion", .text).notNull()
            // The ``FilePrediction`` as JSON, boxes in fractions of the picture.
            t.column("body", .jsonText).notNull()
            t.column("createdAt", .datetime).notNull()
            t.uniqueKey(["itemId", "source", "modelVersion"])
        }
        // Which predicted box each box check asks about.
        try db.create(table: "boxCheck") { t in
            t.primaryKey("microtaskId", .integer).references("microtask", onDelete: .cascade)
            t.belongsTo("prediction", onDelete: .cascade).notNull()
            t.belongsTo("item", onDelete: .cascade).notNull()
            t.column("region", .integer).notNull()
            t.column("score", .double)
        }
        // The drawing microtasks of a picture ("anything missed?"), made once its box checks are done.
        try db.create(table: "drawLater") { t in
            t.primaryKey("itemId", .integer).references("item", onDelete: .cascade)
            t.belongsTo("project", onDelete: .cascade).notNull()
            t.column("payloads", .jsonText).notNull()
            t.column("estimatedSeconds", .integer).notNull()
            t.column("releasedAt", .datetime)
        }
        // Pictures waiting for a live model's predictions before their work is made.
        try db.create(table: "predictionWait") { t in
            t.primaryKey("itemId", .integer).references("item", onDelete: .cascade)
            t.belongsTo("project", onDelete: .cascade).notNull()
            t.column("payloads", .jsonText).notNull()
            t.column("estimatedSeconds", .integer).notNull()
            t.column("attempts", .integer).notNull().defaults(to: 0)
            t.column("lastError", .text)
        }
    }
}
