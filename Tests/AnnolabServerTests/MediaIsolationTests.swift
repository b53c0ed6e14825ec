// Tenant isolation of media, items and exports: who may see which picture or sound, told as
// stories of a lab with two client companies and two coaches' groups.
import AnnolabCore
import AnnolabServer
import AnnolabStore
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// A lab with two client companies and two coaches' groups, each with work of its own: the
/// ground of the media stories below and of the authorization matrix.
///
/// - Client A ("Newsroom A") has a programme's sound cut into 10-second clips to tag; client B
///   ("Broadcaster B") has pictures to choose about. Every microtask needs one answer.
/// - Coach A's group is operators A and A2, coach B's group operator B. Each coach chose that
///   their group works on their own client's project only, so who gets which task is known.
/// - Everyone signs in with a session of their own, sent as a bearer token.
/// - The lab's clock is turned by hand, so leases can run out without waiting.
final class TenantLab: Sendable {
    struct Person: Sendable {
        var id: Int64
        var token: String
        var badge: String?
    }

    let lab: RunningLab
    let clock: ManualClock
    let admin: Person, clientA: Person, clientB: Person, coachA: Person, coachB: Person
    let operatorA: Person, operatorA2: Person, operatorB: Person
    let companyA: Int64, companyB: Int64
    let projectA: Int64, projectB: Int64

    var store: any LabStoring { lab.store }

    static func start(programmeSeconds: Double = 150) async throws -> TenantLab {
        let clock = ManualClock(Date())
        let lab = try await RunningLab.start(clock: clock)
        let store = lab.store
        let companyA = try await store.createClient(name: "Newsroom A").id!
        let companyB = try await store.createClient(name: "Broadcaster B").id!
        func person(_ role: Role, _ name: String, client: Int64? = nil, coach: Int64? = nil, badge: String? = nil) async throws -> Person {
            let user = try await store.createUser(NewUser(role: role, name: name, badge: badge, clientId: client, coachId: coach,
                                                          birthdate: role == .operator ? "1990-04-01" : nil))
            return Person(id: user.id!, token: try await session(store, userId: user.id!), badge: badge)
        }
        let admin = try await person(.admin, "Lab admin")
        let clientA = try await person(.client, "Client A", client: companyA)
        let clientB = try await person(.client, "Client B", client: companyB)
        let coachA = try await person(.coach, "Coach A"), coachB = try await person(.coach, "Coach B")
        let operatorA = try await person(.operator, "Operator A", coach: coachA.id, badge: "OP-AAAAA1")
        let operatorA2 = try await person(.operator, "Operator A2", coach: coachA.id, badge: "OP-AAAAA2")
        let operatorB = try await person(.operator, "Operator B", coach: coachB.id, badge: "OP-BBBBB1")

        let engine = lab.server.engine
        func project(_ client: Int64, _ name: String, _ kind: TaskKind, _ labels: [String],
                     _ files: [(name: String, data: Data)]) async throws -> Int64 {
            let project = try await store.createProject(Project(
                clientId: client, name: name, template: kind, labels: labels, overlap: 1, adaptiveMin: nil, adaptiveMax: nil,
                goldRate: 0, deadline: nil, createdAt: Date()), actor: nil)
            engine.projectChanged(project)
            _ = try await lab.server.importer.importFiles(files, into: project.id!, strict: true, actor: nil)
            return project.id!
        }
        let projectA = try await project(companyA, "Programme sound A", .audioTags, ["music", "speech"],
                                         [("programme-a.wav", TestMedia.wav(seconds: programmeSeconds))])
        let projectB = try await project(companyB, "Street pictures B", .choice, ["cars", "people"],
                                         try (1...3).map { ("street-\($0).png", try TestMedia.png(width: 24 + $0, height: 16)) })
        // Each coach keeps their group to their own client's project.
        try await store.setProjectAccess(projectId: projectB, coachId: coachA.id, allowed: [], at: Date())
        try await store.setProjectAccess(projectId: projectA, coachId: coachB.id, allowed: [], at: Date())
        try await engine.projectAccessChanged()
        return TenantLab(lab: lab, clock: clock, people: [admin, clientA, clientB, coachA, coachB, operatorA, operatorA2, operatorB],
                         companies: (companyA, companyB), projects: (projectA, projectB))
    }

