// The demo lab's real media: photographs, a LibriVox reading with its subtitles, recorded sounds, and their licences.
import AnnolabCore
import AnnolabServer
import AnnolabStore
import Foundation
import Testing

@Suite("Real media in the demo lab")
struct DemoRealMediaTests {
    let samples = repositoryRoot.appendingPathComponent("Tasks/samples")

    /// The demo lab as `annolab demo` makes it, with its templates and samples from the repository.
    func demoLab() async throws -> LabStore {
        let store = try LabStore(folder: temporaryFolder())
        #expect(try await DemoLab.seedIfEmpty(store: store))
        let server = try await LabServer.open(store: store, options: .init(
            tasksFolder: repositoryRoot.appendingPathComponent("Tasks"), logLevel: .warning))
        try await DemoLab.addSampleMedia(server: server)
        return store
    }

    func payloads(_ store: LabStore, _ project: Project) async throws -> [MicrotaskPayload] {
        try await store.microtasks(projectId: try #require(project.id)).map {
            try JSONDecoder().decode(MicrotaskPayload.self, from: Data($0.payload.utf8))
        }
    }

    /// The cues of an SRT file as a person reads them: start and end in seconds, and the text lines.
    func cues(ofSRT text: String) -> [(start: Double, end: Double, text: String)] {
        func seconds(_ stamp: Substring) -> Double {
            let parts = stamp.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: ",", with: ".").split(separator: ":")
            return parts.reduce(0) { $0 * 60 + (Double($1) ?? .nan) }
        }
        return text.replacingOccurrences(of: "\r\n", with: "\n").components(separatedBy: "\n\n").compactMap { block in
            let lines = block.split(separator: "\n", omittingEmptySubsequences: true)
            guard let timing = lines.firstIndex(where: { $0.contains("-->") }) else { return nil }
            let times = lines[timing].components(separatedBy: "-->")
            return (seconds(Substring(times[0])), seconds(Substring(times[1])), lines[(timing + 1)...].joined(separator: "\n"))
        }
    }

    @Test("a newcomer's demo lab shows the real photographs to box and to choose about, next to the street scenes")
    func photographs() async throws {
        let store = try await demoLab()
        let projects = try await store.projects(clientId: nil)
        let boxes = try #require(projects.first { $0.name.hasPrefix("Real photographs") && $0.template == .imageBoxes })
        let choice = try #require(projects.first { $0.name.hasPrefix("Real photographs") && $0.template == .choice })
        #expect(projects.first { $0.template == .imageBoxes }?.name == "Street scenes: cars and people",
                "the generated street scenes, whose boxes are known, are served first")

        let sizes = ["photo-astronaut.jpg": (512, 512), "photo-cameraman.png": (512, 512), "photo-cat.png": (451, 300),
                     "photo-coffee.jpg": (600, 400), "photo-rocket.jpg": (640, 427)]
        for project in [boxes, choice] {
            let items = try await store.items(projectId: try #require(project.id))
            #expect(items.map(\.fileName) == DemoRealMedia.photographs)
            #expect(items.map(\.mediaType) == ["image/jpeg", "image/png", "image/png", "image/jpeg", "image/jpeg"])
            for item in items {
                let stored = try Data(contentsOf: samples.appendingPathComponent(item.fileName))
                #expect(item.byteCount == stored.count, "\(item.fileName) is stored whole")
            }
            let payloads = try await payloads(store, project)
            #expect(payloads.count == 5, "one microtask per photograph: none is large enough to be cut into tiles")
            for payload in payloads {
                let image = try #require(payload.image)
                let size = try #require(sizes[payload.sourceFile ?? ""])
                #expect(image.width == size.0 && image.height == size.1, "\(payload.sourceFile ?? "")")
                #expect(payload.tile == nil)
                #expect(payload.options == (project.template == .choice ? project.labels : nil))
            }
        }
        #expect(boxes.labels == ["person", "cat", "cup", "camera", "rocket"])
    }

    @Test("the LibriVox reading comes in with its subtitles: every cue becomes part of a microtask, with the reading's sound")
    func subtitledReading() async throws {
        let store = try await demoLab()
        let projects = try await store.projects(clientId: nil)
        let project = try #require(projects.first { $0.name.hasPrefix("Real recording") })
        #expect(project.template == .subtitleCheck)
        let items = try await store.items(projectId: try #require(project.id))
        #expect(items.map(\.fileName) == ["librivox-sonnet-1.srt"], "the WAV is taken as the subtitles' sound, not an item of its own")

        let srt = try String(contentsOf: samples.appendingPathComponent("librivox-sonnet-1.srt"), encoding: .utf8)
        let expected = cues(ofSRT: srt)
        #expect(expected.count == 15)
        let payloads = try await payloads(store, project)
        #expect(payloads.map { $0.cues?.count ?? 0 } == [4, 4, 4, 3], "windows of four cues")
        let imported = payloads.flatMap { $0.cues ?? [] }
        #expect(imported.map(\.text) == expected.map(\.text))
        #expect(imported.map(\.start) == expected.map(\.start))
        #expect(imported.map(\.end) == expected.map(\.end))
        #expect(imported.first?.text == "1" && imported.last?.text == "To eat the world's due,\nby the grave and thee.")
        #expect(imported.last?.end == 53.24)
        for payload in payloads {
            let audio = try #require(payload.audio, "each window carries its piece of the reading")
            let cues = try #require(payload.cues)
            #expect(audio.start <= (cues.first?.start ?? 0) && audio.end >= (cues.last?.end ?? .infinity))
        }
        // The reading really is 53.3 seconds of 16 kHz mono speech.
        let wav = try Data(contentsOf: samples.appendingPathComponent("librivox-sonnet-1.wav"))
        #expect(String(decoding: wav.prefix(4), as: UTF8.self) == "RIFF")
        #expect(abs(Double(wav.count - 44) / 32_000 - 53.27) < 0.01)
    }

    @Test("the sound project hears recorded music, noise, applause and speech after its generated tones")
    func recordedSounds() async throws {
        let store = try await demoLab()
        let projects = try await store.projects(clientId: nil)
        let project = try #require(projects.first { $0.template == .audioTags })
        #expect(project.name == "Programme sound: what do you hear")
        let items = try await store.items(projectId: try #require(project.id)).map(\.fileName)
        #expect(Array(items.suffix(4)) == DemoRealMedia.sounds, "the recorded sounds come after the generated ones")
        #expect(items.count > 4 && items.contains("white-noise.wav"), "the generated sounds stay")
        let payloads = try await payloads(store, project)
        for sound in DemoRealMedia.sounds {
            let clips = payloads.filter { $0.sourceFile == sound }
            #expect(clips.count == 1, "\(sound): each recording is at most 10.7 s, so one clip")
            #expect((clips.first?.audio?.end ?? 0) > 2, "\(sound) lasts more than two seconds")
        }
    }

    @Test("a lab whose template folder has no samples folder gets the generated media only, and no empty project")
    func withoutSamples() async throws {
        let tasks = temporaryFolder("annolab-tasks")
        defer { try? FileManager.default.removeItem(at: tasks) }
        let templates = repositoryRoot.appendingPathComponent("Tasks")
        for name in try FileManager.default.contentsOfDirectory(atPath: templates.path) where name.hasSuffix(".json") {
            try FileManager.default.copyItem(at: templates.appendingPathComponent(name), to: tasks.appendingPathComponent(name))
        }
        let store = try LabStore(folder: temporaryFolder())
        #expect(try await DemoLab.seedIfEmpty(store: store))
        let server = try await LabServer.open(store: store, options: .init(tasksFolder: tasks, logLevel: .warning))
        try await DemoLab.addSampleMedia(server: server)
        let projects = try await store.projects(clientId: nil)
        #expect(projects.count == 4 && !projects.contains { $0.name.hasPrefix("Real") })
        for project in projects {
            let items = try await store.items(projectId: try #require(project.id)).map(\.fileName)
            #expect(!items.isEmpty, "\(project.name) has its generated media")
            #expect(Set(items).isDisjoint(with: DemoRealMedia.sounds + DemoRealMedia.photographs + DemoRealMedia.recording))
        }
    }

    @Test("every file in Tasks/samples has an entry in LICENSES.md, every entry names a file that is there, and the set stays small")
    func everySampleIsLicensed() throws {
        let files = Set(try FileManager.default.contentsOfDirectory(atPath: samples.path)).subtracting([DemoRealMedia.licenceFile])
        let licences = try String(contentsOf: samples.appendingPathComponent(DemoRealMedia.licenceFile), encoding: .utf8)
        let rows = licences.split(separator: "\n").filter { $0.hasPrefix("| `") }
        let entries = rows.compactMap { row in row.split(separator: "`").dropFirst().first.map(String.init) }
        #expect(Set(entries) == files, "listed but missing: \(Set(entries).subtracting(files)); unlisted: \(files.subtracting(entries))")
        #expect(entries.count == Set(entries).count, "one entry per file")
        for row in rows {
            let columns = row.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            #expect(columns.count == 6 && columns.allSatisfy { !$0.isEmpty }, "\(row): what, source, author, licence and changes are all said")
        }
        for name in DemoRealMedia.photographs + DemoRealMedia.recording + DemoRealMedia.sounds + DemoRealMedia.programme {
            #expect(files.contains(name), "\(name) is in Tasks/samples")
        }
        let bytes = try files.reduce(0) { total, name in
            total + (try FileManager.default.attributesOfItem(atPath: samples.appendingPathComponent(name).path)[.size] as? Int ?? 0)
        }
        // A few MB: the photographs, the recordings and one short real programme (about 1 MB of video).
        #expect(bytes < 5 << 20, "the real media stay a few MB: \(bytes) bytes")
    }
}
