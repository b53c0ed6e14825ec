// Stories of pay: by the hour whatever the number of answers, never below the minimum wage.
import AnnolabCore
import AnnolabServer
import AnnolabStore
import Foundation
import Testing

@Suite("Pay by the hour")
struct PayStoryTests {
    /// A lab on loopback with a clock that starts Monday 2 March 2026, 08:00 in Amsterdam.
    func lab() async throws -> (RunningLab, ManualClock, admin: String) {
        let clock = ManualClock(EngineLab.monday)
        let lab = try await RunningLab.start(clock: clock)
        _ = try await AccountService(store: lab.store).addUser(role: .admin, name: "Admin", email: "admin@lab.local",
                                                               password: "admin-pass")
        let admin = try await lab.login(["email": "admin@lab.local", "password": "admin-pass"])
        return (lab, clock, admin)
    }

    @Test("a 4-hour shift at EUR 15.50 pays EUR 62.00 whatever the number of answers")
    func fourHours() async throws {
        let (lab, clock, admin) = try await lab()
        defer { Task { await lab.stop() } }
        let accounts = AccountService(store: lab.store)
        let busy = try await accounts.addUser(role: .operator, name: "Busy", badge: "OP-BUSY01", birthdate: "1990-01-01")
        let quiet = try await accounts.addUser(role: .operator, name: "Quiet", badge: "OP-QUIET1", birthdate: "1990-01-01")
        let client = try await lab.store.createClient(name: "Newsroom", hourlyPriceCents: 3000)
        let project = try await lab.store.createProject(
            Project(clientId: client.id!, name: "P", template: .choice, labels: ["A", "B"], overlap: 1, adaptiveMin: nil,
                    adaptiveMax: nil, goldRate: 0, deadline: nil, createdAt: clock.now()), actor: nil)
        lab.server.engine.projectChanged(project)
        let payload = String(decoding: try JSONEncoder().encode(MicrotaskPayload(options: ["A", "B"])), as: UTF8.self)
        lab.server.engine.microtasksAdded(try await lab.store.addMicrotasks((0..<30).map { _ in
            Microtask(projectId: project.id!, itemId: nil, kind: .choice, payload: payload, estimatedSeconds: 10, requiredAnswers: 1)
        }))
        for user in [busy, quiet] {
            let rate = try await lab.request("PUT", "/api/v1/admin/operators/\(user.id!)/rate",
                                             json: ["hourly": "15.50", "from": "2026-01-01"], token: admin)
            #expect(rate.status == 200, "\(rate.text)")
        }
        let busyToken = try await lab.login(["badge": "OP-BUSY01"])
        let quietToken = try await lab.login(["badge": "OP-QUIET1"])
        #expect(try await lab.request("POST", "/api/v1/shift/start", token: busyToken).status == 200)
        #expect(try await lab.request("POST", "/api/v1/shift/start", token: quietToken).status == 200)
        for _ in 0..<25 {
            let next = try await lab.request("GET", "/api/v1/tasks/next", token: busyToken)
            let id = try #require((next.json["assignment"] as? [String: Any])?["id"] as? Int)
            clock.advance(seconds: 20)
            let answer = try await lab.request("POST", "/api/v1/assignments/\(id)/answer",
                                               json: ["answer": ["choice": "A"]], token: busyToken)
            #expect(answer.status == 201)
        }
        clock.advance(minutes: 241)
        for token in [busyToken, quietToken] {
            let shift = try await lab.request("GET", "/api/v1/shift", token: token)
            #expect(shift.json["phase"] as? String == "ended")
        }
        let payroll = try await lab.request("GET", "/api/v1/admin/payroll?from=2026-03-02&to=2026-03-02", token: admin)
        #expect(payroll.status == 200, "\(payroll.text)")
        let rows = try #require(payroll.json["rows"] as? [[String: Any]])
        #expect(rows.count == 2)
        for row in rows {
            #expect(row["gross"] as? String == "62.00", "\(row)")
            #expect(row["hourly"] as? String == "15.50")
            #expect(row["paidSeconds"] as? Int == 4 * 3600)
        }
        #expect(payroll.json["totalGross"] as? String == "124.00")

        // The CSV says exactly what the ledger says.
        let csv = try await lab.request("GET", "/api/v1/admin/payroll?from=2026-03-02&to=2026-03-02&format=csv", token: admin)
        #expect(csv.header("Content-Type")?.hasPrefix("text/csv") == true)
        let lines = csv.text.split(separator: "\n").map(String.init)
        #expect(lines.first == "operator_id,name,date,paid_minutes,hourly_rate,gross")
        let csvRows = lines.dropFirst().map { $0.split(separator: ",").map(String.init) }
        #expect(csvRows.count == rows.count)
        for (fields, row) in zip(csvRows, rows) {
            #expect(fields[0] == "\(row["operatorId"] as? Int ?? -1)")
            #expect(fields[1] == row["name"] as? String)
            #expect(fields[2] == "2026-03-02")
            #expect(Double(fields[3]) == 240)
            #expect(fields[4] == row["hourly"] as? String)
            #expect(fields[5] == row["gross"] as? String)
        }

        // The client pays for the lab's hours on the project, at its price: the busy operator's
        // 4 hours went to it; the quiet operator answered nothing there, so none of theirs did.
        _ = try await accounts.addUser(role: .client, name: "Newsroom editor", email: "editor@news.local",
                                       password: "editor-pass", clientId: client.id)
        let editor = try await lab.login(["email": "editor@news.local", "password": "editor-pass"])
        let shown = try await lab.request("GET", "/api/v1/projects/\(project.id!)", token: editor)
        let cost = try #require(shown.json["cost"] as? [String: Any], "\(shown.text)")
        #expect(cost["paidSeconds"] as? Int == 4 * 3600)
        #expect(cost["cost"] as? String == "120.00")
        #expect(cost["labelsDelivered"] as? Int == 25)
        #expect(cost["costPerLabel"] as? String == "4.80")
    }

