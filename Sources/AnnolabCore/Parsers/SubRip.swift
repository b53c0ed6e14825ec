// Reads SubRip (.srt) subtitle files as leniently as video players do, and holds what SRT and WebVTT share.
import Foundation

/// One subtitle of a programme: when it is shown and what it says.
///
/// Both ``SubRip`` and ``WebVTT`` produce these; a `subtitle-check` microtask shows a few of
/// them next to the sound they belong to.
public struct SubtitleCue: Sendable, Equatable {
    /// The 1-based position of the cue in its file (not the number written in an SRT file,
    /// which is often missing or wrong; that is ``identifier``).
    public var index: Int
    /// When the cue appears, in seconds from the start of the programme (read to the millisecond).
    public var start: Double
    /// When the cue disappears, in seconds; never before ``start``.
    public var end: Double
    /// The cue's lines joined by "\n", markup kept as written (so exports can write it back).
    public var text: String
    /// The words a viewer reads: styling tags (`<i>`, `<b>`, `<font ...>`, `{\an8}`, `<c.x>`,
    /// `<v Name>`, `<00:01.000>`) removed, `&amp;` `&lt;` `&gt;` `&nbsp;` (and a few other
    /// entities) decoded, each line trimmed, empty lines dropped.
    public var plainText: String
    /// The cue's own name: the number before an SRT cue, or a WebVTT cue identifier.
    public var identifier: String?
    /// What follows the end time: WebVTT cue settings (`align:start position:10%`) or SRT
    /// position coordinates (`X1:100 X2:600 Y1:50 Y2:80`); empty when there is nothing.
    public var settings: String

    public init(
        index: Int, start: Double, end: Double, text: String,
        plainText: String? = nil, identifier: String? = nil, settings: String = ""
    ) {
        self.index = index
        self.start = start
        self.end = end
        self.text = text
        self.plainText = plainText ?? SubtitleParsing.plainText(text)
        self.identifier = identifier
        self.settings = settings
    }
}

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

/// Reads SubRip (.srt) subtitles.
///
/// Lenient where players are lenient: a byte order mark, CRLF, CR or LF line ends, cues
/// without index numbers, a comma or a dot before the milliseconds, times without hours
/// (`01:02,500`), one to three (or more, cut to milliseconds) fraction digits, extra blank
/// lines, blank lines inside a cue (dropped), trailing spaces, and position coordinates after
/// the times. Strict where a person must look: a line with `-->` whose times cannot be read,
/// an end before a start, an empty file, no cues at all.
///
/// A cue starts at each line with `-->`. A line of digits just before it is that cue's number;
/// every other non-blank line up to the next cue is text. Lines before the first cue are
/// ignored, as players ignore them.
///
/// Bounds, so that a hostile upload cannot use unbounded memory or time:
/// at most ``SubtitleParsing/maximumCueCount`` cues and
/// ``SubtitleParsing/maximumLineLength`` bytes per line.
public enum SubRip {
    /// Parses SRT bytes in any encoding ``TextDecoding`` knows.
    public static func parse(_ data: Data) throws -> [SubtitleCue] {
        try parse(TextDecoding.decode(data).text)
    }

