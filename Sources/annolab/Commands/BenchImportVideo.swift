// `annolab bench import --video`: a programme made ready for work, and a gigabyte upload's memory.
import AnnolabCore
import AnnolabMedia
import AnnolabServer
import AnnolabStore
import Foundation

/// Two measurements of programmes, as a newsroom sends them:
///
/// 1. **Ready for work**: a 720p H.264 programme with sound and its subtitles (`--video-minutes`
///    long, made by ffmpeg before the clock starts) is imported into the four projects one
///    programme feeds (subtitle-check, audio-tags, thumbnail-choice, frame-boxes) and every job is
///    run to the end: web version, sound, clips, windows, frames. The time is compared with the
///    programme's length: `realtime_x` = length / time (4 means four times faster than playing it).
///    `--transcode` sends it as MKV, which browsers do not play, so the web version is transcoded.
/// 2. **A 1 GB upload**: a programme of `--upload-mb` (raw video in MKV, made by ffmpeg) is sent by
///    curl to `annolab serve` running as its own process; the server's peak resident memory
///    (VmHWM, reset just before) is compared with its memory before: `upload_rss_growth_mb`.
struct BenchVideo {
    var minutes: Int
    var transcode: Bool
    var uploadMB: Int
    var runs: Int

    func run() async throws {
        guard FFmpeg.isInstalled else { throw CommandFailure(description: "ffmpeg and ffprobe are needed: apt-get install -y ffmpeg") }
        let folder = URL(fileURLWithPath: NSTemporaryDirectory() + "annolab-bench-video-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let seconds = minutes * 60
        let programme = folder.appendingPathComponent(transcode ? "programme.mkv" : "programme.mp4")
        try Self.ffmpeg(Self.programmeArguments(seconds: seconds) + [programme.path])
        let subtitles = BenchImportCommand.srt(cues: seconds / 3)

        var times: [Double] = []
        var microtasks = 0
        for run in 0..<runs {
            let lab = folder.appendingPathComponent("lab-\(run)")
            let store = try LabStore(folder: lab)
            let server = try await LabServer.open(store: store, options: .init(logLevel: .warning))
            let client = try await store.createClient(name: "Benchmark newsroom")
            let base = (programme.lastPathComponent as NSString).deletingPathExtension
            let started = DispatchTime.now().uptimeNanoseconds
            for kind in [TaskKind.subtitleCheck, .audioTags, .thumbnailChoice, .frameBoxes] {
                let labels: [String] = switch kind {
                case .subtitleCheck: SubtitleVerdict.allCases.map(\.rawValue)
                case .audioTags: ["music", "speech"]
                case .frameBoxes: ["face"]
                default: []
                }
                let project = try await store.createProject(
                    Project(clientId: client.id!, name: "Bench \(kind.rawValue)", template: kind, labels: labels, overlap: 3,
                            adaptiveMin: nil, adaptiveMax: nil, goldRate: 0, deadline: nil, createdAt: Date()), actor: nil)
                server.engine.projectChanged(project)
                let files = kind == .subtitleCheck ? [(name: "\(base).srt", data: subtitles)] : []
                let report = try await server.importer.importFiles(
                    files, programmes: [UploadedProgramme(name: programme.lastPathComponent, url: programme, owned: false)],
                    into: project.id!, strict: true, actor: nil)
                guard report.imported == 1 else { throw CommandFailure(description: "The programme was refused: \(report.rejected)") }
            }
            await server.programmeJobs.runAll()
            times.append(Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9)
            var jobs: [MediaJob] = []
            for project in try await store.projects(clientId: nil) { jobs += try await store.mediaJobs(projectId: project.id!) }
            microtasks = try await store.importCounts().microtasks
            let unready = jobs.filter { $0.state != .ready }
            guard unready.isEmpty, microtasks > 0 else {
                throw CommandFailure(description: "Some programmes were not prepared: \(unready.map { $0.reason ?? $0.state.rawValue })")
            }
        }
        let median = times.sorted()[times.count / 2]
        let upload = uploadMB > 0 ? try await uploadGrowth(folder: folder) : (growth: 0, before: 0, seconds: 0)
        say(String(format: "programme_s=%d ready_s=%.1f realtime_x=%.1f min_s=%.1f runs=%d microtasks=%d transcode=%d "
                   + "upload_mb=%d upload_s=%.1f upload_rss_before_mb=%.0f upload_rss_growth_mb=%.1f",
                   seconds, median, Double(seconds) / median, times.min() ?? 0, runs, microtasks, transcode ? 1 : 0,
                   uploadMB, upload.seconds, upload.before, upload.growth))
    }

    /// Sends a programme of `uploadMB` to a server in its own process and reads its memory.
    func uploadGrowth(folder: URL) async throws -> (growth: Double, before: Double, seconds: Double) {
        let big = folder.appendingPathComponent("large-programme.mkv")
        // Raw 720p frames are 1.38 MB each: ffmpeg writes them as fast as the disk takes them.
        let frames = max(1, uploadMB * 1_048_576 / (1280 * 720 * 3 / 2))
        try Self.ffmpeg(["-f", "lavfi", "-i", "testsrc2=size=1280x720:rate=25", "-frames:v", "\(frames)", "-c:v", "rawvideo",
                         "-pix_fmt", "yuv420p", big.path])
        let lab = folder.appendingPathComponent("upload-lab")
        let store = try LabStore(folder: lab)
        let client = try await store.createClient(name: "Benchmark newsroom")
        let user = try await store.createUser(NewUser(role: .client, name: "Bench client", clientId: client.id))
        let token = try await AccountService(store: store).createApiToken(userId: user.id!, label: "bench")
        let project = try await store.createProject(
            Project(clientId: client.id!, name: "Bench upload", template: .audioTags, labels: ["music", "speech"], overlap: 3,
                    adaptiveMin: nil, adaptiveMax: nil, goldRate: 0, deadline: nil, createdAt: Date()), actor: nil)
        let server = try BenchServer(program: CommandLine.arguments[0], data: lab, extra: ["--max-upload-mb", "\(uploadMB + 64)"])
        defer { server.process.terminate() }
        let before = server.residentMB
        _ = server.resetPeak()
        let started = DispatchTime.now().uptimeNanoseconds
        let curl = ChildProcess()
        curl.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        curl.arguments = ["-s", "-o", "/dev/null", "-w", "%{http_code}", "-H", "Authorization: Bearer \(token)",
                          "-F", "file=@\(big.path)", "http://127.0.0.1:\(server.port)/api/v1/projects/\(project.id!)/items"]
        let out = Pipe()
        curl.standardOutput = out
        try curl.run()
        let answered = Int(String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)) ?? 0
        curl.waitUntilExit()
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        guard answered == Self.created else { throw CommandFailure(description: "The large upload was answered \(answered), not 201.") }
        return (server.peakMB - before, before, seconds)
    }

