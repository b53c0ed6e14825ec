// The PostgreSQL store answers as the SQLite store does: seeding a new lab, operators in bulk, erasing an operator.
import AnnolabCore
@testable import AnnolabPostgres
import Foundation
import Logging
import Testing
@testable import AnnolabStore

@Suite("The PostgreSQL store answers as the SQLite store: a new lab's seed, operators in bulk, erasure", .serialized)
struct PostgresStoreSeedingTests {
    @Test("an empty lab is seeded the same in both stores, once; a lab with people is not seeded again")
    func sameSeed() async throws {
        let twins = try await TwinStores()
        defer { twins.close() }
        let now = Date(timeIntervalSince1970: 1_796_300_000)
        let seed = LabSeed(clientName: "Harbour TV", clientHourlyPriceCents: 4100, people: [
            .init(key: "boss", user: NewUser(role: .admin, name: "Boss", email: "boss@harbour.example")),
            .init(key: "coach", user: NewUser(role: .coach, name: "Coach Lea", email: "lea@harbour.example")),
            .init(key: "viewer", user: NewUser(role: .client, name: "Harbour desk", email: "desk@harbour.example")),
            .init(key: "op1", user: NewUser(role: .operator, name: "Mo", badge: "HB-1", birthdate: "2004-02-02"), coachKey: "coach"),
            .init(key: "op2", user: NewUser(role: .operator, name: "Ida", badge: "HB-2"), coachKey: "nobody"),
        ], projects: [
            Project(clientId: 0, name: "Boxes", template: .imageBoxes, labels: ["boat"], overlap: 2, adaptiveMin: nil, adaptiveMax: nil,
                    goldRate: 0.1, deadline: nil, createdAt: now),
            Project(clientId: 0, name: "Subtitles", template: .subtitleCheck, labels: [], overlap: nil, adaptiveMin: 1, adaptiveMax: 3,
                    goldRate: 0, deadline: "2027-01-01", createdAt: now),
        ])
        // The demo lab has people: neither store seeds it again.
        #expect(try await twins.sqlite.isEmpty() == false)
        #expect(try await twins.pg.isEmpty() == false)
        #expect(try await twins.pg.seedIfEmpty(seed, now: now) == nil)
        #expect(try await twins.sqlite.seedIfEmpty(seed, now: now) == nil)

        // An empty lab in each store.
        let sqlite = try LabStore(folder: twins.folder.appendingPathComponent("empty-sqlite"))
        let address = try twins.postgres.freshDatabase() + "?sslmode=disable"
        defer { twins.postgres.dropDatabase(address.replacingOccurrences(of: "?sslmode=disable", with: "")) }
        let pg = try await PostgresLabStore(address: try PostgresAddress(address), folder: twins.folder.appendingPathComponent("empty-pg"),
                                            connections: 2, logger: Logger(label: "annolab.test.seed"))
        defer { pg.close() }
        #expect(try await sqlite.isEmpty())
        #expect(try await pg.isEmpty())
        let projectIds = try await sqlite.seedIfEmpty(seed, now: now)
        #expect(projectIds == [1, 2])
        #expect(try await pg.seedIfEmpty(seed, now: now) == projectIds)
        #expect(try await pg.isEmpty() == false)
        #expect(try await pg.seedIfEmpty(seed, now: now) == nil)
        let people = try await sqlite.allUsers()
        #expect(people.count == 5 && people.first { $0.role == .client }?.clientId != nil)
        #expect(try await pg.allUsers() == people)
        #expect(try await pg.projects(clientId: nil) == sqlite.projects(clientId: nil))
        let coach = try #require(people.first { $0.role == .coach }?.id)
        #expect(try await sqlite.operators(ofCoach: coach).map(\.name) == ["Mo"])
        #expect(try await pg.operators(ofCoach: coach) == sqlite.operators(ofCoach: coach))
        let clientId = try #require(people.first { $0.role == .client }?.clientId)
        #expect(try await pg.client(id: clientId) == sqlite.client(id: clientId))
        let capacity = try await sqlite.rosteredCapacity()
        #expect(try await pg.rosteredCapacity().minutesPerDay == capacity.minutesPerDay)
        #expect(try await pg.auditLines(limit: 5) == sqlite.auditLines(limit: 5))
        #expect(try await pg.auditLines(limit: 5) == ["1 0 lab.seed - Harbour TV"])
    }

