// The coach's routes over real HTTP: the live event stream, own operators only, messages,
// client feedback through moderation, new datasets and who gets them, the weekly summary.
import AnnolabCore
import AnnolabServer
import AnnolabStore
import Foundation
import Synchronization
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Reads a server-sent event stream over a plain socket and keeps each event with the moment it arrived.
final class EventStreamReader: Sendable {
    struct Event: Sendable {
        var name: String
        var data: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(raw.utf8))) as? [String: Any] ?? [:] }
        var raw: String
        var arrived: ContinuousClock.Instant
    }

    let events = Mutex<[Event]>([])
    let socketFD: Int32

    init(port: Int, path: String, token: String) throws {
        socketFD = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(socketFD, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw LabError(.internalFailure, "no_connection", "could not connect") }
        let request = "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \(token)\r\nAccept: text/event-stream\r\n\r\n"
        _ = request.withCString { send(socketFD, $0, strlen($0), 0) }
        let fd = socketFD
        Thread.detachNewThread { [self] in
            var pending = ""
            var buffer = [UInt8](repeating: 0, count: 4096)
            while true {
                let count = recv(fd, &buffer, buffer.count, 0)
                if count <= 0 { break }
                pending += String(decoding: buffer[0..<count], as: UTF8.self)
                // Chunked transfer lines and blank lines aside, an event is "event: x" then "data: {...}".
                while let range = pending.range(of: "\n") {
                    let line = String(pending[..<range.lowerBound]).trimmingCharacters(in: .whitespacesAndNewlines)
                    pending = String(pending[range.upperBound...])
                    if line.hasPrefix("event: ") {
                        self.events.withLock { $0.append(Event(name: String(line.dropFirst(7)), raw: "", arrived: .now)) }
                    } else if line.hasPrefix("data: ") {
                        self.events.withLock { list in
                            if let last = list.indices.last, list[last].raw.isEmpty { list[last].raw = String(line.dropFirst(6)) }
                        }
                    }
                }
            }
        }
    }

    func close() { shutdown(socketFD, Int32(SHUT_RDWR)); Glibc.close(socketFD) }

    /// Waits (up to `limit`) for an operator event matching the test; returns it with its arrival.
    func waitFor(after index: Int, limit: Duration = .seconds(3), _ test: @Sendable (Event) -> Bool) async -> (Int, Event)? {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            let found = events.withLock { list in
                list.indices.dropFirst(index).first { !list[$0].raw.isEmpty && test(list[$0]) }.map { ($0, list[$0]) }
            }
            if let found { return found }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return nil
    }
}

@Suite("Coach over HTTP")
struct CoachHTTPTests {
    static let coachLogin = ["email": "coach@demo.local", "password": "demo-coach"]

    func id(_ lab: RunningLab, _ badge: String) async throws -> Int64 {
        try #require(try await lab.store.operators(ofCoach: 2).first { $0.badge == badge }?.id)
    }

    @Test("the event stream shows phase changes of two operators, in order, within a second of each change")
    func eventStream() async throws {
        let clock = ManualClock(Date(timeIntervalSince1970: 1_800_000_000))
        let lab = try await RunningLab.start(demo: true, clock: clock)
        defer { Task { await lab.stop() } }
        let coach = try await lab.login(Self.coachLogin)
        let anouk = try await lab.login(["badge": "OP-0001"]), bram = try await lab.login(["badge": "OP-0002"])
        let anoukId = try await id(lab, "OP-0001"), bramId = try await id(lab, "OP-0002")
        let stream = try EventStreamReader(port: lab.baseURL.port!, path: "/api/v1/coach/events", token: coach)
        defer { stream.close() }
        try await Task.sleep(for: .milliseconds(300))

        func expectPhase(_ operatorId: Int64, _ phase: String, after index: Int, since: ContinuousClock.Instant) async throws -> Int {
            let found = await stream.waitFor(after: index) { event in
                event.name == "operator" && (event.data["operator"] as? Int).map(Int64.init) == operatorId
                    && event.data["phase"] as? String == phase
            }
            let (position, event) = try #require(found, "no \(phase) event for operator \(operatorId)")
            #expect(event.arrived - since < .seconds(1), "the event came within a second")
            return position
        }
        // Each change is done when the lab has answered the request; the event must follow within a second.
        #expect(try await lab.request("POST", "/api/v1/shift/start", token: anouk).status == 200)
        var position = try await expectPhase(anoukId, "work", after: 0, since: .now)
        #expect(try await lab.request("POST", "/api/v1/shift/start", token: bram).status == 200)
        position = try await expectPhase(bramId, "work", after: position + 1, since: .now)
        #expect(try await lab.request("POST", "/api/v1/shift/pause", token: anouk).status == 200)
        position = try await expectPhase(anoukId, "pause", after: position + 1, since: .now)
        // The clock alone ends Bram's block: no request by anyone.
        clock.advance(minutes: 45)
        position = try await expectPhase(bramId, "pause", after: position + 1, since: .now)
        let names = stream.events.withLock { $0.map(\.name) }
        #expect(!names.contains("alert"), "nothing here is a reason for an alert")
    }

