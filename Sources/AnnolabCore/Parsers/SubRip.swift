// Reads SubRip (.srt) subtitle files as leniently as video players do.
import Foundation

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