    private init(lab: RunningLab, clock: ManualClock, people: [Person], companies: (Int64, Int64), projects: (Int64, Int64)) {
        self.lab = lab
        self.clock = clock
        (admin, clientA, clientB, coachA, coachB) = (people[0], people[1], people[2], people[3], people[4])
        (operatorA, operatorA2, operatorB) = (people[5], people[6], people[7])
        (companyA, companyB) = companies
        (projectA, projectB) = projects
    }

    /// A new session token for a person, as a sign-in would make; `expiresAt` in the past makes an expired one.
    static func session(_ store: any LabStoring, userId: Int64, expiresAt: Date = Date().addingTimeInterval(3600)) async throws -> String {
        let token = Tokens.newToken()
        try await store.storeToken(userId: userId, tokenHash: Tokens.hash(token), kind: .session, expiresAt: expiresAt,
                                   now: min(Date(), expiresAt.addingTimeInterval(-3600)))
        return token
    }

    func stop() async { await lab.stop() }

    /// A GET as this person (nil: nobody signed in).
    func get(_ path: String, as person: Person?) async throws -> HTTPResult {
        try await lab.request("GET", path, token: person?.token)
    }

    /// The media each microtask of a project shows, in microtask order.
    func media(of project: Int64) async throws -> [String] {
        try await store.microtasks(projectId: project).compactMap { task in
            let payload = try JSONDecoder().decode(MicrotaskPayload.self, from: Data(task.payload.utf8))
            return payload.image?.url ?? payload.audio?.url
        }
    }

    /// Every file stored for a project (originals included), as the paths they are served at.
    func files(of project: Int64) throws -> [String] {
        let root = store.mediaFolder.appendingPathComponent("\(project)")
        var paths: [String] = []
        for folder in try FileManager.default.contentsOfDirectory(atPath: root.path).sorted() {
            for file in try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent(folder).path).sorted() {
                paths.append("/media/\(project)/\(folder)/\(file)")
            }
        }
        return paths
    }

    /// The file on disk behind a media path.
    func file(_ path: String) -> URL {
        store.mediaFolder.appendingPathComponent(String(path.dropFirst("/media/".count)))
    }

    /// A task served to an operator over HTTP (their shift is started first when needed).
    struct Served: Sendable {
        var assignment: Int64
        var media: String
    }

    func next(_ person: Person) async throws -> Served {
        let shift = try await lab.request("POST", "/api/v1/shift/start", token: person.token)
        try #require(shift.status == 200, "shift start: \(shift.status) \(shift.text)")
        let next = try await lab.request("GET", "/api/v1/tasks/next", token: person.token)
        try #require(next.status == 200, "next task: \(next.status) \(next.text)")
        let assignment = try #require((next.json["assignment"] as? [String: Any])?["id"] as? Int)
        let media = try #require(((next.json["task"] as? [String: Any])?["media"] as? [String])?.first)
        return Served(assignment: Int64(assignment), media: media)
    }

    /// Posts an answer that fits the task's project (tags for sounds, a choice for pictures).
    func answer(_ served: Served, as person: Person) async throws -> HTTPResult {
        let body: [String: Any] = served.media.hasSuffix(".wav") ? ["tags": ["music"]] : ["choice": "cars"]
        return try await lab.request("POST", "/api/v1/assignments/\(served.assignment)/answer", json: ["answer": body],
                                     token: person.token)
    }

    func post(_ path: String, as person: Person, json: Any? = nil) async throws -> HTTPResult {
        try await lab.request("POST", path, json: json, token: person.token)
    }
}

/// One request sent over a plain socket exactly as written, so that no client library tidies
/// `..` or percent-escapes in the path before the server sees them.
enum RawHTTP {
    struct Answer {
        var status: Int
        var text: String
    }

    /// ``get(port:_:token:statusOnly:)`` on a thread of its own: the lab it asks runs in this process,
    /// so the wait must not hold one of the few threads Swift's tasks share. A request that got no
    /// answer at all (nothing came back before the deadline on a machine busy with other tests) is
    /// sent once more on a new connection; what the lab answers is never retried.
    static func fetch(port: Int, _ path: String, token: String?) async throws -> Answer {
        let first = try await onThread { try get(port: port, path, token: token) }
        guard first.status == 0 else { return first }
        return try await onThread { try get(port: port, path, token: token) }
    }

