// The audio-tags results: where in each sound file which tag was heard, as CSV and as JSON.
import Foundation

/// Writes audio-tags ranges as CSV or JSON.
///
/// CSV columns: `file,start,end,tag,confidence`: the asked-for `start,end,tag,confidence`,
/// with the upload name first so that one file can hold a whole project. Times are seconds
/// with three decimals, confidence has four; quoting per RFC 4180 (see ``CSVTable``).
///
/// JSON: `{"ranges": [{"confidence": 0.97, "end": 20, "file": "show.wav", "start": 0,
/// "tag": "music"}, ...]}`, keys sorted, the same rounding.
///
/// Ranges from programmes (`programmes`: file name -> frame rate, 0 without a picture) also
/// carry timecodes: CSV columns `start_time,end_time,start_frame,end_frame` after the others
/// (`HH:MM:SS.mmm`; frames empty for sound only), JSON `startTime`, `endTime`, `startFrame`, `endFrame`.
///
/// Both list ranges by file name, then start, end and tag, so the output does not depend on
/// the order the ranges were given in.
///
/// ```swift
/// let csv = AudioTagsExport().csv(ranges)
/// let json = AudioTagsExport().json(ranges)
/// ```
public struct AudioTagsExport: Sendable {
    public static let header = ["file", "start", "end", "tag", "confidence"]

    public init() {}

    public static let timecodeHeader = ["start_time", "end_time", "start_frame", "end_frame"]

    public func csv(_ ranges: [TagResult], programmes: [String: Double] = [:]) -> Data {
        var table = CSVTable(header: Self.header + (programmes.isEmpty ? [] : Self.timecodeHeader))
        for range in Self.sorted(ranges) {
            var row = [
                range.fileName,
                ExportNumber.fixed(range.start, places: 3), ExportNumber.fixed(range.end, places: 3),
                range.tag, ExportNumber.fixed(range.confidence, places: 4),
            ]
            if !programmes.isEmpty {
                row += Self.timecodes(start: range.start, end: range.end, frameRate: programmes[range.fileName])
            }
            table.append(row)
        }
        return table.data()
    }

    /// `start_time, end_time, start_frame, end_frame` of a range in a programme (empty for a file
    /// that is not one; frames empty without a picture).
    public static func timecodes(start: Double, end: Double, frameRate: Double?) -> [String] {
        guard let frameRate else { return ["", "", "", ""] }
        let frames = frameRate > 0 ? ["\(Timecode.frame(start, frameRate: frameRate))", "\(Timecode.frame(end, frameRate: frameRate))"] : ["", ""]
        return [Timecode.text(start), Timecode.text(end)] + frames
    }

    public func json(_ ranges: [TagResult], programmes: [String: Double] = [:]) -> Data {
        ExportJSON.object([
            "ranges": .array(Self.sorted(ranges).map { range in
                var fields: [String: ExportJSON] = [
                    "file": .string(range.fileName),
                    "start": .fixed(range.start, places: 3),
                    "end": .fixed(range.end, places: 3),
                    "tag": .string(range.tag),
                    "confidence": .fixed(range.confidence, places: 4),
                ]
                if let frameRate = programmes[range.fileName] {
                    fields["startTime"] = .string(Timecode.text(range.start))
                    fields["endTime"] = .string(Timecode.text(range.end))
                    if frameRate > 0 {
                        fields["startFrame"] = .int(Int64(Timecode.frame(range.start, frameRate: frameRate)))
                        fields["endFrame"] = .int(Int64(Timecode.frame(range.end, frameRate: frameRate)))
                    }
                }
                return .object(fields)
            }),
        ]).data()
    }

    static func sorted(_ ranges: [TagResult]) -> [TagResult] {
        ranges.sorted { a, b in
            if a.fileName != b.fileName { return a.fileName.utf8.lexicographicallyPrecedes(b.fileName.utf8) }
            if a.start != b.start { return a.start < b.start }
            if a.end != b.end { return a.end < b.end }
            return a.tag.utf8.lexicographicallyPrecedes(b.tag.utf8)
        }
    }
}
