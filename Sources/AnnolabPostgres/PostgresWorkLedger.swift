// Leases and answers decided in PostgreSQL, so that several servers on one database never give a place twice.
import AnnolabCore
import AnnolabStore
import Foundation
import Logging
import PostgresNIO

/// Who works on which microtask when several `annolab serve` share one PostgreSQL.
///
/// The database decides, not a server's memory: a place on a microtask is taken by locking the
/// microtask's row (`FOR UPDATE SKIP LOCKED`, so servers asking at the same moment take different
/// rows instead of waiting for each other) and counting its places again once the row is held.
/// Every lease goes through that lock, so the count a server sees includes every lease another
/// server committed before it; no microtask gets more people than its overlap. An answer is counted
/// under the same lock, once per assignment: a repeat sent to another server finds it and gets the
/// reply stored with it. A server that dies loses nothing it acknowledged (each call is one
/// committed transaction); what it had begun is rolled back by PostgreSQL, and its leases end
/// when their time runs out, after which the places are served again.
///
/// ```swift
/// let ledger = PostgresWorkLedger(client: client, logger: logger)
/// if let lease = try await ledger.lease(operatorId: 12, projectIds: [3], now: now, until: now + 120) {
///     _ = try await ledger.answer(lease.assignmentId, operatorId: 12, body: #"{"choice":"duck"}"#,
///                                 idempotencyKey: "k-1", secondsSpent: 8, response: "{}", now: Date())
/// }
/// ```
public struct PostgresWorkLedger: Sendable {
    let client: PostgresClient
    let logger: Logger

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    /// A place on a microtask, held by one operator until `expiresAt`.
    public struct Lease: Sendable, Equatable {
        public var assignmentId: Int64
        public var microtaskId: Int64
        public var projectId: Int64
        public var operatorId: Int64
        public var kind: String
        public var payload: String
        public var expiresAt: Date
    }

    /// What became of a submitted answer.
    public enum Answered: Sendable, Equatable {
        /// Counted now; `complete` when it was the microtask's last place.
        case taken(answerId: Int64, complete: Bool)
        /// Counted before (on this server or another): the reply stored with it.
        case repeated(answerId: Int64, response: String)
    }

    /// What became of a renewal.
    public enum Renewal: Sendable, Equatable {
        case renewed
        /// Its time ran out and its place went to someone else, or the microtask is done.
        case expired
        /// Not a live, unanswered lease of this operator.
        case notLeased
    }

    static let unknownAssignment: LabError.Code = "unknown_assignment"

    /// How many microtasks that looked free, but were full once locked, are passed over before giving up.
    static let fullRowsPassed = 64

