// The subtitle-check report as CSV: one row per cue with its verdict, confidence and proposed correction.
import Foundation

/// Writes the subtitle-check report as CSV, one row per cue.
///
/// Columns: `file,index,start,end,verdict,confidence,text,correction`, then one column per
/// subtitle rule, named by the rule (`characters-per-line`, `reading-speed`, ...): empty where
/// the cue keeps the rule, else what was measured (e.g. `24.4` characters per second), or `yes`
/// for a rule that finds a shape rather than a number (markup, a bad line break). `file` (the upload name)
/// comes first so that one report can hold several subtitle files; `start` and `end` are
/// seconds with three decimals; `verdict` is empty for an undecided cue; `confidence` has four
/// decimals; `text` and `correction` are written as they are (line breaks included), quoted per
/// RFC 4180 (see ``CSVTable``). Rows are by file name, then cue index.
///
/// ```swift
/// let csv = SubtitleReportCSV().write([file])
/// ```
public struct SubtitleReportCSV: Sendable {
    public static let header = ["file", "index", "start", "end", "verdict", "confidence", "text", "correction"]
        + SubtitleRule.allCases.map(\.rawValue)

    public init() {}

    /// `programmes`: subtitle files checked against a programme (file name -> frame rate, 0
    /// without a picture); when there are any, each row ends with the cue's
    /// `start_time,end_time,start_frame,end_frame` (see ``AudioTagsExport/timecodes(start:end:frameRate:)``).
    public func write(_ files: [SubtitleFileResult], programmes: [String: Double] = [:]) -> Data {
        // Where a reviewer decided any cue, each row says who decided it: "operators" or "reviewer".
        let reviewed = files.contains { $0.cues.contains(where: \.reviewed) }
        var table = CSVTable(header: Self.header + (programmes.isEmpty ? [] : AudioTagsExport.timecodeHeader)
                             + (reviewed ? ["decided_by"] : []))
        for file in files.sorted(by: { $0.fileName.utf8.lexicographicallyPrecedes($1.fileName.utf8) }) {
            for cue in file.cues.sorted(by: { $0.index < $1.index }) {
                table.append([
                    file.fileName, String(cue.index),
                    ExportNumber.fixed(cue.start, places: 3), ExportNumber.fixed(cue.end, places: 3),
                    cue.verdict ?? "", ExportNumber.fixed(cue.confidence, places: 4),
                    cue.text, cue.correction ?? "",
                ] + SubtitleRule.allCases.map { rule in
                    guard let finding = cue.findings.first(where: { $0.rule == rule }) else { return "" }
                    guard let measured = finding.measured else { return "yes" }
                    return measured == measured.rounded() ? ExportNumber.fixed(measured, places: 0) : ExportNumber.fixed(measured, places: 1)
                } + (programmes.isEmpty ? [] : AudioTagsExport.timecodes(start: cue.start, end: cue.end, frameRate: programmes[file.fileName]))
                  + (reviewed ? [cue.reviewed ? "reviewer" : "operators"] : []))
            }
        }
        return table.data()
    }
}
