// Stories of sessions in the browser: a page of another site cannot make a signed-in browser change anything.
import AnnolabServer
import AnnolabStore
import Foundation
import Testing

@Suite("Sessions and CSRF")
struct CSRFTests {
    /// Signs in like the browser does and returns the session cookie, the CSRF cookie and the token in the reply.
    func browserLogin(_ lab: RunningLab, _ body: [String: String]) async throws -> (cookie: String, csrfCookie: String, csrf: String) {
        let login = try await lab.request("POST", "/api/v1/login", json: body)
        #expect(login.status == 200)
        let setCookie = try #require(login.header("Set-Cookie"))
        let session = try #require(setCookie.firstMatch(of: /annolab_session=([^;,]+)/)?.1)
        let csrfCookie = try #require(setCookie.firstMatch(of: /annolab_csrf=([^;,]+)/)?.1)
        let csrf = try #require(login.json["csrfToken"] as? String)
        return ("annolab_session=\(session); annolab_csrf=\(csrfCookie)", String(csrfCookie), csrf)
    }

    @Test("a cookie-signed POST without the CSRF token is refused with 403 and a JSON error, and changes nothing")
    func refusedWithoutToken() async throws {
        let lab = try await RunningLab.start(demo: true)
        defer { Task { await lab.stop() } }
        let (cookie, csrfCookie, csrf) = try await browserLogin(lab, ["badge": "OP-0001"])
        #expect(csrfCookie == csrf, "the readable cookie carries the same token as the login reply")

        let missing = try await lab.request("POST", "/api/v1/shift/start", cookie: cookie)
        #expect(missing.status == 403)
        #expect(missing.errorCode == "csrf_token_missing")
        #expect(missing.header("Content-Type")?.hasPrefix("application/json") == true)
        let wrong = try await lab.request("POST", "/api/v1/shift/start", cookie: cookie, headers: ["X-CSRF-Token": String(repeating: "0", count: 64)])
        #expect(wrong.status == 403)
        #expect(wrong.errorCode == "csrf_token_wrong")
        let shift = try await lab.request("GET", "/api/v1/shift", cookie: cookie)
        #expect(shift.status == 200, "reading needs no token")
        #expect(shift.json["phase"] as? String == "off", "the refused requests started no shift")

        let put = try await lab.request("PUT", "/api/v1/me/settings", json: ["textSize": 150], cookie: cookie)
        #expect(put.status == 403, "PUT needs the token too")
        let right = try await lab.request("POST", "/api/v1/shift/start", cookie: cookie, headers: ["X-CSRF-Token": csrf])
        #expect(right.status == 200, "the lab's own page, with the token, is served")
    }

    @Test("a request from another site's page is refused even with the token; a script with a bearer token needs none")
    func otherSitesAndScripts() async throws {
        let lab = try await RunningLab.start(demo: true)
        defer { Task { await lab.stop() } }
        let (cookie, _, csrf) = try await browserLogin(lab, ["email": "coach@demo.local", "password": "demo-coach"])
        let foreign = try await lab.request("POST", "/api/v1/logout", cookie: cookie,
                                            headers: ["X-CSRF-Token": csrf, "Origin": "http://evil.example"])
        #expect(foreign.status == 403)
        #expect(foreign.errorCode == "cross_origin")
        let foreignLogin = try await lab.request("POST", "/api/v1/login", json: ["badge": "OP-0001"],
                                                 headers: ["Origin": "http://evil.example"])
        #expect(foreignLogin.status == 403, "another site cannot sign a browser in either")
        let own = lab.baseURL.absoluteString.trimmingCharacters(in: CharacterSet(charactersIn: "/"))
        let sameSite = try await lab.request("POST", "/api/v1/login", json: ["badge": "OP-0001"], headers: ["Origin": own])
        #expect(sameSite.status == 200)

        let script = try await lab.login(["badge": "OP-0002"])
        #expect(try await lab.request("POST", "/api/v1/shift/start", token: script).status == 200, "bearer tokens need no CSRF token")
    }

    @Test("logout ends the session at once, and the cookies are cleared")
    func logoutAtOnce() async throws {
        let lab = try await RunningLab.start(demo: true)
        defer { Task { await lab.stop() } }
        let (cookie, _, csrf) = try await browserLogin(lab, ["email": "client@demo.local", "password": "demo-client"])
        #expect(try await lab.request("GET", "/api/v1/projects", cookie: cookie).status == 200)
        let logout = try await lab.request("POST", "/api/v1/logout", cookie: cookie, headers: ["X-CSRF-Token": csrf])
        #expect(logout.status == 204)
        #expect(logout.header("Set-Cookie")?.contains("Max-Age=0") == true)
        #expect(try await lab.request("GET", "/api/v1/projects", cookie: cookie).status == 401, "the same cookie no longer works")
    }

    @Test("behind HTTPS the cookies are Secure and HSTS is sent")
    func secureCookies() async throws {
        let lab = try await RunningLab.start(demo: true, secureCookies: true)
        defer { Task { await lab.stop() } }
        let login = try await lab.request("POST", "/api/v1/login", json: ["badge": "OP-0001"])
        let cookies = try #require(login.header("Set-Cookie"))
        #expect(cookies.contains("annolab_session="))
        #expect(cookies.components(separatedBy: "annolab_").dropFirst().allSatisfy { $0.contains("Secure") },
                "both cookies are Secure: \(cookies)")
        #expect(cookies.contains("HttpOnly"))
        #expect(login.header("Strict-Transport-Security")?.hasPrefix("max-age=") == true)
    }
}
