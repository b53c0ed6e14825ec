// The background jobs that prepare programmes: thumbnail choices worked and exported, resumed after a stop, failed plainly.
import AnnolabCore
import AnnolabMedia
import AnnolabServer
import AnnolabStore
import Foundation
import Testing

@Suite("Preparing programmes in the background", .enabled(if: ProgrammeMedia.installed, "needs /usr/bin/ffmpeg and ffprobe"))
struct ProgrammeJobsTests {
    /// Starts a shift and takes the next task; returns the answer's JSON.
    func next(_ lab: ProgrammeLab, _ token: String) async throws -> [String: Any] {
        let shift = try await lab.lab.request("POST", "/api/v1/shift/start", token: token)
        try #require(shift.status == 200, "shift start: \(shift.status) \(shift.text)")
        let next = try await lab.lab.request("GET", "/api/v1/tasks/next", token: token)
        try #require(next.status == 200, "next task: \(next.status) \(next.text)")
        return next.json
    }

    /// The frames a served choice shows, checked against the shape every client codes against.
    func frames(of served: [String: Any], _ who: String) throws -> [[String: Any]] {
        let task = try #require(served["task"] as? [String: Any], "\(who): \(served)")
        #expect(task["kind"] as? String == "choice", "\(who): \(task["kind"] ?? "")")
        let payload = try #require(task["payload"] as? [String: Any])
        let frames = try #require(payload["frames"] as? [[String: Any]], "\(who): \(payload)")
        #expect((3...4).contains(frames.count), "\(who): a choice of 3 or 4 frames, not \(frames.count)")
        #expect(payload["options"] as? [String] == frames.compactMap { $0["id"] as? String }, "\(who): options are the frame ids")
        for frame in frames {
            let number = try #require(frame["frame"] as? Int)
            let id = try #require(frame["id"] as? String)
            #expect(id == String(format: "frame-%06d", number), "\(frame)")
            #expect((frame["url"] as? String)?.hasSuffix("/\(id).jpg") == true, "\(frame)")
            #expect(frame["width"] as? Int == 320 && frame["height"] as? Int == 180, "\(frame)")
            let time = try #require(frame["time"] as? Double)
            #expect(abs(time * 25 - Double(number)) < 0.51, "frame \(number) at \(time) s of a 25 fps programme")
        }
        return frames
    }

    func assignment(_ served: [String: Any]) throws -> Int {
        try #require((served["assignment"] as? [String: Any])?["id"] as? Int)
    }

