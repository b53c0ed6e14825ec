// `annolab bench consensus`: times Dawid-Skene on a large synthetic crowd, made the same way every run.
import AnnolabCore
import ArgumentParser
import Foundation

/// Generates a synthetic crowd (seeded, so every run sees the same answers), fits Dawid-Skene
/// several times and prints one line of figures. Only the fit is timed, not the generation.
/// With `--input`, it times `annolab aggregate --method ds` on a CSV file instead, as a whole:
/// reading, parsing, EM and writing the labels.
///
/// ```
/// annolab bench consensus --tasks 200000 --answers-per-task 5 --workers 500 --classes 4 --runs 5
/// annolab bench consensus --runs 1 --write-csv /tmp/agg/answers.csv     # and answers-truth.csv
/// annolab bench consensus --input /tmp/agg/answers.csv --truth /tmp/agg/answers-truth.csv --runs 3
/// ```
struct BenchConsensusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "consensus",
        abstract: "Time Dawid-Skene on synthetic answers, or aggregate on a CSV file.",
        discussion: """
            Each worker gets an accuracy drawn uniformly between 0.5 and 0.95; a wrong answer is
            one of the other classes at random. Prints one line of key=value figures.
            --write-csv saves the synthetic answers (task,worker,label) and their truth
            (<name>-truth.csv, task,label), so that other tools can run on the very same answers.
            """
    )

    @Option(help: "Number of tasks.")
    var tasks = 200_000

    @Option(help: "Distinct workers who answer each task.")
    var answersPerTask = 5

    @Option(help: "Number of workers.")
    var workers = 500

    @Option(help: "Number of classes (labels).")
    var classes = 4

    @Option(help: "How many times to fit; the median and minimum are reported.")
    var runs = 5

    @Option(help: "Seed of the answer generator.")
    var seed: UInt64 = 2026

    @Option(help: "Also write the synthetic answers to this CSV file, and their truth to <name>-truth.csv beside it.")
    var writeCsv: String?

    @Option(help: "Time aggregate --method ds on this answer CSV (read, parse, EM, write) instead of synthetic answers.")
    var input: String?

    @Option(help: "With --input: the truth CSV (task,label or question,truth) for the accuracy.")
    var truth: String?

    func validate() throws {
        guard runs >= 1 else { throw ValidationError("--runs must be at least 1.") }
        guard input == nil || writeCsv == nil else { throw ValidationError("--input and --write-csv do not go together: --input reads a file that --write-csv wrote.") }
        guard truth == nil || input != nil else { throw ValidationError("--truth goes with --input.") }
        guard tasks >= 1 else { throw ValidationError("--tasks must be at least 1.") }
        guard workers >= 1 else { throw ValidationError("--workers must be at least 1.") }
        guard (1...workers).contains(answersPerTask) else {
            throw ValidationError("--answers-per-task must be between 1 and the number of workers (\(workers)).")
        }
        guard (2...64).contains(classes) else { throw ValidationError("--classes must be between 2 and 64.") }
        guard tasks.multipliedReportingOverflow(by: answersPerTask).partialValue <= Int(Int32.max) else {
            throw ValidationError("--tasks times --answers-per-task must stay below 2^31 answers.")
        }
    }

    func run() throws {
        if let input { return try runAggregate(input) }
        let crowd = SyntheticCrowd(tasks: tasks, answersPerTask: answersPerTask, workers: workers,
                                   classes: classes, seed: seed)
        let matrix = try crowd.answers()
        if let writeCsv { try crowd.write(matrix, to: writeCsv) }
        let method = DawidSkene()
        var milliseconds: [Double] = []
        var model: DawidSkeneModel?
        for run in 1...runs {
            let ms = Self.milliseconds { model = method.fitModel(matrix) }
            milliseconds.append(ms)
            progress("run \(run)/\(runs): \(String(format: "%.1f", ms)) ms")
        }
        guard let model else { return }
        var correct = 0
        for t in 0..<tasks where model.consensus.label(task: t) == Int(crowd.truth[t]) { correct += 1 }
        let sorted = milliseconds.sorted()
        let figures = [
            "answers=\(matrix.count)",
            "tasks=\(tasks)",
            "workers=\(workers)",
            "classes=\(classes)",
            "runs=\(runs)",
            "median_ms=\(String(format: "%.1f", Self.median(sorted)))",
            "min_ms=\(String(format: "%.1f", sorted[0]))",
            "accuracy=\(String(format: "%.4f", Double(correct) / Double(tasks)))",
            "iterations=\(model.iterations)",
            "peak_rss_mb=\(Self.peakResidentMegabytes().map { String(format: "%.1f", $0) } ?? "unknown")",
        ]
        print(figures.joined(separator: " "))
    }

    /// Times what `annolab aggregate --method ds --input FILE > /dev/null` does, in this process:
    /// map and parse the file, code the names, fit, format the labels and write them to
    /// /dev/null. The truth, when given, is read after the timed runs.
    func runAggregate(_ input: String) throws {
        guard let sink = FileHandle(forWritingAtPath: "/dev/null") else {
            throw CommandFailure(description: "Cannot open /dev/null to write the labels to.")
        }
        defer { try? sink.close() }
        var milliseconds: [Double] = []
        var last: (file: AnswerFile, consensus: CategoricalConsensus)?
        for run in 1...runs {
            last = nil   // let the previous run's memory go before this one starts
            var failure: Error?
            let ms = Self.milliseconds {
                do {
                    let file = try AggregateCommand.read(input)
                    let (consensus, csv) = try AggregateCommand.fit(file, input: input, method: .ds)
                    try sink.write(contentsOf: csv)
                    last = (file, consensus)
                } catch {
                    failure = error
                }
            }
            if let failure { throw failure }
            milliseconds.append(ms)
            progress("run \(run)/\(runs): \(String(format: "%.1f", ms)) ms")
        }
        guard let last else { return }
        var accuracy = "unknown"
        if let truth {
            let codes = try AggregateCommand.load(truth) { try last.file.truthCodes($0) }
            if let share = last.file.accuracy(of: last.consensus, truth: codes).accuracy {
                accuracy = String(format: "%.4f", share)
            }
        }
        let sorted = milliseconds.sorted()
        let figures = [
            "answers=\(last.file.count)",
            "tasks=\(last.file.tasks.count)",
            "workers=\(last.file.workers.count)",
            "classes=\(last.file.labels.count)",
            "runs=\(runs)",
            "median_ms=\(String(format: "%.1f", Self.median(sorted)))",
            "min_ms=\(String(format: "%.1f", sorted[0]))",
            "accuracy=\(accuracy)",
            "peak_rss_mb=\(Self.peakResidentMegabytes().map { String(format: "%.1f", $0) } ?? "unknown")",
        ]
        print(figures.joined(separator: " "))
    }

    private func progress(_ line: String) {
        FileHandle.standardError.write(Data("bench: \(line)\n".utf8))
    }

    static func milliseconds(_ body: () -> Void) -> Double {
        let clock = ContinuousClock()
        let started = clock.now
        body()
        let elapsed = clock.now - started
        return Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
    }

    static func median(_ sorted: [Double]) -> Double {
        sorted.count % 2 == 1
            ? sorted[sorted.count / 2]
            : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    }

    /// The process's peak resident memory (VmHWM), where Linux reports it.
    static func peakResidentMegabytes() -> Double? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            let kilobytes = line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first
            return kilobytes.flatMap { Double($0) }.map { $0 / 1024 }
        }
        return nil
    }
}

