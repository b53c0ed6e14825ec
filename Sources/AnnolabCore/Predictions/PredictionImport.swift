// Reads what a client's model predicted from the files its tools write, refusing anything doubtful with a reason.
import Foundation

/// Turns prediction files into ``FilePrediction`` values: Label Studio tasks with `predictions`
/// (and what a Label Studio ML backend's `/predict` returns), COCO detection results beside the
/// COCO file that names the images, Ultralytics YOLO label files with a confidence column, and a
/// sound tag CSV.
///
/// Every reader checks everything before it returns: a box outside its picture, a score that is
/// not between 0 and 1, a label nobody could read, a number that is not a number. A client's
/// file that is wrong is refused as a whole with a ``LabError`` (kind `.unprocessable`) whose
/// message says what is wrong and where (task N, result N, line N), so the client can fix the
/// file; people are never asked to verify a box the lab could not place.
///
/// ```swift
/// let predictions = try PredictionImport.cocoResults(resultsBytes, images: cocoFileBytes)
/// for prediction in predictions { print(prediction.fileName, prediction.regions.count) }
/// ```
public enum PredictionImport {
    /// More predictions than this in one file are refused; larger sets come in parts.
    public static let maximumPredictions = 100_000
    /// More boxes than this for one picture are refused: no model finds that many real objects,
    /// and every box may become a person's microtask.
    public static let maximumBoxesPerFile = 10_000
    /// A label longer than this is not a label a person can check.
    public static let maximumLabelLength = 200

    /// Codes of the refusals, one per format, so a script can tell which file was wrong.
    static let invalidPredictions: LabError.Code = "invalid_predictions"
    static let invalidCOCOResults: LabError.Code = "invalid_coco_results"
    static let invalidYOLO: LabError.Code = "invalid_yolo"
    static let invalidTagCSV: LabError.Code = "invalid_tag_csv"

    static func refusal(_ code: LabError.Code, _ message: String) -> LabError {
        LabError(.unprocessable, code, message)
    }

    // MARK: Telling the uploaded files apart

    /// Whether the bytes look like COCO detection results: a JSON list whose first item has
    /// `image_id`, `category_id` and `bbox`.
    public static func isCOCOResults(_ data: Data) -> Bool {
        guard startsWith(data, "["), let first = parse(data)?.arrayValue?.first?.objectValue else { return false }
        return first["image_id"] != nil && first["category_id"] != nil && first["bbox"] != nil
    }

    /// Whether the bytes look like a COCO file that names images: an object with `images` and
    /// `categories` lists.
    public static func isCOCOFile(_ data: Data) -> Bool {
        guard startsWith(data, "{"), let root = parse(data)?.objectValue else { return false }
        return root["images"]?.arrayValue != nil && root["categories"]?.arrayValue != nil
    }

    /// Whether the bytes look like Label Studio tasks: one task object with a `data` object, or
    /// a list whose first item is one.
    public static func isLabelStudioTasks(_ data: Data) -> Bool {
        guard startsWith(data, "[") || startsWith(data, "{"), let root = parse(data) else { return false }
        let first = root.arrayValue?.first ?? root
        return first.objectValue?["data"]?.objectValue != nil
    }

    // MARK: Shared checks

    /// JSON through the project's own reader (which also refuses nesting too deep to be data).
    static func parse(_ data: Data) -> ExportJSON? {
        ExportJSON.parse(data)
    }

    /// Whether the first byte that is not white space (after a byte order mark) is `mark`.
    static func startsWith(_ data: Data, _ mark: Character) -> Bool {
        var bytes = data[...]
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
        guard let byte = bytes.first(where: { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }) else { return false }
        return mark.asciiValue == byte
    }

    /// A JSON number as a `Double`, or nil for anything else (strings, booleans, null).
    static func number(_ value: ExportJSON?) -> Double? {
        switch value {
        case .int(let whole)?: return Double(whole)
        case .number(let text)?:
            guard let value = Double(text), value.isFinite else { return nil }
            return value
        default: return nil
        }
    }

    /// A number that must be there and finite, or a refusal naming `field` at `place`.
    static func requiredNumber(_ value: ExportJSON?, _ field: String, at place: String, code: LabError.Code) throws -> Double {
        guard let number = number(value) else {
            let found = value.map(describe) ?? "nothing"
            throw refusal(code, "\(place.capitalizedFirst): \"\(field)\" must be a number, but it is \(found).")
        }
        return number
    }

    /// A model's confidence: absent or null is fine, otherwise a number from 0 to 1.
    static func score(_ value: ExportJSON?, at place: String, code: LabError.Code) throws -> Double? {
        guard let value, value != .null else { return nil }
        guard let score = number(value), (0...1).contains(score) else {
            throw refusal(code, "\(place.capitalizedFirst): the score is \(describe(value)); a score is a number from 0 to 1.")
        }
        return score
    }

    /// A score read from text (YOLO, CSV), from 0 to 1.
    static func score(text: String, at place: String, code: LabError.Code) throws -> Double {
        guard let score = Double(text), score.isFinite, (0...1).contains(score) else {
            throw refusal(code, "\(place.capitalizedFirst): the score is \"\(text.clippedForMessage)\"; a score is a number from 0 to 1.")
        }
        return score
    }

    /// A label people will read: not empty, not longer than ``maximumLabelLength`` characters.
    static func label(_ text: String, at place: String, code: LabError.Code) throws -> String {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else {
            throw refusal(code, "\(place.capitalizedFirst): the label is empty. Every box, choice and tag needs a label.")
        }
        // Counting bytes first keeps a huge label from being walked character by character.
        guard trimmed.utf8.count <= maximumLabelLength * 4, trimmed.count <= maximumLabelLength else {
            throw refusal(code, "\(place.capitalizedFirst): the label is \(trimmed.utf8.count) bytes long; a label has at most \(maximumLabelLength) characters.")
        }
        return trimmed
    }

    /// A short, safe description of a JSON value for a message.
    static func describe(_ value: ExportJSON) -> String {
        switch value {
        case .null: return "null"
        case .bool(let flag): return flag ? "true" : "false"
        case .int, .number: return value.text()
        case .string(let text): return "the text \"\(text.clippedForMessage)\""
        case .array: return "a list"
        case .object: return "an object"
        }
    }
}

extension String {
    /// The text cut to 40 characters for a message, so a hostile value cannot flood it.
    var clippedForMessage: String {
        prefix(41).count > 40 ? String(prefix(40)) + "…" : self
    }

    /// The sentence with its first letter in capitals ("task 3" starts a message as "Task 3").
    var capitalizedFirst: String {
        prefix(1).uppercased() + dropFirst()
    }
}
