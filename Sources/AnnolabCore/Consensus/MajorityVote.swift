// Majority vote: the label most operators gave wins, ties go to the more reliable operators.
//
// The baseline of every truth-inference survey, e.g. Zheng et al., "Truth Inference in
// Crowdsourcing: Is the Problem Solved?" (VLDB 2017), and Crowd-Kit's `MajorityVote`.

/// Majority vote over integer-coded answers.
///
/// The label with the most votes wins. When labels tie on votes, the one whose voters have
/// the larger summed reliability wins (when `workerReliability` is given); a tie that is
/// still left goes to the lowest label code, so the result never depends on answer order.
/// The probabilities are the plain shares of votes, which is what an operator or a coach can
/// check by counting.
///
/// ```swift
/// let consensus = MajorityVote(workerReliability: model.reliability).fit(matrix, gold: gold)
/// ```
public struct MajorityVote: CategoricalAggregator {
    /// Per worker code, e.g. a previous Dawid-Skene fit's reliability or gold accuracy;
    /// only used to break ties. Workers beyond the array count as 0.
    public var workerReliability: ContiguousArray<Double>?

    public init(workerReliability: ContiguousArray<Double>? = nil) {
        self.workerReliability = workerReliability
    }

    public func fit(_ answers: AnswerMatrix, gold: [Int: Int]) -> CategoricalConsensus {
        let taskCount = answers.taskCount
        let labelCount = answers.labelCount
        var votes = ContiguousArray<Double>(repeating: 0, count: taskCount * labelCount)
        var tieWeight = ContiguousArray<Double>(repeating: 0, count: taskCount * labelCount)
        var answerCount = ContiguousArray<Int32>(repeating: 0, count: taskCount)
        let reliability = workerReliability ?? []
        for i in 0..<answers.count {
            let t = Int(answers.tasks[i])
            let cell = t * labelCount + Int(answers.labels[i])
            votes[cell] += 1
            let w = Int(answers.workers[i])
            if w < reliability.count { tieWeight[cell] += reliability[w] }
            answerCount[t] += 1
        }
        var labels = ContiguousArray<Int32>(repeating: -1, count: taskCount)
        var probabilities = ContiguousArray<Double>(repeating: 0, count: taskCount * labelCount)
        for t in 0..<taskCount where labelCount > 0 {
            let row = t * labelCount
            if let known = gold[t], known >= 0, known < labelCount {
                labels[t] = Int32(known)
                probabilities[row + known] = 1
                continue
            }
            guard answerCount[t] > 0 else { continue }
            var best = 0
            for k in 1..<labelCount {
                if votes[row + k] > votes[row + best]
                    || (votes[row + k] == votes[row + best] && tieWeight[row + k] > tieWeight[row + best]) {
                    best = k
                }
            }
            labels[t] = Int32(best)
            let total = Double(answerCount[t])
            for k in 0..<labelCount { probabilities[row + k] = votes[row + k] / total }
        }
        return CategoricalConsensus(taskCount: taskCount, labelCount: labelCount,
                                    labels: labels, probabilities: probabilities)
    }
}
