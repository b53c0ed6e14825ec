// Programmes uploaded over HTTP: streamed to disk byte for byte, probed, prepared, and played by range.
import AnnolabCore
import AnnolabMedia
import AnnolabServer
import AnnolabStore
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Programmes made by ffmpeg's own test sources, small and short, so each test stays quick.
enum ProgrammeMedia {
    static let ffmpeg = "/usr/bin/ffmpeg"

    /// Both ffmpeg and ffprobe are here: the lab needs them for programmes, the tests to make them.
    static var installed: Bool {
        FileManager.default.isExecutableFile(atPath: ffmpeg) && FileManager.default.isExecutableFile(atPath: "/usr/bin/ffprobe")
    }

    /// Runs ffmpeg with `arguments`, the output named `name` last, and returns the file it wrote.
    static func make(_ name: String, _ arguments: [String]) async throws -> Data {
        let folder = temporaryFolder("programme-media")
        defer { try? FileManager.default.removeItem(at: folder) }
        let output = folder.appendingPathComponent(name)
        let process = ChildProcess()
        process.executableURL = URL(fileURLWithPath: ffmpeg)
        process.arguments = ["-nostdin", "-hide_banner", "-loglevel", "error", "-y"] + arguments + [output.path]
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        let errors = Pipe()
        process.standardError = errors
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do {
                try process.run()
            } catch {
                continuation.resume(throwing: error)
            }
        }
        let said = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        guard status == 0 else {
            throw LabError(.internalFailure, "test_ffmpeg_failed", "ffmpeg could not make \(name): \(said)")
        }
        return try Data(contentsOf: output)
    }

    /// H.264 and AAC, as a newsroom's MP4 usually is: the moving test picture and a tone.
    static func programme(seconds: Double, size: String = "320x180") async throws -> Data {
        try await make("programme.mp4", [
            "-f", "lavfi", "-i", "testsrc2=s=\(size):r=25:d=\(seconds)",
            "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100:duration=\(seconds)",
            "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest", "-movflags", "+faststart",
        ])
    }

    /// Sources that each give a sharp picture, clearly different from the others (as the lab
    /// measures frames: a small grey copy, its edges and a difference hash).
    static let stillSources = [
        "testsrc2", "smptebars", "mandelbrot", "life=mold=10:ratio=0.5:seed=7", "testsrc", "cellauto=seed=5",
    ]

    /// A slide show: the first picture of each source held for `seconds`, cut hard to the next,
    /// with a tone under it. Each still is one thumbnail candidate, whatever the candidate count.
    static func stills(_ count: Int, seconds: Double = 1.5) async throws -> Data {
        let sources = Array(stillSources.prefix(count))
        let frames = Int(seconds * 25)
        var arguments: [String] = []
        var graph = ""
        for (n, source) in sources.enumerated() {
            arguments += ["-f", "lavfi", "-t", "1", "-i", source + (source.contains("=") ? ":" : "=") + "s=320x180:r=25"]
            graph += "[\(n):v]trim=end_frame=1,loop=loop=\(frames - 1):size=1:start=0,setpts=N/25/TB[s\(n)];"
        }
        graph += sources.indices.map { "[s\($0)]" }.joined() + "concat=n=\(sources.count):v=1:a=0,format=yuv420p[v]"
        let total = seconds * Double(sources.count)
        arguments += ["-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100:duration=\(total)",
                      "-filter_complex", graph, "-map", "[v]", "-map", "\(sources.count):a",
                      "-c:v", "libx264", "-preset", "veryfast", "-c:a", "aac", "-shortest", "-movflags", "+faststart"]
        return try await make("stills.mp4", arguments)
    }

    /// One plain colour and a tone: nothing a thumbnail could show.
    static func plainColour(seconds: Double) async throws -> Data {
        try await make("plain.mp4", [
            "-f", "lavfi", "-i", "color=c=0x3366cc:s=320x180:r=25:d=\(seconds)",
            "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100:duration=\(seconds)",
            "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest",
        ])
    }

    /// Sound only, as AAC in an M4A.
    static func sound(seconds: Double) async throws -> Data {
        try await make("sound.m4a", ["-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100:duration=\(seconds)", "-c:a", "aac"])
    }
}

