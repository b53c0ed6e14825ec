// A crowd answer file read in one pass from its bytes into the integer codes that the consensus
// methods work on: the fast path of `annolab aggregate`, for files of a million answers.

import Foundation

/// Answers read from CSV bytes straight into codes, with the names behind the codes.
///
/// ```swift
/// let file = try FileBytes.withBytes(of: "answers.csv") { try AnswerFile.read($0) }
/// let consensus = DawidSkene().fit(try file.matrix())
/// let csv = file.consensusCSV(consensus)       // task,label,confidence
/// ```
///
/// It gives the same answers, codes, errors and output as `AnswerTable.parse`, then
/// `CodedAnswers` and `ConsensusTable.csv`, which stay the plain reference for small callers;
/// but no field becomes a String: the scanner hands out byte spans and `NameTable` codes them.
/// At a million answers (12 MB) the String path spent well over half a second and about 200 MB
/// before EM could start; this one takes about 50 ms and little more than the three code columns.
public struct AnswerFile: Sendable {
    /// Tasks and workers keep the order in which they first appear.
    public let tasks: NameTable
    public let workers: NameTable
    /// Sorted as `AnswerCodebook.sortedLabels` sorts them: as numbers when every label is one.
    public let labels: NameTable
    let taskColumn: ContiguousArray<Int32>
    let workerColumn: ContiguousArray<Int32>
    let labelColumn: ContiguousArray<Int32>

    /// The number of answers.
    public var count: Int { taskColumn.count }

    /// Reads answers from CSV bytes whose header names a task, a worker and a label column in
    /// any order (see `AnswerTable.parse`).
    public static func read(_ bytes: UnsafeRawBufferPointer) throws -> AnswerFile {
        let scanner = CrowdCSVScanner(bytes)
        do {
            return try read(scanner, byteCount: bytes.count)
        } catch let error as LabError where error.code != .csvOpenQuote {
            throw scanner.openQuoteError() ?? error
        }
    }

    private static func read(_ scanner: CrowdCSVScanner, byteCount: Int) throws -> AnswerFile {
        guard try scanner.next() else { throw AnswerTable.emptyFileError() }
        let columns = try AnswerTable.columnIndex(
            scanner.record(), wanted: AnswerTable.wantedColumns, expected: AnswerTable.expectedHeader)
        let width = scanner.fieldCount
        let (taskField, workerField, labelField) = (columns[0], columns[1], columns[2])

        // An answer takes at least 6 bytes ("1,a,b\n"), so this is never too small; pages of
        // the columns that are never written are never touched, so it costs no memory either.
        let expected = byteCount / 6 + 1
        var taskColumn = ContiguousArray<Int32>(), workerColumn = ContiguousArray<Int32>()
        var labelColumn = ContiguousArray<Int32>()
        taskColumn.reserveCapacity(expected)
        workerColumn.reserveCapacity(expected)
        labelColumn.reserveCapacity(expected)
        var tasks = NameTable(expectedCount: 1 << 12), workers = NameTable(), labels = NameTable()
        // Files list a task's answers together, so the previous task is the likely one.
        var previousTask = UnsafeRawBufferPointer(start: nil, count: 0)
        var previousTaskCode: Int32 = -1

        while try scanner.next() {
            guard scanner.fieldCount == width else {
                throw AnswerTable.widthError(line: scanner.recordLine, fields: scanner.fieldCount, headerFields: width)
            }
            let task = scanner.field(taskField), worker = scanner.field(workerField)
            guard task.count > 0, worker.count > 0 else {
                throw AnswerTable.emptyFieldError(line: scanner.recordLine, missing: task.count == 0 ? "task" : "worker")
            }
            let taskCode: Int32
            if previousTaskCode >= 0 && Self.equal(task, previousTask) {
                taskCode = previousTaskCode
            } else {
                taskCode = tasks.intern(task)
                // Only a span of the input stays valid after the next record.
                previousTask = scanner.isInInput(taskField) ? task : UnsafeRawBufferPointer(start: nil, count: 0)
                previousTaskCode = scanner.isInInput(taskField) ? taskCode : -1
            }
            taskColumn.append(taskCode)
            workerColumn.append(workers.intern(worker))
            labelColumn.append(labels.intern(scanner.field(labelField)))
        }

        // Label codes follow the sorted label names, as in `CodedAnswers`.
        let order = sortedOrder(labels)
        var recode = [Int32](repeating: 0, count: labels.count)
        for (new, old) in order.enumerated() { recode[old] = Int32(new) }
        recode.withUnsafeBufferPointer { recode in
            labelColumn.withUnsafeMutableBufferPointer { column in
                for i in column.indices { column[i] = recode[Int(column[i])] }
            }
        }
        return AnswerFile(tasks: tasks, workers: workers, labels: labels.reordered(order),
                          taskColumn: taskColumn, workerColumn: workerColumn, labelColumn: labelColumn)
    }

