// Leases and answers decided under the microtask's row lock, so that several servers on one database never give a place twice.
import AnnolabCore
import AnnolabStore
import Foundation
import PostgresNIO

/// Several `annolab serve` processes lease and answer on one PostgreSQL at once. Each server's queue
/// proposes a microtask; the database decides. A lease and an answer each lock the microtask's row
/// first (`FOR UPDATE`: servers asking for the same microtask take turns for a few milliseconds), then
/// count its places in a new statement, which sees every lease and answer another server committed
/// before the lock came free. A place is an answer, or a lease whose time has not run out.
extension PostgresLabStore {
    public var sharedByServers: Bool { true }

    /// Stores a new lease when a place is free; ``PlacesTaken`` when other operators hold every place
    /// (on any server), or the microtask is finished. Fails `already_exists` when this operator had it.
    /// With `withTask`, also reads the microtask's payload and overlap in the same transaction.
    public func lease(microtaskId: Int64, operatorId: Int64, at now: Date, until expiry: Date,
                      withTask: Bool = false) async throws -> LeasedMicrotask {
        try await write { db in
            let rows = try await db.query(#"""
                SELECT "requiredAnswers", "status", "isGold", "payload" FROM "microtask" WHERE "id" = \#(microtaskId) FOR UPDATE
                """#, logger: logger).collect()
            // An unknown microtask is refused by the insert below, as SQLite refuses it.
            let found = try rows.first?.decode((Int64, String, Bool, String).self)
            if let (required, status, isGold, _) = found, !isGold {
                guard Microtask.Status(rawValue: status) == .open else {
                    throw PlacesTaken(microtaskId: microtaskId, taken: Int(required), freeAt: nil)
                }
                let (taken, freeAt) = try await placesTaken(microtaskId: microtaskId, besides: operatorId, now: now, on: db)
                if taken >= required { throw PlacesTaken(microtaskId: microtaskId, taken: taken, freeAt: freeAt) }
            }
            var assignment = Assignment(id: nil, microtaskId: microtaskId, operatorId: operatorId, leasedAt: now,
                                        leaseExpiresAt: expiry, state: .leased, skipReason: nil, finishedAt: nil)
            assignment.id = try await insert(assignment, into: Assignment.databaseTableName, on: db)
            guard withTask, let found else { return LeasedMicrotask(assignment: assignment, payload: nil, requiredAnswers: nil) }
            return LeasedMicrotask(assignment: assignment, payload: found.3, requiredAnswers: Int(found.0))
        }
    }

    /// Stores an answer counted against every answer its microtask has, whichever server took them.
    /// Refused `lease_expired` when the microtask is finished, or when the lease's time ran out and its
    /// place went to someone else (the lease then ends `expired`, committed before the refusal).
    public func recordSharedAnswer(_ answer: AnswerRecord, decide: AnswerDecision) async throws -> SharedAnswerCount {
        let tooLate = LabError(.conflict, .leaseExpired,
                               "The time for this task ran out and someone else is doing it now. Nothing is lost: ask for the next task.")
        let outcome: Result<SharedAnswerCount, LabError> = try await write { db in
            let now = answer.createdAt
            let rows = try await db.query(#"""
                SELECT m."requiredAnswers", m."status", m."isGold", a."state" FROM "microtask" m
                JOIN "assignment" a ON a."microtaskId" = m."id"
                WHERE m."id" = \#(answer.microtaskId) AND a."id" = \#(answer.assignmentId) AND a."operatorId" = \#(answer.operatorId)
                FOR UPDATE OF m, a
                """#, logger: logger).collect()
            guard let (stored, status, isGold, state) = try rows.first?.decode((Int64, String, Bool, String).self) else {
                throw LabError(.notFound, "assignment_not_found", "There is no task \(answer.assignmentId) for you.")
            }
            if try await count(#"SELECT count(*)::bigint FROM "answer" WHERE "assignmentId" = \#(answer.assignmentId)"#, on: db) > 0 {
                throw LabError(.conflict, .alreadyAnswered, "This task was already answered.")
            }
            switch Assignment.State(rawValue: state) {
            case .leased: break
            case .expired: return .failure(tooLate)
            default: throw LabError(.conflict, .assignmentClosed, "This task was skipped or handed back, so it takes no answer now.")
            }
            var required = Int(stored), complete = false
            var bodies: [String] = []
            if !isGold {
                guard Microtask.Status(rawValue: status) == .open else { return .failure(tooLate) }
                let (others, _) = try await placesTaken(microtaskId: answer.microtaskId, besides: answer.operatorId, now: now, on: db)
                if others >= required {
                    try await db.query(#"""
                        UPDATE "assignment" SET "state" = \#(Assignment.State.expired.rawValue), "finishedAt" = \#(now)
                        WHERE "id" = \#(answer.assignmentId)
                        """#, logger: logger)
                    return .failure(tooLate)
                }
                for row in try await db.query(#"""
                    SELECT "body" FROM "answer" WHERE "microtaskId" = \#(answer.microtaskId) ORDER BY "id"
                    """#, logger: logger).collect() {
                    bodies.append(try row.decode(String.self))
                }
                bodies.append(answer.body)
                let decision = decide(bodies, required)
                required = max(required, decision.required)
                complete = decision.complete
            }
            var answer = answer
            answer.id = try await insert(answer, into: AnswerRecord.databaseTableName, on: db)
            try await db.query(#"""
                UPDATE "assignment" SET "state" = \#(Assignment.State.answered.rawValue), "finishedAt" = \#(now)
                WHERE "id" = \#(answer.assignmentId)
                """#, logger: logger)
            let newStatus = (complete ? Microtask.Status.complete : Microtask.Status(rawValue: status) ?? .open).rawValue
            try await db.query(#"""
                UPDATE "microtask" SET "answerCount" = "answerCount" + 1, "requiredAnswers" = \#(Int64(required)),
                    "status" = \#(newStatus) WHERE "id" = \#(answer.microtaskId)
                """#, logger: logger)
            var expired: [Int64] = []
            if complete {
                // Its places are all taken for good: leases still open on it end with it, on every server.
                for row in try await db.query(#"""
                    UPDATE "assignment" SET "state" = \#(Assignment.State.expired.rawValue), "finishedAt" = \#(now)
                    WHERE "microtaskId" = \#(answer.microtaskId) AND "state" = \#(Assignment.State.leased.rawValue)
                    RETURNING "id"
                    """#, logger: logger).collect() {
                    expired.append(try row.decode(Int64.self))
                }
            }
            return .success(SharedAnswerCount(answer: answer, required: required, complete: complete, bodies: bodies,
                                              expired: expired.sorted()))
        }
        return try outcome.get()
    }

    /// Extends a lease under its microtask's lock; a lease whose time ran out is extended only while its
    /// place is still free, else it ends `expired` (false), as does one whose microtask is finished.
    public func renewSharedLease(id: Int64, until expiry: Date, now: Date) async throws -> Bool {
        try await write { db in
            let rows = try await db.query(#"""
                SELECT m."id", m."requiredAnswers", m."status", m."isGold", a."operatorId", a."state", a."leaseExpiresAt"
                FROM "microtask" m JOIN "assignment" a ON a."microtaskId" = m."id" WHERE a."id" = \#(id) FOR UPDATE OF m, a
                """#, logger: logger).collect()
            guard let (microtaskId, required, status, isGold, operatorId, state, expiresAt)
                    = try rows.first?.decode((Int64, Int64, String, Bool, Int64, String, Date).self),
                  Assignment.State(rawValue: state) == .leased else { return false }
            var ended = !isGold && Microtask.Status(rawValue: status) != .open
            if !ended, !isGold, expiresAt <= now {
                ended = try await placesTaken(microtaskId: microtaskId, besides: operatorId, now: now, on: db).0 >= required
            }
            if ended {
                try await db.query(#"""
                    UPDATE "assignment" SET "state" = \#(Assignment.State.expired.rawValue), "finishedAt" = \#(now) WHERE "id" = \#(id)
                    """#, logger: logger)
                return false
            }
            try await db.query(#"UPDATE "assignment" SET "leaseExpiresAt" = \#(expiry) WHERE "id" = \#(id)"#, logger: logger)
            return true
        }
    }

    /// Places others hold on a microtask now (answers, and leases whose time has not run out), and
    /// when the earliest of those leases runs out (nil when there is none).
    private func placesTaken(microtaskId: Int64, besides operatorId: Int64, now: Date,
                             on db: PostgresConnection) async throws -> (Int, Date?) {
        let answered = Assignment.State.answered.rawValue, leased = Assignment.State.leased.rawValue
        let rows = try await db.query(#"""
            SELECT count(*)::bigint, min("leaseExpiresAt") FILTER (WHERE "state" = \#(leased)) FROM "assignment"
            WHERE "microtaskId" = \#(microtaskId) AND "operatorId" <> \#(operatorId)
              AND ("state" = \#(answered) OR ("state" = \#(leased) AND "leaseExpiresAt" > \#(now)))
            """#, logger: logger).collect()
        guard let (taken, freeAt) = try rows.first?.decode((Int64, Date?).self) else { return (0, nil) }
        return (Int(taken), freeAt)
    }
}