    /// A 720p programme of scenes 15 s long from four different test pictures (colour bars, two
    /// test cards with moving parts, a zooming fractal), with a tone, as
    /// H.264 and AAC: scene changes for the thumbnail and keyframe jobs, as in a real programme.
    static func programmeArguments(seconds: Int) -> [String] {
        // Moving, detailed pictures as a camera gives, not noise: the Game of Life's random cells
        // cost an encoder more than any programme does, and a still gradient far less.
        let sources = ["testsrc2=size=1280x720:rate=25", "smptehdbars=size=1280x720:rate=25",
                       "mandelbrot=size=1280x720:rate=25", "testsrc=size=1280x720:rate=25"]
        let scenes = max(1, (seconds + 14) / 15)
        var arguments: [String] = []
        for n in 0..<scenes {
            arguments += ["-f", "lavfi", "-t", "15", "-i", sources[n % sources.count]]
        }
        arguments += ["-f", "lavfi", "-i", "sine=frequency=330:sample_rate=48000"]
        let chain = (0..<scenes).map { "[\($0):v]format=yuv420p,setsar=1[v\($0)]" }.joined(separator: ";")
        let joined = (0..<scenes).map { "[v\($0)]" }.joined() + "concat=n=\(scenes):v=1:a=0[out]"
        arguments += ["-filter_complex", chain + ";" + joined, "-map", "[out]", "-map", "\(scenes):a", "-t", "\(seconds)",
                      "-c:v", "libx264", "-preset", "ultrafast", "-g", "50", "-c:a", "aac", "-b:a", "96k"]
        return arguments
    }

    /// HTTP 201 Created: the upload was stored.
    static let created = 201

    static func ffmpeg(_ arguments: [String]) throws {
        let process = ChildProcess()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/ffmpeg")
        process.arguments = ["-nostdin", "-hide_banner", "-v", "error", "-y"] + arguments
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw CommandFailure(description: "ffmpeg could not make the benchmark's programme.") }
    }
}