    private static func onThread(_ work: @escaping @Sendable () throws -> Answer) async throws -> Answer {
        try await withCheckedThrowingContinuation { continuation in
            Thread {
                do { continuation.resume(returning: try work()) } catch { continuation.resume(throwing: error) }
            }.start()
        }
    }

    /// `statusOnly` stops reading after the headers (for streams that never end). The socket does not
    /// block: every wait is a `poll` against one deadline for the whole request, so a request can never
    /// hang a test, whatever the lab does.
    static func get(port: Int, _ path: String, token: String?, statusOnly: Bool = false,
                    deadline seconds: Double = 20) throws -> Answer {
        let deadline = Date().addingTimeInterval(seconds)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw LabError(.internalFailure, "no_socket", "could not open a socket") }
        defer { close(fd) }
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        /// Waits until the socket is ready for `events` or the deadline passes.
        func ready(_ events: Int16) -> Bool {
            let left = Int32(max(0, deadline.timeIntervalSinceNow * 1000))
            var pollFD = pollfd(fd: fd, events: events, revents: 0)
            return poll(&pollFD, 1, left) == 1
        }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 || (errno == EINPROGRESS && ready(Int16(POLLOUT))) else {
            throw LabError(.internalFailure, "no_connection", "could not connect")
        }
        var request = "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
        if let token { request += "Authorization: Bearer \(token)\r\n" }
        request += "\r\n"
        var unsent = Array(request.utf8)[...]
        while !unsent.isEmpty, ready(Int16(POLLOUT)) {
            let count = unsent.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if count < 0 && errno != EAGAIN && errno != EINTR { break }
            if count > 0 { unsent = unsent.dropFirst(count) }
        }
        var received = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 65536)
        while ready(Int16(POLLIN)) {
            let count = recv(fd, &buffer, buffer.count, 0)
            if count < 0 && (errno == EAGAIN || errno == EINTR) { continue }
            if count <= 0 { break }
            received += buffer[0..<count]
            if statusOnly, String(decoding: received, as: UTF8.self).contains("\r\n\r\n") { break }
        }
        let text = String(decoding: received, as: UTF8.self)
        let statusLine = text.split(separator: "\r\n", maxSplits: 1).first ?? ""
        let parts = statusLine.split(separator: " ")
        return Answer(status: parts.count > 1 ? Int(parts[1]) ?? 0 : 0, text: text)
    }
}

