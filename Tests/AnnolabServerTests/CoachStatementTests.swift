// The coach's statement for an operator's work record, over real HTTP: written by the coach, agreed or
// questioned by the operator, and seen only by the two of them.
import AnnolabCore
import AnnolabServer
import AnnolabStore
import Foundation
import Testing

@Suite("The coach's statement over HTTP")
struct CoachStatementTests {
    static let coachLogin = ["email": "coach@demo.local", "password": "demo-coach"]

    func operatorId(_ lab: RunningLab, _ badge: String) async throws -> Int64 {
        try #require(try await lab.store.operators(ofCoach: 2).first { $0.badge == badge }?.id)
    }

    @Test("the coach writes, the operator reads and agrees, asks for a change, and a new text needs agreement again")
    func story() async throws {
        let clock = ManualClock(Date(timeIntervalSince1970: 1_800_000_000))
        let lab = try await RunningLab.start(demo: true, clock: clock)
        defer { Task { await lab.stop() } }
        let coach = try await lab.login(Self.coachLogin)
        let anouk = try await lab.login(["badge": "OP-0001"])
        let anoukId = try await operatorId(lab, "OP-0001")
        let path = "/api/v1/coach/operators/\(anoukId)/statement"

        let none = try await lab.request("GET", "/api/v1/me/statement", token: anouk)
        #expect(none.status == 404 && none.text.contains("no_statement"))
        #expect(try await lab.request("GET", path, token: coach).status == 404, "nothing written yet")
        #expect(try await lab.request("POST", "/api/v1/me/statement/agree", token: anouk).status == 404, "nothing to agree with")

        #expect(try await lab.request("PUT", path, json: ["text": "   "], token: coach).status == 422)
        #expect(try await lab.request("PUT", path, json: ["text": String(repeating: "a", count: 2001)], token: coach).status == 422)
        let first = "Anouk checked subtitles with great care.\nShe was on time and asked good questions."
        let written = try await lab.request("PUT", path, json: ["text": "  \(first)\n "], token: coach)
        #expect(written.status == 200)
        #expect(written.json["text"] as? String == first, "kept as plain text, trimmed")
        #expect(written.json["writtenAt"] is String && written.json["agreedAt"] == nil && written.json["changeRequest"] == nil)

        let read = try await lab.request("GET", "/api/v1/me/statement", token: anouk)
        #expect(read.status == 200 && read.json["text"] as? String == first && read.json["agreedAt"] == nil)
        #expect(try await lab.store.coachStatement(operatorId: anoukId)?.isAgreed == false, "the record leaves it out until agreed")

        clock.advance(minutes: 10)
        let agreed = try await lab.request("POST", "/api/v1/me/statement/agree", token: anouk)
        #expect(agreed.status == 200 && agreed.json["agreedAt"] is String)
        let stored = try #require(try await lab.store.coachStatement(operatorId: anoukId))
        #expect(stored.agreedAt == clock.now() && stored.isAgreed && stored.coachId == 2)
        let coachSees = try await lab.request("GET", path, token: coach)
        #expect(coachSees.json["agreedAt"] as? String == agreed.json["agreedAt"] as? String)

        #expect(try await lab.request("POST", "/api/v1/me/statement/change", json: ["request": " "], token: anouk).status == 422)
        #expect(try await lab.request("POST", "/api/v1/me/statement/change", json: ["request": String(repeating: "b", count: 1001)],
                                      token: anouk).status == 422)
        clock.advance(minutes: 10)
        let asked = try await lab.request("POST", "/api/v1/me/statement/change",
                                          json: ["request": "Please also mention the sound tags."], token: anouk)
        #expect(asked.status == 200)
        #expect(asked.json["agreedAt"] == nil, "asking for a change withdraws the agreement")
        #expect(asked.json["changeRequest"] as? String == "Please also mention the sound tags." && asked.json["changeRequestedAt"] is String)
        #expect(try await lab.store.coachStatement(operatorId: anoukId)?.isAgreed == false)
        let withRequest = try await lab.request("GET", path, token: coach)
        #expect(withRequest.json["changeRequest"] as? String == "Please also mention the sound tags.")
        let alerts = try await lab.request("GET", "/api/v1/coach/alerts", token: coach)
        let alert = try #require((alerts.json["alerts"] as? [[String: Any]])?.first { $0["kind"] as? String == "statement-change" })
        #expect((alert["operator"] as? Int).map(Int64.init) == anoukId)
        #expect((alert["reason"] as? String)?.contains("Please also mention the sound tags.") == true)

        // Agreed once more, then the coach rewrites: the agreement is cleared, as is any request.
        #expect(try await lab.request("POST", "/api/v1/me/statement/agree", token: anouk).json["agreedAt"] is String)
        let same = try await lab.request("PUT", path, json: ["text": first], token: coach)
        #expect(same.json["agreedAt"] is String, "the same text again changes nothing")
        clock.advance(minutes: 10)
        let second = "Anouk checked subtitles and tagged sounds with great care."
        let rewritten = try await lab.request("PUT", path, json: ["text": second], token: coach)
        #expect(rewritten.status == 200 && rewritten.json["text"] as? String == second)
        #expect(rewritten.json["agreedAt"] == nil && rewritten.json["changeRequest"] == nil && rewritten.json["changeRequestedAt"] == nil)
        let again = try await lab.request("GET", "/api/v1/me/statement", token: anouk)
        #expect(again.json["text"] as? String == second && again.json["agreedAt"] == nil)
        let now = try #require(try await lab.store.coachStatement(operatorId: anoukId))
        #expect(!now.isAgreed && now.writtenAt == clock.now())

        let actions = try await lab.store.auditLog().map(\.entry).filter { $0.subject == "user:\(anoukId)" }.map(\.action)
        #expect(actions.filter { $0.hasPrefix("statement.") }.reversed()
                == ["statement.write", "statement.agree", "statement.change-request", "statement.agree", "statement.write"])
    }

    @Test("a change request reaches the coach's page at once, as an alert event")
    func changeRequestIsAnAlertEvent() async throws {
        let lab = try await RunningLab.start(demo: true)
        defer { Task { await lab.stop() } }
        let coach = try await lab.login(Self.coachLogin)
        let bram = try await lab.login(["badge": "OP-0002"])
        let bramId = try await operatorId(lab, "OP-0002")
        #expect(try await lab.request("PUT", "/api/v1/coach/operators/\(bramId)/statement", json: ["text": "Bram works steadily."],
                                      token: coach).status == 200)
        let stream = try EventStreamReader(port: try #require(lab.baseURL.port), path: "/api/v1/coach/events", token: coach)
        defer { stream.close() }
        try await Task.sleep(for: .milliseconds(300))
        #expect(try await lab.request("POST", "/api/v1/me/statement/change", json: ["request": "Say that I learn fast."],
                                      token: bram).status == 200)
        let found = await stream.waitFor(after: 0) { $0.name == "alert" && $0.data["kind"] as? String == "statement-change" }
        let (_, event) = try #require(found, "the coach hears of the request")
        #expect((event.data["operator"] as? Int).map(Int64.init) == bramId)
        #expect((event.data["reasonNl"] as? String)?.contains("Say that I learn fast.") == true)
    }

    @Test("another coach's operator is 404, an operator cannot write one, and nobody reads another operator's statement")
    func onlyTheirOwn() async throws {
        let lab = try await RunningLab.start(demo: true)
        defer { Task { await lab.stop() } }
        let accounts = AccountService(store: lab.store)
        let other = try await accounts.addUser(role: .coach, name: "Other coach", email: "other@lab.local", password: "another-pass")
        let stranger = try await accounts.addUser(role: .operator, name: "Someone else's", coachId: other.id)
        let strangerId = try #require(stranger.id)
        let coach = try await lab.login(Self.coachLogin)
        let otherCoach = try await lab.login(["email": "other@lab.local", "password": "another-pass"])
        let anoukId = try await operatorId(lab, "OP-0001")
        let anouk = try await lab.login(["badge": "OP-0001"])
        let bram = try await lab.login(["badge": "OP-0002"])

        #expect(try await lab.request("PUT", "/api/v1/coach/operators/\(strangerId)/statement", json: ["text": "Hello"],
                                      token: coach).status == 404)
        #expect(try await lab.request("GET", "/api/v1/coach/operators/\(strangerId)/statement", token: coach).status == 404)
        #expect(try await lab.store.coachStatement(operatorId: strangerId) == nil)

        let written = "Anouk is careful."
        #expect(try await lab.request("PUT", "/api/v1/coach/operators/\(anoukId)/statement", json: ["text": written],
                                      token: coach).status == 200)
        #expect(try await lab.request("GET", "/api/v1/coach/operators/\(anoukId)/statement", token: otherCoach).status == 404)
        #expect(try await lab.request("PUT", "/api/v1/coach/operators/\(anoukId)/statement", json: ["text": "Rewritten"],
                                      token: otherCoach).status == 404)
        #expect(try await lab.request("PUT", "/api/v1/coach/operators/\(anoukId)/statement", json: ["text": "I am the best"],
                                      token: anouk).status == 403, "an operator cannot write their own statement")
        #expect(try await lab.request("GET", "/api/v1/me/statement", token: bram).status == 404, "Bram has none, and never sees Anouk's")
        #expect(try await lab.request("POST", "/api/v1/me/statement/agree", token: bram).status == 404)
        #expect(try await lab.request("GET", "/api/v1/me/statement", token: coach).status == 403, "the operator's own page only")
        #expect(try await lab.store.coachStatement(operatorId: anoukId)?.body == written)
    }
}