    /// Leases the next microtask of `projectIds` (in that order, then oldest microtask first) that this
    /// operator has never had and that has a free place; nil when there is none, or when the operator
    /// already holds `maxLive` live leases. `kinds` empty means every kind. Gold, practice and reviews
    /// are not chosen here.
    public func lease(operatorId: Int64, projectIds: [Int64], kinds: [String] = [], now: Date, until: Date,
                      maxLive: Int = 3) async throws -> Lease? {
        try await transaction { db, logger in
            // One operator's leases are taken one at a time, whichever server is asked.
            let known = try await db.query(#"SELECT 1 FROM "user" WHERE "id" = \#(operatorId) FOR UPDATE"#, logger: logger).collect()
            guard !known.isEmpty else {
                throw LabError(.notFound, "unknown_operator", "There is no operator with id \(operatorId).")
            }
            let live = try await Self.int(db.query(#"""
                SELECT count(*)::bigint FROM "assignment"
                WHERE "operatorId" = \#(operatorId) AND "state" = 'leased' AND "leaseExpiresAt" > \#(now)
                """#, logger: logger))
            guard live < maxLive else { return nil }
            for projectId in projectIds {
                var passed: [Int64] = []
                while passed.count <= Self.fullRowsPassed {
                    // The statement's own snapshot may be older than a lease another server committed just
                    // before this row's lock was free: the count below, a new statement, decides.
                    let rows = try await db.query(#"""
                        SELECT m."id", m."kind", m."payload", m."requiredAnswers" FROM "microtask" m
                        WHERE m."projectId" = \#(projectId) AND m."status" = 'open' AND NOT m."isGold"
                          AND m."reviewOf" IS NULL
                          AND (cardinality(\#(kinds)::text[]) = 0 OR m."kind" = ANY(\#(kinds)::text[]))
                          AND m."id" <> ALL(\#(passed)::bigint[])
                          AND NOT EXISTS (SELECT 1 FROM "assignment" a WHERE a."microtaskId" = m."id" AND a."operatorId" = \#(operatorId))
                          AND m."requiredAnswers" > (SELECT count(*) FROM "assignment" a WHERE a."microtaskId" = m."id"
                              AND (a."state" = 'answered' OR (a."state" = 'leased' AND a."leaseExpiresAt" > \#(now))))
                        ORDER BY m."id" LIMIT 1 FOR UPDATE OF m SKIP LOCKED
                        """#, logger: logger).collect()
                    guard let row = rows.first else { break }
                    let (id, kind, payload, required) = try row.decode((Int64, String, String, Int64).self)
                    let taken = try await Self.placesTaken(db, logger, microtaskId: id, now: now, except: nil)
                    guard taken < required else {
                        passed.append(id)
                        continue
                    }
                    let assignmentId = try await Self.int(db.query(#"""
                        INSERT INTO "assignment" ("microtaskId", "operatorId", "leasedAt", "leaseExpiresAt", "state")
                        VALUES (\#(id), \#(operatorId), \#(now), \#(until), 'leased') RETURNING "id"
                        """#, logger: logger))
                    return Lease(assignmentId: assignmentId, microtaskId: id, projectId: projectId, operatorId: operatorId,
                                 kind: kind, payload: payload, expiresAt: until)
                }
            }
            return nil
        }
    }

    /// Takes an answer on a lease. A lease whose time ran out still takes it while its place was not
    /// given to anyone else. The same assignment answered again (on any server) gets the first reply.
    public func answer(_ assignmentId: Int64, operatorId: Int64, body: String, idempotencyKey: String?,
                       secondsSpent: Double, response: String, now: Date) async throws -> Answered {
        // A refusal that ends the lease is committed with that end, then thrown.
        let outcome: Result<Answered, LabError> = try await transaction { db, logger in
            let (microtaskId, required) = try await Self.lockMicrotask(db, logger, assignmentId: assignmentId, operatorId: operatorId)
            if let earlier = try await Self.storedAnswer(db, logger, assignmentId: assignmentId) {
                // A retry: the same key, or no key and the same answer. Anything else is a second answer.
                guard earlier.key.map({ $0 == idempotencyKey }) ?? (idempotencyKey == nil && earlier.body == body) else {
                    throw LabError(.conflict, .alreadyAnswered, "This task was already answered.")
                }
                return .success(.repeated(answerId: earlier.id, response: earlier.response))
            }
            let stateName = try await db.query(#"SELECT "state" FROM "assignment" WHERE "id" = \#(assignmentId)"#, logger: logger)
                .collect().first?.decode(String.self)
            switch stateName.flatMap(Assignment.State.init(rawValue:)) {
            case .leased:
                break
            case .expired:
                throw LabError(.conflict, .leaseExpired,
                               "The time for this task ran out and someone else is doing it now. Nothing is lost: ask for the next task.")
            default:
                throw LabError(.conflict, .assignmentClosed, "This task was handed back or its time ran out. Nothing is lost: ask for the next task.")
            }
            // Counted also for a lease still live by this server's clock: a server whose clock runs behind
            // the others' must not add an answer to a microtask whose places were given away.
            do {
                let others = try await Self.placesTaken(db, logger, microtaskId: microtaskId, now: now, except: assignmentId)
                if others >= required {
                    try await db.query(#"""
                        UPDATE "assignment" SET "state" = \#(Assignment.State.expired.rawValue), "finishedAt" = \#(now)
                        WHERE "id" = \#(assignmentId)
                        """#, logger: logger)
                    return .failure(LabError(.conflict, .leaseExpired,
                                             "The time for this task ran out and someone else is doing it now. Nothing is lost: ask for the next task."))
                }
            }
            if let idempotencyKey {
                let used = try await db.query(#"""
                    SELECT "assignmentId" FROM "answer" WHERE "operatorId" = \#(operatorId) AND "idempotencyKey" = \#(idempotencyKey)
                    """#, logger: logger).collect()
                if !used.isEmpty { throw Self.keyReused }
            }
            let answerId = try await Self.int(db.query(#"""
                INSERT INTO "answer" ("assignmentId", "microtaskId", "operatorId", "body", "idempotencyKey", "secondsSpent",
                    "createdAt", "response") VALUES (\#(assignmentId), \#(microtaskId), \#(operatorId), \#(body),
                    \#(idempotencyKey), \#(secondsSpent), \#(now), \#(response)) RETURNING "id"
                """#, logger: logger))
            try await db.query(#"""
                UPDATE "assignment" SET "state" = \#(Assignment.State.answered.rawValue), "finishedAt" = \#(now) WHERE "id" = \#(assignmentId)
                """#, logger: logger)
            let completeStatus = Microtask.Status.complete.rawValue
            let complete = try await Self.int(db.query(#"""
                UPDATE "microtask" SET "answerCount" = "answerCount" + 1,
                    "status" = CASE WHEN "answerCount" + 1 >= "requiredAnswers" THEN \#(completeStatus) ELSE "status" END
                WHERE "id" = \#(microtaskId) RETURNING ("status" = \#(completeStatus))::int::bigint
                """#, logger: logger)) == 1
            if complete {
                // Its places are all answered: leases whose time ran out end with it, as LabStore's recordAnswer ends them.
                try await db.query(#"""
                    UPDATE "assignment" SET "state" = \#(Assignment.State.expired.rawValue), "finishedAt" = \#(now)
                    WHERE "microtaskId" = \#(microtaskId) AND "state" = \#(Assignment.State.leased.rawValue)
                    """#, logger: logger)
            }
            return .success(.taken(answerId: answerId, complete: complete))
        }
        return try outcome.get()
    }

    /// Extends a live lease; one whose time ran out is extended only while its place is still free.
    public func renew(_ assignmentId: Int64, operatorId: Int64, until: Date, now: Date) async throws -> Renewal {
        try await transaction { db, logger in
            let microtask: (id: Int64, required: Int64)
            do {
                microtask = try await Self.lockMicrotask(db, logger, assignmentId: assignmentId, operatorId: operatorId)
            } catch let error as LabError where error.code == Self.unknownAssignment {
                return .notLeased
            }
            let rows = try await db.query(#"""
                SELECT a."state", a."leaseExpiresAt", m."status" FROM "assignment" a JOIN "microtask" m ON m."id" = a."microtaskId"
                WHERE a."id" = \#(assignmentId)
                """#, logger: logger).collect()
            guard let (state, expiresAt, status) = try rows.first?.decode((String, Date, String).self),
                  Assignment.State(rawValue: state) == .leased else {
                return .notLeased
            }
            var ended = Microtask.Status(rawValue: status) != .open
            if !ended, expiresAt <= now {
                let others = try await Self.placesTaken(db, logger, microtaskId: microtask.id, now: now, except: assignmentId)
                ended = others >= microtask.required
            }
            if ended {
                try await db.query(#"""
                    UPDATE "assignment" SET "state" = 'expired', "finishedAt" = \#(now) WHERE "id" = \#(assignmentId)
                    """#, logger: logger)
                return .expired
            }
            try await db.query(#"UPDATE "assignment" SET "leaseExpiresAt" = \#(until) WHERE "id" = \#(assignmentId)"#, logger: logger)
            return .renewed
        }
    }

    /// Ends a live lease without an answer (`skipped`, `released` or `expired`); its place is free at once.
    /// False when the lease was not live.
    @discardableResult
    public func end(_ assignmentId: Int64, operatorId: Int64, as state: Assignment.State, reason: String? = nil,
                    now: Date) async throws -> Bool {
        guard [.skipped, .released, .expired].contains(state) else {
            throw LabError(.badRequest, "invalid_lease_state", "A lease ends as skipped, released or expired, not \(state.rawValue).")
        }
        return try await transaction { db, logger in
            let rows = try await db.query(#"""
                UPDATE "assignment" SET "state" = \#(state.rawValue), "skipReason" = \#(reason), "finishedAt" = \#(now)
                WHERE "id" = \#(assignmentId) AND "operatorId" = \#(operatorId) AND "state" = 'leased' RETURNING "id"
                """#, logger: logger).collect()
            return !rows.isEmpty
        }
    }

    // MARK: - In one transaction

    private func transaction<T: Sendable>(_ body: (PostgresConnection, Logger) async throws -> T) async throws -> T {
        let logger = self.logger
        do {
            return try await client.withTransaction(logger: logger) { connection in try await body(connection, logger) }
        } catch let error as PostgresTransactionError {
            if let labError = error.closureError as? LabError { throw labError }
            throw plain(error.closureError ?? error)
        } catch let error as LabError {
            throw error
        } catch {
            throw plain(error)
        }
    }

    /// The lab's words for a failure; what PostgreSQL said goes to the log, never to the operator.
    func plain(_ error: any Error) -> LabError {
        if let failure = error as? PSQLError, failure.serverInfo?[.sqlState] == PostgresError.Code.uniqueViolation.raw,
           failure.serverInfo?[.constraintName]?.contains("idempotencyKey") == true {
            return Self.keyReused
        }
        logger.error("A lease or answer could not be stored in PostgreSQL", metadata: ["error": "\(String(reflecting: error))"])
        return LabError(.internalFailure, "storage_failure", "The lab could not store this. Nothing was changed. Please try again.")
    }

    static let keyReused = LabError(.conflict, "idempotency_key_reused",
                                    "This answer's key was already used for another task; send each answer with its own key.")

    /// Locks the microtask of an operator's assignment; every lease and answer of it waits here.
    private static func lockMicrotask(_ db: PostgresConnection, _ logger: Logger, assignmentId: Int64,
                                      operatorId: Int64) async throws -> (id: Int64, required: Int64) {
        let rows = try await db.query(#"""
            SELECT m."id", m."requiredAnswers" FROM "microtask" m JOIN "assignment" a ON a."microtaskId" = m."id"
            WHERE a."id" = \#(assignmentId) AND a."operatorId" = \#(operatorId) AND NOT m."isGold" FOR UPDATE OF m, a
            """#, logger: logger).collect()
        guard let row = rows.first else {
            throw LabError(.notFound, unknownAssignment, "There is no task \(assignmentId) given to you.")
        }
        let (id, required) = try row.decode((Int64, Int64).self)
        return (id, required)
    }

    private static func storedAnswer(_ db: PostgresConnection, _ logger: Logger,
                                     assignmentId: Int64) async throws -> (id: Int64, response: String, key: String?, body: String)? {
        let rows = try await db.query(#"""
            SELECT "id", "response", "idempotencyKey", "body" FROM "answer" WHERE "assignmentId" = \#(assignmentId)
            """#, logger: logger).collect()
        guard let (id, response, key, body) = try rows.first?.decode((Int64, String, String?, String).self) else { return nil }
        return (id, response, key, body)
    }

    /// Places taken on a microtask now: answers, and leases whose time has not run out.
    private static func placesTaken(_ db: PostgresConnection, _ logger: Logger, microtaskId: Int64, now: Date,
                                    except assignmentId: Int64?) async throws -> Int64 {
        try await int(db.query(#"""
            SELECT count(*)::bigint FROM "assignment" WHERE "microtaskId" = \#(microtaskId)
              AND "id" <> \#(assignmentId ?? 0)
              AND ("state" = \#(Assignment.State.answered.rawValue)
                   OR ("state" = \#(Assignment.State.leased.rawValue) AND "leaseExpiresAt" > \#(now)))
            """#, logger: logger))
    }

    private static func int(_ rows: PostgresRowSequence) async throws -> Int64 {
        guard let row = try await rows.collect().first else {
            throw LabError(.internalFailure, "storage_failure", "PostgreSQL gave no row where one was expected.")
        }
        return try row.decode(Int64.self)
    }
}
