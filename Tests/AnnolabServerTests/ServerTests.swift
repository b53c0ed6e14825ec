// Stories of the lab's HTTP server, told over real HTTP on a loopback port.
import AnnolabServer
import AnnolabStore
import Foundation
import GRDB
import Testing

@Suite("The lab's server over HTTP")
struct ServerTests {
    @Test("the health check says ok")
    func health() async throws {
        let lab = try await RunningLab.start()
        defer { Task { await lab.stop() } }
        let result = try await lab.request("GET", "/healthz")
        #expect(result.status == 200)
        #expect(result.text == "ok")
    }

    @Test("each demo role signs in through the API and lands in its own role")
    func demoLogins() async throws {
        let lab = try await RunningLab.start(demo: true)
        defer { Task { await lab.stop() } }
        let logins: [([String: String], String)] = [
            (["email": "admin@demo.local", "password": "demo-admin"], "admin"),
            (["email": "coach@demo.local", "password": "demo-coach"], "coach"),
            (["email": "client@demo.local", "password": "demo-client"], "client"),
        ] + (1...6).map { (["badge": String(format: "OP-%04d", $0)], "operator") }
        for (body, role) in logins {
            let result = try await lab.request("POST", "/api/v1/login", json: body)
            #expect(result.status == 200, "\(body)")
            #expect(result.json["role"] as? String == role)
            #expect((result.json["name"] as? String)?.isEmpty == false)
            let token = try #require(result.json["token"] as? String)
            let me = try await lab.request("GET", "/api/v1/me", token: token)
            #expect(me.json["role"] as? String == role)
            let cookie = try #require(result.header("Set-Cookie"))
            #expect(cookie.contains("annolab_session=\(token)"))
            #expect(cookie.contains("HttpOnly"))
            #expect(cookie.contains("SameSite=Strict"))
        }
    }

    @Test("a badge is read whatever its case or surrounding spaces")
    func badgeIsForgiving() async throws {
        let lab = try await RunningLab.start(demo: true)
        defer { Task { await lab.stop() } }
        let result = try await lab.request("POST", "/api/v1/login", json: ["badge": "  op-0003 "])
        #expect(result.status == 200)
    }

    @Test("a wrong password or unknown badge is refused in plain words")
    func wrongLogin() async throws {
        let lab = try await RunningLab.start(demo: true)
        defer { Task { await lab.stop() } }
        let password = try await lab.request("POST", "/api/v1/login",
                                             json: ["email": "coach@demo.local", "password": "not-the-password"])
        #expect(password.status == 401)
        #expect(password.errorCode == "wrong_login")
        let badge = try await lab.request("POST", "/api/v1/login", json: ["badge": "OP-9999"])
        #expect(badge.status == 401)
        #expect(badge.errorCode == "unknown_badge")
        #expect(badge.errorMessage?.contains("badge") == true)
        let nothing = try await lab.request("POST", "/api/v1/login", json: [String: String]())
        #expect(nothing.status == 400)
    }

    @Test("the session cookie signs the browser in, and signing out ends it")
    func cookieSession() async throws {
        let lab = try await RunningLab.start(demo: true)
        defer { Task { await lab.stop() } }
        let login = try await lab.request("POST", "/api/v1/login", json: ["badge": "OP-0001"])
        let token = try #require(login.json["token"] as? String)
        let cookie = "annolab_session=\(token)"
        #expect(try await lab.request("GET", "/api/v1/me", cookie: cookie).status == 200)
        // A browser's page sends the CSRF token it was given with every request that changes something.
        let csrf = try #require(login.json["csrfToken"] as? String)
        let logout = try await lab.request("POST", "/api/v1/logout", cookie: cookie, headers: ["X-CSRF-Token": csrf])
        #expect(logout.status == 204)
        #expect(logout.header("Set-Cookie")?.contains("Max-Age=0") == true)
        #expect(try await lab.request("GET", "/api/v1/me", cookie: cookie).status == 401)
    }

    @Test("an operator gets 403 on a client route, and no session gets 401")
    func roleChecks() async throws {
        let lab = try await RunningLab.start(demo: true)
        defer { Task { await lab.stop() } }
        let operatorToken = try await lab.login(["badge": "OP-0001"])
        let forbidden = try await lab.request("GET", "/api/v1/projects", token: operatorToken)
        #expect(forbidden.status == 403)
        #expect(forbidden.errorCode == "wrong_role")
        #expect(forbidden.errorMessage?.contains("operator") == true)
        let create = try await lab.request("POST", "/api/v1/projects", json: ["name": "x", "template": "choice"],
                                           token: operatorToken)
        #expect(create.status == 403)

        let anonymous = try await lab.request("GET", "/api/v1/projects")
        #expect(anonymous.status == 401)
        #expect(anonymous.errorCode == "not_signed_in")
        #expect(try await lab.request("GET", "/api/v1/coach/operators").status == 401)
        #expect(try await lab.request("GET", "/api/v1/admin/users", token: "made-up-token").status == 401)

        let coach = try await lab.login(["email": "coach@demo.local", "password": "demo-coach"])
        #expect(try await lab.request("GET", "/api/v1/admin/users", token: coach).status == 403)
        #expect(try await lab.request("GET", "/api/v1/projects", token: coach).status == 403)
        let client = try await lab.login(["email": "client@demo.local", "password": "demo-client"])
        #expect(try await lab.request("GET", "/api/v1/coach/operators", token: client).status == 403)
        #expect(try await lab.request("GET", "/api/v1/projects", token: client).status == 200)
        let admin = try await lab.login(["email": "admin@demo.local", "password": "demo-admin"])
        #expect(try await lab.request("GET", "/api/v1/admin/users", token: admin).status == 200)
    }

