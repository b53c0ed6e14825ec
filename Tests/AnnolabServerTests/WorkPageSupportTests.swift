// What the operator's work page relies on: wall-clock counters, personal settings, and the
// coach's profile changes (task kinds, block lengths), over real HTTP.
import AnnolabCore
import AnnolabServer
import AnnolabStore
import Foundation
import Testing

@Suite("Work page support")
struct WorkPageSupportTests {
    static let coachLogin = ["email": "coach@demo.local", "password": "demo-coach"]

    func operatorId(_ lab: RunningLab, badge: String) async throws -> Int64 {
        let coach = try await lab.login(Self.coachLogin)
        let list = try await lab.request("GET", "/api/v1/coach/operators", token: coach)
        let person = (list.json["operators"] as? [[String: Any]] ?? []).first { $0["badge"] as? String == badge }
        return try #require(person?["id"] as? Int64 ?? (person?["id"] as? Int).map(Int64.init))
    }

    @Test("the shift, a pause refusal and a lease carry wall-clock seconds, so pages never compare clocks")
    func wallClockCounters() async throws {
        let clock = ManualClock(Date(timeIntervalSince1970: 1_800_000_000))
        let lab = try await RunningLab.start(demo: true, clock: clock)
        defer { Task { await lab.stop() } }
        let project = try #require(try await lab.store.projects(clientId: nil).first { $0.template == .choice })
        _ = try await lab.server.importer.importFiles([(name: "one.png", data: try TestMedia.png(width: 64, height: 48))],
                                                      into: project.id!, strict: true, actor: nil)
        let anouk = try await lab.login(["badge": "OP-0001"])
        let started = try await lab.request("POST", "/api/v1/shift/start", token: anouk)
        #expect(started.json["blockSecondsLeft"] as? Double == 2700.0)
        #expect(started.json["shiftSecondsLeft"] as? Double == 14400.0)
        let next = try await lab.request("GET", "/api/v1/tasks/next", token: anouk)
        #expect(next.status == 200)
        #expect((next.json["assignment"] as? [String: Any])?["leaseSeconds"] as? Double == 600)

        clock.advance(minutes: 44)
        #expect(try await lab.request("GET", "/api/v1/shift", token: anouk).json["blockSecondsLeft"] as? Double == 60)
        clock.advance(minutes: 6)
        let pause = try await lab.request("GET", "/api/v1/tasks/next", token: anouk)
        #expect(pause.status == 423)
        #expect(pause.json["resumesInSeconds"] as? Double == 600.0)
        let shift = try await lab.request("GET", "/api/v1/shift", token: anouk).json
        #expect(shift["phase"] as? String == "pause")
        #expect(shift["resumesInSeconds"] as? Double == 600.0)
        #expect(shift["blockSecondsLeft"] is NSNull || shift["blockSecondsLeft"] == nil)
    }

    @Test("a faster clock divides the counters, so a page's timers match the lab's time")
    func scaledCounters() async throws {
        let clock = ScaledClock(speed: 60)
        let lab = try await RunningLab.start(demo: true, clock: clock)
        defer { Task { await lab.stop() } }
        let anouk = try await lab.login(["badge": "OP-0001"])
        let started = try await lab.request("POST", "/api/v1/shift/start", token: anouk).json
        let left = try #require(started["blockSecondsLeft"] as? Double)
        // 45 lab minutes at 60 times the speed last 45 wall seconds (less what passed since the start).
        #expect(left <= 45 && left > 40)
    }

    @Test("personal settings: defaults, a partial change, refusals in plain words, kept in the store")
    func personalSettings() async throws {
        let lab = try await RunningLab.start(demo: true)
        defer { Task { await lab.stop() } }
        let anouk = try await lab.login(["badge": "OP-0001"])
        let defaults = try await lab.request("GET", "/api/v1/me/settings", token: anouk).json
        #expect(defaults["textSize"] as? Int == 100)
        #expect(defaults["sounds"] as? Bool == true)
        #expect(defaults["contrast"] as? Bool == false)

        let changed = try await lab.request("PUT", "/api/v1/me/settings", json: ["textSize": 200, "contrast": true, "language": "en"],
                                            token: anouk)
        #expect(changed.status == 200)
        #expect(changed.json["textSize"] as? Int == 200)
        #expect(changed.json["sounds"] as? Bool == true, "a field not sent stays as it was")
        #expect(changed.json["languageChosen"] as? Bool == true)
        let bram = try await lab.login(["badge": "OP-0002"])
        let sizeOnly = try await lab.request("PUT", "/api/v1/me/settings", json: ["textSize": 150], token: bram)
        #expect(sizeOnly.json["languageChosen"] as? Bool == false, "a page keeps its own language until one is chosen")

        let tooBig = try await lab.request("PUT", "/api/v1/me/settings", json: ["textSize": 300], token: anouk)
        #expect(tooBig.status == 422)
        #expect(tooBig.errorCode == "invalid_settings")
        #expect(tooBig.errorMessage?.contains("200") == true)
        let language = try await lab.request("PUT", "/api/v1/me/settings", json: ["language": "de"], token: anouk)
        #expect(language.status == 422)

        let id = try await operatorId(lab, badge: "OP-0001")
        let stored = try await lab.store.personalSettings(userId: id)
        #expect(stored.textSize == 200 && stored.contrast && stored.language == "en", "the refused changes left nothing behind")
        #expect(try await lab.request("GET", "/api/v1/me/settings").status == 401)
    }

