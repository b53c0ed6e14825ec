// WebVTT with the lab's findings: every cue as it was, and a NOTE before each cue the consensus or a subtitle rule flagged.
//
// Syntax: W3C, "WebVTT: The Web Video Text Tracks Format" (Candidate Recommendation), sections
// 4.1 (file structure, cues, NOTE comment blocks) and 4.2.1 (cue text escapes).
import Foundation

/// Writes a subtitle file's cues as WebVTT with the subtitle-check verdicts and the subtitle
/// rules' findings as NOTE blocks.
///
/// The file is `WEBVTT`, a blank line, then per cue in index order: for a flagged cue (a
/// verdict other than `correct`, or a cue a subtitle rule flagged at import) a comment block
/// ```
/// NOTE cue 3: text-error (confidence 0.9100)
/// Proposed correction: Goede avond.
/// Rule reading-speed (advice): This cue may be too fast to read: 24.4 characters per second (the limit is 20).
/// ```
/// then the cue itself: its index as identifier, `HH:MM:SS.mmm --> HH:MM:SS.mmm`, and its text.
/// The first line gives the people's verdict (`no verdict yet` while nobody decided); an
/// undecided or correct cue without findings gets no note. The correction line is there when a
/// correction was proposed; one `Rule` line per finding, hard rules first, in English.
///
/// What the spec requires, and how it is kept:
/// - Cue text may not hold `&` or `<` unescaped, nor a blank line (which ends the cue); `&`,
///   `<` and `>` are written `&amp;` `&lt;` `&gt;` (so no cue line can hold `-->` either) and
///   blank lines are left out.
/// - A NOTE may not hold `-->` nor a blank line; `-->` is written `- ->` and blank lines are
///   left out. NOTE text is not unescaped by players, so it is written as it is otherwise.
/// - Times are never negative and an end never comes before its start.
///
/// ```swift
/// let vtt = WebVTTExport().write(file)                 // one file
/// let files = try WebVTTExport().write(files: all)     // ["journaal.vtt": ..., ...]
/// ```
public struct WebVTTExport: Sendable {
    public init() {}

    /// One WebVTT file per subtitle file, at its upload path with the extension `.vtt`.
    public func write(files: [SubtitleFileResult]) throws -> [String: Data] {
        var out: [String: Data] = [:]
        var paths = ExportPath.Registry()
        for file in files.sorted(by: { $0.fileName.utf8.lexicographicallyPrecedes($1.fileName.utf8) }) {
            let path = ExportPath.replacingExtension(of: file.fileName, with: "vtt")
            try paths.claim(path, for: file.fileName)
            out[path] = write(file)
        }
        return out
    }

    public func write(_ file: SubtitleFileResult) -> Data {
        Data(text(file).utf8)
    }

    public func text(_ file: SubtitleFileResult) -> String {
        var out = "WEBVTT\n\n"
        for cue in file.cues.sorted(by: { $0.index < $1.index }) {
            if cue.isFlagged || !cue.findings.isEmpty {
                out += note(for: cue) + "\n\n"
            }
            let start = cue.start.isFinite ? max(cue.start, 0) : 0
            let end = cue.end.isFinite ? max(cue.end, start) : start
            out += "\(cue.index)\n"
            out += ExportNumber.timestamp(start) + " --> " + ExportNumber.timestamp(end) + "\n"
            let text = Self.cueText(cue.text)
            if !text.isEmpty { out += text + "\n" }
            out += "\n"
        }
        return out
    }

    /// The NOTE block for a flagged cue, without the blank line after it.
    func note(for cue: CueResult) -> String {
        var note = cue.verdict.map { "NOTE cue \(cue.index): \(Self.noteText($0)) (confidence \(ExportNumber.fixed(cue.confidence, places: 4)))" }
            ?? "NOTE cue \(cue.index): no verdict yet"
        if let correction = cue.correction.map(Self.noteText), !correction.isEmpty {
            note += "\nProposed correction: " + correction
        }
        let findings = cue.findings.filter { $0.severity == .hard } + cue.findings.filter { $0.severity != .hard }
        for finding in findings {
            note += "\nRule \(finding.rule.rawValue) (\(finding.severity.rawValue)): " + Self.noteText(finding.explanation.en)
        }
        return note
    }

    /// Cue text escaped for WebVTT, its lines kept and blank lines left out.
    static func cueText(_ text: String) -> String {
        lines(text).map { line in
            line.replacingOccurrences(of: "&", with: "&amp;")
                .replacingOccurrences(of: "<", with: "&lt;")
                .replacingOccurrences(of: ">", with: "&gt;")
        }.joined(separator: "\n")
    }

    /// Text safe inside a NOTE block: no `-->`, no blank line.
    static func noteText(_ text: String) -> String {
        var joined = lines(text).joined(separator: "\n")
        while joined.contains("-->") {
            joined = joined.replacingOccurrences(of: "-->", with: "- ->")
        }
        return joined
    }

    /// The non-blank lines of a text, whatever its line endings.
    private static func lines(_ text: String) -> [String] {
        text.replacingOccurrences(of: "\r\n", with: "\n")
            .split(omittingEmptySubsequences: true, whereSeparator: { $0 == "\n" || $0 == "\r" || $0 == "\u{2028}" || $0 == "\u{2029}" })
            .map(String.init)
            .filter { !$0.allSatisfy(\.isWhitespace) }
    }
}
