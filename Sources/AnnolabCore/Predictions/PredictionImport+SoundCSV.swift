// Reads a sound model's tags from a CSV file: which sound it heard, in which file, from when to when.
//
// Format (the lab's own, as simple as a sound tagger's output gets): a header line
// `file,start,end,tag,score` (the score column may be left out, the columns may come in any
// order), then one line per tag with start and end in seconds. RFC 4180 quoting, so a file
// name may hold a comma.
import Foundation

extension PredictionImport {
    /// The tags of a sound tag CSV, one ``FilePrediction`` per file in the order the files first
    /// appear. A start that is negative or not before the end, a score outside 0...1, an empty
    /// tag or file name and a line with the wrong number of fields are refused with code
    /// `invalid_tag_csv` and the line number.
    public static func soundCSV(_ data: Data) throws -> [FilePrediction] {
        let records: [CrowdCSV.Record]
        do {
            records = try CrowdCSV.parse(data)
        } catch let error as LabError {
            throw refusal(invalidTagCSV, error.message)
        }
        guard let header = records.first else {
            throw refusal(invalidTagCSV, "The tag file is empty. It needs a header line file,start,end,tag,score and one line per tag.")
        }
        let names = header.fields.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        func column(_ name: String) -> Int? { names.firstIndex(of: name) }
        guard let fileColumn = column("file"), let startColumn = column("start"),
              let endColumn = column("end"), let tagColumn = column("tag") else {
            throw refusal(invalidTagCSV, "Line 1 is \"\(names.joined(separator: ",").clippedForMessage)\"; the header must name the columns file,start,end,tag and, if the model gave them, score.")
        }
        let scoreColumn = column("score")
        guard records.count - 1 <= maximumPredictions else {
            throw refusal(invalidTagCSV, "The tag file has \(records.count - 1) tags; at most \(maximumPredictions) can be imported at once. Split it and import the parts.")
        }
        var order: [String] = []
        var byFile: [String: FilePrediction] = [:]
        for record in records.dropFirst() {
            let place = "line \(record.line)"
            guard record.fields.count == header.fields.count else {
                throw refusal(invalidTagCSV, "Line \(record.line) has \(record.fields.count) fields; the header has \(header.fields.count).")
            }
            let file = record.fields[fileColumn].trimmingCharacters(in: .whitespaces)
            guard !file.isEmpty, file.utf8.count <= 1024 else {
                throw refusal(invalidTagCSV, "Line \(record.line) has no usable file name in the file column.")
            }
            let start = try seconds(record.fields[startColumn], "start", at: place)
            let end = try seconds(record.fields[endColumn], "end", at: place)
            guard start >= 0, start < end else {
                throw refusal(invalidTagCSV, "Line \(record.line): the tag runs from \(start) to \(end) seconds; it must start at 0 or later and end after it starts.")
            }
            let tag = try label(record.fields[tagColumn], at: place, code: invalidTagCSV)
            var score: Double?
            if let scoreColumn {
                let text = record.fields[scoreColumn].trimmingCharacters(in: .whitespaces)
                if !text.isEmpty { score = try self.score(text: text, at: place, code: invalidTagCSV) }
            }
            if byFile[file] == nil {
                order.append(file)
                byFile[file] = FilePrediction(fileName: file)
            }
            byFile[file]?.tags.append(PredictedTag(start: start, end: end, tag: tag, score: score))
            guard (byFile[file]?.tags.count ?? 0) <= maximumBoxesPerFile else {
                throw refusal(invalidTagCSV, "Line \(record.line): \(file.clippedForMessage) has more than \(maximumBoxesPerFile) tags; at most that many are taken for one file.")
            }
        }
        return order.compactMap { byFile[$0] }
    }

    private static func seconds(_ text: String, _ field: String, at place: String) throws -> Double {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard let value = Double(trimmed), value.isFinite else {
            throw refusal(invalidTagCSV, "\(place.capitalizedFirst): the \(field) is \"\(trimmed.clippedForMessage)\", not a number of seconds.")
        }
        return value
    }
}
