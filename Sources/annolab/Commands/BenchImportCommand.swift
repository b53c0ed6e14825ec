// `annolab bench import`: how fast uploads become microtasks (decode, tile, cut, store).
import AnnolabCore
import AnnolabMedia
import AnnolabServer
import AnnolabStore
import ArgumentParser
import Foundation

struct BenchImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import generated pictures, subtitles and sound into a temporary lab and time it.",
        discussion: """
            Makes the files first (not timed): large PNG pictures that are cut into tiles, SRT subtitles with
            their programme WAV, and long WAV files cut into clips. Then imports them through the same path as
            the upload route (`--runs` times, each into a fresh project) and ends with one line of figures.
            """
    )

    @Option(help: "Pictures of 3000x2000 pixels (12 tiles each).")
    var pictures = 4

    @Option(help: "Minutes of sound in the audio-tags WAV (mono, 16 kHz, 16-bit).")
    var soundMinutes = 10

    @Option(help: "Cues in the subtitle file (3 s each, with its programme WAV).")
    var cues = 400

    @Option(help: "Times to repeat the import; the median is reported.")
    var runs = 3

    @Flag(help: "Measure programmes instead: a 720p programme made ready for work in four projects, and a large upload's memory.")
    var video = false

    @Option(help: "With --video: minutes of the 720p programme.")
    var videoMinutes = 10

    @Flag(help: "With --video: send the programme as MKV, so that its web version is transcoded.")
    var transcode = false

    @Option(help: "With --video: MB of the large upload whose memory is measured (0 to leave it out).")
    var uploadMb = 1024

    func run() async throws {
        if video {
            guard videoMinutes >= 1, uploadMb >= 0, runs >= 1 else {
                throw CommandFailure(description: "Give at least 1 minute of programme, 0 or more MB of upload and 1 run.")
            }
            try await BenchVideo(minutes: videoMinutes, transcode: transcode, uploadMB: uploadMb, runs: runs).run()
            return
        }
        guard pictures >= 0, soundMinutes >= 1, cues >= 4, runs >= 1 else {
            throw CommandFailure(description: "Give at least 1 minute of sound, 4 cues and 1 run.")
        }
        let folder = URL(fileURLWithPath: NSTemporaryDirectory() + "annolab-bench-import-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try LabStore(folder: folder)
        let server = try await LabServer.open(store: store, options: .init(logLevel: .warning))
        let client = try await store.createClient(name: "Benchmark newsroom")

        let picturesData = try (0..<pictures).map { n in (name: "picture-\(n).png", data: try Self.picture(seed: UInt64(n))) }
        let sound = Self.wav(seconds: soundMinutes * 60)
        let subtitles = Self.srt(cues: cues)
        let programme = Self.wav(seconds: cues * 3)
        let bytes = picturesData.reduce(0) { $0 + $1.data.count } + sound.count + subtitles.count + programme.count

        var seconds: [Double] = []
        var microtasks = 0
        for run in 0..<runs {
            var projects: [(TaskKind, [String], [(name: String, data: Data)])] = [
                (.audioTags, ["music", "speech"], [(name: "programme.wav", data: sound)]),
                (.subtitleCheck, [], [(name: "news.srt", data: subtitles), (name: "news.wav", data: programme)]),
            ]
            if !picturesData.isEmpty { projects.insert((.imageBoxes, ["car", "person"], picturesData), at: 0) }
            let started = DispatchTime.now().uptimeNanoseconds
            var made = 0
            for (kind, labels, files) in projects {
                let project = try await store.createProject(
                    Project(clientId: client.id!, name: "Bench \(run) \(kind.rawValue)", template: kind, labels: labels, overlap: 3,
                            adaptiveMin: nil, adaptiveMax: nil, goldRate: 0, deadline: nil, createdAt: Date()), actor: nil)
                server.engine.projectChanged(project)
                let report = try await server.importer.importFiles(files, into: project.id!, strict: true, actor: nil)
                made += report.microtasks
            }
            seconds.append(Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9)
            microtasks = made
        }
        let median = seconds.sorted()[seconds.count / 2]
        say(String(format: "files/s=%.1f microtasks/s=%.0f mb/s=%.1f median_s=%.2f min_s=%.2f runs=%d files=%d microtasks=%d mb=%.1f peak_rss_mb=%.0f",
                   Double(picturesData.count + 3) / median, Double(microtasks) / median, Double(bytes) / 1_048_576 / median,
                   median, seconds.min() ?? 0, runs, picturesData.count + 3, microtasks, Double(bytes) / 1_048_576,
                   Self.peakMemoryMB()))
    }

    /// A 3000x2000 picture with a noisy pattern, so that it does not compress to nothing.
    static func picture(seed: UInt64) throws -> Data {
        var random = SplitMix64(seed: seed)
        let width = 3000, height = 2000
        var pixels = [UInt8](repeating: 255, count: width * height * 4)
        for i in stride(from: 0, to: pixels.count, by: 4) {
            let value = UInt8(truncatingIfNeeded: random.next())
            pixels[i] = value
            pixels[i + 1] = value / 2
            pixels[i + 2] = 255 - value
        }
        return try PNGImage.encode(try RGBAImage(width: width, height: height, pixels: pixels))
    }

    static func wav(seconds: Int, rate: Int = 16_000) -> Data {
        func le32(_ v: UInt32) -> Data { withUnsafeBytes(of: v.littleEndian) { Data($0) } }
        func le16(_ v: UInt16) -> Data { withUnsafeBytes(of: v.littleEndian) { Data($0) } }
        let frames = seconds * rate
        var samples = [Int16](repeating: 0, count: frames)
        for n in 0..<frames { samples[n] = Int16(6000 * sin(2 * Double.pi * 440 * Double(n) / Double(rate))) }
        var data = Data("RIFF".utf8) + le32(UInt32(36 + frames * 2)) + Data("WAVEfmt ".utf8) + le32(16) + le16(1) + le16(1)
        data += le32(UInt32(rate)) + le32(UInt32(rate * 2)) + le16(2) + le16(16) + Data("data".utf8) + le32(UInt32(frames * 2))
        samples.withUnsafeBytes { data.append(contentsOf: $0) }
        return data
    }

    static func srt(cues: Int) -> Data {
        var text = ""
        for n in 0..<cues {
            func time(_ s: Int) -> String { String(format: "%02d:%02d:%02d,000", s / 3600, s / 60 % 60, s % 60) }
            text += "\(n + 1)\n\(time(n * 3)) --> \(time(n * 3 + 3))\nDit is ondertitel nummer \(n + 1).\n\n"
        }
        return Data(text.utf8)
    }

    static func peakMemoryMB() -> Double {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
              let kb = Double(line.split(whereSeparator: { $0 == " " || $0 == "\t" })[1]) else { return 0 }
        return kb / 1024
    }
}
