// Ids in the path and the pause reply, over real HTTP: what a script gets for an id that names nothing.
import AnnolabCore
@testable import AnnolabServer
import Foundation
import Testing

@Suite("Ids in the path")
struct PathIDTests {
    /// One route with an `{id}`, who may call it, and the error code of an id that names nothing there.
    struct Route: Sendable, CustomStringConvertible {
        var method: String
        var path: String
        var role: Role
        var code: String
        var body: [String: any Sendable]?

        func at(_ id: String) -> String { path.replacingOccurrences(of: "{id}", with: id) }
        var description: String { "\(method) \(path)" }
    }

    static let routes: [Route] = [
        Route(method: "POST", path: "/api/v1/assignments/{id}/answer", role: .operator, code: "assignment_not_found",
              body: ["answer": ["choice": "cat"]]),
        Route(method: "POST", path: "/api/v1/assignments/{id}/skip", role: .operator, code: "assignment_not_found"),
        Route(method: "POST", path: "/api/v1/assignments/{id}/release", role: .operator, code: "assignment_not_found"),
        Route(method: "POST", path: "/api/v1/assignments/{id}/renew", role: .operator, code: "assignment_not_found"),
        Route(method: "POST", path: "/api/v1/me/messages/{id}/read", role: .operator, code: "message_not_found"),
        Route(method: "GET", path: "/api/v1/projects/{id}", role: .client, code: "project_not_found"),
        Route(method: "DELETE", path: "/api/v1/tokens/{id}", role: .client, code: "token_not_found"),
        Route(method: "POST", path: "/api/v1/admin/users/{id}/disable", role: .admin, code: "user_not_found"),
    ]

    @Test("an id that is not a whole number is answered like an id that names nothing: 404 with the route's own code",
          arguments: routes)
    func idThatIsNotANumber(route: Route) async throws {
        let lab = try await RunningLab.start(demo: true)
        defer { Task { await lab.stop() } }
        let login: [String: String] = switch route.role {
        case .operator: ["badge": "OP-0001"]
        case .client: ["email": "client@demo.local", "password": "demo-client"]
        default: ["email": "admin@demo.local", "password": "demo-admin"]
        }
        let token = try await lab.login(login)
        // An operator with a shift running, so that the refusal is about the id and nothing else.
        if route.role == .operator { _ = try await lab.request("POST", "/api/v1/shift/start", token: token) }
        for id in ["999999", "abc", "1.5", "-", "99999999999999999999"] {
            let result = try await lab.request(route.method, route.at(id), json: route.body, token: token)
            #expect(result.status == 404 && result.errorCode == route.code, "\(route.at(id)): \(result.status) \(result.text)")
        }
    }

    @Test("the pause reply is the error shape with the phase and when work resumes, every key always there")
    func pauseReplyShape() throws {
        let extra = PauseReply(resumesAt: nil, resumesInSeconds: nil, extraPause: true)
        #expect(String(decoding: try LabJSON.encoder.encode(extra), as: UTF8.self) == #"""
            {"error":{"code":"pause","message":"You are on a pause. Take your time; choose resume when you are ready."},\#
            "extraPause":true,"phase":"pause","resumesAt":null,"resumesInSeconds":null}
            """#)
        let timed = PauseReply(resumesAt: Date(timeIntervalSince1970: 1_772_358_000), resumesInSeconds: 300, extraPause: false)
        #expect(String(decoding: try LabJSON.encoder.encode(timed), as: UTF8.self) == #"""
            {"error":{"code":"pause","message":"It is pause time. Work starts again when the pause ends."},\#
            "extraPause":false,"phase":"pause","resumesAt":"2026-03-01T09:40:00Z","resumesInSeconds":300}
            """#)
        #expect(extra.status.code == 423)
    }
}