    @Test("a rate below the minimum wage is refused: EUR 14.00 at 25, but accepted at 18")
    func minimumWage() async throws {
        let (lab, _, admin) = try await lab()
        defer { Task { await lab.stop() } }
        let accounts = AccountService(store: lab.store)
        let adult = try await accounts.addUser(role: .operator, name: "Twenty-five", birthdate: "2001-01-15")
        let young = try await accounts.addUser(role: .operator, name: "Eighteen", birthdate: "2007-06-01")
        let refused = try await lab.request("PUT", "/api/v1/admin/operators/\(adult.id!)/rate",
                                            json: ["hourly": "14.00", "from": "2026-03-01"], token: admin)
        #expect(refused.status == 422)
        #expect(refused.errorCode == "below_minimum_wage")
        #expect(refused.errorMessage?.contains("14.71") == true)
        #expect(try await lab.store.rates(operatorId: adult.id!).isEmpty, "nothing is stored")
        let accepted = try await lab.request("PUT", "/api/v1/admin/operators/\(young.id!)/rate",
                                             json: ["hourly": "14.00", "from": "2026-03-01"], token: admin)
        #expect(accepted.status == 200, "\(accepted.text)")
        #expect(accepted.json["minimumWage"] as? String == "7.36")
        let garbage = try await lab.request("PUT", "/api/v1/admin/operators/\(young.id!)/rate",
                                            json: ["hourly": "14,00", "from": "2026-03-01"], token: admin)
        #expect(garbage.status == 400 || garbage.status == 422)
        let operatorToken = try await { () async throws -> String in
            _ = try await accounts.addUser(role: .operator, name: "Curious", badge: "OP-CURIO1")
            return try await lab.login(["badge": "OP-CURIO1"])
        }()
        #expect(try await lab.request("GET", "/api/v1/admin/payroll?from=2026-03-01&to=2026-03-02",
                                      token: operatorToken).status == 403)
    }

    @Test("extra pauses are paid time, unless the lab's policy says otherwise")
    func extraPausePolicy() async throws {
        let (lab, clock, admin) = try await lab()
        defer { Task { await lab.stop() } }
        let user = try await AccountService(store: lab.store).addUser(role: .operator, name: "Resting", badge: "OP-REST01",
                                                                       birthdate: "1990-01-01")
        _ = try await lab.request("PUT", "/api/v1/admin/operators/\(user.id!)/rate",
                                  json: ["hourly": "15.00", "from": "2026-01-01"], token: admin)
        let token = try await lab.login(["badge": "OP-REST01"])
        _ = try await lab.request("POST", "/api/v1/shift/start", token: token)
        clock.advance(minutes: 10)
        #expect(try await lab.request("POST", "/api/v1/shift/pause", token: token).json["phase"] as? String == "pause")
        #expect(try await lab.request("GET", "/api/v1/tasks/next", token: token).status == 423)
        clock.advance(minutes: 30)
        _ = try await lab.request("POST", "/api/v1/shift/resume", token: token)
        clock.advance(minutes: 200)
        _ = try await lab.request("GET", "/api/v1/shift", token: token)
        func paidMinutes() async throws -> Int? {
            let payroll = try await lab.request("GET", "/api/v1/admin/payroll?from=2026-03-02&to=2026-03-02", token: admin)
            return ((payroll.json["rows"] as? [[String: Any]])?.first?["paidSeconds"] as? Int).map { $0 / 60 }
        }
        #expect(try await paidMinutes() == 240)
        let set = try await lab.request("PUT", "/api/v1/admin/settings/pay", json: ["extraPausesPaid": false], token: admin)
        #expect(set.status == 200)
        #expect(try await paidMinutes() == 210)
    }
}