    @Test("operators added in bulk get the same ids, names and profiles; a taken or repeated badge refuses the whole batch")
    func sameBulk() async throws {
        let twins = try await TwinStores()
        defer { twins.close() }
        let (sqlite, pg) = (twins.sqlite, twins.pg)
        let now = Date(timeIntervalSince1970: 1_796_400_000)
        let before = try await sqlite.allUsers().count
        let capacityBefore = try await sqlite.rosteredCapacity().minutesPerDay
        #expect(await twins.codes({ try await sqlite.addOperatorsInBulk(badges: ["B-1", "B-1"], namePrefix: "Bench", now: now) },
                                  { try await pg.addOperatorsInBulk(badges: ["B-1", "B-1"], namePrefix: "Bench", now: now) })
                == ["badge_taken", "badge_taken"])
        #expect(await twins.codes({ try await sqlite.addOperatorsInBulk(badges: ["B-1", "OP-0001"], namePrefix: "Bench", now: now) },
                                  { try await pg.addOperatorsInBulk(badges: ["B-1", "OP-0001"], namePrefix: "Bench", now: now) })
                == ["badge_taken", "badge_taken"])
        let invalid = WorkProfile(workMinutes: 0)
        let invalidCodes = await twins.codes({ try await sqlite.addOperatorsInBulk(badges: ["B-9"], namePrefix: "Bench", profile: invalid, now: now) },
                                             { try await pg.addOperatorsInBulk(badges: ["B-9"], namePrefix: "Bench", profile: invalid, now: now) })
        #expect(invalidCodes[0] != nil && invalidCodes[1] == invalidCodes[0])
        #expect(try await pg.allUsers().count == before)
        #expect(try await pg.rosteredCapacity().minutesPerDay == capacityBefore)

        let profile = WorkProfile(workMinutes: 50, pauseMinutes: 10, shiftMinutes: 180, dailyCapMinutes: 300)
        let badges = (1...5).map { "B-\($0)" }
        #expect(try await sqlite.addOperatorsInBulk(badges: badges, namePrefix: "Bench op", profile: profile, language: "en", now: now) == 5)
        #expect(try await pg.addOperatorsInBulk(badges: badges, namePrefix: "Bench op", profile: profile, language: "en", now: now) == 5)
        #expect(try await pg.addOperatorsInBulk(badges: [], namePrefix: "None", now: now) == 0)
        let people = try await sqlite.allUsers()
        #expect(people.count == before + 5)
        #expect(try await pg.allUsers() == people)
        #expect(try await pg.user(badge: "B-3")?.name == "Bench op 3")
        let capacity = try await sqlite.rosteredCapacity().minutesPerDay
        #expect(capacity == capacityBefore + 5 * 300)
        #expect(try await pg.rosteredCapacity().minutesPerDay == capacity)
    }

    @Test("erasing an operator keeps and removes the same things in both stores, and is refused the same way")
    func sameErasure() async throws {
        let twins = try await WorkLab.twins()
        defer { twins.close() }
        let (sqlite, pg) = (twins.sqlite, twins.pg)
        let now = Date(timeIntervalSince1970: 1_796_500_000)
        let people = try await sqlite.allUsers()
        let coach = try #require(people.first { $0.role == .coach }?.id)
        // The first operator answered twice in the prepared lab.
        let firstProject = try #require(try await sqlite.projects(clientId: nil).first?.id)
        let operatorId = try #require(try await sqlite.answers(projectId: firstProject).first?.operatorId)
        for (id, code) in [(coach, "operator_not_found"), (999_999, "operator_not_found"), (operatorId, "account_open")] {
            #expect(await twins.codes({ _ = try await sqlite.erase(operatorId: id, actor: coach, at: now) },
                                      { _ = try await pg.erase(operatorId: id, actor: coach, at: now) }) == [code, code])
        }
        _ = try await sqlite.disableUser(id: operatorId, actor: coach, now: now)
        _ = try await pg.disableUser(id: operatorId, actor: coach, now: now)
        let erased = try await sqlite.erase(operatorId: operatorId, actor: coach, at: now)
        #expect(erased.answersMoved == 2)
        #expect(try await pg.erase(operatorId: operatorId, actor: coach, at: now) == erased)
        #expect(await twins.codes({ _ = try await sqlite.erase(operatorId: operatorId, actor: coach, at: now) },
                                  { _ = try await pg.erase(operatorId: operatorId, actor: coach, at: now) })
                == ["already_erased", "already_erased"])
        #expect(try await pg.isErased(operatorId: operatorId))
        #expect(try await sqlite.isErased(operatorId: operatorId))
        #expect(try await pg.isErased(operatorId: erased.pseudonymId))
        #expect(try await pg.isErased(operatorId: coach) == false)

        // The same people afterwards, but for the pseudonym's random name.
        func byId(_ users: [User]) -> [Int64: User] {
            users.reduce(into: [:]) { all, user in
                var user = user
                if user.id == erased.pseudonymId {
                    #expect(user.name.hasPrefix("Former operator "))
                    user.name = "pseudonym"
                }
                all[user.id!] = user
            }
        }
        let after = byId(try await sqlite.allUsers())
        #expect(after[operatorId]?.badge == nil && after[operatorId]?.email == nil && after[operatorId]?.name == people.first { $0.id == operatorId }?.name)
        #expect(byId(try await pg.allUsers()) == after)
        #expect(try await pg.operators(ofCoach: coach) == sqlite.operators(ofCoach: coach))
        #expect(try await pg.operators(ofCoach: coach).contains { $0.id == operatorId } == false)
        for project in try await sqlite.projects(clientId: nil).compactMap(\.id) {
            #expect(try await pg.reviewDecisions(projectId: project) == sqlite.reviewDecisions(projectId: project))
        }
        let settings = try await pg.read { db in
            try await db.query(#"SELECT "settings" FROM "user" WHERE "id" = \#(operatorId)"#, logger: pg.logger).collect().first?.decode(String.self)
        }
        #expect(settings == "{}")
        let moved = try await pg.read { db in
            try await pg.count(#"SELECT count(*)::bigint FROM "answer" WHERE "operatorId" = \#(erased.pseudonymId) AND "idempotencyKey" IS NULL"#, on: db)
        }
        #expect(moved == 2)
        let lines = try await sqlite.auditLines(limit: 50)
        #expect(lines.first?.hasSuffix("operator.erased user:\(operatorId) kept for payroll: name, birthdate, shifts, time segments, rates") == true)
        #expect(!lines.dropFirst().contains { $0.contains("user:\(operatorId) ") })
        #expect(try await pg.auditLines(limit: 50) == lines)
        let sqliteAt = try await sqlite.auditLog(limit: 1).first?.entry.at
        #expect(try await pg.auditLog(limit: 1).first?.entry.at == sqliteAt)
        #expect(sqliteAt == now)
    }
}