/// A running lab with one client company, its client, a coach and two operators of the coach's
/// group, each signed in with a session of their own; no demo projects, so no other work runs.
final class ProgrammeLab: Sendable {
    let lab: RunningLab
    let client: String
    let operatorA: String
    let operatorB: String

    var store: any LabStoring { lab.store }

    static func start() async throws -> ProgrammeLab {
        let lab = try await RunningLab.start()
        let store = lab.store
        let newsroom = try await store.createClient(name: "Newsroom")
        let company = try #require(newsroom.id)
        let client = try await store.createUser(NewUser(role: .client, name: "Newsroom client", clientId: company))
        let coach = try await store.createUser(NewUser(role: .coach, name: "Coach"))
        let operatorA = try await store.createUser(NewUser(role: .operator, name: "Operator A", badge: "OP-PRGAA1", coachId: coach.id,
                                                           birthdate: "1990-04-01"))
        let operatorB = try await store.createUser(NewUser(role: .operator, name: "Operator B", badge: "OP-PRGBB1", coachId: coach.id,
                                                           birthdate: "1991-05-02"))
        return ProgrammeLab(lab: lab, client: try await session(store, client),
                            operatorA: try await session(store, operatorA), operatorB: try await session(store, operatorB))
    }

    private init(lab: RunningLab, client: String, operatorA: String, operatorB: String) {
        self.lab = lab
        self.client = client
        self.operatorA = operatorA
        self.operatorB = operatorB
    }

    static func session(_ store: any LabStoring, _ user: User) async throws -> String {
        let token = Tokens.newToken()
        try await store.storeToken(userId: try #require(user.id), tokenHash: Tokens.hash(token), kind: .session,
                                   expiresAt: Date().addingTimeInterval(3600), now: Date())
        return token
    }

    func stop() async { await lab.stop() }

    /// A project of the client's, made over HTTP; every microtask needs one answer, no gold.
    func project(_ template: String, labels: [String]? = nil) async throws -> Int {
        var body: [String: Any] = ["name": "Tonight's news: \(template)", "template": template, "overlap": 1, "goldRate": 0]
        if let labels { body["labels"] = labels }
        let created = try await lab.request("POST", "/api/v1/projects", json: body, token: client)
        try #require(created.status == 201, "project: \(created.status) \(created.text)")
        return try #require(created.json["id"] as? Int)
    }

    func upload(_ project: Int, _ files: [(name: String, data: Data)], strict: Bool = false) async throws -> HTTPResult {
        try await lab.request("POST", "/api/v1/projects/\(project)/items\(strict ? "?strict=true" : "")",
                              body: TestMedia.multipart(files), token: client,
                              headers: ["Content-Type": "multipart/form-data; boundary=annolab-test-boundary"])
    }

    /// The project's `jobs`, as the client's page reads them.
    func jobs(_ project: Int) async throws -> [[String: Any]] {
        let view = try await lab.request("GET", "/api/v1/projects/\(project)", token: client)
        try #require(view.status == 200, "project: \(view.status) \(view.text)")
        return view.json["jobs"] as? [[String: Any]] ?? []
    }

    /// Waits (at most `seconds`) until every job of the project is ready or failed, and returns them.
    func settledJobs(_ project: Int, count: Int = 1, seconds: Double = 120) async throws -> [[String: Any]] {
        let deadline = Date().addingTimeInterval(seconds)
        while true {
            let jobs = try await jobs(project)
            let settled = jobs.filter { ["ready", "failed"].contains($0["state"] as? String ?? "") }
            if jobs.count >= count && settled.count == jobs.count { return jobs }
            guard Date() < deadline else {
                Issue.record("the programmes were not prepared within \(Int(seconds)) s: \(jobs)")
                return jobs
            }
            try await Task.sleep(for: .milliseconds(200))
        }
    }

