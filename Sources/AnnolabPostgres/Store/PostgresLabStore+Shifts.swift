// Shifts, their time segments, rates and the effort per project in PostgreSQL: what pay is counted from.
import AnnolabCore
import AnnolabStore
import Foundation
import PostgresNIO

extension PostgresLabStore {
    // MARK: Shifts

    /// Operators with a shift that is not closed in the store.
    public func operatorsWithOpenShifts() async throws -> [Int64] {
        try await read { db in
            try await db.query(#"SELECT DISTINCT "operatorId" FROM "shift" WHERE "endedAt" IS NULL ORDER BY "operatorId""#, logger: logger)
                .collect().map { try $0.decode(Int64.self) }
        }
    }

    /// How many operators have a shift running at `now`: not closed, and not past its planned end.
    public func operatorsOnShift(at now: Date) async throws -> Int {
        try await read { db in
            try await count(#"""
                SELECT count(DISTINCT "operatorId")::bigint FROM "shift" WHERE "endedAt" IS NULL AND "plannedEndAt" > \#(now)
                """#, on: db)
        }
    }

    /// The operator's most recent shift, ended or not.
    public func latestShift(operatorId: Int64) async throws -> Shift? {
        try await read { db in
            try await one(Shift.self, #"""
                SELECT * FROM "shift" WHERE "operatorId" = \#(operatorId) ORDER BY "startedAt" DESC, "id" DESC LIMIT 1
                """#, on: db)
        }
    }

    public func shifts(operatorId: Int64, from: Date, to: Date) async throws -> [Shift] {
        try await read { db in
            try await all(Shift.self, #"""
                SELECT * FROM "shift" WHERE "operatorId" = \#(operatorId) AND "startedAt" >= \#(from) AND "startedAt" < \#(to)
                ORDER BY "startedAt", "id"
                """#, on: db)
        }
    }

    /// Starts a shift unless one is running. Returns the new shift. Two servers starting one for the same
    /// operator at once take turns on the operator's row, so only one shift starts.
    public func startShift(_ shift: Shift) async throws -> Shift {
        try await write { db in
            try await db.query(#"SELECT 1 FROM "user" WHERE "id" = \#(shift.operatorId) FOR UPDATE"#, logger: logger)
            if let running = try await one(Shift.self, #"""
                SELECT * FROM "shift" WHERE "operatorId" = \#(shift.operatorId) AND "endedAt" IS NULL
                ORDER BY "startedAt" DESC, "id" DESC LIMIT 1
                """#, on: db), running.plannedEndAt > shift.startedAt {
                throw LabError(.conflict, .shiftRunning, "A shift is already running.")
            }
            var shift = shift
            shift.id = try await insert(shift, into: Shift.databaseTableName, on: db)
            return shift
        }
    }

    /// Marks when a running shift switches to the operator's new profile (nil: no switch).
    public func setShiftSwitch(id: Int64, at moment: Date?) async throws {
        try await write { db in
            try await db.query(#"UPDATE "shift" SET "switchAt" = \#(moment) WHERE "id" = \#(id) AND "endedAt" IS NULL"#, logger: logger)
        }
    }

    /// Closes a shift and writes its ledger segments (work, pause, waiting), in one transaction. The
    /// shift's extra pauses are already stored; one still running ends with the shift.
    public func endShift(id: Int64, at end: Date, reason: ShiftEndReason, segments: [TimeSegment]) async throws {
        try await write { db in
            guard let shift = try await one(Shift.self, #"SELECT * FROM "shift" WHERE "id" = \#(id) FOR UPDATE"#, on: db),
                  shift.endedAt == nil else { return }
            let extraPause = TimeSegment.Kind.extraPause.rawValue
            try await db.query(#"""
                UPDATE "timeSegment" SET "endedAt" = \#(end) WHERE "shiftId" = \#(id) AND "kind" = \#(extraPause) AND "endedAt" IS NULL
                """#, logger: logger)
            try await db.query(#"DELETE FROM "timeSegment" WHERE "shiftId" = \#(id) AND "kind" <> \#(extraPause)"#, logger: logger)
            for segment in segments where segment.kind != .extraPause {
                try await insert(StoredSegment(id: nil, shiftId: id, kind: segment.kind, startedAt: segment.start, endedAt: segment.end),
                                 into: StoredSegment.databaseTableName, on: db)
            }
            try await db.query(#"UPDATE "shift" SET "endedAt" = \#(end), "endReason" = \#(reason.rawValue) WHERE "id" = \#(id)"#, logger: logger)
        }
    }

    // MARK: Time segments

    /// The extra pauses of a shift, oldest first; the last may still be open.
    public func extraPauses(shiftId: Int64) async throws -> [StoredSegment] {
        try await read { db in
            try await all(StoredSegment.self, #"""
                SELECT * FROM "timeSegment" WHERE "shiftId" = \#(shiftId) AND "kind" = \#(TimeSegment.Kind.extraPause.rawValue)
                ORDER BY "startedAt", "id"
                """#, on: db)
        }
    }

    /// Starts an extra pause, unless one is already running.
    public func startExtraPause(shiftId: Int64, at now: Date) async throws {
        try await write { db in
            // The shift's row is the turn two servers take, so that one pause starts, not two.
            try await db.query(#"SELECT 1 FROM "shift" WHERE "id" = \#(shiftId) FOR UPDATE"#, logger: logger)
            let running = try await count(#"""
                SELECT count(*)::bigint FROM "timeSegment" WHERE "shiftId" = \#(shiftId)
                  AND "kind" = \#(TimeSegment.Kind.extraPause.rawValue) AND "endedAt" IS NULL
                """#, on: db)
            guard running == 0 else { return }
            try await insert(StoredSegment(id: nil, shiftId: shiftId, kind: .extraPause, startedAt: now, endedAt: nil),
                             into: StoredSegment.databaseTableName, on: db)
        }
    }

    /// Ends the shift's running extra pause, if there is one.
    public func endExtraPause(shiftId: Int64, at now: Date) async throws {
        try await write { db in
            try await db.query(#"""
                UPDATE "timeSegment" SET "endedAt" = \#(now) WHERE "shiftId" = \#(shiftId)
                  AND "kind" = \#(TimeSegment.Kind.extraPause.rawValue) AND "endedAt" IS NULL
                """#, logger: logger)
        }
    }

    /// Ended shifts' stored segments overlapping a period, with the operator each belongs to, by operator
    /// and then in time order.
    public func timeSegments(from: Date, to: Date) async throws -> [(operatorId: Int64, segment: TimeSegment)] {
        let rows: [(Int64, TimeSegment)] = try await read { db in
            try await db.query(#"""
                SELECT s."operatorId", t."kind", t."startedAt", t."endedAt" FROM "timeSegment" t JOIN "shift" s ON s."id" = t."shiftId"
                WHERE t."endedAt" IS NOT NULL AND t."endedAt" > \#(from) AND t."startedAt" < \#(to)
                ORDER BY s."operatorId", t."startedAt", t."id"
                """#, logger: logger).collect().map { row in
                let (operatorId, kindName, start, end) = try row.decode((Int64, String, Date, Date).self)
                guard let kind = TimeSegment.Kind(rawValue: kindName) else {
                    throw LabError(.internalFailure, "storage_failure", "A time segment of an unknown kind (\(kindName)) is stored.")
                }
                return (operatorId, TimeSegment(kind: kind, start: start, end: end))
            }
        }
        return rows.map { (operatorId: $0.0, segment: $0.1) }
    }

    // MARK: Rates and the minimum wage

    /// Sets (or replaces) the rate that takes effect on a date.
    public func setRate(operatorId: Int64, hourlyCents: Int, from: String, actor: Int64?) async throws {
        try await write { db in
            try await db.query(#"""
                INSERT INTO "rate" ("operatorId", "hourlyCents", "effectiveFrom") VALUES (\#(operatorId), \#(Int64(hourlyCents)), \#(from))
                ON CONFLICT ("operatorId", "effectiveFrom") DO UPDATE SET "hourlyCents" = excluded."hourlyCents"
                """#, logger: logger)
            try await record(actor: actor, action: "rate.set", subject: "user:\(operatorId)",
                             detail: "\(hourlyCents) cents from \(from)", at: Date(), on: db)
        }
    }

    public func rates(operatorId: Int64) async throws -> [Rate] {
        try await read { db in
            try await all(Rate.self, #"SELECT * FROM "rate" WHERE "operatorId" = \#(operatorId) ORDER BY "effectiveFrom" COLLATE "C", "id""#, on: db)
        }
    }

    public func minimumWageRows() async throws -> [MinimumWageRecord] {
        try await read { db in
            try await all(MinimumWageRecord.self, #"SELECT * FROM "minimumWage" ORDER BY "effectiveFrom" COLLATE "C", "minAge""#, on: db)
        }
    }

    // MARK: Effort per project

    /// The ended shifts in which someone answered on the project, each with its stored segments and the
    /// seconds spent per project in it.
    public func shiftEfforts(projectId: Int64) async throws -> [ShiftEffort] {
        try await read { db in
            let shiftIds = try await db.query(#"""
                SELECT DISTINCT s."id" FROM "shift" s
                JOIN "answer" a ON a."operatorId" = s."operatorId" AND a."createdAt" >= s."startedAt" AND a."createdAt" <= s."endedAt"
                JOIN "microtask" m ON m."id" = a."microtaskId"
                WHERE s."endedAt" IS NOT NULL AND m."projectId" = \#(projectId) ORDER BY s."id"
                """#, logger: logger).collect().map { try $0.decode(Int64.self) }
            var efforts: [ShiftEffort] = []
            for shiftId in shiftIds {
                let segments = try await all(StoredSegment.self, #"""
                    SELECT * FROM "timeSegment" WHERE "shiftId" = \#(shiftId) AND "endedAt" IS NOT NULL ORDER BY "id"
                    """#, on: db).compactMap { stored in stored.endedAt.map { TimeSegment(kind: stored.kind, start: stored.startedAt, end: $0) } }
                var effort: [Int64: Double] = [:]
                for row in try await db.query(#"""
                    SELECT m."projectId", sum(a."secondsSpent")::double precision FROM "shift" s
                    JOIN "answer" a ON a."operatorId" = s."operatorId" AND a."createdAt" >= s."startedAt" AND a."createdAt" <= s."endedAt"
                    JOIN "microtask" m ON m."id" = a."microtaskId"
                    WHERE s."id" = \#(shiftId) GROUP BY m."projectId"
                    """#, logger: logger).collect() {
                    let (project, seconds) = try row.decode((Int64, Double).self)
                    effort[project] = seconds
                }
                efforts.append(ShiftEffort(shiftId: shiftId, timeSegments: segments, effortByProject: effort))
            }
            return efforts
        }
    }
}
