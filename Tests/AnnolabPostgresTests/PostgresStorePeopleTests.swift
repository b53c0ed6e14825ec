// The PostgreSQL store answers as the SQLite store does: people, clients, tokens and the audit log of the demo lab.
import AnnolabCore
import AnnolabPostgres
import AnnolabServer
import Foundation
import Logging
import Testing
@testable import AnnolabStore

/// The demo lab in SQLite, moved into a fresh PostgreSQL database (as `annolab migrate` does), and both
/// stores open on it: what one is asked, the other is asked too.
final class TwinStores: @unchecked Sendable {
    let postgres: TestPostgres
    let address: String
    let folder: URL
    let sqlite: LabStore
    let pg: PostgresLabStore

    /// With `worked`, the demo lab gets its sample media (its microtasks), and operators take and
    /// answer some of its choice questions
    /// through the engine on SQLite, so that both stores hold leases, answers and started work.
    /// `prepare` runs on the SQLite store last, before the move.
    init(worked: Bool = false, prepare: ((LabStore) async throws -> Void)? = nil) async throws {
        postgres = try TestPostgres()
        address = try postgres.freshDatabase() + "?sslmode=disable"
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("annolab-twin-\(UUID().uuidString)")
        sqlite = try LabStore(folder: folder.appendingPathComponent("sqlite"))
        _ = try await DemoLab.seedIfEmpty(store: sqlite)
        if worked { try await Self.work(sqlite) }
        if let prepare { try await prepare(sqlite) }
        let logger = Logger(label: "annolab.test.twin")
        let report = try await LabMove.run(store: sqlite, to: try PostgresAddress(address), logger: logger)
        guard report.isEqual else { throw LabError(.internalFailure, "move_differs", "The demo lab did not move whole.") }
        pg = try await PostgresLabStore(address: try PostgresAddress(address), folder: folder.appendingPathComponent("pg"),
                                        connections: 4, logger: logger)
    }

    static func work(_ store: LabStore) async throws {
        let server = try await LabServer.open(store: store, options: .init(logLevel: .warning))
        try await DemoLab.addSampleMedia(server: server)
        await server.programmeJobs.runAll()
        let operators = try await store.allUsers().filter { $0.role == .operator }
        for (index, person) in operators.prefix(3).enumerated() {
            let id = try #require(person.id)
            _ = try await server.engine.startShift(operatorId: id, startedBy: nil)
            for number in 0..<(3 + index) {
                guard let served = try await server.engine.next(operatorId: id, only: [.choice]) else { break }
                // The last task of each is left leased: answered work and live leases both move.
                if number == 2 + index { break }
                _ = try await server.engine.answer(operatorId: id, assignmentId: served.assignmentId,
                                                   answer: AnswerBody(choice: served.labels[number % served.labels.count]),
                                                   idempotencyKey: "twin-\(id)-\(number)")
            }
        }
    }

    func close() {
        pg.close()
        postgres.dropDatabase(address.replacingOccurrences(of: "?sslmode=disable", with: ""))
        try? FileManager.default.removeItem(at: folder)
    }

    /// The error code each store gives for the same call (nil when it did not fail).
    func codes(_ sqliteCall: () async throws -> Void, _ pgCall: () async throws -> Void) async -> [String?] {
        [await Self.code(sqliteCall), await Self.code(pgCall)]
    }

    static func code(_ call: () async throws -> Void) async -> String? {
        do {
            try await call()
            return nil
        } catch let error as LabError {
            return error.code.rawValue
        } catch {
            return "not a LabError: \(error)"
        }
    }
}

