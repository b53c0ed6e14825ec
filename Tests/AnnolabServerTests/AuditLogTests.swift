// The audit log over real HTTP: every change that matters is there with who, when and what,
// and never a password, a token or the text of a coach's note.
import AnnolabCore
import AnnolabServer
import AnnolabStore
import Foundation
import Testing

@Suite("Audit log")
struct AuditLogTests {
    static let adminLogin = ["email": "admin@demo.local", "password": "demo-admin"]
    static let coachLogin = ["email": "coach@demo.local", "password": "demo-coach"]
    static let clientLogin = ["email": "client@demo.local", "password": "demo-client"]

    /// One line as the admin reads it at `GET /api/v1/admin/audit`.
    struct Line {
        var id: Int
        var at: String
        var actorId: Int?
        var actorName: String?
        var actorRole: String?
        var action: String
        var subject: String?
        var detail: String?

        init(_ json: [String: Any]) throws {
            id = try #require(json["id"] as? Int)
            at = try #require(json["at"] as? String)
            let actor = json["actor"] as? [String: Any]
            actorId = actor?["id"] as? Int
            actorName = actor?["name"] as? String
            actorRole = actor?["role"] as? String
            action = try #require(json["action"] as? String)
            subject = json["subject"] as? String
            detail = json["detail"] as? String
        }
    }

    func readLog(_ lab: RunningLab, admin: String, query: String = "") async throws -> (lines: [Line], raw: HTTPResult) {
        let result = try await lab.request("GET", "/api/v1/admin/audit" + query, token: admin)
        #expect(result.status == 200, "\(result.text)")
        let entries = try #require(result.json["entries"] as? [[String: Any]])
        return (try entries.map(Line.init), result)
    }

