// Profiles and settings in PostgreSQL, and the figures the coach's load signals read: answers, skips, extra pauses, shifts.
import AnnolabCore
import AnnolabStore
import Foundation
import PostgresNIO

extension PostgresLabStore {
    // MARK: Load figures

    /// An operator's answers since a moment, oldest first.
    public func answerActivity(operatorId: Int64, since: Date) async throws -> [LoadAnswer] {
        try await read { db in
            try await db.query(#"""
                SELECT a."createdAt", a."secondsSpent", m."kind", a."isGold", a."goldCorrect"
                FROM "answer" a JOIN "microtask" m ON m."id" = a."microtaskId"
                WHERE a."operatorId" = \#(operatorId) AND a."createdAt" >= \#(since) ORDER BY a."createdAt", a."id"
                """#, logger: logger).collect().compactMap { row in
                let (at, seconds, kind, isGold, goldCorrect) = try row.decode((Date, Double, String, Bool, Bool?).self)
                guard let kind = TaskKind(rawValue: kind) else { return nil }
                return LoadAnswer(at: at, seconds: seconds, kind: kind, isGold: isGold, goldCorrect: goldCorrect)
            }
        }
    }

    /// When an operator skipped tasks since a moment.
    public func skips(operatorId: Int64, since: Date) async throws -> [Date] {
        try await read { db in
            try await db.query(#"""
                SELECT "finishedAt" FROM "assignment"
                WHERE "operatorId" = \#(operatorId) AND "state" = \#(Assignment.State.skipped.rawValue) AND "finishedAt" >= \#(since)
                ORDER BY "finishedAt"
                """#, logger: logger).collect().map { try $0.decode(Date.self) }
        }
    }

    /// How many extra pauses an operator began since a moment. A pause carried on into the shift
    /// that continues after a profile change is the same pause, counted once.
    public func extraPauseCount(operatorId: Int64, since: Date) async throws -> Int {
        try await read { db in
            try await count(#"""
                SELECT count(*)::bigint FROM "timeSegment" t JOIN "shift" s ON s."id" = t."shiftId"
                WHERE s."operatorId" = \#(operatorId) AND t."kind" = \#(TimeSegment.Kind.extraPause.rawValue) AND t."startedAt" >= \#(since)
                  AND NOT (s."chainStartedAt" IS NOT NULL AND t."startedAt" = s."startedAt")
                """#, on: db)
        }
    }

    /// One shift by its id.
    public func shift(id: Int64) async throws -> Shift? {
        try await read { db in try await one(Shift.self, #"SELECT * FROM "shift" WHERE "id" = \#(id)"#, on: db) }
    }

    // MARK: Operator profiles

    public func profile(operatorId: Int64) async throws -> OperatorProfile? {
        try await read { db in
            try await one(OperatorProfile.self, #"SELECT * FROM "operatorProfile" WHERE "operatorId" = \#(operatorId)"#, on: db)
        }
    }

    /// Replaces an operator's profile (agreed with their coach). An operator without a profile is
    /// a storage failure, as GRDB's update of a missing row is for ``LabStore``.
    public func updateProfile(_ profile: OperatorProfile, actor: Int64?) async throws {
        let kinds = String(decoding: try PostgresRecordEncoder.json.encode(profile.taskKinds), as: UTF8.self)
        try await write { db in
            let updated = try await db.query(#"""
                UPDATE "operatorProfile" SET "coachId" = \#(profile.coachId), "workMinutes" = \#(profile.workMinutes),
                    "pauseMinutes" = \#(profile.pauseMinutes), "shiftMinutes" = \#(profile.shiftMinutes),
                    "dailyCapMinutes" = \#(profile.dailyCapMinutes), "taskKinds" = \#(kinds), "audioMode" = \#(profile.audioMode)
                WHERE "operatorId" = \#(profile.operatorId) RETURNING 1
                """#, logger: logger).collect().count
            guard updated == 1 else {
                throw LabError(.internalFailure, "storage_failure", "The lab could not store this. Nothing was changed. Please try again.")
            }
            try await record(actor: actor, action: "profile.update", subject: "user:\(profile.operatorId)",
                             detail: "work \(profile.workMinutes) min, pause \(profile.pauseMinutes) min, shift \(profile.shiftMinutes) min, daily cap \(profile.dailyCapMinutes) min",
                             at: Date(), on: db)
        }
    }

    // MARK: Personal settings

    /// A person's settings; the language comes from their account.
    public func personalSettings(userId: Int64) async throws -> PersonalSettings {
        let stored: (String, String)? = try await read { db in
            try await db.query(#"SELECT "settings", "language" FROM "user" WHERE "id" = \#(userId)"#, logger: logger)
                .collect().first.map { try $0.decode((String, String).self) }
        }
        guard let stored else {
            throw LabError(.notFound, "user_not_found", "There is no account with id \(userId).")
        }
        let (json, language) = stored
        var settings = (try? JSONDecoder().decode(PersonalSettings.self, from: Data(json.utf8))) ?? PersonalSettings()
        settings.language = language
        return settings
    }

    /// Stores a person's settings (checked first); the language also becomes their account's language.
    public func setPersonalSettings(_ settings: PersonalSettings, userId: Int64) async throws -> PersonalSettings {
        let checked = try settings.validated()
        let json = String(decoding: try JSONEncoder().encode(checked), as: UTF8.self)
        try await write { db in
            let updated = try await db.query(#"""
                UPDATE "user" SET "settings" = \#(json), "language" = \#(checked.language) WHERE "id" = \#(userId) RETURNING 1
                """#, logger: logger).collect().count
            guard updated == 1 else {
                throw LabError(.notFound, "user_not_found", "There is no account with id \(userId).")
            }
        }
        return checked
    }

    // MARK: Lab settings

    /// A setting's JSON value, or nil when it was never set.
    public func labSetting(_ key: String) async throws -> String? {
        try await read { db in
            try await db.query(#"SELECT "value" FROM "labSetting" WHERE "key" = \#(key)"#, logger: logger)
                .collect().first?.decode(String.self)
        }
    }

    public func setLabSetting(_ key: String, json: String, actor: Int64?) async throws {
        try await write { db in
            try await db.query(#"""
                INSERT INTO "labSetting" ("key", "value") VALUES (\#(key), \#(json))
                ON CONFLICT ("key") DO UPDATE SET "value" = EXCLUDED."value"
                """#, logger: logger)
            try await record(actor: actor, action: "setting.set", subject: key, detail: json, at: Date(), on: db)
        }
    }
}