@Suite("The PostgreSQL store answers as the SQLite store: people, clients, sign-in tokens, the audit log", .serialized)
struct PostgresStorePeopleTests {
    @Test("the demo lab's people, clients, coaches' groups, tokens and audit log read the same from both stores")
    func sameReads() async throws {
        let twins = try await TwinStores()
        defer { twins.close() }
        let (sqlite, pg) = (twins.sqlite, twins.pg)
        let people = try await sqlite.allUsers()
        #expect(people.count >= 9, "the demo lab has \(people.count) people")
        #expect(try await pg.allUsers() == people)
        for person in people {
            let id = try #require(person.id)
            #expect(try await pg.user(id: id) == person)
            if let badge = person.badge { #expect(try await pg.user(badge: badge) == person) }
            if let email = person.email {
                #expect(try await pg.user(email: email.uppercased()) == sqlite.user(email: email.uppercased()))
                #expect(try await pg.user(email: email) == person)
            }
            if person.role == .coach {
                let group = try await sqlite.operators(ofCoach: id)
                #expect(!group.isEmpty)
                #expect(try await pg.operators(ofCoach: id) == group)
            }
            if let clientId = person.clientId { #expect(try await pg.client(id: clientId) == sqlite.client(id: clientId)) }
            #expect(try await pg.apiTokens(userId: id) == sqlite.apiTokens(userId: id))
        }
        for role in Role.allCases { #expect(try await pg.userCount(role: role) == sqlite.userCount(role: role)) }
        #expect(try await pg.user(id: 999_999) == nil)
        let sqliteLog = try await sqlite.auditLog(limit: 40)
        let pgLog = try await pg.auditLog(limit: 40)
        #expect(!sqliteLog.isEmpty)
        #expect(pgLog.map(\.entry) == sqliteLog.map(\.entry))
        #expect(pgLog.map(\.actor) == sqliteLog.map(\.actor))
    }

    @Test("a database made by a newer Annolab is refused as too new, and left as it was")
    func tooNew() async throws {
        let twins = try await TwinStores()
        defer { twins.close() }
        let address = twins.address.replacingOccurrences(of: "?sslmode=disable", with: "")
        _ = try twins.postgres.psql(address, #"INSERT INTO "schemaMigration" ("identifier") VALUES ('v99-from-the-future');"#)
        let before = try twins.postgres.psql(address, #"SELECT count(*) FROM "schemaMigration";"#)
        let error = await #expect(throws: LabError.self) {
            _ = try await PostgresLabStore(address: try PostgresAddress(twins.address), folder: twins.folder.appendingPathComponent("again"),
                                           connections: 2, logger: Logger(label: "annolab.test.twin"))
        }
        #expect(error?.code == "database_too_new")
        #expect(error?.message.contains("v99-from-the-future") == true)
        #expect(try twins.postgres.psql(address, #"SELECT count(*) FROM "schemaMigration";"#) == before)
    }

    @Test("the same changes give the same people, ids, refusals, tokens and audit lines in both stores")
    func sameWrites() async throws {
        let twins = try await TwinStores()
        defer { twins.close() }
        let (sqlite, pg) = (twins.sqlite, twins.pg)
        let now = Date(timeIntervalSince1970: 1_796_000_000)
        #expect(try await sqlite.createClient(name: "Regional news", hourlyPriceCents: 4200, now: now)
                    == pg.createClient(name: "Regional news", hourlyPriceCents: 4200, now: now))
        let coach = try #require(try await sqlite.allUsers().first { $0.role == .coach })
        let noorNew = NewUser(role: .operator, name: "Noor", email: "noor@lab.example", badge: "OP-NOOR", coachId: coach.id)
        let made = [try await sqlite.createUser(noorNew, now: now), try await pg.createUser(noorNew, now: now)]
        #expect(made[0] == made[1])
        #expect(try await pg.operators(ofCoach: coach.id!) == sqlite.operators(ofCoach: coach.id!))

        // Refusals: the same code from both, and nothing stored by either.
        #expect(await twins.codes({ _ = try await sqlite.createUser(NewUser(role: .coach, name: "Twin", email: "NOOR@lab.example"), now: now) },
                                  { _ = try await pg.createUser(NewUser(role: .coach, name: "Twin", email: "NOOR@lab.example"), now: now) })
                == ["email_taken", "email_taken"])
        #expect(await twins.codes({ _ = try await sqlite.createUser(NewUser(role: .operator, name: "Twin", badge: "OP-NOOR"), now: now) },
                                  { _ = try await pg.createUser(NewUser(role: .operator, name: "Twin", badge: "OP-NOOR"), now: now) })
                == ["badge_taken", "badge_taken"])
        #expect(await twins.codes({ _ = try await sqlite.createUser(NewUser(role: .operator, name: "Twin", coachId: made[0].id), now: now) },
                                  { _ = try await pg.createUser(NewUser(role: .operator, name: "Twin", coachId: made[0].id), now: now) })
                == ["unknown_coach", "unknown_coach"])
        #expect(await twins.codes({ _ = try await sqlite.createUser(NewUser(role: .client, name: "Twin", clientId: 4242), now: now) },
                                  { _ = try await pg.createUser(NewUser(role: .client, name: "Twin", clientId: 4242), now: now) })
                == ["unknown_client", "unknown_client"])
        #expect(await twins.codes({ try await sqlite.storeToken(userId: 4242, tokenHash: "x", kind: .api, expiresAt: nil) },
                                  { try await pg.storeToken(userId: 4242, tokenHash: "x", kind: .api, expiresAt: nil) })
                == ["unknown_user", "unknown_user"])
        #expect(try await pg.allUsers() == sqlite.allUsers())

        // Tokens: a session, an API token, an expired one; sign-in by hash; revoking; disabling ends the rest.
        let noor = try #require(made[0].id)
        try await sqlite.storeToken(userId: noor, tokenHash: "session-hash", kind: .session, label: nil,
                                    expiresAt: now.addingTimeInterval(3600), now: now)
        try await pg.storeToken(userId: noor, tokenHash: "session-hash", kind: .session, label: nil,
                                expiresAt: now.addingTimeInterval(3600), now: now)
        try await sqlite.storeToken(userId: noor, tokenHash: "script-hash", kind: .api, label: "nightly export", expiresAt: nil, now: now)
        try await pg.storeToken(userId: noor, tokenHash: "script-hash", kind: .api, label: "nightly export", expiresAt: nil, now: now)
        try await sqlite.storeToken(userId: noor, tokenHash: "old-hash", kind: .api, label: "old",
                                    expiresAt: now.addingTimeInterval(-1), now: now.addingTimeInterval(-60))
        try await pg.storeToken(userId: noor, tokenHash: "old-hash", kind: .api, label: "old",
                                expiresAt: now.addingTimeInterval(-1), now: now.addingTimeInterval(-60))
        #expect(await twins.codes({ try await sqlite.storeToken(userId: noor, tokenHash: "script-hash", kind: .api, expiresAt: nil) },
                                  { try await pg.storeToken(userId: noor, tokenHash: "script-hash", kind: .api, expiresAt: nil) })
                == ["already_exists", "already_exists"])
        for hash in ["session-hash", "script-hash", "old-hash", "no-such-hash"] {
            #expect(try await pg.user(tokenHash: hash, now: now) == sqlite.user(tokenHash: hash, now: now), "\(hash)")
        }
        #expect(try await pg.user(tokenHash: "script-hash", now: now)?.id == noor)
        #expect(try await pg.user(tokenHash: "old-hash", now: now) == nil)
        let tokens = try await sqlite.apiTokens(userId: noor)
        #expect(tokens.map(\.label) == ["nightly export", "old"])
        #expect(try await pg.apiTokens(userId: noor) == tokens)
        let oldId = try #require(tokens.last?.id)
        #expect(try await pg.revokeApiToken(id: oldId, userId: noor) == sqlite.revokeApiToken(id: oldId, userId: noor))
        #expect(try await pg.revokeApiToken(id: oldId, userId: noor) == nil)
        let sessionId = try #require(try await sqlite.read { db in try Int64.fetchOne(db, sql: "SELECT id FROM apiToken WHERE tokenHash = 'session-hash'") })
        // A session is not an API token: it cannot be revoked as one.
        #expect(try await pg.revokeApiToken(id: sessionId, userId: noor) == nil)
        try await sqlite.deleteToken(tokenHash: "session-hash")
        try await pg.deleteToken(tokenHash: "session-hash")
        #expect(try await pg.user(tokenHash: "session-hash", now: now) == nil)

        let disabledSQLite = try await sqlite.disableUser(id: noor, actor: coach.id, now: now)
        let disabledPG = try await pg.disableUser(id: noor, actor: coach.id, now: now)
        #expect(disabledPG.user == disabledSQLite.user)
        #expect(disabledPG.newly && disabledSQLite.newly)
        #expect(Set(disabledPG.endedTokenHashes) == Set(disabledSQLite.endedTokenHashes))
        #expect(disabledPG.endedTokenHashes == ["script-hash"])
        let again = try await pg.disableUser(id: noor, actor: coach.id, now: now)
        #expect(!again.newly && again.endedTokenHashes.isEmpty)
        #expect(await twins.codes({ _ = try await sqlite.disableUser(id: 4242, actor: nil, now: now) },
                                  { _ = try await pg.disableUser(id: 4242, actor: nil, now: now) })
                == ["user_not_found", "user_not_found"])

        try await sqlite.audit(actor: nil, action: "lab.note", subject: nil, detail: "both stores")
        try await pg.audit(actor: nil, action: "lab.note", subject: nil, detail: "both stores")
        let sqliteLog = try await sqlite.auditLog(limit: 10)
        let pgLog = try await pg.auditLog(limit: 10)
        #expect(pgLog.map(\.entry.action) == sqliteLog.map(\.entry.action))
        #expect(pgLog.map(\.entry.id) == sqliteLog.map(\.entry.id))
        #expect(pgLog.map(\.entry.detail) == sqliteLog.map(\.entry.detail))
        #expect(pgLog.map(\.actor) == sqliteLog.map(\.actor))
        #expect(Array(pgLog.map(\.entry.action).prefix(3)) == ["lab.note", "user.disable", "token.revoke"])
        #expect(try await pg.allUsers() == sqlite.allUsers())
    }
}
