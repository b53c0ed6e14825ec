// Reads WebVTT (.vtt) subtitle files, the format browsers and streaming services use.
import Foundation

/// Reads WebVTT subtitles into ``SubtitleCue``s.
///
/// Follows the block structure of the W3C WebVTT parser: the file starts with `WEBVTT`
/// (optionally followed by a space or tab and any text, then header lines up to the first
/// blank line); blocks are separated by blank lines; a block whose first or second line holds
/// `-->` is a cue (the first line then being its identifier); `NOTE`, `STYLE` and `REGION`
/// blocks, and blocks that are not cues, are skipped. Cue text ends at a blank line or at a
/// line holding `-->`, which starts the next cue. One leniency beyond the W3C parser: a time
/// line right under the header (no blank line between) still starts a cue. Times may be `mm:ss.ttt` or `hh:mm:ss.ttt`
/// (the same lenient reader as ``SubRip`` is used, so a comma is accepted too); what follows
/// the end time is kept as ``SubtitleCue/settings``.
///
/// Unlike a browser, which skips a cue whose times it cannot read, Annolab refuses the file
/// and names the line: a client would rather fix one line than lose a subtitle unseen.
/// The same bounds as ``SubRip`` apply.
public enum WebVTT {
    /// Parses WebVTT bytes in any encoding ``TextDecoding`` knows.
    public static func parse(_ data: Data) throws -> [SubtitleCue] {
        try parse(TextDecoding.decode(data).text)
    }

    private enum State {
        case header, betweenBlocks, skippingBlock, cueText
    }

    /// Parses WebVTT text.
    public static func parse(_ text: String) throws -> [SubtitleCue] {
        let bytes = Array(text.utf8)
        try SubtitleParsing.refuseEmpty(bytes)
        var lines = SubtitleParsing.Lines(bytes)

        guard let first = try lines.next(), isHeader(bytes, first.range) else {
            throw LabError(
                .unprocessable, "webvtt_missing_header",
                "This file does not start with the line WEBVTT, so it is not a WebVTT file. If it is an SRT file, please give it a name ending in .srt; otherwise add WEBVTT as its first line."
            )
        }

        var cues: [SubtitleCue] = []
        var state = State.header
        var current: SubtitleParsing.PendingCue?
        var identifier: (text: String, lineNumber: Int)?

        func startCue(_ line: SubtitleParsing.Line, trimmed: Range<Int>) throws {
            let timing = try SubtitleParsing.readTiming(bytes, trimmed, lineNumber: line.number, style: .webVTT)
            current = SubtitleParsing.PendingCue(
                lineNumber: identifier?.lineNumber ?? line.number, start: timing.start, end: timing.end,
                settings: timing.settings, identifier: identifier?.text, textLines: []
            )
            identifier = nil
            state = .cueText
        }

        func finishCue() throws {
            if let finished = current {
                try SubtitleParsing.append(finished, bytes: bytes, to: &cues)
            }
            current = nil
        }

        while let line = try lines.next() {
            let trimmed = SubtitleParsing.trim(bytes, line.range)
            let blank = trimmed.isEmpty
            switch state {
            case .header:
                // Some tools forget the blank line after the header; a time line still starts a cue.
                if blank {
                    state = .betweenBlocks
                } else if SubtitleParsing.containsArrow(bytes, trimmed) {
                    try startCue(line, trimmed: trimmed)
                }
            case .skippingBlock:
                if blank { state = .betweenBlocks }
            case .cueText:
                if blank {
                    try finishCue()
                    state = .betweenBlocks
                } else if SubtitleParsing.containsArrow(bytes, trimmed) {
                    try finishCue()
                    try startCue(line, trimmed: trimmed)
                } else {
                    current?.textLines.append(SubtitleParsing.trimTrailing(bytes, line.range))
                }
            case .betweenBlocks:
                if blank {
                    // A one-line block without times is not a cue.
                    identifier = nil
                } else if SubtitleParsing.containsArrow(bytes, trimmed) {
                    try startCue(line, trimmed: trimmed)
                } else if identifier != nil {
                    // Two lines and still no times: not a cue (a stray paragraph); skip it all.
                    identifier = nil
                    state = .skippingBlock
                } else if startsBlock(named: "NOTE", bytes, trimmed)
                            || startsBlock(named: "STYLE", bytes, trimmed)
                            || startsBlock(named: "REGION", bytes, trimmed) {
                    state = .skippingBlock
                } else {
                    identifier = (SubtitleParsing.string(bytes, trimmed), line.number)
                }
            }
        }
        try finishCue()
        return try SubtitleParsing.refuseNoCues(cues, style: .webVTT)
    }

    /// `WEBVTT` alone, or followed by a space or tab and any text.
    private static func isHeader(_ bytes: [UInt8], _ range: Range<Int>) -> Bool {
        startsBlock(named: "WEBVTT", bytes, range)
    }

    /// Whether the line is `name` alone or `name` followed by a space or tab.
    private static func startsBlock(named name: String, _ bytes: [UInt8], _ range: Range<Int>) -> Bool {
        let word = Array(name.utf8)
        guard range.count >= word.count, bytes[range.lowerBound..<(range.lowerBound + word.count)].elementsEqual(word) else {
            return false
        }
        let after = range.lowerBound + word.count
        return after == range.upperBound || SubtitleParsing.isSpace(bytes[after])
    }
}
