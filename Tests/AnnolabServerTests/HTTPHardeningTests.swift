// Stories of the lab's HTTP surface: headers on every answer, HEAD, 405, body limits, CSRF, repeated answers.
import AnnolabCore
import AnnolabServer
import AnnolabStore
import Foundation
import Testing

@Suite("HTTP hardening")
struct HTTPHardeningTests {
    static let protectiveHeaders = ["Content-Security-Policy", "Permissions-Policy", "X-Content-Type-Options",
                                    "X-Frame-Options", "Referrer-Policy"]

    func expectProtected(_ result: HTTPResult, _ what: String) {
        for name in Self.protectiveHeaders {
            #expect(result.header(name) != nil, "\(what) carries \(name)")
        }
        #expect(result.header("Permissions-Policy")?.contains("camera=()") == true, "\(what): the camera is turned off")
        #expect(result.header("Permissions-Policy")?.contains("microphone=()") == true, "\(what): the microphone is turned off")
        #expect(result.header("Content-Security-Policy")?.contains("script-src 'self'") == true, "\(what): scripts only from the lab")
    }

    @Test("every kind of answer carries the protective headers: a page, an API reply, a 404, a 401, a 403, a refused body")
    func headersEverywhere() async throws {
        let lab = try await RunningLab.start(demo: true)
        defer { Task { await lab.stop() } }
        let operatorToken = try await lab.login(["badge": "OP-0001"])
        expectProtected(try await lab.request("GET", "/"), "the login page")
        expectProtected(try await lab.request("GET", "/js/api.js"), "a script file")
        expectProtected(try await lab.request("GET", "/healthz"), "the health check")
        let missing = try await lab.request("GET", "/no/such/page")
        #expect(missing.status == 404)
        expectProtected(missing, "a 404")
        let signedOut = try await lab.request("GET", "/api/v1/me")
        #expect(signedOut.status == 401)
        expectProtected(signedOut, "a 401")
        let wrongRole = try await lab.request("GET", "/api/v1/projects", token: operatorToken)
        #expect(wrongRole.status == 403)
        expectProtected(wrongRole, "a 403")
        let badJSON = try await lab.request("POST", "/api/v1/login", body: Data("{not json".utf8))
        #expect(badJSON.status == 400)
        expectProtected(badJSON, "a 400")
        #expect(try await lab.request("GET", "/api/v1/me", token: operatorToken).header("Cache-Control") == "no-store",
                "what the API says about a person is not cached")
        #expect(try await lab.request("GET", "/").header("Strict-Transport-Security") == nil, "no HSTS over plain HTTP")
    }

    @Test("HEAD answers every GET route with its headers and no body, as curl -I expects")
    func head() async throws {
        let lab = try await RunningLab.start(demo: true)
        defer { Task { await lab.stop() } }
        let coach = try await lab.login(["email": "coach@demo.local", "password": "demo-coach"])
        for path in ["/", "/work", "/coach", "/client", "/admin", "/settings", "/text", "/healthz", "/api/v1/openapi.json",
                     "/css/lab.css", "/js/api.js"] {
            let head = try await lab.request("HEAD", path)
            #expect(head.status == 200, "HEAD \(path)")
            #expect(head.body.isEmpty, "HEAD \(path) has no body")
            #expect(head.header("Content-Type") != nil, "HEAD \(path) says what GET would send")
            expectProtected(head, "HEAD \(path)")
        }
        let api = try await lab.request("HEAD", "/api/v1/coach/operators", token: coach)
        #expect(api.status == 200)
        #expect(api.body.isEmpty)
        let refused = try await lab.request("HEAD", "/api/v1/coach/operators")
        #expect(refused.status == 401, "HEAD is refused where GET would be")
        expectProtected(refused, "a refused HEAD")
    }

    @Test("a known address asked with a method it does not take answers 405 with Allow")
    func methodNotAllowed() async throws {
        let lab = try await RunningLab.start(demo: true)
        defer { Task { await lab.stop() } }
        let login = try await lab.request("GET", "/api/v1/login")
        #expect(login.status == 405)
        #expect(login.header("Allow") == "POST")
        #expect(login.errorCode == "method_not_allowed")
        expectProtected(login, "a 405")
        let settings = try await lab.request("DELETE", "/api/v1/me/settings")
        #expect(settings.status == 405)
        #expect(settings.header("Allow") == "GET, HEAD, PUT")
        let project = try await lab.request("PATCH", "/api/v1/projects/12345")
        #expect(project.status == 405, "a route with a parameter is known too")
        #expect(project.header("Allow") == "GET, HEAD")
        #expect(try await lab.request("DELETE", "/no/such/thing").status == 404, "an unknown address stays 404")
    }

    @Test("a JSON body over 1 MiB is refused with 413 before anyone signs in, and the server goes on")
    func largeBody() async throws {
        let lab = try await RunningLab.start(demo: true)
        defer { Task { await lab.stop() } }
        let padding = String(repeating: "x", count: (1 << 20) + 10)
        let big = try await lab.request("POST", "/api/v1/login", json: ["badge": padding])
        #expect(big.status == 413, "\(big.status) \(big.text.prefix(200))")
        #expect(big.errorCode == "too_large")
        let operatorToken = try await lab.login(["badge": "OP-0001"])
        let settings = try await lab.request("PUT", "/api/v1/me/settings", json: ["language": padding], token: operatorToken)
        #expect(settings.status == 413)
        #expect(try await lab.request("GET", "/healthz").status == 200)
    }

    @Test("payroll to 9999-12-31 lists the same rows as to 9999-12-30")
    func payrollAtTheEndOfTime() async throws {
        let clock = ManualClock(EngineLab.monday)
        let lab = try await RunningLab.start(clock: clock)
        defer { Task { await lab.stop() } }
        let accounts = AccountService(store: lab.store)
        _ = try await accounts.addUser(role: .admin, name: "Admin", email: "admin@lab.local", password: "admin-pass")
        let admin = try await lab.login(["email": "admin@lab.local", "password": "admin-pass"])
        _ = try await accounts.addUser(role: .operator, name: "Worker", badge: "OP-WORK01", birthdate: "1990-01-01")
        let worker = try await lab.login(["badge": "OP-WORK01"])
        #expect(try await lab.request("POST", "/api/v1/shift/start", token: worker).status == 200)
        clock.advance(minutes: 241)
        #expect(try await lab.request("GET", "/api/v1/shift", token: worker).json["phase"] as? String == "ended")
        let almost = try await lab.request("GET", "/api/v1/admin/payroll?from=2026-01-01&to=9999-12-30", token: admin)
        let last = try await lab.request("GET", "/api/v1/admin/payroll?from=2026-01-01&to=9999-12-31", token: admin)
        #expect(almost.status == 200)
        #expect(last.status == 200)
        let rows = (almost.json["rows"] as? [[String: Any]])?.count
        #expect(rows == 1, "the 4-hour shift is paid")
        #expect((last.json["rows"] as? [[String: Any]])?.count == rows)
        #expect(last.json["totalGross"] as? String == almost.json["totalGross"] as? String)
    }

    @Test("an answer sent again: the same key or the same answer gets the first reply; a different or broken one is 409")
    func repeatedAnswer() async throws {
        let lab = try await RunningLab.start(demo: true)
        defer { Task { await lab.stop() } }
        let project = try #require(try await lab.store.projects(clientId: nil).first { $0.template == .choice })
        _ = try await lab.server.importer.importFiles([(name: "one.png", data: try TestMedia.png(width: 64, height: 48)),
                                                       (name: "two.png", data: try TestMedia.png(width: 64, height: 48))],
                                                      into: project.id!, strict: true, actor: nil)
        let token = try await lab.login(["badge": "OP-0001"])
        #expect(try await lab.request("POST", "/api/v1/shift/start", token: token).status == 200)
        func nextAnswered(key: String?) async throws -> (Int, [String: Any]) {
            let next = try await lab.request("GET", "/api/v1/tasks/next", token: token)
            let assignment = next.json["assignment"] as? [String: Any]
            let id = try #require(assignment?["id"] as? Int, "\(next.status) \(next.text)")
            let task = try #require(next.json["task"] as? [String: Any])
            let answer = try Self.validAnswer(for: task)
            var body: [String: Any] = ["answer": answer]
            if let key { body["idempotencyKey"] = key }
            let first = try await lab.request("POST", "/api/v1/assignments/\(id)/answer", json: body, token: token)
            #expect(first.status == 201, "\(first.text)")
            return (id, answer)
        }
        let (keyed, keyedAnswer) = try await nextAnswered(key: "first-key")
        let sameKey = try await lab.request("POST", "/api/v1/assignments/\(keyed)/answer",
                                            json: ["answer": keyedAnswer, "idempotencyKey": "first-key"], token: token)
        #expect(sameKey.status == 200)
        #expect(sameKey.json["accepted"] as? Bool == true)
        let otherKey = try await lab.request("POST", "/api/v1/assignments/\(keyed)/answer",
                                             json: ["answer": keyedAnswer, "idempotencyKey": "another-key"], token: token)
        #expect(otherKey.status == 409)
        #expect(otherKey.errorCode == "already_answered")

        let (plain, plainAnswer) = try await nextAnswered(key: nil)
        let sameAgain = try await lab.request("POST", "/api/v1/assignments/\(plain)/answer", json: ["answer": plainAnswer], token: token)
        #expect(sameAgain.status == 200, "a retry of the same answer without a key is taken as a retry")
        let different = try await lab.request("POST", "/api/v1/assignments/\(plain)/answer",
                                              json: ["answer": ["choice": "something else entirely"]], token: token)
        #expect(different.status == 409)
        #expect(different.errorCode == "already_answered")
        let broken = try await lab.request("POST", "/api/v1/assignments/\(plain)/answer", json: ["answer": [:] as [String: Any]], token: token)
        #expect(broken.status == 409)
        let stored = try await lab.store.answer(assignmentId: Int64(plain))
        #expect(stored != nil, "the first answer stays as it was")
    }

    /// A valid answer for any task the demo lab serves.
    static func validAnswer(for task: [String: Any]) throws -> [String: Any] {
        let payload = task["payload"] as? [String: Any] ?? [:]
        switch task["kind"] as? String {
        case "image-boxes": return ["boxes": [] as [Any]]
        case "subtitle-check":
            let cues = (payload["cues"] as? [[String: Any]]) ?? []
            return ["cues": cues.map { ["index": $0["index"] ?? 0, "verdict": "correct"] }]
        case "audio-tags": return ["tags": [] as [Any]]
        case "image-box-verify": return ["choice": "yes"]
        default:
            let labels = (task["labels"] as? [[String: Any]])?.compactMap { $0["id"] as? String }
            let options = (payload["options"] as? [String]) ?? labels ?? []
            return ["choice": try #require(options.first, "a choice task has options: \(task)")]
        }
    }
}