    func payloads(_ project: Int) async throws -> [MicrotaskPayload] {
        try await store.microtasks(projectId: Int64(project)).map {
            try JSONDecoder().decode(MicrotaskPayload.self, from: Data($0.payload.utf8))
        }
    }

    /// The folders written for a project's items (none when the project folder is not there).
    func mediaFolders(_ project: Int) -> [String] {
        let folder = store.mediaFolder.appendingPathComponent("\(project)")
        return ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).sorted()
    }

    /// What waits in the data folder's `incoming/`, where uploads are streamed to.
    func incoming() -> [String] {
        let folder = store.folder.appendingPathComponent("incoming")
        return ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).sorted()
    }

    /// The file on disk behind a media path.
    func file(_ path: String) -> URL {
        store.mediaFolder.appendingPathComponent(String(path.dropFirst("/media/".count)))
    }
}

/// A POST sent over a plain socket with its body in chunked transfer encoding, a few bytes per
/// chunk and each chunk in a write of its own, so the server's parser gets the body in pieces
/// that split the boundary and every CR LF.
enum ChunkedPost {
    struct Answer: Sendable {
        var status: Int
        var text: String
        var json: [String: Any] {
            guard let start = text.firstIndex(of: "{"), let end = text.lastIndex(of: "}") else { return [:] }
            return (try? JSONSerialization.jsonObject(with: Data(text[start...end].utf8))) as? [String: Any] ?? [:]
        }
    }

    /// Sends on a thread of its own: the socket blocks, and the server runs in this process.
    static func send(port: Int, path: String, token: String, contentType: String, body: Data, pieces: [Int]) async throws -> Answer {
        try await withCheckedThrowingContinuation { continuation in
            Thread {
                do {
                    continuation.resume(returning: try sendNow(port: port, path: path, token: token, contentType: contentType,
                                                               body: body, pieces: pieces))
                } catch {
                    continuation.resume(throwing: error)
                }
            }.start()
        }
    }

    static func sendNow(port: Int, path: String, token: String, contentType: String, body: Data, pieces: [Int]) throws -> Answer {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw LabError(.internalFailure, "no_socket", "could not open a socket") }
        defer { close(fd) }
        var timeout = timeval(tv_sec: 60, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var noDelay: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &noDelay, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw LabError(.internalFailure, "no_connection", "could not connect") }
        func write(_ bytes: [UInt8]) throws {
            var sent = 0
            while sent < bytes.count {
                let count = bytes[sent...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                guard count > 0 else { throw LabError(.internalFailure, "send_failed", "the server stopped reading") }
                sent += count
            }
        }
        try write(Array(("POST \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \(token)\r\n"
            + "Content-Type: \(contentType)\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n").utf8))
        let bytes = [UInt8](body)
        var offset = 0, turn = 0
        while offset < bytes.count {
            let size = min(pieces[turn % pieces.count], bytes.count - offset)
            try write(Array("\(String(size, radix: 16))\r\n".utf8) + bytes[offset..<(offset + size)] + [13, 10])
            offset += size
            turn += 1
            if turn % 4 == 0 { usleep(50) }
        }
        try write(Array("0\r\n\r\n".utf8))
        var received = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = recv(fd, &buffer, buffer.count, 0)
            if count <= 0 { break }
            received += buffer[0..<count]
        }
        let text = String(decoding: received, as: UTF8.self)
        let parts = (text.split(separator: "\r\n", maxSplits: 1).first ?? "").split(separator: " ")
        return Answer(status: parts.count > 1 ? Int(parts[1]) ?? 0 : 0, text: text)
    }
}

@Suite("Programmes uploaded over HTTP", .enabled(if: ProgrammeMedia.installed, "needs /usr/bin/ffmpeg and ffprobe"))
struct ProgrammeUploadTests {
    static let boundary = "annolab-test-boundary"

