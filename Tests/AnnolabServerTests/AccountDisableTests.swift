// Disabling an account and signing out, over real HTTP: every session and token ends at once.
import AnnolabServer
import AnnolabStore
import Foundation
import Testing

@Suite("Disabling accounts and signing out")
struct AccountDisableTests {
    static let adminLogin = ["email": "admin@demo.local", "password": "demo-admin"]
    static let coachLogin = ["email": "coach@demo.local", "password": "demo-coach"]

    /// One way a person is signed in: a browser session (as a cookie) or a script's API token.
    struct Credential {
        var name: String
        var token: String
        var asCookie: Bool

        func call(_ lab: RunningLab, _ method: String, _ path: String) async throws -> HTTPResult {
            asCookie ? try await lab.request(method, path, cookie: "annolab_session=\(token)")
                     : try await lab.request(method, path, token: token)
        }
    }

    /// A browser sign-in: the session token (sent back as the cookie) and its CSRF token.
    func browserSession(_ lab: RunningLab, _ body: [String: String]) async throws -> (token: String, csrf: String?) {
        let result = try await lab.request("POST", "/api/v1/login", json: body)
        let token = try #require(result.json["token"] as? String, "signed in: \(result.text)")
        return (token, result.json["csrfToken"] as? String)
    }

    func userId(_ lab: RunningLab, email: String? = nil, badge: String? = nil) async throws -> Int64 {
        let user = if let email { try await lab.store.user(email: email) } else { try await lab.store.user(badge: badge!) }
        return try #require(user?.id)
    }

    @Test("a disabled coach and operator are out at once: every cookie and token 401, no sign-in, their shift ended")
    func disabledPeopleAreOutAtOnce() async throws {
        let lab = try await RunningLab.start(demo: true)
        defer { Task { await lab.stop() } }
        let admin = try await lab.login(Self.adminLogin)
        let coachId = try await userId(lab, email: "coach@demo.local")
        let anoukId = try await userId(lab, badge: "OP-0001")
        let coachSession = try await browserSession(lab, Self.coachLogin)
        let anoukSession = try await browserSession(lab, ["badge": "OP-0001"])
        let coachToken = try await lab.server.accounts.createApiToken(userId: coachId, label: "weekly report script")
        let anoukToken = try await lab.server.accounts.createApiToken(userId: anoukId, label: "text mode")
        let credentials = [
            Credential(name: "coach's browser", token: coachSession.token, asCookie: true),
            Credential(name: "coach's API token", token: coachToken, asCookie: false),
            Credential(name: "Anouk's browser", token: anoukSession.token, asCookie: true),
            Credential(name: "Anouk's API token", token: anoukToken, asCookie: false),
        ]

        // Anouk is at work with a task reserved; every way in works, so each token is in the server's memory.
        let project = try #require(try await lab.store.projects(clientId: nil).first { $0.template == .choice })
        _ = try await lab.server.importer.importFiles([(name: "street.png", data: try TestMedia.png(width: 40, height: 30))],
                                                      into: project.id!, strict: true, actor: nil)
        #expect(try await lab.request("POST", "/api/v1/shift/start", token: anoukToken).status == 200)
        let next = try await lab.request("GET", "/api/v1/tasks/next", token: anoukToken)
        let held = try #require((next.json["assignment"] as? [String: Any])?["id"] as? Int, "a task: \(next.status) \(next.text)")
        for credential in credentials {
            #expect(try await credential.call(lab, "GET", "/api/v1/me").status == 200, "\(credential.name) works before")
        }
        #expect(try await credentials[0].call(lab, "GET", "/api/v1/coach/operators").status == 200)

        let coachOut = try await lab.request("POST", "/api/v1/admin/users/\(coachId)/disable", token: admin)
        #expect(coachOut.status == 200, "\(coachOut.text)")
        #expect(coachOut.json["disabledAt"] is String)
        let anoukOut = try await lab.request("POST", "/api/v1/admin/users/\(anoukId)/disable", token: admin)
        #expect(anoukOut.status == 200, "\(anoukOut.text)")

        // No waiting: the very next request of each is refused, on every route.
        for credential in credentials {
            #expect(try await credential.call(lab, "GET", "/api/v1/me").status == 401, "\(credential.name) ends at once")
        }
        #expect(try await credentials[0].call(lab, "GET", "/api/v1/coach/operators").status == 401)
        #expect(try await credentials[1].call(lab, "GET", "/api/v1/coach/alerts").status == 401)
        #expect(try await credentials[3].call(lab, "GET", "/api/v1/tasks/next").status == 401)
        #expect(try await lab.store.apiTokens(userId: coachId).isEmpty)
        #expect(try await lab.store.apiTokens(userId: anoukId).isEmpty)

        // Signing in again is refused, with the same answer as a wrong password or an unknown badge.
        let coachAgain = try await lab.request("POST", "/api/v1/login", json: Self.coachLogin)
        #expect(coachAgain.status == 401 && coachAgain.errorCode == "wrong_login")
        let anoukAgain = try await lab.request("POST", "/api/v1/login", json: ["badge": "OP-0001"])
        #expect(anoukAgain.status == 401 && anoukAgain.errorCode == "unknown_badge")

        // Anouk's shift is over and her reserved task went back for others.
        #expect(try await lab.server.engine.shift(operatorId: anoukId).phase == .ended)
        #expect(try await lab.store.assignment(id: Int64(held))?.state == .released)

        // The admin's list shows both as disabled, everyone else as active.
        let list = try await lab.request("GET", "/api/v1/admin/users", token: admin)
        let users = try #require(list.json["users"] as? [[String: Any]])
        let disabled = Set(users.filter { $0["disabledAt"] is String }.compactMap { ($0["id"] as? Int).map(Int64.init) })
        #expect(disabled == [coachId, anoukId])
        #expect(users.count == 9)

        // Another operator of that coach works on as before.
        let bram = try await lab.login(["badge": "OP-0002"])
        #expect(try await lab.request("POST", "/api/v1/shift/start", token: bram).status == 200)
    }