    @Test("thumbnail choice: frames served only to the operator who holds them, answered, exported per candidate with timecodes")
    func thumbnailChoiceStory() async throws {
        let lab = try await ProgrammeLab.start()
        defer { Task { await lab.stop() } }
        let project = try await lab.project("thumbnail-choice")
        let upload = try await lab.upload(project, [("stills.mp4", try await ProgrammeMedia.stills(6))])
        #expect(upload.status == 201 && upload.json["imported"] as? Int == 1 && upload.json["microtasks"] as? Int == 0, "\(upload.text)")
        let jobs = try await lab.settledJobs(project)
        try #require(jobs.first?["state"] as? String == "ready", "\(jobs)")
        let payloads = try await lab.payloads(project)
        let offered = payloads.flatMap { $0.frames ?? [] }
        #expect(payloads.count == 2 && offered.count == 6, "six different pictures are two choices of three: \(offered.map(\.id))")
        // One candidate from each picture of the slide show (each held 37 frames).
        #expect(Set(offered.map { Int(Double($0.frame) / 37) }).count == offered.count, "\(offered.map(\.frame))")

        let servedA = try await next(lab, lab.operatorA)
        let framesA = try frames(of: servedA, "operator A")
        let urlsA = framesA.compactMap { $0["url"] as? String }
        for url in urlsA {
            let picture = try await lab.lab.request("GET", url, token: lab.operatorA)
            #expect(picture.status == 200 && picture.header("Content-Type") == "image/jpeg", "\(url): \(picture.status)")
            let stored = try Data(contentsOf: lab.file(url))
            #expect(picture.body.prefix(3) == Data([0xFF, 0xD8, 0xFF]) && picture.body == stored, "\(url) is the stored JPEG")
            let other = try await lab.lab.request("GET", url, token: lab.operatorB)
            #expect(other.status == 404 && other.errorCode == "media_not_found", "operator B holds no lease on \(url): \(other.status)")
        }
        // Operator B takes the other choice: its frames are theirs, A's stay closed to them (and B's to A).
        let servedB = try await next(lab, lab.operatorB)
        let framesB = try frames(of: servedB, "operator B")
        let urlsB = framesB.compactMap { $0["url"] as? String }
        #expect(Set(urlsA).isDisjoint(with: urlsB), "two different choices")
        for url in urlsB {
            #expect(try await lab.lab.request("GET", url, token: lab.operatorB).status == 200, "\(url)")
            #expect(try await lab.lab.request("GET", url, token: lab.operatorA).status == 404, "\(url)")
        }
        #expect(try await lab.lab.request("GET", urlsA[0], token: lab.operatorB).status == 404)

        let choiceA = try #require(framesA[1]["id"] as? String), choiceB = try #require(framesB[2]["id"] as? String)
        for (token, served, choice) in [(lab.operatorA, servedA, choiceA), (lab.operatorB, servedB, choiceB)] {
            let answered = try await lab.lab.request("POST", "/api/v1/assignments/\(try assignment(served))/answer",
                                                     json: ["answer": ["choice": choice]], token: token)
            #expect(answered.status == 201, "\(answered.status) \(answered.text)")
        }
        #expect(try await lab.lab.request("GET", urlsA[0], token: lab.operatorA).status == 200, "answered: still theirs")

        let export = try await lab.lab.request("GET", "/api/v1/projects/\(project)/export?format=csv", token: lab.client)
        #expect(export.status == 200, "\(export.status) \(export.text)")
        let lines = export.text.split(whereSeparator: \.isNewline).map(String.init)
        let header = (lines.first ?? "").split(separator: ",").map(String.init)
        for column in ["file", "candidate", "frame", "time", "votes", "chosen"] {
            #expect(header.contains(column), "\(header)")
        }
        let rows = lines.dropFirst().map { line in
            Dictionary(uniqueKeysWithValues: zip(header, line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)))
        }
        #expect(rows.count == offered.count, "a row per candidate: \(export.text)")
        let timecode = /^\d{2}:\d{2}:\d{2}\.\d{3}$/
        for row in rows {
            #expect(row["file"] == "stills.mp4", "\(row)")
            let frame = try #require(row["frame"].flatMap { Int($0) }, "\(row)")
            #expect(row["candidate"] == String(format: "frame-%06d.jpg", frame), "\(row)")
            let time = try #require(row["time"])
            #expect(time.wholeMatch(of: timecode) != nil, "HH:MM:SS.mmm: \(time)")
            let parts = time.split(separator: ":").compactMap { Double($0) }
            if parts.count == 3 {
                let seconds = parts[0] * 3600 + parts[1] * 60 + parts[2]
                #expect(abs(seconds * 25 - Double(frame)) < 0.51, "frame \(frame) at \(time)")
            }
            let chosen = [choiceA, choiceB].contains(String(format: "frame-%06d", frame))
            #expect(row["chosen"] == (chosen ? "1" : "0"), "\(row)")
            #expect(row["votes"] == (chosen ? "1" : "0"), "\(row)")
        }
        #expect(rows.filter { $0["chosen"] == "1" }.count == 2, "one chosen frame per choice")
    }

    @Test("five different pictures still make choices of 3 or 4 frames")
    func fivePictures() async throws {
        let lab = try await ProgrammeLab.start()
        defer { Task { await lab.stop() } }
        let project = try await lab.project("thumbnail-choice")
        let upload = try await lab.upload(project, [("five.mp4", try await ProgrammeMedia.stills(5, seconds: 1.8))])
        #expect(upload.status == 201, "\(upload.text)")
        let jobs = try await lab.settledJobs(project)
        try #require(jobs.first?["state"] as? String == "ready", "\(jobs)")
        let payloads = try await lab.payloads(project)
        #expect(!payloads.isEmpty)
        for payload in payloads {
            #expect((3...4).contains(payload.frames?.count ?? 0), "a choice of \(payload.options ?? [])")
            #expect(payload.options == payload.frames?.map(\.id))
        }
    }

    @Test("a client makes projects of the video templates over HTTP, as of every other template")
    func videoTemplatesOverHTTP() async throws {
        let lab = try await ProgrammeLab.start()
        defer { Task { await lab.stop() } }
        for (template, labels) in [("thumbnail-choice", nil), ("frame-boxes", ["face"])] as [(String, [String]?)] {
            var body: [String: Any] = ["name": "Tonight's news: \(template)", "template": template, "overlap": 1, "goldRate": 0]
            if let labels { body["labels"] = labels }
            let created = try await lab.lab.request("POST", "/api/v1/projects", json: body, token: lab.client)
            #expect(created.status == 201 && created.json["template"] as? String == template, "\(template): \(created.status) \(created.text)")
        }
    }

    /// A lab on `folder` as a server or `annolab import` opens it, without the HTTP server or its job runner.
    func openLab(_ folder: URL) async throws -> LabServer {
        try await LabServer.open(store: try LabStore(folder: folder), options: .init(
            host: "127.0.0.1", port: 0, webFolder: repositoryRoot.appendingPathComponent("Web"),
            tasksFolder: repositoryRoot.appendingPathComponent("Tasks"), logLevel: .critical))
    }

    /// An audio-tags project with 25 seconds of sound stored as a programme, its job not yet run.
    func storedProgramme(_ server: LabServer) async throws -> (project: Int64, job: MediaJob) {
        let newsroom = try await server.store.createClient(name: "Newsroom")
        let project = try await server.store.createProject(Project(
            clientId: try #require(newsroom.id), name: "Music in tonight's news", template: .audioTags, labels: ["music", "speech"],
            overlap: 1, adaptiveMin: nil, adaptiveMax: nil, goldRate: 0, deadline: nil, createdAt: Date()), actor: nil)
        server.engine.projectChanged(project)
        let projectId = try #require(project.id)
        let file = temporaryFolder("programme").appendingPathComponent("news.m4a")
        try await ProgrammeMedia.sound(seconds: 25).write(to: file)
        let report = try await server.importer.importFiles([], programmes: [UploadedProgramme(name: "news.m4a", url: file, owned: false)],
                                                           into: projectId, strict: true, actor: nil)
        #expect(report.imported == 1 && report.microtasks == 0, "\(report)")
        let jobs = try await server.store.mediaJobs(projectId: projectId)
        try #require(jobs.count == 1 && jobs[0].state == .waiting, "\(jobs)")
        return (projectId, jobs[0])
    }

    @Test("a job cut off by a stop is done again from the start when the lab opens again, and its microtasks are made once")
    func restartResumes() async throws {
        let folder = temporaryFolder("programme-restart")
        let before = try await openLab(folder)
        let (project, job) = try await storedProgramme(before)
        // The server stopped half way: the job is `working`, with a half-written sound file.
        try await before.store.updateMediaJob(id: try #require(job.id), state: .working, progress: 0.5)
        let item = try #require(try await before.store.item(id: job.itemId))
        let itemFolder = before.store.mediaFolder.appendingPathComponent(item.mediaPath)
        try Data("RIFF, and then the server stopped".utf8).write(to: itemFolder.appendingPathComponent("sound.wav"))
        #expect(try await before.store.microtasks(projectId: project).isEmpty)

        let after = try await openLab(folder)
        #expect(try await after.store.unfinishedMediaJobs().map(\.id) == [job.id])
        await after.programmeJobs.runAll()
        let ready = try await after.store.mediaJobs(projectId: project)
        #expect(ready.map(\.state) == [.ready] && ready.first?.progress == 1 && ready.first?.reason == nil, "\(ready)")
        let clips = try await after.store.microtasks(projectId: project).map {
            try #require(try JSONDecoder().decode(MicrotaskPayload.self, from: Data($0.payload.utf8)).audio)
        }
        #expect(clips.map(\.start) == [0, 10, 20], "25 seconds are clips from 0, 10 and 20 s: \(clips)")
        let sound = try WaveSound(contentsOf: itemFolder.appendingPathComponent("sound.wav"))
        #expect(abs(sound.duration - 25) < 0.1, "the sound was made again: \(sound.duration) s")

        // Running the jobs again, and opening the lab once more, changes nothing.
        await after.programmeJobs.runAll()
        let again = try await openLab(folder)
        await again.programmeJobs.runAll()
        #expect(try await again.store.microtasks(projectId: project).count == 3, "no microtask twice")
        #expect(try await again.store.mediaJobs(projectId: project) == ready, "the job is left as it was")
        try? FileManager.default.removeItem(at: folder)
    }

    @Test("two runners on one data folder (a server and annolab import) make a programme's microtasks once")
    func twoRunnersAtOnce() async throws {
        let folder = temporaryFolder("programme-two-runners")
        let server = try await openLab(folder)
        let command = try await openLab(folder)
        let (project, _) = try await storedProgramme(server)
        async let first: Void = server.programmeJobs.runAll()
        async let second: Void = command.programmeJobs.runAll()
        _ = await (first, second)
        let jobs = try await server.store.mediaJobs(projectId: project)
        #expect(jobs.map(\.state) == [.ready], "\(jobs)")
        let starts = try await server.store.microtasks(projectId: project).compactMap {
            try JSONDecoder().decode(MicrotaskPayload.self, from: Data($0.payload.utf8)).audio?.start
        }
        #expect(starts == [0, 10, 20], "each clip once: \(starts)")
        try? FileManager.default.removeItem(at: folder)
    }

    @Test("a programme that cannot be prepared (one plain colour for a thumbnail) fails with a plain reason and no microtasks")
    func failedJob() async throws {
        let lab = try await ProgrammeLab.start()
        defer { Task { await lab.stop() } }
        let project = try await lab.project("thumbnail-choice")
        let upload = try await lab.upload(project, [("plain.mp4", try await ProgrammeMedia.plainColour(seconds: 2))])
        #expect(upload.status == 201 && upload.json["imported"] as? Int == 1, "the probe finds nothing wrong: \(upload.text)")
        let jobs = try await lab.settledJobs(project)
        #expect(jobs.count == 1 && jobs.first?["state"] as? String == "failed", "\(jobs)")
        let reason = jobs.first?["reason"] as? String ?? ""
        #expect(reason.count > 20 && reason.hasSuffix("."), "a sentence: \(reason)")
        for technical in ["Error Domain", "Swift.", "LabError", "ffmpeg", "exit", "stderr"] {
            #expect(!reason.contains(technical), "plain words, not \(technical): \(reason)")
        }
        #expect(try await lab.store.microtasks(projectId: Int64(project)).isEmpty)
        let view = try await lab.lab.request("GET", "/api/v1/projects/\(project)", token: lab.client)
        #expect((view.json["progress"] as? [String: Any])?["microtasks"] as? Int == 0, "\(view.text)")
        #expect(try await lab.lab.request("POST", "/api/v1/shift/start", token: lab.operatorA).status == 200)
        let nothing = try await lab.lab.request("GET", "/api/v1/tasks/next", token: lab.operatorA)
        #expect(nothing.status == 204, "no task to serve: \(nothing.status) \(nothing.text)")

        // The runner goes on: a good programme after it is prepared.
        let good = try await lab.upload(project, [("stills.mp4", try await ProgrammeMedia.stills(4))])
        #expect(good.status == 201, "\(good.text)")
        let both = try await lab.settledJobs(project, count: 2)
        #expect(both.map { $0["state"] as? String } == ["failed", "ready"], "\(both)")
        #expect(try await lab.payloads(project).map { $0.frames?.count } == [4], "four pictures are one choice of four")
    }
}
