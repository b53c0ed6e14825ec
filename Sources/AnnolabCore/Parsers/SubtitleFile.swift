// A whole subtitle upload, SubRip or WebVTT: its cues, its format and the encoding it was written in.
import Foundation

/// A whole subtitle upload: the cues and how the file was written.
///
/// This is the entry point for the import pipeline:
/// ```swift
/// let file = try SubtitleFile.parse(uploadBytes, fileName: "journaal.srt")
/// let windows = try SubtitleWindows.make(from: file.cues)
/// ```
public struct SubtitleFile: Sendable, Equatable {
    public enum Format: String, Sendable, Equatable {
        case subRip = "srt"
        case webVTT = "vtt"
    }

    public var format: Format
    public var encoding: DecodedText.Encoding
    public var cues: [SubtitleCue]

    public init(format: Format, encoding: DecodedText.Encoding, cues: [SubtitleCue]) {
        self.format = format
        self.encoding = encoding
        self.cues = cues
    }

    /// Decodes the bytes (see ``TextDecoding``) and parses them as WebVTT when the text starts
    /// with `WEBVTT` or the file name ends in `.vtt`, and as SubRip otherwise.
    public static func parse(_ data: Data, fileName: String? = nil) throws -> SubtitleFile {
        let decoded = try TextDecoding.decode(data)
        let namedVTT = fileName.map { $0.lowercased().hasSuffix(".vtt") } ?? false
        if decoded.text.hasPrefix("WEBVTT") || namedVTT {
            return SubtitleFile(format: .webVTT, encoding: decoded.encoding, cues: try WebVTT.parse(decoded.text))
        }
        return SubtitleFile(format: .subRip, encoding: decoded.encoding, cues: try SubRip.parse(decoded.text))
    }
}