// The generator lives inside the command so that its names cannot clash with other commands'.
extension BenchConsensusCommand {
    /// A crowd of simulated workers with known truth, generated from a seed.
    struct SyntheticCrowd {
        let tasks: Int
        let answersPerTask: Int
        let workers: Int
        let classes: Int
        let seed: UInt64
        let truth: ContiguousArray<Int32>
        let accuracy: [Double]

        init(tasks: Int, answersPerTask: Int, workers: Int, classes: Int, seed: UInt64) {
            self.tasks = tasks
            self.answersPerTask = answersPerTask
            self.workers = workers
            self.classes = classes
            self.seed = seed
            var random = AnnolabCore.SplitMix64(seed: seed)
            accuracy = (0..<workers).map { _ in 0.5 + 0.45 * random.nextUnit() }
            truth = ContiguousArray((0..<tasks).map { _ in Int32(random.next(below: classes)) })
        }

        func answers() throws -> AnswerMatrix {
            // A second stream, so that the truth does not depend on how answers are drawn.
            var random = AnnolabCore.SplitMix64(seed: seed ^ 0x9E37_79B9_7F4A_7C15)
            let count = tasks * answersPerTask
            var taskColumn = ContiguousArray<Int32>(repeating: 0, count: count)
            var workerColumn = ContiguousArray<Int32>(repeating: 0, count: count)
            var labelColumn = ContiguousArray<Int32>(repeating: 0, count: count)
            var chosen = [Int](repeating: 0, count: answersPerTask)
            var i = 0
            for t in 0..<tasks {
                for a in 0..<answersPerTask {
                    var worker: Int
                    repeat { worker = random.next(below: workers) } while chosen[0..<a].contains(worker)
                    chosen[a] = worker
                    var label = Int(truth[t])
                    if random.nextUnit() >= accuracy[worker] {
                        // A wrong answer: one of the other classes, uniformly.
                        label = (label + 1 + random.next(below: classes - 1)) % classes
                    }
                    taskColumn[i] = Int32(t)
                    workerColumn[i] = Int32(worker)
                    labelColumn[i] = Int32(label)
                    i += 1
                }
            }
            return try AnswerMatrix(tasks: taskColumn, workers: workerColumn, labels: labelColumn,
                                    taskCount: tasks, workerCount: workers, labelCount: classes)
        }

