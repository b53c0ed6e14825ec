// The web version of a programme: one small, seekable MP4 that every browser plays.
import AnnolabCore
import Foundation
import Synchronization

extension FFmpeg {
    /// The largest web version made by transcoding: 480p keeps a 10-minute programme near 30 MB
    /// and is sharp enough to judge subtitles, faces and thumbnails on an operator's screen.
    public static let webWidth = 854
    public static let webHeight = 480
    /// The largest picture that is only remuxed when it already plays in a browser: bigger ones
    /// are transcoded, so operators on a slow line do not fetch a 4K stream.
    public static let remuxWidth = 1280
    public static let remuxHeight = 720

    /// Writes the web version of `source` to `target` (an MP4 with its index first, so a browser
    /// can seek before it has the whole file).
    ///
    /// A file that already plays in a browser, at most 1280x720, is only remuxed (well under a
    /// second); anything else is transcoded to H.264 (x264 veryfast, CRF 26) at most 854x480 and
    /// AAC 96 kbit/s. A remux that ffmpeg refuses (odd timestamps) is transcoded instead.
    /// `progress` is called with 0...1, at most four times a second.
    /// The file appears at `target` only when it is complete.
    public func webVersion(of source: URL, probe: ProgrammeProbe, to target: URL,
                           progress: @escaping @Sendable (Double) -> Void) async throws {
        let reporter = ProgressReporter(duration: probe.duration, report: progress)
        let remux = probe.playsInBrowser
            && (probe.video.map { $0.width <= Self.remuxWidth && $0.height <= Self.remuxHeight } ?? true)
        if remux {
            do {
                try await writeAtomically(target, what: "the web version", format: "mp4",
                                          arguments: webArguments(source, probe: probe, remux: true)) { reporter.take($0) }
                progress(1)
                return
            } catch let error as LabError where error.kind == .internalFailure {
                // Fall through to a transcode, which rewrites every timestamp.
            }
        }
        try await writeAtomically(target, what: "the web version", format: "mp4",
                                  arguments: webArguments(source, probe: probe, remux: false)) { reporter.take($0) }
        progress(1)
    }

    /// ffmpeg's arguments for the web version: the programme's picture and first sound only, no
    /// subtitles, data or chapters, and the index (`moov`) in front.
    func webArguments(_ source: URL, probe: ProgrammeProbe, remux: Bool) -> [String] {
        var arguments = Self.quiet + ["-i", Self.fileArgument(source)]
        if probe.video != nil { arguments += ["-map", "0:V:0"] }
        if probe.audio != nil { arguments += ["-map", "0:a:0"] }
        arguments += ["-sn", "-dn", "-map_metadata", "-1", "-map_chapters", "-1"]
        if remux {
            arguments += ["-c", "copy"]
        } else {
            if probe.video != nil {
                arguments += [
                    "-vf", "scale=w='min(\(Self.webWidth),iw)':h='min(\(Self.webHeight),ih)'"
                        + ":force_original_aspect_ratio=decrease:force_divisible_by=2,setsar=1,format=yuv420p",
                    "-c:v", "libx264", "-preset", "veryfast", "-crf", "26", "-profile:v", "high",
                ]
            }
            if probe.audio != nil { arguments += ["-c:a", "aac", "-b:a", "96k", "-ac", "2"] }
        }
        return arguments + ["-movflags", "+faststart", "-progress", "pipe:1", "-nostats"]
    }

    /// Runs ffmpeg to write `target` through a temporary name beside it, then moves it into place,
    /// so a killed or failed run never leaves a half-written file under the real name.
    func writeAtomically(_ target: URL, what: String, format: String, arguments: [String],
                         onLine: (@Sendable (String) -> Void)? = nil) async throws {
        let partial = target.deletingLastPathComponent().appending(path: ".partial-\(UUID().uuidString).\(format)")
        defer { try? FileManager.default.removeItem(at: partial) }
        let child = try await runChild(ffmpegPath, arguments + ["-f", format, "-y", Self.fileArgument(partial)],
                                       seconds: limits.workSeconds, outputLimit: 0, onLine: onLine)
        try Task.checkCancellation()
        guard child.succeeded else { throw Self.preparationFailed(what, child) }
        _ = try? FileManager.default.removeItem(at: target)
        try FileManager.default.moveItem(at: partial, to: target)
    }
}

/// Turns ffmpeg's `out_time_us=` lines into fractions of the programme, no more than four a second,
/// so a job runner that writes progress to the database is not flooded.
final class ProgressReporter: Sendable {
    private let duration: Double
    private let report: @Sendable (Double) -> Void
    private let lastReport = Mutex<ContinuousClock.Instant?>(nil)

    init(duration: Double, report: @escaping @Sendable (Double) -> Void) {
        self.duration = duration
        self.report = report
    }

    func take(_ line: String) {
        guard duration > 0, line.hasPrefix("out_time_us="), let micro = Double(line.dropFirst("out_time_us=".count)) else { return }
        let now = ContinuousClock.now
        let due = lastReport.withLock { last -> Bool in
            if let last, now - last < .milliseconds(250) { return false }
            last = now
            return true
        }
        if due { report(min(1, max(0, micro / 1_000_000 / duration))) }
    }
}