    @Test("a coach limits an operator to one task kind; it applies to the next task")
    func profileTaskKinds() async throws {
        let lab = try await RunningLab.start(demo: true)
        defer { Task { await lab.stop() } }
        for project in try await lab.store.projects(clientId: nil) where [.choice, .audioTags].contains(project.template) {
            let file = project.template == .choice
                ? (name: "one.png", data: try TestMedia.png(width: 64, height: 48))
                : (name: "one.wav", data: TestMedia.wav(seconds: 3))
            _ = try await lab.server.importer.importFiles([file], into: project.id!, strict: true, actor: nil)
        }
        let coach = try await lab.login(Self.coachLogin)
        let id = try await operatorId(lab, badge: "OP-0002")
        let bram = try await lab.login(["badge": "OP-0002"])
        _ = try await lab.request("POST", "/api/v1/shift/start", token: bram)
        for kind in ["audio-tags", "choice"] {
            let changed = try await lab.request("PUT", "/api/v1/coach/operators/\(id)/profile", json: ["taskKinds": [kind]], token: coach)
            #expect(changed.status == 200)
            #expect(changed.json["taskKinds"] as? [String] == [kind])
            let next = try await lab.request("GET", "/api/v1/tasks/next", token: bram)
            #expect((next.json["task"] as? [String: Any])?["kind"] as? String == kind)
        }
        let profile = try #require(try await lab.store.profile(operatorId: id))
        #expect(profile.taskKinds == [.choice])
        #expect(profile.workMinutes == 45, "fields not sent stay as they were")
    }

    @Test("profile changes are checked, and only the operator's own coach may make them")
    func profileRefusals() async throws {
        let lab = try await RunningLab.start(demo: true)
        defer { Task { await lab.stop() } }
        let accounts = AccountService(store: lab.store)
        let otherCoach = try await accounts.addUser(role: .coach, name: "Other coach", email: "other@lab.local", password: "another-pass")
        let stranger = try await accounts.addUser(role: .operator, name: "Someone else's", coachId: otherCoach.id)
        let coach = try await lab.login(Self.coachLogin)
        let id = try await operatorId(lab, badge: "OP-0003")

        let notMine = try await lab.request("PUT", "/api/v1/coach/operators/\(stranger.id!)/profile", json: ["audioMode": true], token: coach)
        #expect(notMine.status == 404)
        #expect(try await lab.store.profile(operatorId: stranger.id!)?.audioMode == false)

        let badKind = try await lab.request("PUT", "/api/v1/coach/operators/\(id)/profile", json: ["taskKinds": ["painting"]], token: coach)
        #expect(badKind.status == 422)
        #expect(badKind.errorMessage?.contains("painting") == true)
        let shortBlock = try await lab.request("PUT", "/api/v1/coach/operators/\(id)/profile", json: ["workMinutes": 2], token: coach)
        #expect(shortBlock.status == 422)
        #expect(shortBlock.errorCode == "invalid_profile")
        #expect(try await lab.store.profile(operatorId: id)?.workMinutes == 45, "a refused change stores nothing")

        let operatorToken = try await lab.login(["badge": "OP-0003"])
        #expect(try await lab.request("PUT", "/api/v1/coach/operators/\(id)/profile", json: ["audioMode": true],
                                      token: operatorToken).status == 403)
    }

    @Test("ending a shift hands back the tasks still reserved, so the next shift gets work at once")
    func endShiftReleases() async throws {
        let lab = try await RunningLab.start(demo: true)
        defer { Task { await lab.stop() } }
        let project = try #require(try await lab.store.projects(clientId: nil).first { $0.template == .choice })
        _ = try await lab.server.importer.importFiles((0..<4).map { (name: "p\($0).png", data: try TestMedia.png(width: 40 + $0, height: 30)) },
                                                      into: project.id!, strict: true, actor: nil)
        let anouk = try await lab.login(["badge": "OP-0001"])
        _ = try await lab.request("POST", "/api/v1/shift/start", token: anouk)
        var held: [Int] = []
        for _ in 0..<3 {
            let next = try await lab.request("GET", "/api/v1/tasks/next", token: anouk)
            held.append(try #require((next.json["assignment"] as? [String: Any])?["id"] as? Int))
        }
        #expect(try await lab.request("GET", "/api/v1/tasks/next", token: anouk).status == 204, "three reserved at most")
        _ = try await lab.request("POST", "/api/v1/shift/end", token: anouk)
        for id in held {
            #expect(try await lab.store.assignment(id: Int64(id))?.state == .released)
        }
        _ = try await lab.request("POST", "/api/v1/shift/start", token: anouk)
        #expect(try await lab.request("GET", "/api/v1/tasks/next", token: anouk).status == 200, "the fourth picture is served")
    }
}