        /// Writes the answers as `task,worker,label` and the truth beside them as
        /// `<name>-truth.csv` with `task,label`, every name its code as a number (the same bytes
        /// as the Python twin in Tests/Bench/side_by_side.py writes).
        func write(_ answers: AnswerMatrix, to path: String) throws {
            var csv: [UInt8] = []
            csv.reserveCapacity(answers.count * 16 + 32)
            csv.append(contentsOf: "task,worker,label\n".utf8)
            for i in 0..<answers.count {
                Self.appendNumber(Int(answers.tasks[i]), to: &csv)
                csv.append(UInt8(ascii: ","))
                Self.appendNumber(Int(answers.workers[i]), to: &csv)
                csv.append(UInt8(ascii: ","))
                Self.appendNumber(Int(answers.labels[i]), to: &csv)
                csv.append(UInt8(ascii: "\n"))
            }
            var truthCSV: [UInt8] = Array("task,label\n".utf8)
            truthCSV.reserveCapacity(tasks * 10 + 16)
            for t in 0..<tasks {
                Self.appendNumber(t, to: &truthCSV)
                truthCSV.append(UInt8(ascii: ","))
                Self.appendNumber(Int(truth[t]), to: &truthCSV)
                truthCSV.append(UInt8(ascii: "\n"))
            }
            let url = URL(fileURLWithPath: path)
            let truthURL = url.deletingLastPathComponent()
                .appendingPathComponent(url.deletingPathExtension().lastPathComponent + "-truth.csv")
            for (file, bytes) in [(url, csv), (truthURL, truthCSV)] {
                do {
                    try FileManager.default.createDirectory(
                        at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
                    try Data(bytes).write(to: file)
                } catch {
                    throw CommandFailure(description: "Cannot write \(file.path): \(error.localizedDescription)")
                }
                FileHandle.standardError.write(Data("bench: wrote \(file.path) (\(bytes.count) bytes)\n".utf8))
            }
        }

        static func appendNumber(_ value: Int, to out: inout [UInt8]) {
            out.append(contentsOf: String(value).utf8)
        }
    }
}
