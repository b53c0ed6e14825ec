// The operator's own record over HTTP: its hours are the payroll's, nobody else is in it, and erasure keeps only payroll.
import AnnolabCore
import AnnolabServer
import AnnolabStore
import Foundation
import GRDB
import Testing

@Suite("The operator's own record")
struct OperatorRecordTests {
    static func people(_ lab: RunningLab) async throws -> (admin: String, coach: String, client: String) {
        (try await lab.login(["email": "admin@demo.local", "password": "demo-admin"]),
         try await lab.login(["email": "coach@demo.local", "password": "demo-coach"]),
         try await lab.login(["email": "client@demo.local", "password": "demo-client"]))
    }

    static func operatorId(_ lab: RunningLab, badge: String) async throws -> Int64 {
        try #require(try await lab.store.user(badge: badge)?.id)
    }

    /// A shift of `minutes` on the lab's clock, started and ended by the operator.
    static func shift(_ lab: RunningLab, clock: ManualClock, token: String, minutes: Double) async throws {
        let started = try await lab.request("POST", "/api/v1/shift/start", token: token)
        #expect(started.status == 200 || started.status == 201, "\(started.text)")
        clock.advance(minutes: minutes)
        let ended = try await lab.request("POST", "/api/v1/shift/end", token: token)
        #expect(ended.status == 200, "\(ended.text)")
    }

    @Test("the record's paid time per month equals the payroll's, and no other operator's name or work is in it")
    func hoursAreThePayrolls() async throws {
        let clock = ManualClock(EngineLab.monday)   // Monday 2 March 2026, 08:00 in Amsterdam
        let lab = try await RunningLab.start(demo: true, clock: clock)
        defer { Task { await lab.stop() } }
        let people = try await Self.people(lab)
        let anouk = try await lab.login(["badge": "OP-0001"]), bram = try await lab.login(["badge": "OP-0002"])
        // March: two days; April: one day (a month later); Bram works too, on other lengths.
        try await Self.shift(lab, clock: clock, token: anouk, minutes: 130)
        try await Self.shift(lab, clock: clock, token: bram, minutes: 50)
        clock.advance(minutes: 24 * 60 - 180)
        try await Self.shift(lab, clock: clock, token: anouk, minutes: 75)
        clock.advance(minutes: 31 * 24 * 60)
        try await Self.shift(lab, clock: clock, token: anouk, minutes: 200)
        try await Self.shift(lab, clock: clock, token: bram, minutes: 90)

        let record = try await lab.request("GET", "/api/v1/me/record", token: anouk)
        #expect(record.status == 200, "\(record.text)")
        let months = try #require(record.json["months"] as? [[String: Any]])
        let payroll = try await lab.request("GET", "/api/v1/admin/payroll?from=2026-03-01&to=2026-04-30", token: people.admin)
        let anoukId = try await Self.operatorId(lab, badge: "OP-0001")
        var expected: [String: Int] = [:]
        for row in try #require(payroll.json["rows"] as? [[String: Any]]) where (row["operatorId"] as? Int).map(Int64.init) == anoukId {
            let day = try #require(row["date"] as? String)
            expected[String(day.prefix(7)), default: 0] += try #require(row["paidSeconds"] as? Int)
        }
        #expect(expected.count == 2 && (expected["2026-03"] ?? 0) > 0 && (expected["2026-04"] ?? 0) > 0, "\(payroll.text)")
        var given: [String: Int] = [:]
        for month in months { given[try #require(month["month"] as? String)] = month["paidSeconds"] as? Int }
        #expect(given == expected, "record \(given) against payroll \(expected)")
        #expect(record.json["totalPaidSeconds"] as? Int == expected.values.reduce(0, +))
        // Nobody else: not Bram's name, not his time, not the client's name (the demo lab does not allow it).
        let page = try await lab.request("GET", "/api/v1/me/record.html", token: anouk)
        #expect(page.status == 200)
        for text in [record.text, page.text] {
            #expect(!text.contains("Bram"), "another operator's name")
            #expect(!text.contains("Demo Media"), "the client's name without the lab allowing it")
            #expect(!text.contains("Chaima") && !text.contains("Daan"))
        }
        #expect(page.text.contains("Anouk de Vries"))
        // An operator cannot reach another's record; the admin can, as JSON and as the page.
        let bramId = try await Self.operatorId(lab, badge: "OP-0002")
        #expect(try await lab.request("GET", "/api/v1/admin/operators/\(bramId)/record", token: anouk).status == 403)
        let bramsRecord = try await lab.request("GET", "/api/v1/admin/operators/\(bramId)/record", token: people.admin)
        #expect((bramsRecord.json["person"] as? [String: Any])?["name"] as? String == "Bram Jansen")
        #expect(!bramsRecord.text.contains("Anouk"))
    }

    @Test("the clients' names are in a record only when the lab allows it, and the lab names itself")
    func clientsOnlyWhenAllowed() async throws {
        let lab = try await RunningLab.start(demo: true)
        defer { Task { await lab.stop() } }
        let people = try await Self.people(lab)
        let anouk = try await lab.login(["badge": "OP-0001"])
        // Anouk answers one task of the demo client's, so there is a client to name.
        let created = try await lab.request("POST", "/api/v1/projects",
            json: ["name": "Cats or dogs", "template": "choice", "labels": ["cat", "dog"], "overlap": 1, "goldRate": 0], token: people.client)
        let projectId = Int64(try #require(created.json["id"] as? Int))
        let payload = String(decoding: try JSONEncoder().encode(MicrotaskPayload(options: ["cat", "dog"])), as: UTF8.self)
        lab.server.engine.microtasksAdded(try await lab.store.addMicrotasks([
            Microtask(projectId: projectId, itemId: nil, kind: .choice, payload: payload, estimatedSeconds: 5, requiredAnswers: 1),
        ]))
        _ = try await lab.request("PUT", "/api/v1/coach/operators/\(try await Self.operatorId(lab, badge: "OP-0001"))/profile",
                                  json: ["taskKinds": ["choice"]], token: people.coach)
        _ = try await lab.request("POST", "/api/v1/shift/start", token: anouk)
        let next = try await lab.request("GET", "/api/v1/tasks/next", token: anouk)
        let id = try #require((next.json["assignment"] as? [String: Any])?["id"] as? Int, "\(next.text)")
        #expect(try await lab.request("POST", "/api/v1/assignments/\(id)/answer", json: ["answer": ["choice": "cat"]], token: anouk).status == 201)
        let before = try await lab.request("GET", "/api/v1/me/record", token: anouk)
        #expect(before.json["clients"] == nil && !before.text.contains("Demo Media"))
        #expect((before.json["lab"] as? [String: Any])?["name"] as? String == "Annolab demo lab")
        let refused = try await lab.request("PUT", "/api/v1/admin/settings/record", json: ["name": " ", "showClients": true], token: people.admin)
        #expect(refused.status == 422)
        let set = try await lab.request("PUT", "/api/v1/admin/settings/record",
                                        json: ["name": "Werkplaats Data", "place": "Amersfoort", "showClients": true], token: people.admin)
        #expect(set.status == 200, "\(set.text)")
        let after = try await lab.request("GET", "/api/v1/me/record", token: anouk)
        #expect(after.json["clients"] as? [String] == ["Demo Media"])
        #expect((after.json["lab"] as? [String: Any])?["place"] as? String == "Amersfoort")
        let page = try await lab.request("GET", "/api/v1/me/record.html", token: anouk)
        #expect(page.text.contains("Demo Media") && page.text.contains("Werkplaats Data"))
        #expect(try await lab.request("GET", "/api/v1/admin/settings/record", token: anouk).status == 403)
    }

    /// Every row in the lab that names `id` in a column that points at a person.
    static func rowsNaming(_ id: Int64, in store: LabStore) async throws -> [String: Int] {
        try await store.read { db in
            var found: [String: Int] = [:]
            for table in try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'grdb_%'") {
                for key in try db.foreignKeys(on: table) where key.destinationTable == "user" {
                    for (column, _) in key.mapping {
                        let count = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \"\(table)\" WHERE \"\(column)\" = ?", arguments: [id]) ?? 0
                        if count > 0 { found["\(table).\(column)", default: 0] += count }
                    }
                }
            }
            found["user"] = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM user WHERE id = ?", arguments: [id])
            found["auditLog.subject"] = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM auditLog WHERE subject = ?", arguments: ["user:\(id)"])
            return found.filter { $0.value > 0 }
        }
    }