    @Test("disabling twice changes nothing the second time; an unknown person is 404")
    func disablingTwice() async throws {
        let lab = try await RunningLab.start(demo: true)
        defer { Task { await lab.stop() } }
        let admin = try await lab.login(Self.adminLogin)
        let bramId = try await userId(lab, badge: "OP-0002")
        let first = try await lab.request("POST", "/api/v1/admin/users/\(bramId)/disable", token: admin)
        let second = try await lab.request("POST", "/api/v1/admin/users/\(bramId)/disable", token: admin)
        #expect(first.status == 200 && second.status == 200)
        #expect(first.json["disabledAt"] as? String == second.json["disabledAt"] as? String, "disabled since the first time")
        let lines = try await lab.store.auditLog(limit: 1000).filter { $0.entry.action == "user.disable" }
        #expect(lines.count == 1)
        let unknown = try await lab.request("POST", "/api/v1/admin/users/999999/disable", token: admin)
        #expect(unknown.status == 404 && unknown.errorCode == "user_not_found")
    }

    @Test("an admin cannot disable themselves, and only an admin disables anyone")
    func whoMayDisable() async throws {
        let lab = try await RunningLab.start(demo: true)
        defer { Task { await lab.stop() } }
        let admin = try await lab.login(Self.adminLogin)
        let adminId = try await userId(lab, email: "admin@demo.local")
        let own = try await lab.request("POST", "/api/v1/admin/users/\(adminId)/disable", token: admin)
        #expect(own.status == 409 && own.errorCode == "cannot_disable_yourself")
        #expect(try await lab.request("GET", "/api/v1/me", token: admin).status == 200, "the admin is still signed in")
        #expect(try await lab.store.user(id: adminId)?.disabledAt == nil)

        let bramId = try await userId(lab, badge: "OP-0002")
        let coach = try await lab.login(Self.coachLogin)
        let client = try await lab.login(["email": "client@demo.local", "password": "demo-client"])
        let bram = try await lab.login(["badge": "OP-0002"])
        for token in [coach, client, bram] {
            let refused = try await lab.request("POST", "/api/v1/admin/users/\(bramId)/disable", token: token)
            #expect(refused.status == 403 && refused.errorCode == "wrong_role")
        }
        #expect(try await lab.request("POST", "/api/v1/admin/users/\(bramId)/disable").status == 401)
        #expect(try await lab.store.user(id: bramId)?.disabledAt == nil, "nobody but an admin disabled Bram")
    }

    @Test("signing out ends that session at once, in the browser and for a script; other sessions stay")
    func logoutEndsTheSessionAtOnce() async throws {
        let lab = try await RunningLab.start(demo: true)
        defer { Task { await lab.stop() } }
        let browser = try await browserSession(lab, ["badge": "OP-0003"])
        let otherComputer = try await lab.login(["badge": "OP-0003"])
        let cookie = "annolab_session=\(browser.token)"
        #expect(try await lab.request("GET", "/api/v1/me", cookie: cookie).status == 200, "remembered by the server")
        let headers = browser.csrf.map { ["X-CSRF-Token": $0] } ?? [:]
        let out = try await lab.request("POST", "/api/v1/logout", cookie: cookie, headers: headers)
        #expect(out.status == 204, "\(out.text)")
        #expect(try await lab.request("GET", "/api/v1/me", cookie: cookie).status == 401, "no waiting")
        #expect(try await lab.request("GET", "/api/v1/shift", cookie: cookie).status == 401)
        #expect(try await lab.request("GET", "/api/v1/me", token: browser.token).status == 401, "not as a bearer token either")

        #expect(try await lab.request("GET", "/api/v1/me", token: otherComputer).status == 200, "the other computer stays signed in")
        #expect(try await lab.request("POST", "/api/v1/logout", token: otherComputer).status == 204)
        #expect(try await lab.request("GET", "/api/v1/me", token: otherComputer).status == 401)
    }

    @Test("a disable made outside the server, as the command line does, refuses sign-in at once and is logged without an actor")
    func disabledOutsideTheServer() async throws {
        let lab = try await RunningLab.start(demo: true)
        defer { Task { await lab.stop() } }
        let bramId = try await userId(lab, badge: "OP-0002")
        // The command line opens the same data folder with an account service of its own.
        try await AccountService(store: lab.store).disable(userId: bramId, actor: nil)
        #expect(try await lab.request("POST", "/api/v1/login", json: ["badge": "OP-0002"]).status == 401)
        let line = try #require(try await lab.store.auditLog(limit: 10).first { $0.entry.action == "user.disable" })
        #expect(line.actor == nil && line.entry.subject == "user:\(bramId)")
        #expect(line.entry.detail == "operator disabled; no session or token was open")
    }
}
