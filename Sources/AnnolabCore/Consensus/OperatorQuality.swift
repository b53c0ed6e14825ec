// Per-operator quality figures for learning feedback: gold accuracy, agreement, model reliability.
//
// The three measures the truth-inference literature uses to describe a worker (Zheng et al.,
// "Truth Inference in Crowdsourcing: Is the Problem Solved?", VLDB 2017): accuracy
// against known answers, agreement with the aggregated answer, and the quality the model
// itself learned (here Dawid-Skene's expected accuracy).
//
// These figures are shown to the operator and their coach to learn from. They never reduce
// pay and are never ranked: the API returns operators in worker-code order and offers no sort.

/// One operator's quality figures. A figure is nil when there was nothing to measure it on.
public struct OperatorQuality: Sendable, Equatable {
    /// The worker code in the answer matrix.
    public var worker: Int
    public var answers: Int
    public var goldAnswered: Int
    public var goldCorrect: Int
    /// Non-gold answers on tasks that have a consensus label.
    public var consensusCompared: Int
    public var consensusAgreed: Int
    /// From the model (e.g. `DawidSkeneModel.reliability`), when one was fitted.
    public var modelReliability: Double?

    public var goldAccuracy: Double? {
        goldAnswered > 0 ? Double(goldCorrect) / Double(goldAnswered) : nil
    }

    public var agreementWithConsensus: Double? {
        consensusCompared > 0 ? Double(consensusAgreed) / Double(consensusCompared) : nil
    }

    /// Computes every worker's figures.
    ///
    /// Answers on gold tasks count for gold accuracy only; agreement with consensus is measured
    /// on the other tasks, so the two figures do not measure the same answers twice.
    ///
    /// ```swift
    /// let model = DawidSkene().fitModel(matrix, gold: gold)
    /// let figures = OperatorQuality.measure(matrix, consensus: model.consensus, gold: gold,
    ///                                       reliability: model.reliability)
    /// ```
    public static func measure(
        _ answers: AnswerMatrix, consensus: CategoricalConsensus, gold: [Int: Int] = [:],
        reliability: ContiguousArray<Double>? = nil
    ) -> [OperatorQuality] {
        var figures = (0..<answers.workerCount).map { w in
            OperatorQuality(
                worker: w, answers: 0, goldAnswered: 0, goldCorrect: 0,
                consensusCompared: 0, consensusAgreed: 0,
                modelReliability: reliability.flatMap { w < $0.count ? $0[w] : nil })
        }
        for i in 0..<answers.count {
            let w = Int(answers.workers[i]), t = Int(answers.tasks[i]), label = Int(answers.labels[i])
            figures[w].answers += 1
            if let known = gold[t] {
                figures[w].goldAnswered += 1
                if known == label { figures[w].goldCorrect += 1 }
            } else if t < consensus.taskCount, let agreed = consensus.label(task: t) {
                figures[w].consensusCompared += 1
                if agreed == label { figures[w].consensusAgreed += 1 }
            }
        }
        return figures
    }
}
