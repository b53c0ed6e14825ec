// Crowd answer files in, consensus files out: the CSV side of `annolab aggregate`.
//
// The column names follow the two conventions in use: Crowd-Kit's `task,worker,label` and the
// truth-inference benchmark's `question,worker,answer` / `question,truth` (Zheng et al.,
// "Truth Inference in Crowdsourcing: Is the Problem Solved?", VLDB 2017).

import Foundation

/// Operators' answers read from a CSV file.
///
/// ```swift
/// let table = try AnswerTable.parse(Data(contentsOf: url))
/// let coded = try CodedAnswers(table.answers)
/// ```
public struct AnswerTable: Sendable {
    public var answers: [CrowdAnswer]

    public init(answers: [CrowdAnswer]) {
        self.answers = answers
    }

    static let expectedHeader = "task,worker,label (or question,worker,answer)"
    static let wantedColumns = [["task", "question"], ["worker"], ["label", "answer"]]

    /// Reads a file whose header names a task, a worker and a label column, in any order:
    /// `task` or `question`, `worker`, `label` or `answer` (case and spaces around names do not
    /// matter; other columns are ignored). Labels may be any text.
    public static func parse<Bytes: Collection>(_ bytes: Bytes) throws -> AnswerTable where Bytes.Element == UInt8 {
        let records = try CrowdCSV.parse(bytes)
        guard let header = records.first else { throw emptyFileError() }
        let columns = try columnIndex(
            header, wanted: wantedColumns, expected: expectedHeader)
        var answers: [CrowdAnswer] = []
        answers.reserveCapacity(records.count - 1)
        for record in records.dropFirst() {
            try checkWidth(record, header: header)
            let task = record.fields[columns[0]], worker = record.fields[columns[1]], label = record.fields[columns[2]]
            guard !task.isEmpty, !worker.isEmpty else {
                throw emptyFieldError(line: record.line, missing: task.isEmpty ? "task" : "worker")
            }
            answers.append(CrowdAnswer(task: task, worker: worker, label: label))
        }
        return AnswerTable(answers: answers)
    }

    public static func parse(_ text: String) throws -> AnswerTable { try parse(Array(text.utf8)) }

    /// Finds the wanted columns (each by one of its accepted names) in a header record.
    static func columnIndex(_ header: CrowdCSV.Record, wanted: [[String]], expected: String) throws -> [Int] {
        let names = header.fields.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        var columns: [Int] = []
        for accepted in wanted {
            guard let column = names.firstIndex(where: { accepted.contains($0) }) else {
                let found = header.fields.joined(separator: ",")
                throw LabError(.unprocessable, "csv_header",
                               "The first line should be the header \(expected), but it is \"\(found)\": no \(accepted.joined(separator: " or ")) column.")
            }
            columns.append(column)
        }
        return columns
    }

    static func checkWidth(_ record: CrowdCSV.Record, header: CrowdCSV.Record) throws {
        guard record.fields.count == header.fields.count else {
            throw widthError(line: record.line, fields: record.fields.count, headerFields: header.fields.count)
        }
    }

    static func widthError(line: Int, fields: Int, headerFields: Int) -> LabError {
        LabError(.unprocessable, "csv_fields",
                 "Line \(line) has \(fields) field\(fields == 1 ? "" : "s"), but the header has \(headerFields). Check for a missing or extra comma, or put a label with a comma in double quotes.")
    }

    static func emptyFieldError(line: Int, missing: String) -> LabError {
        LabError(.unprocessable, "csv_empty_field",
                 "Line \(line) has an empty \(missing). Every answer needs a task and a worker.")
    }

    static func emptyFileError() -> LabError {
        LabError(.unprocessable, "csv_empty", "The file is empty. It should start with the header \(expectedHeader).")
    }
}

/// Known true labels read from a CSV file with header `question,truth` or `task,label`.
public struct TruthTable: Sendable {
    /// Task to true label; a task listed twice keeps its last label.
    public var truth: [String: String]

    public init(truth: [String: String]) {
        self.truth = truth
    }

    static let expectedHeader = "question,truth (or task,label)"
    static let wantedColumns = [["question", "task"], ["truth", "label", "answer"]]

    static func emptyFileError() -> LabError {
        LabError(.unprocessable, "csv_empty", "The truth file is empty. It should start with the header \(expectedHeader).")
    }

    public static func parse<Bytes: Collection>(_ bytes: Bytes) throws -> TruthTable where Bytes.Element == UInt8 {
        let records = try CrowdCSV.parse(bytes)
        guard let header = records.first else { throw emptyFileError() }
        let columns = try AnswerTable.columnIndex(
            header, wanted: wantedColumns, expected: expectedHeader)
        var truth: [String: String] = [:]
        for record in records.dropFirst() {
            try AnswerTable.checkWidth(record, header: header)
            truth[record.fields[columns[0]]] = record.fields[columns[1]]
        }
        return TruthTable(truth: truth)
    }

    public static func parse(_ text: String) throws -> TruthTable { try parse(Array(text.utf8)) }

    /// The share of tasks whose consensus label equals the truth, over tasks that have both.
    public func accuracy(of rows: [DecodedLabel]) -> (accuracy: Double?, tasks: Int) {
        var tasks = 0, correct = 0
        for row in rows {
            guard let label = row.label, let known = truth[row.task] else { continue }
            tasks += 1
            if label == known { correct += 1 }
        }
        return (tasks > 0 ? Double(correct) / Double(tasks) : nil, tasks)
    }
}

/// Writes consensus labels as CSV.
public enum ConsensusTable {
    /// `task,label,confidence` with a header line, sorted by task: in numeric order when every
    /// task id is an integer, else in string order; confidence with 4 decimals.
    public static func csv(_ rows: [DecodedLabel]) -> String {
        var out = "task,label,confidence\n"
        for row in sortedByTask(rows) {
            out += CrowdCSV.escape(row.task)
            out += ","
            out += CrowdCSV.escape(row.label ?? "")
            out += ","
            out += String(format: "%.4f", row.confidence)
            out += "\n"
        }
        return out
    }

    public static func sortedByTask(_ rows: [DecodedLabel]) -> [DecodedLabel] {
        let numbers = rows.map { Int($0.task) }
        if numbers.allSatisfy({ $0 != nil }) {
            return zip(numbers, rows).sorted { a, b in
                a.0! != b.0! ? a.0! < b.0! : a.1.task < b.1.task
            }.map(\.1)
        }
        return rows.sorted { $0.task < $1.task }
    }
}
