// ffmpeg and ffprobe as the lab runs them: fixed programs, argument lists, time and memory limits.
import AnnolabCore
import Foundation

/// Runs Debian's ffmpeg and ffprobe on programmes the lab has stored.
///
/// Every child gets an argument list (never a shell), dies with the server, and is killed when its
/// time limit passes or the calling task is cancelled, so a hostile file cannot leave work behind.
///
/// ```swift
/// let ffmpeg = FFmpeg()
/// let probe = try await ffmpeg.probe(folder.appending(path: "original.mp4"))
/// try await ffmpeg.webVersion(of: original, probe: probe, to: folder.appending(path: "programme.mp4")) { _ in }
/// ```
public struct FFmpeg: Sendable {
    public var limits: MediaLimits
    public var ffmpegPath: String
    public var ffprobePath: String

    public init(limits: MediaLimits = MediaLimits(), ffmpeg: String = "/usr/bin/ffmpeg", ffprobe: String = "/usr/bin/ffprobe") {
        self.limits = limits
        self.ffmpegPath = ffmpeg
        self.ffprobePath = ffprobe
    }

    /// True when both programs are on this machine, so video can be taken at all.
    public static var isInstalled: Bool {
        FileManager.default.isExecutableFile(atPath: "/usr/bin/ffmpeg")
            && FileManager.default.isExecutableFile(atPath: "/usr/bin/ffprobe")
    }

    /// The extensions the lab treats as programmes (video or compressed sound) to probe.
    public static let programmeExtensions: Set<String> = [
        "mp4", "m4v", "mov", "mkv", "webm", "mp3", "m4a", "aac", "ogg", "oga", "opus", "flac",
    ]

    /// True when the name's extension is one of ``programmeExtensions``.
    public static func isProgramme(_ fileName: String) -> Bool {
        programmeExtensions.contains((fileName as NSString).pathExtension.lowercased())
    }
}