    @Test("erasure: a closed account's record can be made first; afterwards only payroll rows name the person, and the answers stay under a pseudonym", .enabled(if: !RunningLab.onPostgres, "SQLite only: reads every SQLite row naming the person"))
    func erasureKeepsOnlyPayroll() async throws {
        let clock = ManualClock(EngineLab.monday)
        let lab = try await RunningLab.start(demo: true, clock: clock)
        defer { Task { await lab.stop() } }
        let people = try await Self.people(lab)
        let esraId = try await Self.operatorId(lab, badge: "OP-0005")
        let esra = try await lab.login(["badge": "OP-0005"])
        // A choice project she answers, a shift, the coach's note, message and statement, a rate.
        let created = try await lab.request("POST", "/api/v1/projects",
            json: ["name": "Cats or dogs", "template": "choice", "labels": ["cat", "dog"], "overlap": 1, "goldRate": 0], token: people.client)
        let projectId = Int64(try #require(created.json["id"] as? Int))
        let payload = String(decoding: try JSONEncoder().encode(MicrotaskPayload(options: ["cat", "dog"])), as: UTF8.self)
        let tasks = try await lab.store.addMicrotasks((0..<3).map { _ in
            Microtask(projectId: projectId, itemId: nil, kind: .choice, payload: payload, estimatedSeconds: 5, requiredAnswers: 1)
        })
        lab.server.engine.microtasksAdded(tasks)
        _ = try await lab.request("PUT", "/api/v1/coach/operators/\(esraId)/profile", json: ["taskKinds": ["choice"]], token: people.coach)
        _ = try await lab.request("POST", "/api/v1/shift/start", token: esra)
        var answered = 0
        while answered < 3 {
            let next = try await lab.request("GET", "/api/v1/tasks/next", token: esra)
            guard next.status == 200, let id = (next.json["assignment"] as? [String: Any])?["id"] as? Int else { break }
            clock.advance(seconds: 20)
            let sent = try await lab.request("POST", "/api/v1/assignments/\(id)/answer", json: ["answer": ["choice": "dog"]], token: esra)
            if sent.status == 201 { answered += 1 }
        }
        #expect(answered == 3)
        clock.advance(minutes: 40)
        _ = try await lab.request("POST", "/api/v1/shift/end", token: esra)
        _ = try await lab.request("POST", "/api/v1/coach/operators/\(esraId)/notes", json: ["text": "Esra likes quiet mornings."], token: people.coach)
        _ = try await lab.request("POST", "/api/v1/coach/operators/\(esraId)/messages", json: ["text": "Well done today."], token: people.coach)
        _ = try await lab.request("PUT", "/api/v1/coach/operators/\(esraId)/statement", json: ["text": "Esra works carefully."], token: people.coach)
        _ = try await lab.request("PUT", "/api/v1/admin/operators/\(esraId)/rate", json: ["hourly": "16.00", "from": "2026-03-01"], token: people.admin)
        let asked = try await lab.request("POST", "/api/v1/me/erasure", token: esra)
        #expect(asked.status == 200, "\(asked.text)")
        let before = try await Self.rowsNaming(esraId, in: lab.sqliteStore)
        #expect(before["answer.operatorId"] == 3 && before["note.operatorId"] == 1 && before["message.operatorId"] == 1, "\(before)")

        // Erasure waits until the account is closed, and the record can still be made then.
        let early = try await lab.request("POST", "/api/v1/admin/operators/\(esraId)/erase", token: people.admin)
        #expect(early.status == 409, "\(early.text)")
        #expect(try await lab.request("POST", "/api/v1/admin/users/\(esraId)/disable", token: people.admin).status == 200)
        let closedRecord = try await lab.request("GET", "/api/v1/admin/operators/\(esraId)/record", token: people.admin)
        #expect(closedRecord.status == 200, "\(closedRecord.text)")
        // Closing is dated by the account service's own clock, not the lab's test clock: present is what counts here.
        #expect((closedRecord.json["person"] as? [String: Any])?["closedOn"] is String, "\(closedRecord.text)")
        #expect(((closedRecord.json["taskKinds"] as? [[String: Any]])?.first?["microtasks"] as? Int) == 3)
        #expect((closedRecord.json["totalPaidSeconds"] as? Int ?? 0) > 0)
        let payrollBefore = try await lab.request("GET", "/api/v1/admin/payroll?from=2026-03-01&to=2026-03-31", token: people.admin)

        let erased = try await lab.request("POST", "/api/v1/admin/operators/\(esraId)/erase", token: people.admin)
        #expect(erased.status == 200, "\(erased.text)")
        let after = try await Self.rowsNaming(esraId, in: lab.sqliteStore)
        // What remains: the person (name and birthdate, for the minimum wage), shifts (dates, paid
        // time through their segments), rates, and the audit line that says she was erased.
        #expect(Set(after.keys) == ["user", "shift.operatorId", "rate.operatorId", "auditLog.subject"], "\(after)")
        #expect(after["auditLog.subject"] == 1)
        let person = try #require(try await lab.store.user(id: esraId))
        #expect(person.badge == nil && person.email == nil && person.passwordHash == nil)
        #expect(person.name == "Esra Yilmaz" && person.birthdate == "2007-07-19")
        // Payroll is the same as before.
        let payrollAfter = try await lab.request("GET", "/api/v1/admin/payroll?from=2026-03-01&to=2026-03-31", token: people.admin)
        #expect(payrollAfter.json["rows"] as? [[String: AnyHashable]] == payrollBefore.json["rows"] as? [[String: AnyHashable]])
        // The answers stay in the client's labels, under a pseudonym no row links to her.
        let answers = try await lab.store.answers(projectId: projectId)
        #expect(answers.count == 3)
        let pseudonym = try #require(answers.first?.operatorId)
        #expect(pseudonym != esraId && Set(answers.map(\.operatorId)) == [pseudonym])
        let links = try await lab.sqliteStore.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM auditLog WHERE subject = ? OR detail LIKE ?", arguments: ["user:\(pseudonym)", "%\(pseudonym)%"])
        }
        #expect(links == 0)
        let export = String(decoding: try await ExportService(store: lab.store).export(project: try #require(try await lab.store.project(id: projectId)),
                                                                                       format: "csv").collect(), as: UTF8.self)
        #expect(export.split(separator: "\r\n").filter { $0.contains(",dog,") }.count == 3, "\(export)")
        // She cannot sign in, and a second erasure is refused.
        #expect(try await lab.request("POST", "/api/v1/login", json: ["badge": "OP-0005"]).status == 401)
        #expect(try await lab.request("POST", "/api/v1/admin/operators/\(esraId)/erase", token: people.admin).status == 409)
    }
}