    @Test("an MP4 in an audio-tags project: taken at once with no microtasks, then ready in the background with its clip")
    func videoIntoAudioTags() async throws {
        let lab = try await ProgrammeLab.start()
        defer { Task { await lab.stop() } }
        let project = try await lab.project("audio-tags", labels: ["music", "speech"])
        let result = try await lab.upload(project, [("news.mp4", try await ProgrammeMedia.programme(seconds: 9))])
        #expect(result.status == 201, "\(result.text)")
        #expect(result.json["imported"] as? Int == 1, "\(result.text)")
        #expect(result.json["microtasks"] as? Int == 0, "a programme's microtasks come when it is prepared: \(result.text)")
        #expect((result.json["rejected"] as? [Any])?.isEmpty == true, "\(result.text)")

        let first = try await lab.jobs(project)
        #expect(first.count == 1 && first.first?["file"] as? String == "news.mp4", "\(first)")
        #expect(["waiting", "working", "ready"].contains(first.first?["state"] as? String ?? ""), "\(first)")
        let progress = first.first?["progress"] as? Double ?? -1
        #expect((0...1).contains(progress), "\(first)")

        let jobs = try await lab.settledJobs(project)
        #expect(jobs.first?["state"] as? String == "ready", "\(jobs)")
        #expect(jobs.first?["progress"] as? Double == 1, "\(jobs)")
        #expect(jobs.first?["reason"] == nil, "\(jobs)")
        let view = try await lab.lab.request("GET", "/api/v1/projects/\(project)", token: lab.client)
        #expect((view.json["progress"] as? [String: Any])?["microtasks"] as? Int == 1, "\(view.text)")

        let payloads = try await lab.payloads(project)
        #expect(payloads.count == 1, "9 seconds of sound are one clip of at most 10 seconds")
        let clip = try #require(payloads.first?.audio)
        #expect(clip.start == 0 && abs(clip.end - 9) < 0.1, "\(clip)")
        #expect(clip.url.hasPrefix("/media/\(project)/") && clip.url.hasSuffix("/clip-1.wav"), "\(clip.url)")
        #expect(payloads.first?.video == nil && payloads.first?.image == nil)
        let served = try await lab.lab.request("GET", clip.url, token: lab.client)
        #expect(served.status == 200)
        #expect(abs(try WaveSound(served.body).duration - (clip.end - clip.start)) < 0.01, "the clip holds its stretch of sound")
    }

