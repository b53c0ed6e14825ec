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

    public func csv(_ ranges: [TagResult]) -> Data {
        var table = CSVTable(header: Self.header)
        for range in Self.sorted(ranges) {
            table.append([
                range.fileName,
                ExportNumber.fixed(range.start, places: 3), ExportNumber.fixed(range.end, places: 3),
                range.tag, ExportNumber.fixed(range.confidence, places: 4),
            ])
        }
        return table.data()
    }

    public func json(_ ranges: [TagResult]) -> Data {
        ExportJSON.object([
            "ranges": .array(Self.sorted(ranges).map { range in
                .object([
                    "file": .string(range.fileName),
                    "start": .fixed(range.start, places: 3),
                    "end": .fixed(range.end, places: 3),
                    "tag": .string(range.tag),
                    "confidence": .fixed(range.confidence, places: 4),
                ])
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