    @Test("a coach sees and changes only their own operators: another coach's operator is 404 everywhere")
    func ownOperatorsOnly() async throws {
        let lab = try await RunningLab.start(demo: true)
        defer { Task { await lab.stop() } }
        let accounts = AccountService(store: lab.store)
        let other = try await accounts.addUser(role: .coach, name: "Other coach", email: "other@lab.local", password: "another-pass")
        let stranger = try await accounts.addUser(role: .operator, name: "Someone else's", coachId: other.id)
        let coach = try await lab.login(Self.coachLogin)
        let calls: [(String, String, Any?)] = [
            ("PUT", "/api/v1/coach/operators/\(stranger.id!)/profile", ["workMinutes": 25]),
            ("POST", "/api/v1/coach/operators/\(stranger.id!)/shift/start", nil),
            ("POST", "/api/v1/coach/operators/\(stranger.id!)/shift/end", nil),
            ("POST", "/api/v1/coach/operators/\(stranger.id!)/messages", ["text": "Hello"]),
            ("GET", "/api/v1/coach/operators/\(stranger.id!)/notes", nil),
            ("POST", "/api/v1/coach/operators/\(stranger.id!)/notes", ["text": "Private"]),
            ("GET", "/api/v1/coach/operators/\(stranger.id!)/summary", nil),
        ]
        for (method, path, body) in calls {
            let result = try await lab.request(method, path, json: body, token: coach)
            #expect(result.status == 404, "\(method) \(path)")
        }
        #expect(try await lab.store.messages(operatorId: stranger.id!).isEmpty)
        #expect(try await lab.server.engine.shift(operatorId: stranger.id!).phase == .off)
        let list = try await lab.request("GET", "/api/v1/coach/operators", token: coach)
        let ids = (list.json["operators"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? Int }
        #expect(ids.count == 6 && !ids.contains(Int(stranger.id!)))
    }

    @Test("the coach starts a shift, sends a message, keeps a note; the operator reads the message")
    func coachActions() async throws {
        let lab = try await RunningLab.start(demo: true)
        defer { Task { await lab.stop() } }
        let coach = try await lab.login(Self.coachLogin)
        let floorId = try await id(lab, "OP-0006")
        let started = try await lab.request("POST", "/api/v1/coach/operators/\(floorId)/shift/start", token: coach)
        #expect(started.json["phase"] as? String == "work")
        #expect(try await lab.store.latestShift(operatorId: floorId)?.startedById == 2, "started by the coach")
        let sent = try await lab.request("POST", "/api/v1/coach/operators/\(floorId)/messages",
                                         json: ["text": "Goed bezig vandaag, Floor."], token: coach)
        #expect(sent.status == 201)
        #expect(try await lab.request("POST", "/api/v1/coach/operators/\(floorId)/messages", json: ["text": "  "], token: coach).status == 422)
        let note = try await lab.request("POST", "/api/v1/coach/operators/\(floorId)/notes", json: ["text": "Asked for shorter blocks."], token: coach)
        #expect(note.status == 201)
        let notes = try await lab.request("GET", "/api/v1/coach/operators/\(floorId)/notes", token: coach)
        #expect((notes.json["notes"] as? [[String: Any]])?.first?["text"] as? String == "Asked for shorter blocks.")

        let floor = try await lab.login(["badge": "OP-0006"])
        let messages = try await lab.request("GET", "/api/v1/me/messages", token: floor)
        let first = try #require((messages.json["messages"] as? [[String: Any]])?.first)
        #expect(first["text"] as? String == "Goed bezig vandaag, Floor.")
        #expect(first["from"] as? String == "Coach Sanne")
        #expect(try await lab.request("POST", "/api/v1/me/messages/\(first["id"]!)/read", token: floor).status == 200)
        #expect(try await lab.request("GET", "/api/v1/coach/operators/\(floorId)/notes", token: floor).status == 403,
                "notes are the coach's own")
        let ended = try await lab.request("POST", "/api/v1/coach/operators/\(floorId)/shift/end", token: coach)
        #expect(ended.json["phase"] as? String == "ended")
        #expect(try await lab.store.latestShift(operatorId: floorId)?.endReason == "byCoach")
    }

