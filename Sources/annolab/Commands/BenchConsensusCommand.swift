// `annolab bench consensus`: times Dawid-Skene on a large synthetic crowd, made the same way every run.
import AnnolabCore
import ArgumentParser
import Foundation

/// Generates a synthetic crowd (seeded, so every run sees the same answers), fits Dawid-Skene
/// several times and prints one line of figures. Only the fit is timed, not the generation.
///
/// ```
/// annolab bench consensus --tasks 200000 --answers-per-task 5 --workers 500 --classes 4 --runs 5
/// ```
struct BenchConsensusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "consensus",
        abstract: "Time Dawid-Skene on synthetic answers.",
        discussion: """
            Each worker gets an accuracy drawn uniformly between 0.5 and 0.95; a wrong answer is
            one of the other classes at random. Prints one line of key=value figures.
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

    func validate() throws {
        guard tasks >= 1 else { throw ValidationError("--tasks must be at least 1.") }
        guard workers >= 1 else { throw ValidationError("--workers must be at least 1.") }
        guard (1...workers).contains(answersPerTask) else {
            throw ValidationError("--answers-per-task must be between 1 and the number of workers (\(workers)).")
        }
        guard (2...64).contains(classes) else { throw ValidationError("--classes must be between 2 and 64.") }
        guard runs >= 1 else { throw ValidationError("--runs must be at least 1.") }
        guard tasks.multipliedReportingOverflow(by: answersPerTask).partialValue <= Int(Int32.max) else {
            throw ValidationError("--tasks times --answers-per-task must stay below 2^31 answers.")
        }
    }

    func run() throws {
        let crowd = SyntheticCrowd(tasks: tasks, answersPerTask: answersPerTask, workers: workers,
                                   classes: classes, seed: seed)
        let matrix = try crowd.answers()
        let method = DawidSkene()
        let clock = ContinuousClock()
        var milliseconds: [Double] = []
        var model: DawidSkeneModel?
        for run in 1...runs {
            let started = clock.now
            model = method.fitModel(matrix)
            let elapsed = clock.now - started
            let ms = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
            milliseconds.append(ms)
            FileHandle.standardError.write(Data("run \(run)/\(runs): \(String(format: "%.1f", ms)) ms\n".utf8))
        }
        guard let model else { return }
        var correct = 0
        for t in 0..<tasks where model.consensus.label(task: t) == Int(crowd.truth[t]) { correct += 1 }
        let sorted = milliseconds.sorted()
        let median = sorted.count % 2 == 1
            ? sorted[sorted.count / 2]
            : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
        let figures = [
            "answers=\(matrix.count)",
            "tasks=\(tasks)",
            "workers=\(workers)",
            "classes=\(classes)",
            "runs=\(runs)",
            "median_ms=\(String(format: "%.1f", median))",
            "min_ms=\(String(format: "%.1f", sorted[0]))",
            "accuracy=\(String(format: "%.4f", Double(correct) / Double(tasks)))",
            "iterations=\(model.iterations)",
            "peak_rss_mb=\(Self.peakResidentMegabytes().map { String(format: "%.1f", $0) } ?? "unknown")",
        ]
        print(figures.joined(separator: " "))
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
            var random = SplitMix64(seed: seed)
            accuracy = (0..<workers).map { _ in 0.5 + 0.45 * random.nextUnit() }
            truth = ContiguousArray((0..<tasks).map { _ in Int32(random.next(below: classes)) })
        }

        func answers() throws -> AnswerMatrix {
            // A second stream, so that the truth does not depend on how answers are drawn.
            var random = SplitMix64(seed: seed ^ 0x9E37_79B9_7F4A_7C15)
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
    }
}
