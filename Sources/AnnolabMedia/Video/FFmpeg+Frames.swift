// Stills from a programme: one decoding pass picks frames by ffmpeg's scene score and writes them as JPEG.
import AnnolabCore
import Foundation

/// A frame written by an extraction pass, before it is kept or left out.
struct FrameCandidate: Sendable {
    var time: Double
    /// ffmpeg's scene score (0...1) against the frame before; above ``FFmpeg/sceneThreshold`` it is a cut.
    var sceneScore: Double
    var jpeg: URL
    var look: FrameLook?

    var isCut: Bool { sceneScore > FFmpeg.sceneThreshold }
}

extension FFmpeg {
    /// A scene score above this is a cut. 0.3 finds hard cuts between shots and leaves out camera
    /// moves and most dissolves, which score 0.02 to 0.15 frame by frame.
    public static let sceneThreshold = 0.3

    /// Decodes the programme's picture once and writes the frames `selection` picks (an expression
    /// of ffmpeg's `select` filter) as JPEG (`-q:v 3`) at the web version's size (at most 854x480).
    ///
    /// The scene score is taken on the decoded frame, before any scaling: measured on a 60-second
    /// 720p programme, that adds 0.1 s to the 1.7 s of decoding, while scaling every frame first
    /// (to 320 or 854 pixels wide) adds 0.6 to 1.1 s. Only the chosen frames are scaled, and no second pass is
    /// needed to write them. With `measure` a 160x90 grey copy of each is written too, for ``FrameLook``.
    func extractFrames(of source: URL, selection: String, into work: URL, measure: Bool) async throws -> [FrameCandidate] {
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        let grey = work.appending(path: "grey.raw")
        var graph = "[0:V:0]select='\(selection)',scale=w='min(\(Self.webWidth),iw)':h='min(\(Self.webHeight),ih)'"
            + ":force_original_aspect_ratio=decrease:force_divisible_by=2,setsar=1,metadata=mode=print:file=pipe\\\\\\:1"
        graph += measure ? ",split=2[big][small];[small]scale=\(FrameLook.width):\(FrameLook.height),format=gray[grey]" : "[big]"
        var arguments = Self.quiet + ["-i", Self.fileArgument(source), "-filter_complex", graph,
                                      "-map", "[big]", "-fps_mode", "passthrough", "-q:v", "3",
                                      "-f", "image2", "-y", Self.fileArgument(work.appending(path: "c-%06d.jpg"))]
        if measure {
            arguments += ["-map", "[grey]", "-fps_mode", "passthrough", "-f", "rawvideo", "-y", Self.fileArgument(grey)]
        }
        let child = try await runChild(ffmpegPath, arguments, seconds: limits.workSeconds, outputLimit: 64 << 20)
        try Task.checkCancellation()
        guard child.succeeded else { throw Self.preparationFailed("the frames", child) }
        var candidates = Self.readPrintedFrames(child.output).enumerated().map { index, frame in
            FrameCandidate(time: frame.time, sceneScore: frame.score,
                           jpeg: work.appending(path: String(format: "c-%06d.jpg", index + 1)), look: nil)
        }
        candidates = candidates.filter { FileManager.default.fileExists(atPath: $0.jpeg.path) }
        if measure, let bytes = try? Data(contentsOf: grey) {
            let all = [UInt8](bytes)
            for index in candidates.indices {
                let start = index * FrameLook.byteCount
                guard start + FrameLook.byteCount <= all.count else { break }
                candidates[index].look = FrameLook(grey: all[start..<(start + FrameLook.byteCount)])
            }
        }
        return candidates
    }

    /// Reads what the `metadata=mode=print` filter wrote: a `frame:N pts:P pts_time:T` line per
    /// frame, followed by its `lavfi.scene_score=S`.
    static func readPrintedFrames(_ output: [UInt8]) -> [(time: Double, score: Double)] {
        var frames: [(time: Double, score: Double)] = []
        for line in String(decoding: output, as: UTF8.self).split(separator: "\n") {
            if line.hasPrefix("frame:"), let field = line.split(separator: " ").first(where: { $0.hasPrefix("pts_time:") }) {
                frames.append((time: Double(field.dropFirst("pts_time:".count)) ?? 0, score: 0))
            } else if line.hasPrefix("lavfi.scene_score="), !frames.isEmpty {
                frames[frames.count - 1].score = Double(line.dropFirst("lavfi.scene_score=".count)) ?? 0
            }
        }
        return frames
    }

    /// Moves the chosen candidates into `folder` as `frame-000123.jpg` (the frame number), sorted by
    /// time, one file per frame number.
    func place(_ chosen: [FrameCandidate], probe: ProgrammeProbe, into folder: URL) throws -> [VideoFrame] {
        var frames: [VideoFrame] = []
        var taken = Set<Int>()
        for candidate in chosen.sorted(by: { $0.time < $1.time }) {
            let number = probe.frameNumber(at: candidate.time)
            guard taken.insert(number).inserted else { continue }
            let name = String(format: "frame-%06d.jpg", number)
            let target = folder.appending(path: name)
            _ = try? FileManager.default.removeItem(at: target)
            try FileManager.default.moveItem(at: candidate.jpeg, to: target)
            let size = try ImageProbe.read(Data(contentsOf: target))
            frames.append(VideoFrame(file: name, frame: number, time: candidate.time, width: size.width, height: size.height))
        }
        return frames
    }

    /// A scratch folder inside `folder` for one extraction, removed by the caller.
    static func workFolder(in folder: URL) -> URL {
        folder.appending(path: ".frames-\(UUID().uuidString)")
    }

    /// Refuses a frame extraction on a programme without picture (the lead asks only for video).
    static func requirePicture(_ probe: ProgrammeProbe) throws {
        if probe.video == nil {
            throw LabError(.unprocessable, "media_no_picture", "The programme has no picture to take frames from.")
        }
    }
}
