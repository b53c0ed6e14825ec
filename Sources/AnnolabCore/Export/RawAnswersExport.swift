// Every raw answer as JSON lines, for clients who run their own aggregation; operators appear only as pseudonyms.
import Foundation

/// Per-project pseudonyms for operators: `operator-1`, `operator-2`, ... in the order the
/// operators first appear in the list given (pass the project's answers oldest first).
///
/// The numbering starts again in every project, so a client cannot follow one person across
/// projects, and it says nothing about the person's account.
///
/// ```swift
/// let pseudonyms = OperatorPseudonyms(operatorIDs: answers.map(\.operatorID))
/// pseudonyms["u-17"]   // "operator-1"
/// ```
public struct OperatorPseudonyms: Sendable {
    private var numbers: [String: Int] = [:]

    public init<S: Sequence>(operatorIDs: S) where S.Element == String {
        for id in operatorIDs where numbers[id] == nil {
            numbers[id] = numbers.count + 1
        }
    }

    /// The pseudonym of an operator, or nil when they gave no answer in the list.
    public subscript(operatorID: String) -> String? {
        numbers[operatorID].map { "operator-\($0)" }
    }

    /// Whether a string has the shape of a pseudonym: `operator-` and a number.
    public static func isPseudonym(_ text: String) -> Bool {
        guard text.hasPrefix("operator-") else { return false }
        let digits = text.dropFirst("operator-".count)
        return !digits.isEmpty && digits.count <= 9 && digits.allSatisfy { $0.isASCII && $0.isNumber }
    }
}

/// Writes raw answers as JSON lines: one compact JSON object per line, keys sorted.
///
/// Each line is `{"answer": {...}, "createdAt": "2026-03-01T09:15:00.000Z", "isGold": false,
/// "kind": "image-boxes", "microtaskId": 12, "operator": "operator-3"}`. `answer` is the stored
/// answer body re-written with sorted keys (a body that is not JSON is kept as a string).
/// Lines are in the order microtask, time, pseudonym; every line ends with `\n`.
///
/// Privacy guard: a row whose operator is not a pseudonym of the shape `operator-<number>`
/// makes the export throw (`export_operator_not_pseudonymous`) instead of writing a name or a
/// badge into a client's file.
///
/// ```swift
/// let jsonl = try RawAnswersExport().write(rows)
/// ```
public struct RawAnswersExport: Sendable {
    public init() {}

    public func write(_ rows: [RawAnswerRow]) throws -> Data {
        var out = ""
        for row in Self.sorted(rows) {
            guard OperatorPseudonyms.isPseudonym(row.operatorPseudonym) else {
                throw LabError(
                    .internalFailure, "export_operator_not_pseudonymous",
                    "The raw answers export stopped because an operator was not given a pseudonym such as operator-1. No file was written, so nobody's identity left the lab.")
            }
            let answer = ExportJSON.parse(Data(row.answerJSON.utf8)) ?? .string(row.answerJSON)
            var fields: [String: ExportJSON] = [
                "answer": answer,
                "createdAt": .string(ExportNumber.isoTimestamp(row.createdAt)),
                "isGold": .bool(row.isGold),
                "kind": .string(row.kind),
                "microtaskId": .int(row.microtaskId),
                "operator": .string(row.operatorPseudonym),
            ]
            // A reviewer's decision says which microtask's label it is.
            if let decides = row.decides { fields["decides"] = .int(decides) }
            out += ExportJSON.object(fields).text()
            out += "\n"
        }
        return Data(out.utf8)
    }

    static func sorted(_ rows: [RawAnswerRow]) -> [RawAnswerRow] {
        rows.sorted { a, b in
            if a.microtaskId != b.microtaskId { return a.microtaskId < b.microtaskId }
            if a.createdAt != b.createdAt { return a.createdAt < b.createdAt }
            return a.operatorPseudonym.utf8.lexicographicallyPrecedes(b.operatorPseudonym.utf8)
        }
    }
}