    @Test("a coach sees their own operators only")
    func coachSeesOwnGroup() async throws {
        let lab = try await RunningLab.start(demo: true)
        defer { Task { await lab.stop() } }
        let accounts = AccountService(store: lab.store)
        let otherCoach = try await accounts.addUser(role: .coach, name: "Other coach", email: "other@lab.local",
                                                    password: "another-pass")
        _ = try await accounts.addUser(role: .operator, name: "Someone else's", coachId: otherCoach.id)
        let coach = try await lab.login(["email": "coach@demo.local", "password": "demo-coach"])
        let list = try await lab.request("GET", "/api/v1/coach/operators", token: coach)
        let names = (list.json["operators"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
        #expect(names.count == 6)
        #expect(!names.contains("Someone else's"))
    }

    @Test("errors come as JSON with a code and a plain message")
    func jsonErrors() async throws {
        let lab = try await RunningLab.start(demo: true)
        defer { Task { await lab.stop() } }
        let missing = try await lab.request("GET", "/api/v1/no-such-thing")
        #expect(missing.status == 404)
        #expect(missing.errorCode == "not_found")
        #expect(missing.header("Content-Type")?.hasPrefix("application/json") == true)

        let client = try await lab.login(["email": "client@demo.local", "password": "demo-client"])
        let broken = try await lab.request("POST", "/api/v1/projects", body: Data("{not json".utf8), token: client,
                                           headers: ["Content-Type": "application/json"])
        #expect(broken.status == 400)
        #expect(broken.errorMessage?.isEmpty == false)

        let noName = try await lab.request("POST", "/api/v1/projects", json: ["template": "choice"], token: client)
        #expect(noName.status == 400)
        #expect(noName.errorMessage?.contains("name") == true)

        let unknown = try await lab.request("POST", "/api/v1/projects", json: ["name": "x", "template": "poetry"], token: client)
        #expect(unknown.status == 422)
        #expect(unknown.errorCode == "unknown_template")

        let gold = try await lab.request("POST", "/api/v1/projects",
                                         json: ["name": "x", "template": "choice", "labels": ["A", "B"], "goldRate": 2], token: client)
        #expect(gold.status == 422)
        #expect(gold.errorCode == "invalid_gold_rate")

        let otherProject = try await lab.request("GET", "/api/v1/projects/99999", token: client)
        #expect(otherProject.status == 404)
        #expect(otherProject.errorCode == "project_not_found")
    }

    @Test("a client creates a project and sees it with its progress")
    func clientCreatesProject() async throws {
        let lab = try await RunningLab.start(demo: true)
        defer { Task { await lab.stop() } }
        let client = try await lab.login(["email": "client@demo.local", "password": "demo-client"])
        let created = try await lab.request("POST", "/api/v1/projects",
                                            json: ["name": "Thumbnails", "template": "choice", "labels": ["A", "B"],
                                                   "overlap": 3, "deadline": "2026-12-31"], token: client)
        #expect(created.status == 201)
        let id = try #require(created.json["id"] as? Int)
        let shown = try await lab.request("GET", "/api/v1/projects/\(id)", token: client)
        #expect(shown.json["name"] as? String == "Thumbnails")
        #expect(shown.json["overlap"] as? Int == 3)
        let progress = try #require(shown.json["progress"] as? [String: Any])
        #expect(progress["microtasks"] as? Int == 0)
        let list = try await lab.request("GET", "/api/v1/projects", token: client)
        #expect((list.json["projects"] as? [[String: Any]])?.count == 5)
    }

    @Test("a bearer token made for a script works like a session")
    func apiToken() async throws {
        let lab = try await RunningLab.start(demo: true)
        defer { Task { await lab.stop() } }
        let client = try #require(try await lab.store.user(email: "client@demo.local"))
        let token = try await AccountService(store: lab.store).createApiToken(userId: client.id!)
        let result = try await lab.request("GET", "/api/v1/projects", token: token)
        #expect(result.status == 200)
        let stored = try await lab.store.apiTokens(userId: client.id!).map(\.tokenHash)
        #expect(stored.count == 1)
        #expect(!stored.contains(token), "only hashes of tokens are stored")
    }

    @Test("the login page has a field labelled Badge and an email field")
    func loginPage() async throws {
        let lab = try await RunningLab.start()
        defer { Task { await lab.stop() } }
        let page = try await lab.request("GET", "/")
        #expect(page.status == 200)
        #expect(page.header("Content-Type")?.hasPrefix("text/html") == true)
        #expect(page.text.contains("<label for=\"badge\" data-i18n=\"login.badge\">Badge</label>"))
        #expect(page.text.contains("<input type=\"email\""))
        #expect(page.text.contains("<html lang="))
        let script = try await lab.request("GET", "/js/login.js")
        #expect(script.status == 200)
        #expect(try await lab.request("GET", "/coach").status == 200)
    }

    @Test("the API describes itself as OpenAPI 3.1 and metrics count requests")
    func metaRoutes() async throws {
        let lab = try await RunningLab.start()
        defer { Task { await lab.stop() } }
        let document = try await lab.request("GET", "/api/v1/openapi.json")
        #expect(document.json["openapi"] as? String == "3.1.0")
        #expect((document.json["paths"] as? [String: Any])?["/api/v1/login"] != nil)
        _ = try await lab.request("GET", "/healthz")
        let metrics = try await lab.request("GET", "/metrics")
        #expect(metrics.text.contains("annolab_http_requests_total{status=\"200\"}"))
    }
}
