// The lab's schema as one ordered, append-only list of named migrations.
import GRDB

/// The schema of the lab's database.
///
/// Migrations are named and append-only: a data folder made by an older Annolab is brought
/// up to date when it is opened, and nothing already stored is rewritten. Never edit a
/// migration that has shipped; add a new one at the end.
enum Schema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-accounts", migrate: accounts)
        migrator.registerMigration("v2-projects-and-work", migrate: projectsAndWork)
        migrator.registerMigration("v3-shifts-and-pay", migrate: shiftsAndPay)
        migrator.registerMigration("v4-coaching", migrate: coaching)
        migrator.registerMigration("v5-engine", migrate: engine)
        migrator.registerMigration("v6-personal-settings", migrate: personalSettings)
        migrator.registerMigration("v7-coaching-live", migrate: coachingLive)
        migrator.registerMigration("v8-client-side", migrate: clientSide)
        migrator.registerMigration("v9-media-lookup", migrate: mediaLookup)
        migrator.registerMigration("v10-fewer-indexes", migrate: fewerIndexes)
        migrator.registerMigration("v11-subtitle-rules", migrate: subtitleRules)
        migrator.registerMigration("v12-programmes", migrate: programmes)
        migrator.registerMigration("v13-operator-record", migrate: operatorRecord)
        migrator.registerMigration("v14-predictions", migrate: predictions)
        return migrator
    }

    /// People, their roles, the clients they belong to, sign-in tokens and the audit log.
    private static func accounts(_ db: Database) throws {
        try db.create(table: "client") { t in
            t.autoIncrementedPrimaryKey("id")
            t.column("name", .text).notNull()
            // What the lab charges the client per paid hour of work on its projects.
            t.column("hourlyPriceCents", .integer).notNull().defaults(to: 0)
            t.column("createdAt", .datetime).notNull()
        }
        try db.create(table: "user") { t in
            t.autoIncrementedPrimaryKey("id")
            t.column("role", .text).notNull()
                .check { ["operator", "coach", "client", "admin"].contains($0) }
            t.column("name", .text).notNull()
            t.column("email", .text).unique().collate(.nocase)
            t.column("passwordHash", .text)
            t.column("badge", .text).unique()
            t.belongsTo("client", onDelete: .restrict)
            t.column("birthdate", .text)
            t.column("language", .text).notNull().defaults(to: "nl")
            t.column("createdAt", .datetime).notNull()
            t.column("disabledAt", .datetime)
        }
        try db.create(table: "apiToken") { t in
            t.autoIncrementedPrimaryKey("id")
            t.belongsTo("user", onDelete: .cascade).notNull()
            // Only the SHA-256 of a token is kept: a copy of the database signs nobody in.
            t.column("tokenHash", .text).notNull().unique()
            t.column("kind", .text).notNull().check { ["session", "api"].contains($0) }
            t.column("label", .text)
            t.column("createdAt", .datetime).notNull()
            t.column("expiresAt", .datetime)
        }
        try db.create(table: "auditLog") { t in
            t.autoIncrementedPrimaryKey("id")
            t.column("at", .datetime).notNull()
            t.belongsTo("actor", inTable: "user", onDelete: .setNull)
            t.column("action", .text).notNull()
            t.column("subject", .text)
            t.column("detail", .text)
        }
    }

    /// Coaches' groups, projects, their items and microtasks, and the work done on them.
    private static func projectsAndWork(_ db: Database) throws {
        // An operator's profile is agreed with their coach; the coach's group is the set of
        // operators whose profile names that coach.
        try db.create(table: "operatorProfile") { t in
            t.primaryKey("operatorId", .integer).references("user", onDelete: .cascade)
            t.belongsTo("coach", inTable: "user", onDelete: .setNull)
            t.column("workMinutes", .integer).notNull().defaults(to: 45)
            t.column("pauseMinutes", .integer).notNull().defaults(to: 15)
            t.column("shiftMinutes", .integer).notNull().defaults(to: 240)
            t.column("dailyCapMinutes", .integer).notNull().defaults(to: 240)
            t.column("taskKinds", .jsonText).notNull().defaults(to: "[]")
            t.column("audioMode", .boolean).notNull().defaults(to: false)
        }
        try db.create(index: "operatorProfile_coach", on: "operatorProfile", columns: ["coachId"], ifNotExists: true)
        try db.create(table: "project") { t in
            t.autoIncrementedPrimaryKey("id")
            t.belongsTo("client", onDelete: .restrict).notNull()
            t.column("name", .text).notNull()
            t.column("template", .text).notNull()
            t.column("labels", .jsonText).notNull().defaults(to: "[]")
            t.column("overlap", .integer)
            t.column("adaptiveMin", .integer)
            t.column("adaptiveMax", .integer)
            t.column("goldRate", .double).notNull().defaults(to: 0.1)
            t.column("deadline", .text)
            t.column("settings", .jsonText).notNull().defaults(to: "{}")
            t.column("createdAt", .datetime).notNull()
        }
        try db.create(table: "item") { t in
            t.autoIncrementedPrimaryKey("id")
            t.belongsTo("project", onDelete: .cascade).notNull()
            t.column("fileName", .text).notNull()
            t.column("mediaType", .text).notNull()
            t.column("mediaPath", .text).notNull()
            t.column("byteCount", .integer).notNull()
            t.column("meta", .jsonText).notNull().defaults(to: "{}")
            t.column("createdAt", .datetime).notNull()
        }
        try db.create(table: "microtask") { t in
            t.autoIncrementedPrimaryKey("id")
            t.belongsTo("project", onDelete: .cascade).notNull()
            t.belongsTo("item", onDelete: .cascade)
            t.column("kind", .text).notNull()
            t.column("payload", .jsonText).notNull()
            t.column("estimatedSeconds", .integer).notNull()
            t.column("isGold", .boolean).notNull().defaults(to: false)
            t.column("requiredAnswers", .integer).notNull()
            t.column("answerCount", .integer).notNull().defaults(to: 0)
            t.column("status", .text).notNull().defaults(to: "open")
                .check { ["open", "complete", "withdrawn"].contains($0) }
            t.column("createdAt", .datetime).notNull()
        }
        try db.create(index: "microtask_queue", on: "microtask", columns: ["projectId", "status", "id"])
        try db.create(table: "assignment") { t in
            t.autoIncrementedPrimaryKey("id")
            t.belongsTo("microtask", onDelete: .cascade).notNull()
            t.belongsTo("operator", inTable: "user", onDelete: .cascade).notNull()
            t.column("leasedAt", .datetime).notNull()
            t.column("leaseExpiresAt", .datetime).notNull()
            t.column("state", .text).notNull().defaults(to: "leased")
                .check { ["leased", "answered", "skipped", "expired", "released"].contains($0) }
            t.column("skipReason", .text)
            // Nobody gets the same microtask twice.
            t.uniqueKey(["microtaskId", "operatorId"])
        }
        try db.create(index: "assignment_lease", on: "assignment", columns: ["state", "leaseExpiresAt"])
        try db.create(table: "answer") { t in
            t.autoIncrementedPrimaryKey("id")
            t.belongsTo("assignment", onDelete: .cascade).notNull().unique()
            t.belongsTo("microtask", onDelete: .cascade).notNull()
            t.belongsTo("operator", inTable: "user", onDelete: .cascade).notNull()
            t.column("body", .jsonText).notNull()
            t.column("idempotencyKey", .text)
            t.column("secondsSpent", .double).notNull()
            t.column("createdAt", .datetime).notNull()
            t.uniqueKey(["operatorId", "idempotencyKey"])
        }
        try db.create(table: "goldAnswer") { t in
            t.primaryKey("microtaskId", .integer).references("microtask", onDelete: .cascade)
            t.column("body", .jsonText).notNull()
            t.column("explanation", .jsonText).notNull().defaults(to: "{}")
        }
    }

    /// Shifts and their time segments, hourly rates, and the dated minimum wage table.
    private static func shiftsAndPay(_ db: Database) throws {
        try db.create(table: "shift") { t in
            t.autoIncrementedPrimaryKey("id")
            t.belongsTo("operator", inTable: "user", onDelete: .cascade).notNull()
            t.column("startedAt", .datetime).notNull()
            t.column("plannedEndAt", .datetime).notNull()
            t.column("endedAt", .datetime)
            t.column("workMinutes", .integer).notNull()
            t.column("pauseMinutes", .integer).notNull()
            t.belongsTo("startedBy", inTable: "user", onDelete: .setNull)
        }
        try db.create(table: "timeSegment") { t in
            t.autoIncrementedPrimaryKey("id")
            t.belongsTo("shift", onDelete: .cascade).notNull()
            t.column("kind", .text).notNull()
                .check { ["work", "pause", "extraPause", "waiting"].contains($0) }
            t.column("startedAt", .datetime).notNull()
            t.column("endedAt", .datetime)
        }
        try db.create(table: "rate") { t in
            t.autoIncrementedPrimaryKey("id")
            t.belongsTo("operator", inTable: "user", onDelete: .cascade).notNull()
            t.column("hourlyCents", .integer).notNull()
            t.column("effectiveFrom", .text).notNull()
            t.uniqueKey(["operatorId", "effectiveFrom"])
        }
        try db.create(table: "minimumWage") { t in
            t.autoIncrementedPrimaryKey("id")
            t.column("country", .text).notNull()
            t.column("effectiveFrom", .text).notNull()
            t.column("minAge", .integer).notNull()
            t.column("hourlyCents", .integer).notNull()
            t.uniqueKey(["country", "effectiveFrom", "minAge"])
        }
        // Dutch statutory minimum hourly wage (WML) from 2026-01-01, by age. Kept as data:
        // a new table is a new row set, not a code change.
        let wml2026: [(Int, Int)] = [(21, 1471), (20, 1177), (19, 883), (18, 736), (17, 581), (16, 507), (15, 441)]
        for (age, cents) in wml2026 {
            try db.execute(
                sql: "INSERT INTO minimumWage (country, effectiveFrom, minAge, hourlyCents) VALUES ('NL', '2026-01-01', ?, ?)",
                arguments: [age, cents])
        }
    }

    /// A coach's private notes and the alerts that prompt a conversation.
    private static func coaching(_ db: Database) throws {
        try db.create(table: "note") { t in
            t.autoIncrementedPrimaryKey("id")
            t.belongsTo("operator", inTable: "user", onDelete: .cascade).notNull()
            t.belongsTo("coach", inTable: "user", onDelete: .cascade).notNull()
            t.column("body", .text).notNull()
            t.column("createdAt", .datetime).notNull()
        }
        try db.create(table: "alert") { t in
            t.autoIncrementedPrimaryKey("id")
            t.belongsTo("operator", inTable: "user", onDelete: .cascade).notNull()
            t.column("kind", .text).notNull()
            t.column("reason", .text).notNull()
            t.column("data", .jsonText).notNull().defaults(to: "{}")
            t.column("createdAt", .datetime).notNull()
            t.column("acknowledgedAt", .datetime)
        }
    }

    /// What the lab engine needs to answer a repeated submit exactly as the first time, and
    /// to tell why a shift ended.
    private static func engine(_ db: Database) throws {
        try db.alter(table: "answer") { t in
            // The response given to the first submit, replayed for a repeat with the same key.
            t.add(column: "response", .jsonText).notNull().defaults(to: "{}")
            t.add(column: "isGold", .boolean).notNull().defaults(to: false)
            t.add(column: "goldCorrect", .boolean)
        }
        try db.alter(table: "assignment") { t in
            t.add(column: "finishedAt", .datetime)
        }
        try db.alter(table: "shift") { t in
            t.add(column: "endReason", .text)
            t.add(column: "shiftMinutes", .integer).notNull().defaults(to: 240)
            t.add(column: "dailyCapMinutes", .integer).notNull().defaults(to: 240)
        }
        try db.create(index: "shift_operator", on: "shift", columns: ["operatorId", "startedAt"])
        try db.create(index: "answer_microtask", on: "answer", columns: ["microtaskId"])
        try db.create(index: "timeSegment_shift", on: "timeSegment", columns: ["shiftId"])
        // The lab's own settings (pay policy, alert thresholds), as key and JSON value.
        try db.create(table: "labSetting") { t in
            t.primaryKey("key", .text)
            t.column("value", .jsonText).notNull()
        }
    }

    /// What each person set for themselves: text size, contrast, motion, sounds (as JSON).
    private static func personalSettings(_ db: Database) throws {
        try db.alter(table: "user") { t in
            t.add(column: "settings", .jsonText).notNull().defaults(to: "{}")
        }
    }

    /// Messages from coaches, client feedback for moderation, which operators get a project,
    /// and the coaches' notifications of new datasets.
    private static func coachingLive(_ db: Database) throws {
        try db.create(index: "alert_operator", on: "alert", columns: ["operatorId", "kind"])
        try db.alter(table: "shift") { t in
            // When the coach changed the profile during the shift: the moment the new blocks start.
            t.add(column: "switchAt", .datetime)
        }
        try db.create(table: "message") { t in
            t.autoIncrementedPrimaryKey("id")
            t.belongsTo("operator", inTable: "user", onDelete: .cascade).notNull()
            t.belongsTo("sender", inTable: "user", onDelete: .setNull)
            t.column("body", .text).notNull()
            t.column("createdAt", .datetime).notNull()
            t.column("readAt", .datetime)
        }
        try db.create(table: "feedback") { t in
            t.autoIncrementedPrimaryKey("id")
            t.belongsTo("project", onDelete: .cascade).notNull()
            t.column("kind", .text).notNull().check { ["feedback", "good-job"].contains($0) }
            t.column("body", .text).notNull()
            t.column("createdAt", .datetime).notNull()
            t.column("status", .text).notNull().defaults(to: "pending")
                .check { ["pending", "forwarded", "dismissed"].contains($0) }
            t.belongsTo("decidedBy", inTable: "user", onDelete: .setNull)
            t.column("decidedAt", .datetime)
        }
        try db.create(table: "projectAccess") { t in
            t.belongsTo("project", onDelete: .cascade).notNull()
            t.belongsTo("operator", inTable: "user", onDelete: .cascade).notNull()
            t.column("allowed", .boolean).notNull()
            t.primaryKey(["projectId", "operatorId"])
        }
        try db.create(table: "coachNotification") { t in
            t.autoIncrementedPrimaryKey("id")
            t.belongsTo("coach", inTable: "user", onDelete: .cascade).notNull()
            t.belongsTo("project", onDelete: .cascade).notNull()
            t.column("kind", .text).notNull()
            t.column("createdAt", .datetime).notNull()
            t.column("decidedAt", .datetime)
        }
    }

    /// A project's own instructions for operators, written by its client.
    private static func clientSide(_ db: Database) throws {
        try db.alter(table: "project") { t in
            t.add(column: "instructions", .jsonText)
        }
        try db.alter(table: "shift") { t in
            // A shift that goes on after a profile change: when the first shift of the chain began.
            t.add(column: "chainStartedAt", .datetime)
        }
        // Each coach decides for their own group what client feedback reaches it.
        try db.create(table: "feedbackDecision") { t in
            t.belongsTo("feedback", onDelete: .cascade).notNull()
            t.belongsTo("coach", inTable: "user", onDelete: .cascade).notNull()
            t.column("status", .text).notNull().check { ["forwarded", "dismissed"].contains($0) }
            t.column("decidedAt", .datetime).notNull()
            t.primaryKey(["feedbackId", "coachId"])
        }
    }

    /// Finds the microtasks that show a media file, so that a media request checks the lease
    /// or answer of exactly those (see `LabStore.mediaIsOpen`) without reading every payload.
    private static func mediaLookup(_ db: Database) throws {
        try db.execute(sql: "CREATE INDEX microtask_media_image ON microtask(json_extract(payload, '$.image.url'))")
        try db.execute(sql: "CREATE INDEX microtask_media_audio ON microtask(json_extract(payload, '$.audio.url'))")
    }

    /// Drops three indexes that only repeated another one, since every lease and answer had to
    /// update them: `answer_microtask` is `answer_on_microtaskId` twice; lookups by operator and
    /// by microtask use the front of the unique keys `(operatorId, idempotencyKey)` of answers and
    /// `(microtaskId, operatorId)` of assignments.
    private static func fewerIndexes(_ db: Database) throws {
        try db.execute(sql: "DROP INDEX IF EXISTS answer_microtask")
        try db.execute(sql: "DROP INDEX IF EXISTS answer_on_operatorId")
        try db.execute(sql: "DROP INDEX IF EXISTS assignment_on_microtaskId")
    }

    /// A subtitle check's own limits for the subtitle rules (JSON); nil keeps the defaults.
    private static func subtitleRules(_ db: Database) throws {
        try db.alter(table: "project") { t in
            t.add(column: "subtitleRules", .text)
        }
    }

    /// Programmes: their preparation runs as jobs after the upload, and their microtasks show
    /// the programme's web version (`$.video.url`) or several frames (one `microtaskMedia` row each).
    private static func programmes(_ db: Database) throws {
        try db.create(table: "mediaJob") { t in
            t.autoIncrementedPrimaryKey("id")
            t.belongsTo("project", onDelete: .cascade).notNull()
            t.belongsTo("item", onDelete: .cascade).notNull()
            t.column("file", .text).notNull()
            t.column("state", .text).notNull().check { ["waiting", "working", "ready", "failed"].contains($0) }
            t.column("progress", .double).notNull().defaults(to: 0)
            t.column("reason", .text)
            t.column("createdAt", .datetime).notNull()
            t.column("updatedAt", .datetime).notNull()
        }
        try db.create(table: "microtaskMedia") { t in
            t.column("url", .text).notNull()
            t.belongsTo("microtask", onDelete: .cascade).notNull()
            t.primaryKey(["url", "microtaskId"])
        }
        try db.execute(sql: "CREATE INDEX microtask_media_video ON microtask(json_extract(payload, '$.video.url'))")
    }
}