    @Test("client feedback waits for a coach, who decides what reaches which operators, in their own words")
    func feedbackModeration() async throws {
        let lab = try await RunningLab.start(demo: true)
        defer { Task { await lab.stop() } }
        let client = try await lab.login(["email": "client@demo.local", "password": "demo-client"])
        let project = try #require(try await lab.store.projects(clientId: nil).first)
        let posted = try await lab.request("POST", "/api/v1/projects/\(project.id!)/feedback",
                                           json: ["kind": "good-job", "text": "The subtitles were perfect, thanks!"], token: client)
        #expect(posted.status == 201)
        #expect(try await lab.request("POST", "/api/v1/projects/\(project.id!)/feedback", json: ["kind": "rant", "text": "x"],
                                      token: client).status == 422)
        let anoukId = try await id(lab, "OP-0001")
        #expect(try await lab.store.messages(operatorId: anoukId).isEmpty, "nothing reaches an operator before a coach decides")

        let coach = try await lab.login(Self.coachLogin)
        let queue = try await lab.request("GET", "/api/v1/coach/feedback?status=pending", token: coach)
        let item = try #require((queue.json["feedback"] as? [[String: Any]])?.first)
        #expect(item["text"] as? String == "The subtitles were perfect, thanks!")
        let decided = try await lab.request("POST", "/api/v1/coach/feedback/\(item["id"]!)",
                                            json: ["action": "forward", "text": "De klant was heel blij met jullie ondertitels.",
                                                   "operators": [anoukId]] as [String: Any], token: coach)
        #expect(decided.json["status"] as? String == "forwarded")
        let messages = try await lab.store.messages(operatorId: anoukId)
        #expect(messages.map(\.0.body) == ["De klant was heel blij met jullie ondertitels."], "the coach's words, not the client's")
        #expect(try await lab.request("POST", "/api/v1/coach/feedback/\(item["id"]!)", json: ["action": "dismiss"],
                                      token: coach).status == 409)

        // Another coach decides for their own group: the item is still waiting for them.
        let accounts = AccountService(store: lab.store)
        let other = try await accounts.addUser(role: .coach, name: "Coach Ravi", email: "ravi@lab.local", password: "another-pass")
        let theirs = try await accounts.addUser(role: .operator, name: "Someone else's", coachId: other.id)
        let ravi = try await lab.login(["email": "ravi@lab.local", "password": "another-pass"])
        let waiting = try await lab.request("GET", "/api/v1/coach/feedback?status=pending", token: ravi)
        #expect((waiting.json["feedback"] as? [[String: Any]])?.count == 1)
        #expect(try await lab.request("POST", "/api/v1/coach/feedback/\(item["id"]!)",
                                      json: ["action": "forward", "text": "Goed gedaan.", "operators": [anoukId]] as [String: Any],
                                      token: ravi).status == 404, "not Ravi's operator")
        let passed = try await lab.request("POST", "/api/v1/coach/feedback/\(item["id"]!)",
                                           json: ["action": "forward", "text": "Goed gedaan.", "operators": [theirs.id!]] as [String: Any],
                                           token: ravi)
        #expect(passed.json["status"] as? String == "forwarded")
        #expect(try await lab.store.messages(operatorId: theirs.id!).map(\.0.body) == ["Goed gedaan."])
        #expect(try await lab.store.messages(operatorId: anoukId).count == 1, "Anouk got her coach's words once")
    }

    @Test("a new dataset notifies the coaches, who decide which of their operators get it")
    func newDataset() async throws {
        let lab = try await RunningLab.start(demo: true)
        defer { Task { await lab.stop() } }
        let client = try await lab.login(["email": "client@demo.local", "password": "demo-client"])
        let project = try #require(try await lab.store.projects(clientId: nil).first { $0.template == .choice })
        var body = Data()
        let boundary = "annolab-test-boundary"
        body.append(Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"one.png\"\r\nContent-Type: image/png\r\n\r\n".utf8))
        body.append(try TestMedia.png(width: 64, height: 48))
        body.append(Data("\r\n--\(boundary)--\r\n".utf8))
        let uploaded = try await lab.request("POST", "/api/v1/projects/\(project.id!)/items", body: body, token: client, headers: ["Content-Type": "multipart/form-data; boundary=\(boundary)"])
        #expect(uploaded.status == 201)
        let coach = try await lab.login(Self.coachLogin)
        let notices = try await lab.request("GET", "/api/v1/coach/notifications", token: coach)
        let notice = try #require((notices.json["notifications"] as? [[String: Any]])?.first)
        #expect(notice["projectName"] as? String == project.name)
        #expect(notice["decided"] as? Bool == false)

        let anoukId = try await id(lab, "OP-0001"), bramId = try await id(lab, "OP-0002")
        let set = try await lab.request("PUT", "/api/v1/coach/projects/\(project.id!)/operators", json: ["operators": [bramId]], token: coach)
        let access = set.json["operators"] as? [[String: Any]] ?? []
        #expect(access.first { ($0["id"] as? Int).map(Int64.init) == anoukId }?["allowed"] as? Bool == false)
        #expect(access.first { ($0["id"] as? Int).map(Int64.init) == bramId }?["allowed"] as? Bool == true)
        let anouk = try await lab.login(["badge": "OP-0001"]), bram = try await lab.login(["badge": "OP-0002"])
        _ = try await lab.request("POST", "/api/v1/shift/start", token: anouk)
        _ = try await lab.request("POST", "/api/v1/shift/start", token: bram)
        #expect(try await lab.request("GET", "/api/v1/tasks/next", token: anouk).status == 204, "not for Anouk")
        #expect(try await lab.request("GET", "/api/v1/tasks/next", token: bram).status == 200)
        let after = try await lab.request("GET", "/api/v1/coach/notifications", token: coach)
        #expect((after.json["notifications"] as? [[String: Any]])?.first?["decided"] as? Bool == true)
    }

    @Test("the weekly summary gives hours, kinds, quality by day and pauses")
    func weeklySummary() async throws {
        let clock = ManualClock(EngineLab.monday)
        let lab = try await RunningLab.start(demo: true, clock: clock)
        defer { Task { await lab.stop() } }
        let project = try #require(try await lab.store.projects(clientId: nil).first { $0.template == .choice })
        _ = try await lab.server.importer.importFiles((0..<3).map { (name: "p\($0).png", data: try TestMedia.png(width: 40 + $0, height: 30)) },
                                                      into: project.id!, strict: true, actor: nil)
        let anouk = try await lab.login(["badge": "OP-0001"])
        _ = try await lab.request("POST", "/api/v1/shift/start", token: anouk)
        for _ in 0..<2 {
            let next = try await lab.request("GET", "/api/v1/tasks/next", token: anouk)
            let assignment = try #require(next.json["assignment"] as? [String: Any])
            clock.advance(seconds: 20)
            _ = try await lab.request("POST", "/api/v1/assignments/\(assignment["id"]!)/answer", json: ["answer": ["choice": "cars"]], token: anouk)
        }
        clock.advance(minutes: 70)
        _ = try await lab.request("POST", "/api/v1/shift/end", token: anouk)
        let coach = try await lab.login(Self.coachLogin)
        let anoukId = try await id(lab, "OP-0001")
        let summary = try await lab.request("GET", "/api/v1/coach/operators/\(anoukId)/summary?week=2026-03-04", token: coach)
        #expect(summary.status == 200)
        #expect(summary.json["weekStart"] as? String == "2026-03-02")
        #expect(summary.json["weekEnd"] as? String == "2026-03-08")
        #expect(summary.json["shifts"] as? Int == 1)
        #expect(summary.json["hours"] as? Double == 1.18, "70 minutes and 40 seconds of paid time")
        #expect((summary.json["kinds"] as? [[String: Any]])?.first?["answers"] as? Int == 2)
        #expect((summary.json["pauses"] as? [String: Any])?["scheduled"] as? Int == 1)
        #expect(try await lab.request("GET", "/api/v1/coach/operators/\(anoukId)/summary?week=yesterday", token: coach).status == 400)
    }
}