@Suite("Tenant isolation of media, items and exports")
struct MediaIsolationTests {
    /// Expects the lab to answer 404 `media_not_found`: the same answer as for a file that is not there.
    func expectHidden(_ lab: TenantLab, _ path: String, from person: TenantLab.Person, _ why: String,
                      sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let result = try await lab.get(path, as: person)
        #expect(result.status == 404 && result.errorCode == "media_not_found",
                "\(why): \(path) gave \(result.status) \(result.text.prefix(200))", sourceLocation: sourceLocation)
    }

    func expectShown(_ lab: TenantLab, _ path: String, to person: TenantLab.Person, _ why: String,
                     sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let result = try await lab.get(path, as: person)
        #expect(result.status == 200, "\(why): \(path) gave \(result.status) \(result.text.prefix(200))", sourceLocation: sourceLocation)
        if result.status == 200 {
            #expect(result.body == (try Data(contentsOf: lab.file(path))), "the file itself is served", sourceLocation: sourceLocation)
        }
    }

    @Test("an operator gets a clip only while it is leased to them, and for good once they answered it")
    func leaseThenAnswer() async throws {
        let lab = try await TenantLab.start()
        defer { Task { await lab.stop() } }
        let clips = try await lab.media(of: lab.projectA)
        #expect(clips.count == 15, "150 seconds of programme are 15 clips of 10 seconds")
        for clip in clips {
            try await expectShown(lab, clip, to: lab.admin, "the file is there (the admin sees it)")
            try await expectHidden(lab, clip, from: lab.operatorA, "before any lease")
        }

        let task = try await lab.next(lab.operatorA)
        try await expectShown(lab, task.media, to: lab.operatorA, "leased to them")
        #expect(try await lab.get(task.media, as: lab.operatorA).header("Content-Type") == "audio/wav")
        // Every other clip of the same programme, tried by its sequential name, and the whole programme.
        let folder = (task.media as NSString).deletingLastPathComponent
        for n in 1...(clips.count + 2) where "\(folder)/clip-\(n).wav" != task.media {
            try await expectHidden(lab, "\(folder)/clip-\(n).wav", from: lab.operatorA, "another clip of the same programme")
        }
        try await expectHidden(lab, "\(folder)/original.wav", from: lab.operatorA, "the whole programme is no task")
        #expect(try await lab.get(task.media, as: nil).status == 401, "nobody signed in")

        #expect(try await lab.answer(task, as: lab.operatorA).status == 201)
        try await expectShown(lab, task.media, to: lab.operatorA, "answered by them")
        lab.clock.advance(minutes: 30)
        try await expectShown(lab, task.media, to: lab.operatorA, "answered, long after the lease would have ended")
        #expect(try await lab.post("/api/v1/shift/end", as: lab.operatorA).status == 200)
        try await expectShown(lab, task.media, to: lab.operatorA, "in their answered history after the shift ended")
    }

    @Test("a released, a skipped and an expired lease close the clip again")
    func closedLeases() async throws {
        let lab = try await TenantLab.start()
        defer { Task { await lab.stop() } }
        let released = try await lab.next(lab.operatorA), skipped = try await lab.next(lab.operatorA)
        let expiring = try await lab.next(lab.operatorA)
        for task in [released, skipped, expiring] {
            try await expectShown(lab, task.media, to: lab.operatorA, "leased to them")
            try await expectShown(lab, task.media, to: lab.coachA, "leased to their coach's operator")
        }
        #expect(try await lab.post("/api/v1/assignments/\(released.assignment)/release", as: lab.operatorA).status == 200)
        try await expectHidden(lab, released.media, from: lab.operatorA, "after they handed it back")
        try await expectHidden(lab, released.media, from: lab.coachA, "after their operator handed it back")
        #expect(try await lab.post("/api/v1/assignments/\(skipped.assignment)/skip", as: lab.operatorA).status == 200)
        try await expectHidden(lab, skipped.media, from: lab.operatorA, "after they skipped it")
        try await expectShown(lab, expiring.media, to: lab.operatorA, "still leased")
        lab.clock.advance(minutes: 11)   // a lease lasts 10 minutes
        try await expectHidden(lab, expiring.media, from: lab.operatorA, "after the lease ran out")
        try await expectHidden(lab, expiring.media, from: lab.coachA, "after their operator's lease ran out")
    }

    @Test("a renewed lease keeps the clip open past its first end, and not past the renewal's")
    func renewedLease() async throws {
        let lab = try await TenantLab.start()
        defer { Task { await lab.stop() } }
        let task = try await lab.next(lab.operatorA)
        lab.clock.advance(minutes: 8)
        #expect(try await lab.post("/api/v1/assignments/\(task.assignment)/renew", as: lab.operatorA).status == 200)
        lab.clock.advance(minutes: 5)
        try await expectShown(lab, task.media, to: lab.operatorA, "13 minutes after a lease renewed at 8")
        lab.clock.advance(minutes: 6)
        try await expectHidden(lab, task.media, from: lab.operatorA, "19 minutes after a lease renewed for 10 at 8")
    }

    @Test("a coach sees the media of their own operators' tasks only; an operator never sees a task leased to someone else")
    func coachesAndOtherOperators() async throws {
        let lab = try await TenantLab.start()
        defer { Task { await lab.stop() } }
        let a = try await lab.next(lab.operatorA), a2 = try await lab.next(lab.operatorA2), b = try await lab.next(lab.operatorB)
        #expect(a.media.hasPrefix("/media/\(lab.projectA)/") && a2.media.hasPrefix("/media/\(lab.projectA)/"))
        #expect(b.media.hasPrefix("/media/\(lab.projectB)/") && b.media.hasSuffix(".png"))
        #expect(a.media != a2.media)

        try await expectShown(lab, a.media, to: lab.coachA, "leased to their operator A")
        try await expectShown(lab, a2.media, to: lab.coachA, "leased to their operator A2")
        try await expectHidden(lab, b.media, from: lab.coachA, "leased to another coach's operator")
        try await expectShown(lab, b.media, to: lab.coachB, "leased to their operator B")
        try await expectHidden(lab, a.media, from: lab.coachB, "leased to another coach's operator")
        try await expectHidden(lab, a2.media, from: lab.coachB, "leased to another coach's operator")

        try await expectHidden(lab, a.media, from: lab.operatorA2, "leased to a colleague in the same group")
        try await expectHidden(lab, a2.media, from: lab.operatorA, "leased to a colleague in the same group")
        try await expectHidden(lab, b.media, from: lab.operatorA, "leased to someone of another group, in another client's project")
        try await expectHidden(lab, a.media, from: lab.operatorB, "leased to someone of another group, in another client's project")
        #expect(try await lab.get(b.media, as: lab.operatorB).header("Content-Type") == "image/png")

        #expect(try await lab.answer(a, as: lab.operatorA).status == 201)
        lab.clock.advance(minutes: 30)
        try await expectShown(lab, a.media, to: lab.coachA, "answered by their operator")
        try await expectHidden(lab, a.media, from: lab.coachB, "answered by another coach's operator")
        try await expectHidden(lab, a2.media, from: lab.coachA, "their operator's lease ran out unanswered")
    }

    @Test("a client gets every file of its own projects and nothing of another client's, whatever ids it guesses")
    func clientsMedia() async throws {
        let lab = try await TenantLab.start()
        defer { Task { await lab.stop() } }
        let filesA = try lab.files(of: lab.projectA), filesB = try lab.files(of: lab.projectB)
        #expect(filesA.count == 16 && filesB.count == 3, "15 clips and the original; three pictures")
        for path in filesA {
            try await expectShown(lab, path, to: lab.clientA, "their own project (originals included)")
            try await expectHidden(lab, path, from: lab.clientB, "another client's project")
        }
        for path in filesB {
            try await expectShown(lab, path, to: lab.clientB, "their own project")
            try await expectHidden(lab, path, from: lab.clientA, "another client's project")
        }
        // Another client's file under every project id, the own ones included: nothing but 404.
        let picture = try #require(filesB.first)
        let rest = picture.split(separator: "/").dropFirst(2).joined(separator: "/")
        for project in 0...(max(lab.projectA, lab.projectB) + 3) {
            try await expectHidden(lab, "/media/\(project)/\(rest)", from: lab.clientA, "a guessed project id")
        }
        for path in filesA + filesB {
            try await expectShown(lab, path, to: lab.admin, "the admin sees every project")
        }
    }

    @Test("a client cannot read, fill, export, mark gold or comment on another client's project, whatever id it tries")
    func clientsItemsAndExports() async throws {
        let lab = try await TenantLab.start()
        defer { Task { await lab.stop() } }
        // Some work done in both projects, so that exports have something to give away.
        #expect(try await lab.answer(try await lab.next(lab.operatorA), as: lab.operatorA).status == 201)
        #expect(try await lab.answer(try await lab.next(lab.operatorB), as: lab.operatorB).status == 201)
        let highest = max(lab.projectA, lab.projectB) + 3
        var seen: [Int64] = []
        for id in 0...highest {
            if try await lab.get("/api/v1/projects/\(id)", as: lab.clientA).status == 200 { seen.append(id) }
        }
        #expect(seen == [lab.projectA], "of every project id, client A opens only its own")
        let list = try await lab.get("/api/v1/projects", as: lab.clientA)
        #expect((list.json["projects"] as? [[String: Any]])?.compactMap { $0["id"] as? Int } == [Int(lab.projectA)])

        let before = try await lab.store.importCounts()
        let microtaskB = try #require(try await lab.store.microtasks(projectId: lab.projectB).first?.id)
        let b = lab.projectB
        let attempts: [(String, String, HTTPResult)] = [
            ("GET", "/api/v1/projects/\(b)", try await lab.get("/api/v1/projects/\(b)", as: lab.clientA)),
            ("GET", "/api/v1/projects/\(b)/export?format=jsonl", try await lab.get("/api/v1/projects/\(b)/export?format=jsonl", as: lab.clientA)),
            ("GET", "/api/v1/projects/\(b)/export?format=csv", try await lab.get("/api/v1/projects/\(b)/export?format=csv", as: lab.clientA)),
            ("POST", "/api/v1/projects/\(b)/items", try await lab.lab.request(
                "POST", "/api/v1/projects/\(b)/items", body: TestMedia.multipart([("more.png", try TestMedia.png(width: 20, height: 20))]),
                token: lab.clientA.token, headers: ["Content-Type": "multipart/form-data; boundary=annolab-test-boundary"])),
            ("POST", "/api/v1/projects/\(b)/gold", try await lab.post("/api/v1/projects/\(b)/gold", as: lab.clientA, json: [
                "answers": [["microtask": microtaskB, "answer": ["choice": "cars"]]]])),
            ("POST", "/api/v1/projects/\(b)/feedback", try await lab.post("/api/v1/projects/\(b)/feedback", as: lab.clientA,
                                                                           json: ["text": "Looks wrong"])),
        ]
        for (method, path, result) in attempts {
            #expect(result.status == 404 && result.errorCode == "project_not_found", "\(method) \(path): \(result.status) \(result.text)")
        }
        // Naming another client's microtask in the own project's gold is refused, and changes nothing.
        let ownGold = try await lab.post("/api/v1/projects/\(lab.projectA)/gold", as: lab.clientA, json: [
            "answers": [["microtask": microtaskB, "answer": ["tags": ["music"]]]]])
        #expect(ownGold.status == 422 && ownGold.errorCode == "unknown_microtask")
        #expect(try await lab.store.microtask(id: microtaskB)?.isGold == false)
        #expect(try await lab.store.goldAnswer(microtaskId: microtaskB) == nil)
        let after = try await lab.store.importCounts()
        #expect(after.items == before.items && after.microtasks == before.microtasks, "nothing was stored in project B")
        let feedback = try await lab.get("/api/v1/coach/feedback", as: lab.coachB)
        #expect((feedback.json["feedback"] as? [Any])?.isEmpty == true, "no feedback reached B's coaches")

        // The own export holds the own answers only.
        let export = try await lab.get("/api/v1/projects/\(lab.projectA)/export?format=jsonl", as: lab.clientA)
        #expect(export.status == 200)
        let idsA = Set(try await lab.store.microtasks(projectId: lab.projectA).compactMap(\.id))
        let lines = export.text.split(separator: "\n")
        #expect(lines.count == 1)
        for line in lines {
            let row = (try JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any]
            let id = try #require(row?["microtaskId"] as? Int)
            #expect(idsA.contains(Int64(id)), "an answer of project A only")
        }
        #expect(!export.text.contains("/media/\(lab.projectB)/"))
    }

    @Test("`..`, encoded dots and encoded slashes never lead out of a project's media folder")
    func traversal() async throws {
        let lab = try await TenantLab.start(programmeSeconds: 20)
        defer { Task { await lab.stop() } }
        let secret = "SECRET-OUTSIDE-THE-MEDIA-FOLDER"
        let a = lab.projectA
        let folder = try #require(try lab.files(of: a).first?.split(separator: "/").dropFirst(2).first)
        // Files planted where a path that climbs out would find them.
        for place in [lab.store.folder, lab.store.mediaFolder, lab.store.mediaFolder.appendingPathComponent("\(a)")] {
            try Data(secret.utf8).write(to: place.appendingPathComponent("secret.png"))
        }
        let paths = [
            "/media/\(a)/../secret.png",
            "/media/\(a)/%2e%2e/secret.png",
            "/media/\(a)/%2E%2E/secret.png",
            "/media/\(a)/.%2e/secret.png",
            "/media/\(a)/%2e%2e%2f%2e%2e/secret.png",
            "/media/\(a)/\(folder)/..%2fsecret.png",
            "/media/\(a)/\(folder)/%2e%2e%2fsecret.png",
            "/media/\(a)/\(folder)/%2e%2e%2f%2e%2e%2fsecret.png",
            "/media/\(a)/\(folder)/%2e%2e%2f%2e%2e%2f%2e%2e%2fannolab.sqlite",
            "/media/\(a)/\(folder)/..%5c..%5csecret.png",
            "/media/\(a)/%252e%252e/secret.png",
            "/media/\(a)/\(folder)/../../secret.png",
            "/media/\(a)/../../secret.png",
            "/media/\(a)/../../../annolab.sqlite",
            "/media/../secret.png",
            "/media/%2e%2e/\(a)/secret.png",
            "/media/0/../secret.png",
            "/media/-1/\(folder)/clip-1.wav",
            "/media/\(a)/.incoming-\(folder)/clip-1.wav",
            "/media/\(a)/\(folder)/%2fetc%2fpasswd.png",
            "/media/\(a)/\(folder)/clip-1.wav%00.png",
        ]
        for person in [lab.admin, lab.clientA] {
            for path in paths {
                // A path of the media route's shape is a file that is not there (401 to nobody); any
                // other path with `..` in it, written out or encoded, is a bad request (400) to
                // everyone, any other path an address that is not there.
                let isMediaShaped = path.split(separator: "/").count == 4
                let climbs = path.removingPercentEncoding?.contains("..") ?? true
                let answer = try await RawHTTP.fetch(port: lab.lab.baseURL.port!, path, token: person.token)
                #expect(answer.status == (isMediaShaped ? 404 : climbs ? 400 : 404), "\(path): \(answer.status)")
                if isMediaShaped {
                    #expect(answer.text.contains(#"{"error":{"code":"media_not_found""#), "\(path): \(answer.text)")
                } else {
                    #expect(answer.text.contains(#"{"error":{"code":""#), "\(path): a JSON error")
                }
                let anonymous = try await RawHTTP.fetch(port: lab.lab.baseURL.port!, path, token: nil)
                #expect(anonymous.status == (isMediaShaped ? 401 : climbs ? 400 : 404), "\(path) without signing in: \(anonymous.status)")
                #expect(!answer.text.contains(secret) && !answer.text.contains("SQLite format 3") && !answer.text.contains("root:"),
                        "\(path) gave away a file outside the media folder")
            }
            // The same file by its plain path is served: the refusals above are about the path, not the person.
            let plain = try await RawHTTP.fetch(port: lab.lab.baseURL.port!, "/media/\(a)/\(folder)/clip-1.wav", token: person.token)
            #expect(plain.status == 200)
        }
    }

    @Test("an operator cannot answer, skip, hand back or renew another operator's task, whatever id they try")
    func othersAssignments() async throws {
        let lab = try await TenantLab.start()
        defer { Task { await lab.stop() } }
        let task = try await lab.next(lab.operatorA)
        _ = try await lab.lab.request("POST", "/api/v1/shift/start", token: lab.operatorA2.token)
        for id in 1...(task.assignment + 3) {
            for action in ["answer", "skip", "release", "renew"] {
                let body: [String: Any] = action == "answer" ? ["answer": ["tags": ["music"]]] : [:]
                let result = try await lab.post("/api/v1/assignments/\(id)/\(action)", as: lab.operatorA2, json: body)
                #expect(result.status == 404 && result.errorCode == "assignment_not_found", "\(action) \(id): \(result.status) \(result.text)")
            }
        }
        try await expectShown(lab, task.media, to: lab.operatorA, "the lease is still theirs")
        try await expectHidden(lab, task.media, from: lab.operatorA2, "never theirs")
    }

    @Test("the media check reads only indexes, so its cost does not grow with the lab's history", .enabled(if: !RunningLab.onPostgres, "SQLite only: SQLite's query plan"))
    func mediaCheckUsesIndexes() async throws {
        let lab = try await TenantLab.start(programmeSeconds: 20)
        defer { Task { await lab.stop() } }
        for sql in [LabStore.mediaOpenToOperatorSQL, LabStore.mediaOpenToCoachSQL] {
            let plan = try await lab.lab.sqliteStore.queryPlan(sql, arguments: ["url": "/media/1/x/clip-1.wav", "person": 1, "now": Date()])
            #expect(plan.contains { $0.contains("microtask_media_image") } && plan.contains { $0.contains("microtask_media_audio") },
                    "\(plan)")
            let scans = plan.filter { $0.hasPrefix("SCAN") && $0 != "SCAN CONSTANT ROW" }
            #expect(scans.isEmpty, "no table is read whole: \(plan)")
            #expect(plan.contains { $0.hasPrefix("SEARCH assignment") && $0.contains("(microtaskId=?") },
                    "assignments are found by their microtask, not by the operator's history: \(plan)")
        }
    }
}