    @Test("profile, rate, note, tokens, export, payroll and accounts are logged with who, what and about whom")
    func everyKindOfChange() async throws {
        let lab = try await RunningLab.start(demo: true)
        defer { Task { await lab.stop() } }
        let admin = try await lab.login(Self.adminLogin)
        let coach = try await lab.login(Self.coachLogin)
        let client = try await lab.login(Self.clientLogin)
        let adminId = try #require(try await lab.store.user(email: "admin@demo.local")?.id).int
        let coachId = try #require(try await lab.store.user(email: "coach@demo.local")?.id).int
        let clientId = try #require(try await lab.store.user(email: "client@demo.local")?.id).int
        let anouk = try #require(try await lab.store.user(badge: "OP-0001")?.id).int
        let project = try #require(try await lab.store.projects(clientId: nil).first { $0.template == .choice }?.id).int
        let before = try await readLog(lab, admin: admin).lines.first?.id ?? 0

        // The coach changes Anouk's blocks and writes a private note about her.
        let noteText = "Told me about her sleep problems and new medication"
        #expect(try await lab.request("PUT", "/api/v1/coach/operators/\(anouk)/profile", json: ["workMinutes": 25],
                                      token: coach).status == 200)
        let note = try await lab.request("POST", "/api/v1/coach/operators/\(anouk)/notes", json: ["text": noteText], token: coach)
        let noteId = try #require(note.json["id"] as? Int)
        // The admin sets her rate, reads the payroll, adds a coach and disables an operator.
        #expect(try await lab.request("PUT", "/api/v1/admin/operators/\(anouk)/rate",
                                      json: ["hourly": "15.50", "from": "2026-01-01"], token: admin).status == 200)
        #expect(try await lab.request("GET", "/api/v1/admin/payroll?from=2026-01-01&to=2026-01-31&format=csv",
                                      token: admin).status == 200)
        let password = "a-secret-nobody-reads"
        let added = try await lab.request("POST", "/api/v1/admin/users", json: [
            "role": "coach", "name": "Coach Noor", "email": "noor@lab.local", "password": password,
        ], token: admin)
        let noor = try #require(added.json["id"] as? Int, "\(added.text)")
        let bram = try #require(try await lab.store.user(badge: "OP-0002")?.id).int
        #expect(try await lab.request("POST", "/api/v1/admin/users/\(bram)/disable", token: admin).status == 200)
        // The client makes a token for a script, downloads an export, then revokes the token.
        let made = try await lab.request("POST", "/api/v1/tokens", json: ["label": "nightly download"], token: client)
        let token = try #require(made.json["token"] as? String)
        let tokenId = try #require(made.json["id"] as? Int)
        #expect(try await lab.request("GET", "/api/v1/projects/\(project)/export?format=jsonl", token: token).status == 200)
        #expect(try await lab.request("DELETE", "/api/v1/tokens/\(tokenId)", token: client).status == 204)

        let (all, raw) = try await readLog(lab, admin: admin)
        let lines = all.filter { $0.id > before }
        func line(_ action: String) throws -> Line {
            guard let found = lines.first(where: { $0.action == action }) else {
                Issue.record("no \(action) line in \(lines.map(\.action))")
                throw LabError(.notFound, "no_line", "no \(action) line")
            }
            return found
        }
        let expected: [(action: String, actor: Int, role: String, subject: String)] = [
            ("profile.update", coachId, "coach", "user:\(anouk)"),
            ("note.add", coachId, "coach", "user:\(anouk)"),
            ("rate.set", adminId, "admin", "user:\(anouk)"),
            ("user.add", adminId, "admin", "user:\(noor)"),
            ("user.disable", adminId, "admin", "user:\(bram)"),
            ("token.create", clientId, "client", "token:\(tokenId)"),
            ("export.download", clientId, "client", "project:\(project)"),
            ("token.revoke", clientId, "client", "token:\(tokenId)"),
        ]
        for item in expected {
            let found = try line(item.action)
            #expect(found.actorId == item.actor && found.actorRole == item.role, "\(item.action) by \(item.role)")
            #expect(found.subject == item.subject, "\(item.action) is about \(item.subject)")
        }
        #expect(try line("profile.update").detail?.contains("work 25 min") == true)
        #expect(try line("note.add").detail == "private note \(noteId)", "the note's id, never its text")
        #expect(try line("rate.set").detail?.contains("1550") == true)
        #expect(try line("user.add").detail == "coach account")
        #expect(try line("export.download").detail == "jsonl export")
        #expect(try line("payroll.read").detail == "2026-01-01 to 2026-01-31 as CSV")
        #expect(try line("token.create").detail == "API token named \"nightly download\"")
        #expect(try line("user.add").actorName == "Lab admin")

        // Newest first, every time in ISO 8601, and nothing secret or special anywhere in the log.
        #expect(all.map(\.id) == all.map(\.id).sorted(by: >))
        #expect(all.allSatisfy { ISO8601DateFormatter().date(from: $0.at) != nil })
        for secret in [noteText, "medication", password, token, Tokens.hash(token)] {
            #expect(!raw.text.contains(secret), "the log never holds \(secret.prefix(12))…")
        }
    }

    @Test("every entry has all six keys; the lab's own changes have a null actor")
    func entryShape() async throws {
        let lab = try await RunningLab.start(demo: true)
        defer { Task { await lab.stop() } }
        let admin = try await lab.login(Self.adminLogin)
        let result = try await lab.request("GET", "/api/v1/admin/audit", token: admin)
        let entries = try #require(result.json["entries"] as? [[String: Any]])
        #expect(!entries.isEmpty)
        for entry in entries {
            #expect(Set(entry.keys) == ["id", "at", "actor", "action", "subject", "detail"], "\(entry)")
        }
        let seed = try #require(entries.first { $0["action"] as? String == "lab.seed" })
        #expect(seed["actor"] is NSNull, "the demo lab was filled by the lab itself")
    }

    @Test("?limit= chooses how many, 100 when not given, 1 to 1000 only")
    func limits() async throws {
        let lab = try await RunningLab.start(demo: true)
        defer { Task { await lab.stop() } }
        let admin = try await lab.login(Self.adminLogin)
        let adminId = try #require(try await lab.store.user(email: "admin@demo.local")?.id)
        for n in 0..<120 {
            try await lab.store.audit(actor: adminId, action: "setting.set", subject: "test", detail: "change \(n)")
        }
        #expect(try await readLog(lab, admin: admin).lines.count == 100)
        let three = try await readLog(lab, admin: admin, query: "?limit=3").lines
        #expect(three.map(\.detail) == ["change 119", "change 118", "change 117"])
        #expect(try await readLog(lab, admin: admin, query: "?limit=1000").lines.count > 120)
        for bad in ["0", "1001", "-5", "ten", ""] {
            let refused = try await lab.request("GET", "/api/v1/admin/audit?limit=\(bad)", token: admin)
            #expect(refused.status == 400 && refused.errorCode == "invalid_limit", "limit=\(bad)")
        }
    }

    @Test("only the admin reads the log: coach, client and operator get 403, nobody signed in 401")
    func onlyTheAdmin() async throws {
        let lab = try await RunningLab.start(demo: true)
        defer { Task { await lab.stop() } }
        for body in [Self.coachLogin, Self.clientLogin, ["badge": "OP-0001"]] {
            let token = try await lab.login(body)
            let refused = try await lab.request("GET", "/api/v1/admin/audit", token: token)
            #expect(refused.status == 403 && refused.errorCode == "wrong_role", "\(body)")
        }
        #expect(try await lab.request("GET", "/api/v1/admin/audit").status == 401)
    }
}

private extension Int64 {
    var int: Int { Int(self) }
}