    /// Parses SRT text.
    public static func parse(_ text: String) throws -> [SubtitleCue] {
        let bytes = Array(text.utf8)
        try SubtitleParsing.refuseEmpty(bytes)
        var lines = SubtitleParsing.Lines(bytes)

        var cues: [SubtitleCue] = []
        var current: SubtitleParsing.PendingCue?
        var previous: (range: Range<Int>, isNumber: Bool, inText: Bool)?

        while let line = try lines.next() {
            let trimmed = SubtitleParsing.trim(bytes, line.range)
            if trimmed.isEmpty {
                previous = nil
                continue
            }
            if SubtitleParsing.containsArrow(bytes, trimmed) {
                var identifier: String?
                if let before = previous, before.isNumber {
                    identifier = SubtitleParsing.string(bytes, before.range)
                    if before.inText { current?.textLines.removeLast() }
                }
                if let finished = current {
                    try SubtitleParsing.append(finished, bytes: bytes, to: &cues)
                }
                let timing = try SubtitleParsing.readTiming(bytes, trimmed, lineNumber: line.number, style: .subRip)
                current = SubtitleParsing.PendingCue(
                    lineNumber: line.number, start: timing.start, end: timing.end,
                    settings: timing.settings, identifier: identifier, textLines: []
                )
                previous = nil
                continue
            }
            let range = SubtitleParsing.trimTrailing(bytes, line.range)
            current?.textLines.append(range)
            previous = (trimmed, SubtitleParsing.isNumber(bytes, trimmed), current != nil)
        }
        if let finished = current {
            try SubtitleParsing.append(finished, bytes: bytes, to: &cues)
        }
        return try SubtitleParsing.refuseNoCues(cues, style: .subRip)
    }
}

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

    struct Line {
        var number: Int
        var range: Range<Int>
    }

    /// Walks the lines of a byte buffer; CRLF, CR and LF all end a line.
    struct Lines {
        let bytes: [UInt8]
        var position = 0
        var number = 0

        init(_ bytes: [UInt8]) {
            self.bytes = bytes
            // Text handed in as a String may still start with a byte order mark.
            if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { position = 3 }
        }

        mutating func next() throws -> Line? {
            guard position < bytes.count else { return nil }
            let start = position
            var end = start
            while end < bytes.count, bytes[end] != 0x0A, bytes[end] != 0x0D { end += 1 }
            number += 1
            if end - start > SubtitleParsing.maximumLineLength {
                throw LabError(
                    .unprocessable, "subtitle_line_too_long",
                    "Line \(number) is \(end - start) characters long; a subtitle line can be at most \(SubtitleParsing.maximumLineLength). This does not look like a subtitle file. Please check that you chose the right file."
                )
            }
            position = end
            if position < bytes.count, bytes[position] == 0x0D {
                position += 1
                if position < bytes.count, bytes[position] == 0x0A { position += 1 }
            } else if position < bytes.count {
                position += 1
            }
            return Line(number: number, range: start..<end)
        }
    }

    struct PendingCue {
        var lineNumber: Int
        var start: Double
        var end: Double
        var settings: String
        var identifier: String?
        var textLines: [Range<Int>]
    }

    struct Timing {
        var start: Double
        var end: Double
        var settings: String
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

    /// Reads `start --> end [settings]`; `range` is the trimmed line.
    static func readTiming(_ bytes: [UInt8], _ range: Range<Int>, lineNumber: Int, style: Style) throws -> Timing {
        func unreadable() -> LabError {
            LabError(
                .unprocessable, "subtitle_bad_time",
                "Line \(lineNumber) has a time that cannot be read: '\(quote(bytes, range))'. Times look like \(style.exampleRange)."
            )
        }
        guard let arrow = arrowPosition(bytes, range) else { throw unreadable() }
        let left = trim(bytes, range.lowerBound..<arrow)
        guard let start = readTime(bytes, left), start.next == left.upperBound else { throw unreadable() }
        var i = arrow + 3
        while i < range.upperBound, isSpace(bytes[i]) { i += 1 }
        guard let end = readTime(bytes, i..<range.upperBound) else { throw unreadable() }
        if end.next < range.upperBound, !isSpace(bytes[end.next]) { throw unreadable() }
        let settings = string(bytes, trim(bytes, end.next..<range.upperBound))
        if end.milliseconds < start.milliseconds {
            throw LabError(
                .unprocessable, "subtitle_end_before_start",
                "Line \(lineNumber): this subtitle ends at \(clock(end.milliseconds, style)) but starts later, at \(clock(start.milliseconds, style)). A subtitle must end after it starts. Please fix its times."
            )
        }
        return Timing(start: Double(start.milliseconds) / 1000, end: Double(end.milliseconds) / 1000, settings: settings)
    }

    /// Reads `[h:]m:s[(,|.)fraction]` at the start of `range`; the time in whole milliseconds
    /// (digits after the third are dropped) and where reading stopped.
    static func readTime(_ bytes: [UInt8], _ range: Range<Int>) -> (milliseconds: Int, next: Int)? {
        var i = range.lowerBound
        var groups: [(value: Int, digits: Int)] = []
        while groups.count < 3 {
            var value = 0, digits = 0
            while i < range.upperBound, isDigit(bytes[i]) {
                guard digits < 6 else { return nil }
                value = value * 10 + Int(bytes[i] - 0x30)
                digits += 1
                i += 1
            }
            guard digits > 0 else { return nil }
            groups.append((value, digits))
            guard i < range.upperBound, bytes[i] == 0x3A, groups.count < 3 else { break }
            i += 1
        }
        guard groups.count >= 2 else { return nil }
        let hours = groups.count == 3 ? groups[0] : (value: 0, digits: 1)
        let minutes = groups[groups.count - 2], seconds = groups[groups.count - 1]
        guard seconds.digits <= 2, seconds.value < 60 else { return nil }
        if groups.count == 3 {
            guard minutes.digits <= 2, minutes.value < 60 else { return nil }
        } else {
            guard minutes.digits <= 4 else { return nil }
        }
        var fraction = 0
        if i < range.upperBound, bytes[i] == 0x2C || bytes[i] == 0x2E {
            i += 1
            var digits = 0
            while i < range.upperBound, isDigit(bytes[i]) {
                guard digits < 9 else { return nil }
                if digits < 3 { fraction = fraction * 10 + Int(bytes[i] - 0x30) }
                digits += 1
                i += 1
            }
            guard digits > 0 else { return nil }
            for _ in min(digits, 3)..<3 { fraction *= 10 }
        }
        let total = ((hours.value * 60 + minutes.value) * 60 + seconds.value) * 1000 + fraction
        return (total, i)
    }

    static func clock(_ milliseconds: Int, _ style: Style) -> String {
        let ms = milliseconds % 1000, totalSeconds = milliseconds / 1000
        let s = totalSeconds % 60, m = (totalSeconds / 60) % 60, h = totalSeconds / 3600
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        let three = ms < 10 ? "00\(ms)" : ms < 100 ? "0\(ms)" : "\(ms)"
        return "\(two(h)):\(two(m)):\(two(s))\(style == .subRip ? "," : ".")\(three)"
    }

    /// A line as it can be shown in an error message: short, with control characters as '?'.
    static func quote(_ bytes: [UInt8], _ range: Range<Int>) -> String {
        let limit = 60
        let shown = range.count > limit ? range.lowerBound..<(range.lowerBound + limit) : range
        let text = String(String.UnicodeScalarView(
            string(bytes, shown).unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? "?" : $0 }
        ))
        return range.count > limit ? text + "..." : text
    }

    /// The text a viewer reads; see ``SubtitleCue/plainText``.
    public static func plainText(_ text: String) -> String {
        let bytes = Array(text.utf8)
        var lines: [String] = []
        var out: [UInt8] = []
        var i = 0
        func finishLine() {
            let line = String(decoding: out, as: UTF8.self).trimmingCharacters(in: .whitespaces)
            if !line.isEmpty { lines.append(line) }
            out.removeAll(keepingCapacity: true)
        }
        while i < bytes.count {
            let byte = bytes[i]
            if byte == 0x0A {
                finishLine()
                i += 1
            } else if byte == 0x3C, i + 1 < bytes.count, isTagStart(bytes[i + 1]),
                      let close = firstIndex(of: 0x3E, in: bytes, from: i + 1) {
                i = close + 1
            } else if byte == 0x7B, i + 1 < bytes.count, bytes[i + 1] == 0x5C,
                      let close = firstIndex(of: 0x7D, in: bytes, from: i + 1) {
                i = close + 1
            } else if byte == 0x26, let entity = readEntity(bytes, at: i) {
                out.append(contentsOf: entity.replacement)
                i = entity.next
            } else {
                out.append(byte)
                i += 1
            }
        }
        finishLine()
        return lines.joined(separator: "\n")
    }

    private static func isTagStart(_ byte: UInt8) -> Bool {
        (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || isDigit(byte) || byte == 0x2F
    }

    /// The closing byte on the same line, so a stray '<' cannot swallow the rest of the cue.
    private static func firstIndex(of target: UInt8, in bytes: [UInt8], from start: Int) -> Int? {
        var j = start
        while j < bytes.count, bytes[j] != 0x0A {
            if bytes[j] == target { return j }
            j += 1
        }
        return nil
    }

    private static let namedEntities: [String: String] = [
        "amp": "&", "lt": "<", "gt": ">", "nbsp": "\u{00A0}", "quot": "\"", "apos": "'",
        "lrm": "\u{200E}", "rlm": "\u{200F}",
    ]

    private static func readEntity(_ bytes: [UInt8], at start: Int) -> (replacement: [UInt8], next: Int)? {
        var j = start + 1
        while j < bytes.count, j - start <= 10, bytes[j] != 0x3B {
            let b = bytes[j]
            guard isDigit(b) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == 0x23 else { return nil }
            j += 1
        }
        guard j < bytes.count, bytes[j] == 0x3B, j > start + 1 else { return nil }
        let name = String(decoding: bytes[(start + 1)..<j], as: UTF8.self)
        if let named = namedEntities[name] { return (Array(named.utf8), j + 1) }
        if name.hasPrefix("#") {
            let digits = name.dropFirst()
            let value = digits.first == "x" || digits.first == "X"
                ? UInt32(digits.dropFirst(), radix: 16) : UInt32(digits, radix: 10)
            if let value, value != 0, let scalar = Unicode.Scalar(value) {
                return (Array(String(scalar).utf8), j + 1)
            }
        }
        return nil
    }
}
