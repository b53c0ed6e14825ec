// `annolab aggregate`: consensus labels from a CSV of crowd answers, offline.
import AnnolabCore
import ArgumentParser
import Foundation

/// Reads `task,worker,label` answers and prints one consensus label per task.
///
/// ```
/// annolab aggregate --method ds --input answers.csv --truth truth.csv > labels.csv
/// ```
///
/// The file goes from its bytes to integer codes in one pass (`AnswerFile`), and the labels go
/// out in one write, so that a million answers take about as long as the EM itself.
struct AggregateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "aggregate",
        abstract: "Turn several operators' answers into one label per task.",
        discussion: """
            The input is a CSV file with the header task,worker,label (or question,worker,answer).
            Prints task,label,confidence to standard output. With --truth, also prints the
            accuracy against the known labels to standard error.
            """
    )

    enum Method: String, ExpressibleByArgument, CaseIterable {
        case mv, ds
    }

    @Option(help: "mv (majority vote) or ds (Dawid-Skene).")
    var method: Method = .ds

    @Option(help: "CSV file of answers: task,worker,label or question,worker,answer.")
    var input: String

    @Option(help: "CSV file of known labels: question,truth or task,label.")
    var truth: String?

    func run() throws {
        let file = try Self.read(input)
        let truthCodes = try truth.map { path in try Self.load(path) { try file.truthCodes($0) } }
        let (consensus, csv) = try Self.fit(file, input: input, method: method)
        try FileHandle.standardOutput.write(contentsOf: csv)
        if let truthCodes, let truth {
            let (accuracy, tasks) = file.accuracy(of: consensus, truth: truthCodes)
            guard let accuracy else {
                throw CommandFailure(description: "\(truth) names none of the tasks in \(input), so there is no accuracy to report.")
            }
            FileHandle.standardError.write(Data("accuracy=\(String(format: "%.4f", accuracy)) tasks=\(tasks)\n".utf8))
        }
    }

    /// Reads an answer file into codes. `bench consensus --input` times this and `fit`, so that
    /// its figure is the one a user of `aggregate` gets.
    static func read(_ input: String) throws -> AnswerFile {
        try load(input) { try AnswerFile.read($0) }
    }

    /// Fits the method and writes the labels as CSV bytes.
    static func fit(_ file: AnswerFile, input: String, method: Method) throws -> (CategoricalConsensus, [UInt8]) {
        let matrix: AnswerMatrix
        do {
            matrix = try file.matrix()
        } catch {
            throw CommandFailure(description: "\(input): \(error)")
        }
        let aggregator: any CategoricalAggregator = method == .mv ? MajorityVote() : DawidSkene()
        let consensus = aggregator.fit(matrix)
        return (consensus, file.consensusCSV(consensus))
    }

    /// Reads and parses a file, turning every failure into one plain line that names the file.
    static func load<Table>(_ path: String, _ parse: (UnsafeRawBufferPointer) throws -> Table) throws -> Table {
        do {
            return try FileBytes.withBytes(of: path) { bytes in
                do { return try parse(bytes) } catch { throw ParseFailure(error: error) }
            }
        } catch let failure as ParseFailure {
            throw CommandFailure(description: "\(path): \(failure.error)")
        } catch {
            let reason = FileManager.default.fileExists(atPath: path) ? "it cannot be read" : "there is no such file"
            throw CommandFailure(description: "Cannot open \(path): \(reason).")
        }
    }
}

/// Keeps a parse error apart from a failure to read the file, in `AggregateCommand.load`.
private struct ParseFailure: Error {
    let error: Error
}
