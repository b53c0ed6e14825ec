// The migration for the operator's own record: skills, statements, ratings, reviews, erasure.
import GRDB

extension Schema {
    /// The operator's own record: skills reached on the ladder, the coach's statement, ratings of
    /// instructions (and the instructions' versions), reviewers' decisions, and erasure.
    static func operatorRecord(_ db: Database) throws {
        try db.create(table: "skill") { t in
            t.belongsTo("operator", inTable: "user", onDelete: .cascade).notNull()
            // A step of the ladder in Tasks/skill-ladder.json.
            t.column("step", .text).notNull()
            t.column("reachedAt", .datetime).notNull()
            // How it opened: enough good practice, a coach's decision, or work done before the ladder.
            t.column("via", .text).notNull().check { ["practice", "coach", "earlier"].contains($0) }
            t.belongsTo("openedBy", inTable: "user", onDelete: .setNull)
            t.primaryKey(["operatorId", "step"])
        }
        try db.create(table: "coachStatement") { t in
            t.primaryKey("operatorId", .integer).references("user", onDelete: .cascade)
            t.belongsTo("coach", inTable: "user", onDelete: .setNull)
            t.column("body", .text).notNull()
            t.column("writtenAt", .datetime).notNull()
            // Only a statement the operator agreed with goes into the record.
            t.column("agreedAt", .datetime)
            t.column("changeRequest", .text)
            t.column("changeRequestedAt", .datetime)
        }
        try db.alter(table: "project") { t in
            t.add(column: "instructionsVersion", .integer).notNull().defaults(to: 1)
        }
        try db.create(table: "instructionsVersion") { t in
            t.belongsTo("project", onDelete: .cascade).notNull()
            t.column("version", .integer).notNull()
            t.column("instructions", .jsonText)
            t.column("changedAt", .datetime).notNull()
            t.primaryKey(["projectId", "version"])
        }
        // The version of a project's instructions each operator last saw.
        try db.create(table: "instructionsSeen") { t in
            t.belongsTo("operator", inTable: "user", onDelete: .cascade).notNull()
            t.belongsTo("project", onDelete: .cascade).notNull()
            t.column("version", .integer).notNull()
            t.primaryKey(["operatorId", "projectId"])
        }
        try db.create(table: "instructionRating") { t in
            t.autoIncrementedPrimaryKey("id")
            t.belongsTo("project", onDelete: .cascade).notNull()
            // One rating per task done; the link to the person goes with an erasure.
            t.belongsTo("assignment", onDelete: .setNull).unique()
            t.belongsTo("operator", inTable: "user", onDelete: .setNull)
            t.column("instructionsVersion", .integer).notNull()
            t.column("clear", .boolean).notNull()
            t.column("comment", .text)
            // A comment reaches the client only after a coach passed it.
            t.column("commentStatus", .text).check { ["pending", "passed", "dismissed"].contains($0) }
            t.belongsTo("decidedBy", inTable: "user", onDelete: .setNull)
            t.column("decidedAt", .datetime)
            t.column("createdAt", .datetime).notNull()
        }
        try db.create(index: "instructionRating_project", on: "instructionRating", columns: ["projectId"])
        try db.alter(table: "microtask") { t in
            // A reviewer's microtask: the one whose answers split, which the reviewer decides.
            t.add(column: "reviewOf", .integer).references("microtask", onDelete: .cascade)
        }
        try db.create(index: "microtask_reviewOf", on: "microtask", columns: ["reviewOf"])
        try db.alter(table: "user") { t in
            t.add(column: "erasedAt", .datetime)
        }
    }
}
