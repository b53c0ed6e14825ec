// `annolab aggregate`: consensus labels from a CSV of crowd answers, offline.
import AnnolabCore
import ArgumentParser
import Foundation

/// Reads `task,worker,label` answers and prints one consensus label per task.
///
/// ```
/// annolab aggregate --method ds --input answers.csv --truth truth.csv > labels.csv
/// ```
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
        let table = try Self.load(input) { try AnswerTable.parse($0) }
        let truthTable = try truth.map { path in try Self.load(path) { try TruthTable.parse($0) } }
        let coded: CodedAnswers
        do {
            coded = try CodedAnswers(table.answers)
        } catch {
            throw CommandFailure(description: "\(input): \(error)")
        }
        let method: any CategoricalAggregator = method == .mv ? MajorityVote() : DawidSkene()
        let rows = coded.decode(method.fit(coded.matrix))
        FileHandle.standardOutput.write(Data(ConsensusTable.csv(rows).utf8))
        if let truthTable, let truth {
            let (accuracy, tasks) = truthTable.accuracy(of: rows)
            guard let accuracy else {
                throw CommandFailure(description: "\(truth) names none of the tasks in \(input), so there is no accuracy to report.")
            }
            FileHandle.standardError.write(Data("accuracy=\(String(format: "%.4f", accuracy)) tasks=\(tasks)\n".utf8))
        }
    }

    /// Reads and parses a file, turning every failure into one plain line that names the file.
    static func load<Table>(_ path: String, _ parse: (Data) throws -> Table) throws -> Table {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            let reason = FileManager.default.fileExists(atPath: path) ? "it cannot be read" : "there is no such file"
            throw CommandFailure(description: "Cannot open \(path): \(reason).")
        }
        do {
            return try parse(data)
        } catch {
            throw CommandFailure(description: "\(path): \(error)")
        }
    }
}