    @Test("programmes inside a ZIP are taken like uploads of their own: sound into audio-tags, a video with its subtitles into a subtitle check")
    func programmesInsideAZip() async throws {
        let lab = try await ProgrammeLab.start()
        defer { Task { await lab.stop() } }
        let tags = try await lab.project("audio-tags", labels: ["music", "speech"])
        let archive = ZipWriter.archive([(name: "season/episode-1.m4a", data: try await ProgrammeMedia.sound(seconds: 12)),
                                         (name: "season/notes.txt", data: Data("not a programme".utf8))])
        var result = try await lab.upload(tags, [("season.zip", archive)])
        #expect(result.status == 201 && result.json["imported"] as? Int == 1, "\(result.text)")
        #expect((result.json["rejected"] as? [[String: Any]])?.map { $0["file"] as? String } == ["season.zip/season/notes.txt"], "\(result.text)")
        #expect(try await lab.settledJobs(tags).first?["file"] as? String == "season.zip/season/episode-1.m4a")
        #expect(try await lab.payloads(tags).count == 2, "12 seconds of sound are two clips")

        let check = try await lab.project("subtitle-check")
        let subtitles = Data("1\n00:00:01,000 --> 00:00:03,000\nGoedenavond.\n\n2\n00:00:04,000 --> 00:00:06,000\nHet nieuws.\n".utf8)
        let programme = ZipWriter.archive([(name: "news.mp4", data: try await ProgrammeMedia.programme(seconds: 7)),
                                           (name: "news.srt", data: subtitles)])
        result = try await lab.upload(check, [("news.zip", programme)])
        #expect(result.status == 201 && result.json["imported"] as? Int == 1, "the subtitles go with their programme: \(result.text)")
        #expect(try await lab.settledJobs(check).first?["state"] as? String == "ready")
        let windows = try await lab.payloads(check)
        #expect(windows.count == 1 && windows.first?.cues?.count == 2 && windows.first?.video?.url.hasSuffix("/programme.mp4") == true,
                "\(windows)")
    }

    /// WAV samples are any bytes at all: these are CR, LF, dashes, and the boundary but for its
    /// last letter, or without the CR LF that would make it a delimiter.
    static func awkwardWave(seconds: Double, seed: UInt64, ending: String) -> Data {
        let rate = 8000
        let traps = ["\r", "\r\n", "\r\n-", "\r\n--", "\r\r\n--\r\n\r\n", "\r\n--\(boundary.dropLast())", "\r\n--\(boundary.dropLast())X\r\n",
                     "x--\(boundary)", "x\n--\(boundary)--", "\r\n\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\n", "\r\n--\r\n--\r"]
        var samples = [UInt8]()
        var state = seed
        while samples.count < Int(seconds * Double(rate)) * 2 - ending.utf8.count {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let roll = Int(state >> 33)
            switch roll % 5 {
            case 0: samples += Array(traps[roll / 5 % traps.count].utf8) + [UInt8(ascii: "q")]
            case 1: samples += [13, 13, UInt8(ascii: "z")]
            default: samples.append(UInt8(truncatingIfNeeded: roll >> 8))
            }
        }
        samples += Array(ending.utf8)
        if samples.count % 2 == 1 { samples.insert(UInt8(ascii: "q"), at: 0) }
        return TestMedia.wavHeader(dataBytes: UInt32(samples.count), rate: rate) + Data(samples)
    }

    @Test("a body in chunks of a few bytes, split inside every boundary and CR LF, stores each file byte for byte")
    func tinyChunksKeepTheBytes() async throws {
        let lab = try await ProgrammeLab.start()
        defer { Task { await lab.stop() } }
        let project = try await lab.project("audio-tags", labels: ["music", "speech"])
        let first = Self.awkwardWave(seconds: 2.5, seed: 7, ending: "\r")
        let second = Self.awkwardWave(seconds: 3, seed: 11, ending: "\r\n--")
        for wave in [first, second] {
            #expect(wave.range(of: Data("\r\n--\(Self.boundary)".utf8)) == nil, "the file holds no delimiter")
            #expect(wave.range(of: Data("\r\n--".utf8)) != nil && wave.range(of: Data("--\(Self.boundary)".utf8)) != nil)
            #expect(try WaveSound(wave).duration > 2)
        }
        let body = TestMedia.multipart([("first.wav", first), ("second.wav", second)], boundary: Self.boundary)
        let answer = try await ChunkedPost.send(port: try #require(lab.lab.baseURL.port), path: "/api/v1/projects/\(project)/items",
                                                token: lab.client, contentType: "multipart/form-data; boundary=\(Self.boundary)",
                                                body: body, pieces: [1, 2, 3, 5, 7, 1, 11, 4, 13, 2])
        #expect(answer.status == 201, "\(answer.text.suffix(400))")
        #expect(answer.json["imported"] as? Int == 2, "\(answer.text.suffix(400))")
        #expect(answer.json["microtasks"] as? Int == 2, "\(answer.text.suffix(400))")

        let items = try await lab.store.items(projectId: Int64(project))
        #expect(items.map(\.fileName).sorted() == ["first.wav", "second.wav"])
        for (name, sent) in [("first.wav", first), ("second.wav", second)] {
            let item = try #require(items.first { $0.fileName == name })
            let stored = try Data(contentsOf: lab.store.mediaFolder.appendingPathComponent(item.mediaPath).appendingPathComponent("original.wav"))
            #expect(stored.count == sent.count, "\(name): \(stored.count) bytes stored, \(sent.count) sent")
            #expect(stored == sent, "\(name) is stored exactly as sent")
        }
        #expect(lab.incoming().isEmpty, "nothing is left in incoming/: \(lab.incoming())")
    }

    /// Nothing of a refused upload is anywhere: no item, microtask or job, no media folder, nothing in incoming/.
    func expectNothingStored(_ lab: ProgrammeLab, _ project: Int, _ what: String,
                             sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let counts = try await lab.store.importCounts()
        #expect(counts.items == 0 && counts.microtasks == 0, "\(what): \(counts)", sourceLocation: sourceLocation)
        #expect(try await lab.store.mediaJobs(projectId: Int64(project)).isEmpty, "\(what): a job", sourceLocation: sourceLocation)
        #expect(lab.mediaFolders(project).isEmpty, "\(what): \(lab.mediaFolders(project))", sourceLocation: sourceLocation)
        #expect(lab.incoming().isEmpty, "\(what): incoming/ holds \(lab.incoming())", sourceLocation: sourceLocation)
    }

    @Test("a file part without a file name, a body cut off in the middle and a body that is no multipart are refused; nothing stays")
    func brokenBodies() async throws {
        let lab = try await ProgrammeLab.start()
        defer { Task { await lab.stop() } }
        let project = try await lab.project("audio-tags", labels: ["music", "speech"])
        let good = TestMedia.multipart([("good.wav", TestMedia.wav(seconds: 3))], boundary: Self.boundary)
        let goodPart = good.prefix(good.count - "--\(Self.boundary)--\r\n".utf8.count)
        let programme = try await ProgrammeMedia.programme(seconds: 3)

        func post(_ body: Data) async throws -> HTTPResult {
            try await lab.lab.request("POST", "/api/v1/projects/\(project)/items", body: body, token: lab.client,
                                      headers: ["Content-Type": "multipart/form-data; boundary=\(Self.boundary)"])
        }
        // A good file first (already on disk when the second part is read), then a file with no name.
        var unnamed = Data(goodPart)
        unnamed += Data("--\(Self.boundary)\r\nContent-Disposition: form-data; name=\"file\"\r\nContent-Type: video/mp4\r\n\r\n".utf8)
        unnamed += programme.prefix(4000) + Data("\r\n--\(Self.boundary)--\r\n".utf8)
        let nameless = try await post(unnamed)
        #expect(nameless.status == 400 && nameless.errorCode == "file_name_missing", "\(nameless.status) \(nameless.text)")
        try await expectNothingStored(lab, project, "a part without a file name")

        // A good file, then a programme cut off half way, with no closing boundary.
        var cut = Data(goodPart)
        cut += Data("--\(Self.boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"news.mp4\"\r\n\r\n".utf8)
        cut += programme.prefix(programme.count / 2)
        let cutOff = try await post(cut)
        #expect(cutOff.status == 400 && cutOff.errorCode == "multipart_broken", "\(cutOff.status) \(cutOff.text)")
        try await expectNothingStored(lab, project, "a body cut off in the middle")

        // The same cut in the middle of the only file.
        let cutFirst = try await post(good.prefix(good.count / 2))
        #expect(cutFirst.status == 400 && cutFirst.errorCode == "multipart_broken", "\(cutFirst.status) \(cutFirst.text)")
        try await expectNothingStored(lab, project, "the only file cut off")

        // Bytes that never open a part.
        let noParts = try await post(programme.prefix(3000))
        #expect(noParts.status == 400, "\(noParts.status) \(noParts.text)")
        try await expectNothingStored(lab, project, "a body without parts")

        // The lab is none the worse: the good file alone is taken.
        let fine = try await post(good)
        #expect(fine.status == 201 && fine.json["imported"] as? Int == 1, "\(fine.status) \(fine.text)")
        #expect(lab.incoming().isEmpty, "incoming/ holds \(lab.incoming())")
    }

    @Test("a body cut off at the start of a second file, in its headers or just after them, is refused; the first file is not taken alone",
          arguments: ["after the delimiter", "in the headers", "after the headers"])
    func cutInSecondHeaders(cut: String) async throws {
        let lab = try await ProgrammeLab.start()
        defer { Task { await lab.stop() } }
        let project = try await lab.project("audio-tags", labels: ["music", "speech"])
        let good = TestMedia.multipart([("good.wav", TestMedia.wav(seconds: 3))], boundary: Self.boundary)
        let goodPart = good.prefix(good.count - "--\(Self.boundary)--\r\n".utf8.count)
        let delimiter = "--\(Self.boundary)\r\n"
        let second = Data((delimiter + "Content-Disposition: form-data; name=\"file\"; filename=\"second.wav\"\r\n\r\n").utf8)
        let cutAt = ["after the delimiter": delimiter.utf8.count, "in the headers": second.count / 2][cut] ?? second.count
        let result = try await lab.lab.request("POST", "/api/v1/projects/\(project)/items", body: Data(goodPart) + second.prefix(cutAt),
                                               token: lab.client,
                                               headers: ["Content-Type": "multipart/form-data; boundary=\(Self.boundary)"])
        #expect(result.status == 400 && result.errorCode == "multipart_broken", "cut \(cut): \(result.status) \(result.text)")
        try await expectNothingStored(lab, project, "a body cut off \(cut) of a second part")
    }

    /// Set in the child process that runs ``headerByteOutsideASCIIProbe`` alone.
    static let inProbeChild = ProcessInfo.processInfo.environment["ANNOLAB_UPLOAD_PROBE"] == "1"

    @Test("a part header with a byte outside ASCII is refused as broken, and the lab keeps serving (run in a child process)")
    func headerByteOutsideASCII() async throws {
        // A crash in the upload parser would take this whole test run down; the child takes it instead.
        let log = temporaryFolder("upload-probe").appendingPathComponent("child.log")
        FileManager.default.createFile(atPath: log.path, contents: nil)
        let output = try FileHandle(forWritingTo: log)
        let child = ChildProcess()
        child.executableURL = URL(fileURLWithPath: ProcessInfo.processInfo.arguments[0])
        child.arguments = ["--filter", "headerByteOutsideASCIIProbe", "--testing-library", "swift-testing"]
        child.environment = ProcessInfo.processInfo.environment.merging(["ANNOLAB_UPLOAD_PROBE": "1", "SWIFT_BACKTRACE": "enable=no"]) { $1 }
        child.standardInput = FileHandle.nullDevice
        child.standardOutput = output
        child.standardError = output
        let ended: (status: Int32, signalled: Bool) = try await withCheckedThrowingContinuation { continuation in
            child.terminationHandler = { continuation.resume(returning: ($0.terminationStatus, $0.terminationReason == .uncaughtSignal)) }
            do {
                try child.run()
            } catch {
                continuation.resume(throwing: error)
            }
        }
        try? output.close()
        let said = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        let telling = said.split(separator: "\n").filter { $0.contains("Fatal") || $0.contains("✘") || $0.contains("✔") || $0.contains("↳") }
        #expect(!ended.signalled && ended.status == 0,
                "the probe \(ended.signalled ? "crashed with signal" : "ended with") \(ended.status): \(telling.suffix(8).joined(separator: " | "))")
        #expect(said.contains("headerByteOutsideASCIIProbe") || said.contains("outside ASCII"), "the probe ran: \(said.suffix(400))")
    }

    @Test("probe: a part header with a byte outside ASCII (run by the test above, in a child process)", .enabled(if: inProbeChild))
    func headerByteOutsideASCIIProbe() async throws {
        let lab = try await ProgrammeLab.start()
        defer { Task { await lab.stop() } }
        let project = try await lab.project("audio-tags", labels: ["music", "speech"])
        var body = Data("--\(Self.boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.wav\"\r\n".utf8)
        body += Data([0xC3, 0xA9]) + Data("tiquette: 1\r\n\r\n".utf8) + TestMedia.wav(seconds: 3)
        body += Data("\r\n--\(Self.boundary)--\r\n".utf8)
        let result = try await lab.lab.request("POST", "/api/v1/projects/\(project)/items", body: body, token: lab.client,
                                               headers: ["Content-Type": "multipart/form-data; boundary=\(Self.boundary)"])
        #expect(result.status == 400 && result.errorCode == "multipart_broken", "\(result.status) \(result.text)")
        try await expectNothingStored(lab, project, "a header with a byte outside ASCII")
        #expect(try await lab.lab.request("GET", "/healthz").text == "ok", "the server is still up")
    }

    @Test("strict: a good programme beside a text file named .mp4 is refused with 422 and nothing of either is stored")
    func strictRefusesTheWholeUpload() async throws {
        let lab = try await ProgrammeLab.start()
        defer { Task { await lab.stop() } }
        let project = try await lab.project("audio-tags", labels: ["music", "speech"])
        let files: [(name: String, data: Data)] = [("good.mp4", try await ProgrammeMedia.programme(seconds: 3)),
                                                   ("notes.mp4", Data("These are the notes for tonight's programme.\n".utf8))]
        let strict = try await lab.upload(project, files, strict: true)
        #expect(strict.status == 422 && strict.errorCode == "upload_refused", "\(strict.status) \(strict.text)")
        let message = strict.errorMessage ?? ""
        #expect(message.contains("notes.mp4") && !message.contains("good.mp4"), "only the text file is named: \(message)")
        try await expectNothingStored(lab, project, "a strict upload with a refused file")

        // Without strict, the good programme is taken and the text file refused with its reason.
        let loose = try await lab.upload(project, files)
        #expect(loose.status == 201 && loose.json["imported"] as? Int == 1, "\(loose.status) \(loose.text)")
        let rejected = loose.json["rejected"] as? [[String: Any]] ?? []
        #expect(rejected.count == 1 && rejected.first?["file"] as? String == "notes.mp4", "\(rejected)")
        #expect(rejected.first?["code"] as? String == "media_unreadable", "\(rejected)")
        #expect(lab.mediaFolders(project).count == 1, "\(lab.mediaFolders(project))")
        _ = try await lab.settledJobs(project)
    }

    @Test("the web version is served by range: 206 with the asked bytes, the last bytes, 416 past the end, 200 whole")
    func rangeRequests() async throws {
        let lab = try await ProgrammeLab.start()
        defer { Task { await lab.stop() } }
        let project = try await lab.project("subtitle-check")
        let upload = try await lab.upload(project, [("news.mp4", try await ProgrammeMedia.programme(seconds: 6)),
                                                    ("news.srt", TestMedia.srt(cues: 2))])
        #expect(upload.status == 201 && upload.json["imported"] as? Int == 1, "\(upload.text)")
        let jobs = try await lab.settledJobs(project)
        try #require(jobs.first?["state"] as? String == "ready", "\(jobs)")
        let video = try #require(try await lab.payloads(project).first?.video, "a subtitle window of a programme has its video")
        #expect(video.url.hasPrefix("/media/\(project)/") && video.url.hasSuffix("/programme.mp4"), "\(video.url)")
        let file = try Data(contentsOf: lab.file(video.url))
        let size = file.count
        try #require(size > 200)

        let head = try await lab.lab.request("GET", video.url, token: lab.client, headers: ["Range": "bytes=0-99"])
        #expect(head.status == 206)
        #expect(head.body == file.prefix(100), "the first 100 bytes: \(head.body.count) came")
        #expect(head.header("Content-Range") == "bytes 0-99/\(size)")
        #expect(head.header("Content-Type") == "video/mp4")

        let tail = try await lab.lab.request("GET", video.url, token: lab.client, headers: ["Range": "bytes=-10"])
        #expect(tail.status == 206)
        #expect(tail.body == file.suffix(10), "the last 10 bytes: \(tail.body.count) came")
        #expect(tail.header("Content-Range") == "bytes \(size - 10)-\(size - 1)/\(size)")

        let past = try await lab.lab.request("GET", video.url, token: lab.client, headers: ["Range": "bytes=\(size)-"])
        #expect(past.status == 416)
        #expect(past.header("Content-Range") == "bytes */\(size)")

        let whole = try await lab.lab.request("GET", video.url, token: lab.client)
        #expect(whole.status == 200)
        #expect(whole.body == file, "the whole file")
        #expect(whole.header("Accept-Ranges") == "bytes")

        // Ranges open nothing to an operator who holds no lease on the programme.
        let stranger = try await lab.lab.request("GET", video.url, token: lab.operatorB, headers: ["Range": "bytes=0-99"])
        #expect(stranger.status == 404 && stranger.errorCode == "media_not_found", "\(stranger.status)")
    }
}
