// Stories of uploads: how many microtasks each file becomes, and what happens to bad files.
import AnnolabCore
import AnnolabMedia
import AnnolabServer
import AnnolabStore
import Foundation
import Testing

@Suite("Importing a client's files")
struct ImportTests {
    /// A lab with one project of the kind, and a client token.
    func lab(_ template: String, labels: [String]? = nil, maxUploadBytes: Int? = nil) async throws -> (RunningLab, token: String, project: Int) {
        let lab = try await RunningLab.start(demo: true, maxUploadBytes: maxUploadBytes)
        let token = try await lab.login(["email": "client@demo.local", "password": "demo-client"])
        var body: [String: Any] = ["name": "Upload test", "template": template, "overlap": 3]
        if let labels { body["labels"] = labels }
        let created = try await lab.request("POST", "/api/v1/projects", json: body, token: token)
        return (lab, token, try #require(created.json["id"] as? Int))
    }

    func upload(_ lab: RunningLab, _ token: String, _ project: Int, _ files: [(name: String, data: Data)],
                strict: Bool = false) async throws -> HTTPResult {
        try await lab.request("POST", "/api/v1/projects/\(project)/items\(strict ? "?strict=true" : "")",
                              body: TestMedia.multipart(files), token: token,
                              headers: ["Content-Type": "multipart/form-data; boundary=annolab-test-boundary"])
    }

    func payloads(_ lab: RunningLab, _ project: Int) async throws -> [MicrotaskPayload] {
        try await lab.store.microtasks(projectId: Int64(project)).map {
            try JSONDecoder().decode(MicrotaskPayload.self, from: Data($0.payload.utf8))
        }
    }

    @Test("a 3000x2000 PNG becomes 12 tiles with the right coordinates; a 640x480 PNG one microtask")
    func imageTiles() async throws {
        let (lab, token, project) = try await lab("image-boxes")
        defer { Task { await lab.stop() } }
        let result = try await upload(lab, token, project, [("wide.png", try TestMedia.png(width: 3000, height: 2000))])
        #expect(result.status == 201, "\(result.text)")
        #expect(result.json["imported"] as? Int == 1)
        #expect(result.json["microtasks"] as? Int == 12)
        let tiles = try await payloads(lab, project).compactMap(\.tile)
        #expect(tiles.count == 12)
        // cols = ceil((3000-128)/896) = 4 at x 0, 896, 1792, 2688; rows = ceil((2000-128)/896) = 3 at y 0, 896, 1792.
        #expect(Set(tiles.map(\.x)) == [0, 896, 1792, 2688])
        #expect(Set(tiles.map(\.y)) == [0, 896, 1792])
        let edge = try #require(try await payloads(lab, project).first { $0.tile?.x == 2688 && $0.tile?.y == 1792 })
        #expect(edge.image?.width == 312 && edge.image?.height == 208)
        let inner = try #require(try await payloads(lab, project).first { $0.tile?.x == 896 && $0.tile?.y == 896 })
        #expect(inner.image?.width == 1024 && inner.image?.height == 1024)

        let small = try await upload(lab, token, project, [("small.png", try TestMedia.png(width: 640, height: 480))])
        #expect(small.json["microtasks"] as? Int == 1)
        // The tile files are there and served to the client who uploaded them (an operator only
        // while a task with the tile is theirs).
        let url = try #require(edge.image?.url)
        let tile = try await lab.request("GET", url, token: token)
        #expect(tile.status == 200)
        #expect(try PNGImage.readHeader(tile.body).width == 312)
        #expect(try await lab.request("GET", url).status == 401)
        let operatorToken = try await lab.login(["badge": "OP-0001"])
        #expect(try await lab.request("GET", url, token: operatorToken).status == 404, "no task with this tile is leased to the operator")
    }

    @Test("100 contiguous 3-second cues make 25 windows, as SRT and as WebVTT")
    func subtitleWindows() async throws {
        let (lab, token, project) = try await lab("subtitle-check")
        defer { Task { await lab.stop() } }
        let srt = try await upload(lab, token, project, [("news.srt", TestMedia.srt(cues: 100))])
        #expect(srt.json["microtasks"] as? Int == 25, "\(srt.text)")
        let vtt = try await upload(lab, token, project, [("news.vtt", TestMedia.vtt(cues: 100))])
        #expect(vtt.json["microtasks"] as? Int == 25, "\(vtt.text)")
        let windows = try await payloads(lab, project)
        #expect(windows.allSatisfy { $0.cues?.count == 4 })
        let second = try #require(windows.dropFirst().first?.cues)
        #expect(second.map(\.index) == [5, 6, 7, 8])
        #expect(second.first?.start == 12 && second.last?.end == 24)
    }

    @Test("a subtitle file takes the programme's WAV of the same name: each window gets its sound")
    func subtitlesWithSound() async throws {
        let (lab, token, project) = try await lab("subtitle-check")
        defer { Task { await lab.stop() } }
        let result = try await upload(lab, token, project, [("news.srt", TestMedia.srt(cues: 8)), ("news.wav", TestMedia.wav(seconds: 24))])
        #expect(result.json["imported"] as? Int == 1)
        #expect(result.json["microtasks"] as? Int == 2)
        let audio = try await payloads(lab, project).compactMap(\.audio)
        #expect(audio.map(\.start) == [0, 12])
        #expect(audio.map(\.end) == [12, 24])
    }

    @Test("a 60-second WAV makes 6 clips; a 61-second WAV 6 clips, the last 11 seconds long")
    func audioClips() async throws {
        let (lab, token, project) = try await lab("audio-tags")
        defer { Task { await lab.stop() } }
        let sixty = try await upload(lab, token, project, [("sixty.wav", TestMedia.wav(seconds: 60))])
        #expect(sixty.json["microtasks"] as? Int == 6)
        let clips60 = try await payloads(lab, project).compactMap(\.audio)
        #expect(clips60.map(\.start) == [0, 10, 20, 30, 40, 50])
        #expect(clips60.last?.end == 60)

        let more = try await upload(lab, token, project, [("sixty-one.wav", TestMedia.wav(seconds: 61))])
        #expect(more.json["microtasks"] as? Int == 6)
        let clips61 = try await payloads(lab, project).compactMap(\.audio).dropFirst(6)
        #expect(clips61.map(\.start) == [0, 10, 20, 30, 40, 50])
        #expect(clips61.last?.end == 61)
        // The clip file holds exactly its 11 seconds.
        let clip = try await lab.request("GET", try #require(clips61.last?.url), token: token)
        #expect(abs(try WaveSound(clip.body).duration - 11) < 0.001)
    }

    @Test("a ZIP of files is imported file by file")
    func zipUpload() async throws {
        let (lab, token, project) = try await lab("audio-tags")
        defer { Task { await lab.stop() } }
        let archive = TestMedia.zip([("a.wav", TestMedia.wav(seconds: 20), false), ("folder/b.wav", TestMedia.wav(seconds: 5), true)])
        let result = try await upload(lab, token, project, [("sounds.zip", archive)])
        #expect(result.json["imported"] as? Int == 2, "\(result.text)")
        #expect(result.json["microtasks"] as? Int == 3)
    }

    /// Broken and hostile files; each must be refused with its own reason.
    static func hostileCorpus() throws -> [(name: String, data: Data)] {
        let good = try TestMedia.png(width: 64, height: 48)
        // The header claims 4000 x 3000 pixels (with a correct checksum) over 64 x 48 pixels of data.
        let lyingHeader = TestMedia.withSize(good, width: 4000, height: 3000)
        // The header claims 100000 x 100000 pixels: refused before anything is decoded.
        let hugeButConsistent = TestMedia.withSize(good, width: 100_000, height: 100_000)
        var badCRC = good
        badCRC[good.count - 20] ^= 0xFF
        let wav = TestMedia.wav(seconds: 3)
        let bomb = TestMedia.zip([("bomb.wav", Data(count: 60_000_000), false)])
        var mp3InWav = Data("RIFF".utf8)
        mp3InWav += TestMedia.le32(38)
        mp3InWav += Data("WAVEfmt ".utf8)
        mp3InWav += TestMedia.le32(18)
        mp3InWav += TestMedia.le16(0x55)
        mp3InWav += TestMedia.le16(1)
        mp3InWav += TestMedia.le32(8000)
        mp3InWav += TestMedia.le32(1000)
        mp3InWav += TestMedia.le16(1)
        mp3InWav += TestMedia.le16(0)
        mp3InWav += TestMedia.le16(0)
        mp3InWav += Data("data".utf8)
        mp3InWav += TestMedia.le32(0)
        let corpus: [(name: String, data: Data)] = [
            ("truncated.png", good.prefix(good.count / 2)),
            ("lying-header.png", lyingHeader),
            ("huge.png", hugeButConsistent),
            ("damaged.png", badCRC),
            ("empty.png", Data()),
            ("not-a-picture.png", Data("hello, this is text".utf8)),
            ("garbage-times.srt", Data("1\n00:00:xx,000 --> 00:00:02,000\nHello\n\n".utf8)),
            ("end-before-start.srt", Data("1\n00:00:05,000 --> 00:00:02,000\nHello\n\n".utf8)),
            ("no-cues.srt", Data("just some words\nand more words\n".utf8)),
            ("empty.srt", Data()),
            ("picture-named.srt", good),
            ("no-header.vtt", Data("00:00:01.000 --> 00:00:02.000\nHello\n".utf8)),
            ("data-too-long.wav", TestMedia.wavHeader(dataBytes: 1_000_000, rate: 8000) + wav.suffix(100)),
            ("cut-header.wav", wav.prefix(20)),
            ("mp3-inside.wav", mp3InWav),
            ("empty.wav", Data()),
            ("bomb.zip", bomb),
            ("escape.zip", TestMedia.zip([("../../etc/evil.wav", wav, true)])),
            ("absolute.zip", TestMedia.zip([("/tmp/evil.wav", wav, true)])),
            ("lying-size.zip", TestMedia.zip([("liar.wav", wav, true)], lieAboutSize: 12)),
            ("not-a-zip.zip", Data("PK but not really an archive".utf8)),
            ("notes.docx", Data("a document".utf8)),
            ("picture-named.wav", good),
        ]
        return corpus
    }

    @Test("twenty-odd broken or hostile files each get their own clear reason, and nothing of them is stored")
    func hostileFiles() async throws {
        let corpus = try Self.hostileCorpus()
        #expect(corpus.count >= 20)
        for template in ["image-boxes", "subtitle-check", "audio-tags"] {
            let (lab, token, project) = try await lab(template)
            defer { Task { await lab.stop() } }
            let before = try await lab.store.importCounts()
            let result = try await upload(lab, token, project, corpus)
            #expect(result.status == 201, "\(result.text)")
            #expect(result.json["imported"] as? Int == 0, "\(template): \(result.text)")
            let rejected = try #require(result.json["rejected"] as? [[String: Any]])
            #expect(rejected.count == corpus.count, "\(template): every file is refused once: \(rejected.map { "\($0["file"] ?? "") \($0["code"] ?? "")" })")
            for entry in rejected {
                let reason = entry["reason"] as? String ?? ""
                #expect(reason.count > 15 && reason.hasSuffix("."), "\(template) \(entry)")
                #expect(!reason.contains("Error Domain") && !reason.contains("Swift."), "plain words: \(reason)")
            }
            #expect(try await lab.store.importCounts() == before)
            let mediaFolder = lab.store.mediaFolder.appendingPathComponent("\(project)")
            let written = (try? FileManager.default.contentsOfDirectory(atPath: mediaFolder.path)) ?? []
            #expect(written.isEmpty, "no media files are left behind: \(written)")
            #expect(try await lab.request("GET", "/healthz").text == "ok", "the server is still up")
        }
        // In the picture project, each file's reason code differs from the others, but for the
        // files refused only for being the wrong kind of file for the project.
        let (lab, token, project) = try await lab("image-boxes")
        defer { Task { await lab.stop() } }
        let result = try await upload(lab, token, project, corpus.filter { $0.name.hasSuffix(".png") || $0.name.hasSuffix(".zip") })
        let codes = (result.json["rejected"] as? [[String: Any]] ?? []).compactMap { $0["code"] as? String }
        #expect(Set(codes).count >= 10, "\(result.text)")
    }

    @Test("with strict=true one refused file refuses the whole upload, and nothing is stored")
    func strictUpload() async throws {
        let (lab, token, project) = try await lab("audio-tags")
        defer { Task { await lab.stop() } }
        let result = try await upload(lab, token, project, [("good.wav", TestMedia.wav(seconds: 12)), ("bad.wav", Data("no".utf8))],
                                      strict: true)
        #expect(result.status == 422)
        #expect(result.errorCode == "upload_refused")
        #expect(result.errorMessage?.contains("bad.wav") == true)
        #expect(try await lab.store.importCounts().items == 0)
        let lenient = try await upload(lab, token, project, [("good.wav", TestMedia.wav(seconds: 12)), ("bad.wav", Data("no".utf8))])
        #expect(lenient.json["imported"] as? Int == 1)
        #expect((lenient.json["rejected"] as? [[String: Any]])?.first?["file"] as? String == "bad.wav")
    }

    @Test("an upload over the size limit is refused with 413 and stores nothing")
    func tooLarge() async throws {
        let (lab, token, project) = try await lab("audio-tags", maxUploadBytes: 100_000)
        defer { Task { await lab.stop() } }
        let result = try await upload(lab, token, project, [("long.wav", TestMedia.wav(seconds: 30))])
        #expect(result.status == 413)
        #expect(result.errorCode == "upload_too_large")
        #expect(try await lab.store.importCounts().items == 0)
    }

    @Test("uploads are for the project's own client: an operator gets 403, another client 404")
    func uploadRoles() async throws {
        let (lab, token, project) = try await lab("audio-tags")
        defer { Task { await lab.stop() } }
        let operatorToken = try await lab.login(["badge": "OP-0001"])
        #expect(try await upload(lab, operatorToken, project, [("a.wav", TestMedia.wav(seconds: 3))]).status == 403)
        _ = try await AccountService(store: lab.store).addUser(role: .client, name: "Other newsroom", email: "other@news.local",
                                                               password: "other-pass")
        let other = try await lab.login(["email": "other@news.local", "password": "other-pass"])
        #expect(try await upload(lab, other, project, [("a.wav", TestMedia.wav(seconds: 3))]).status == 404)
        _ = token
    }
}
