// The one small interface of the categorical consensus methods, and the result they share.
//
// Shaped like Crowd-Kit's `BaseClassificationAggregator` (Ustalov et al., "Learning from
// Crowds with Crowd-Kit", JOSS 2024): fit on answers, then read labels and probabilities.

/// A way to turn several operators' answers into one label per task.
///
/// ```swift
/// let methods: [any CategoricalAggregator] = [MajorityVote(), DawidSkene()]
/// for method in methods {
///     let consensus = method.fit(coded.matrix, gold: [:])
///     print(consensus.label(task: 0) ?? -1, consensus.confidence(task: 0))
/// }
/// ```
public protocol CategoricalAggregator: Sendable {
    /// Fits the method on the answers. `gold` maps task codes to known label codes; gold tasks
    /// keep their known label with probability 1 and anchor the estimate of the others.
    func fit(_ answers: AnswerMatrix, gold: [Int: Int]) -> CategoricalConsensus
}

extension CategoricalAggregator {
    public func fit(_ answers: AnswerMatrix) -> CategoricalConsensus { fit(answers, gold: [:]) }
}

/// Consensus labels and their probabilities, one row per task.
public struct CategoricalConsensus: Sendable, Equatable {
    public let taskCount: Int
    public let labelCount: Int
    /// The chosen label code per task, or -1 when a task has neither answers nor gold.
    public let labels: ContiguousArray<Int32>
    /// Row-major `taskCount x labelCount`: the probability of each label for each task.
    public let probabilities: ContiguousArray<Double>

    public init(taskCount: Int, labelCount: Int, labels: ContiguousArray<Int32>, probabilities: ContiguousArray<Double>) {
        precondition(labels.count == taskCount && probabilities.count == taskCount * labelCount,
                     "consensus arrays must match the task and label counts")
        self.taskCount = taskCount
        self.labelCount = labelCount
        self.labels = labels
        self.probabilities = probabilities
    }

    /// The consensus label of a task, or nil when nobody answered it.
    public func label(task: Int) -> Int? {
        let label = labels[task]
        return label < 0 ? nil : Int(label)
    }

    /// The probability of the chosen label (0 for a task without answers).
    public func confidence(task: Int) -> Double {
        guard let label = label(task: task) else { return 0 }
        return probabilities[task * labelCount + label]
    }

    /// The probability of every label for one task.
    public func probabilities(task: Int) -> [Double] {
        Array(probabilities[(task * labelCount)..<((task + 1) * labelCount)])
    }
}

extension CategoricalConsensus {
    /// Picks the most probable label of every row; the lowest label code wins an exact tie, so
    /// the same answers always give the same labels. Rows of tasks without answers stay -1.
    static func mostProbable(
        _ probabilities: ContiguousArray<Double>, taskCount: Int, labelCount: Int,
        answered: (Int) -> Bool
    ) -> ContiguousArray<Int32> {
        var labels = ContiguousArray<Int32>(repeating: -1, count: taskCount)
        guard labelCount > 0 else { return labels }
        probabilities.withUnsafeBufferPointer { p in
            for t in 0..<taskCount where answered(t) {
                let row = t * labelCount
                var best = 0
                for k in 1..<labelCount where p[row + k] > p[row + best] { best = k }
                labels[t] = Int32(best)
            }
        }
        return labels
    }
}