    /// The answers as a matrix for the consensus methods.
    public func matrix() throws -> AnswerMatrix {
        try AnswerMatrix(codedTasks: taskColumn, workers: workerColumn, labels: labelColumn,
                         taskCount: tasks.count, workerCount: workers.count, labelCount: labels.count)
    }

    /// The answers with a codebook of Strings, exactly as `CodedAnswers(AnswerTable.parse(...).answers)` gives them.
    public func codedAnswers() throws -> CodedAnswers {
        CodedAnswers(matrix: try matrix(),
                     codebook: AnswerCodebook(tasks: tasks.names, workers: workers.names, labels: labels.names))
    }

    /// The old label codes in the order of `AnswerCodebook.sortedLabels`: by number when every
    /// label is a whole number (equal numbers by text), else by text.
    static func sortedOrder(_ names: NameTable) -> [Int] {
        let codes = Array(0..<names.count)
        let numbers = codes.map { names.integer($0) }
        if numbers.allSatisfy({ $0 != nil }) {
            let values = numbers.map { $0 ?? 0 }
            return codes.sorted { values[$0] != values[$1] ? values[$0] < values[$1] : names.bytesPrecede($0, $1) }
        }
        if names.isASCII { return codes.sorted { names.bytesPrecede($0, $1) } }
        let text = names.names
        return codes.sorted { text[$0] < text[$1] }
    }

    @inline(__always)
    static func equal(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Bool {
        guard a.count == b.count else { return false }
        guard let left = a.baseAddress, let right = b.baseAddress, a.count > 0 else { return true }
        return memcmp(left, right, a.count) == 0
    }
}

// MARK: - Known labels

extension AnswerFile {
    /// Reads a truth file (header `question,truth` or `task,label`, see `TruthTable`) against
    /// these answers: per task code, the code of its known label; -1 where the file does not
    /// name the task, -2 where its label is none of the answers' labels. A task listed twice
    /// keeps its last label; tasks nobody answered are left out.
    public func truthCodes(_ bytes: UnsafeRawBufferPointer) throws -> ContiguousArray<Int32> {
        let scanner = CrowdCSVScanner(bytes)
        do {
            guard try scanner.next() else { throw TruthTable.emptyFileError() }
            let columns = try AnswerTable.columnIndex(
                scanner.record(), wanted: TruthTable.wantedColumns, expected: TruthTable.expectedHeader)
            let width = scanner.fieldCount
            var truth = ContiguousArray<Int32>(repeating: -1, count: tasks.count)
            while try scanner.next() {
                guard scanner.fieldCount == width else {
                    throw AnswerTable.widthError(line: scanner.recordLine, fields: scanner.fieldCount, headerFields: width)
                }
                guard let task = tasks.code(of: scanner.field(columns[0])) else { continue }
                truth[Int(task)] = labels.code(of: scanner.field(columns[1])) ?? -2
            }
            return truth
        } catch let error as LabError where error.code != .csvOpenQuote {
            throw scanner.openQuoteError() ?? error
        }
    }

    /// The share of tasks whose consensus label equals the truth, over tasks that have both,
    /// as `TruthTable.accuracy(of:)` counts it.
    public func accuracy(of consensus: CategoricalConsensus, truth: ContiguousArray<Int32>) -> (accuracy: Double?, tasks: Int) {
        var tasks = 0, correct = 0
        for t in 0..<Swift.min(consensus.taskCount, truth.count) where consensus.labels[t] >= 0 && truth[t] != -1 {
            tasks += 1
            if truth[t] == consensus.labels[t] { correct += 1 }
        }
        return (tasks > 0 ? Double(correct) / Double(tasks) : nil, tasks)
    }
}
