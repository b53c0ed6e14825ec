// What SubRip and WebVTT reading share: the limits, a cue being read, byte tests and the refusals.

/// Line reading, time reading and markup removal shared by ``SubRip`` and ``WebVTT``.
public enum SubtitleParsing {
    /// The most cues one file may hold. A feature film has about 1,500 and a full day of
    /// broadcast about 30,000; more than this is a broken or hostile file.
    public static let maximumCueCount = 100_000
    /// The longest line, in UTF-8 bytes. Real subtitle lines are under 100 characters; a
    /// longer line means this is not a subtitle file (or is one without line breaks).
    public static let maximumLineLength = 16 * 1024

    enum Style {
        case subRip, webVTT

        var exampleRange: String { self == .subRip ? "00:01:02,500 --> 00:01:05,000" : "00:01:02.500 --> 00:01:05.000" }
        var formatName: String { self == .subRip ? "SRT" : "WebVTT" }
    }

    struct PendingCue {
        var lineNumber: Int
        var start: Double
        var end: Double
        var settings: String
        var identifier: String?
        var textLines: [Range<Int>]
    }

    static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0C }

    static func trim(_ bytes: [UInt8], _ range: Range<Int>) -> Range<Int> {
        var lower = range.lowerBound, upper = range.upperBound
        while lower < upper, isSpace(bytes[lower]) { lower += 1 }
        while upper > lower, isSpace(bytes[upper - 1]) { upper -= 1 }
        return lower..<upper
    }

    static func trimTrailing(_ bytes: [UInt8], _ range: Range<Int>) -> Range<Int> {
        var upper = range.upperBound
        while upper > range.lowerBound, isSpace(bytes[upper - 1]) { upper -= 1 }
        return range.lowerBound..<upper
    }

    static func string(_ bytes: [UInt8], _ range: Range<Int>) -> String {
        String(decoding: bytes[range], as: UTF8.self)
    }

    static func containsArrow(_ bytes: [UInt8], _ range: Range<Int>) -> Bool {
        arrowPosition(bytes, range) != nil
    }

    static func arrowPosition(_ bytes: [UInt8], _ range: Range<Int>) -> Int? {
        var i = range.lowerBound
        while i + 2 < range.upperBound {
            if bytes[i] == 0x2D, bytes[i + 1] == 0x2D, bytes[i + 2] == 0x3E { return i }
            i += 1
        }
        return nil
    }

    static func isNumber(_ bytes: [UInt8], _ range: Range<Int>) -> Bool {
        !range.isEmpty && range.count <= 12 && bytes[range].allSatisfy { $0 >= 0x30 && $0 <= 0x39 }
    }

    static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

    static func refuseEmpty(_ bytes: [UInt8]) throws {
        let blank = bytes.allSatisfy { isSpace($0) || $0 == 0x0A || $0 == 0x0D }
        if blank {
            throw LabError(
                .unprocessable, "subtitle_empty",
                "The subtitle file is empty: it has no subtitles. Please upload the file that holds the subtitles."
            )
        }
    }

    static func refuseNoCues(_ cues: [SubtitleCue], style: Style) throws -> [SubtitleCue] {
        if cues.isEmpty {
            throw LabError(
                .unprocessable, "subtitle_no_cues",
                "This \(style.formatName) file has no subtitles: no line has a time range like \(style.exampleRange). Please check that you chose the right file."
            )
        }
        return cues
    }

    static func append(_ pending: PendingCue, bytes: [UInt8], to cues: inout [SubtitleCue]) throws {
        guard cues.count < maximumCueCount else {
            throw LabError(
                .unprocessable, "subtitle_too_many_cues",
                "This file has more than \(maximumCueCount) subtitles (line \(pending.lineNumber) starts one more), more than any programme has. Please split it or check that it is not damaged."
            )
        }
        // The text is joined as bytes so that one String is made per cue, not one per line.
        var text: [UInt8] = []
        for (n, range) in pending.textLines.enumerated() {
            if n > 0 { text.append(0x0A) }
            text.append(contentsOf: bytes[range])
        }
        cues.append(SubtitleCue(
            index: cues.count + 1, start: pending.start, end: pending.end,
            text: String(decoding: text, as: UTF8.self), identifier: pending.identifier, settings: pending.settings
        ))
    }
}
