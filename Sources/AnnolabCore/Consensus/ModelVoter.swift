// A client's model as a Dawid-Skene voter that breaks the people's ties and never decides alone.
//
// After Dawid and Skene (1979), as `DawidSkene` is: the model's confusion matrix is estimated
// the way EM estimates anyone's, from how its answers meet the posterior over true labels.
// Raykar et al., "Learning From Crowds", JMLR 11 (2010), also set a classifier beside the
// annotators. Unlike an operator, the model is not fitted jointly with the people: it answers
// every item, so in a joint fit its errors reshape every operator's confusion matrix as well,
// and one wrong answer can swing a close call. Measured on the duck and dog crowd data, a joint
// fit with a model right 6, 7.5 or 9 times in 10 lowered the accuracy on 10 of 60 runs (10
// seeds each). In a replica of the fit, a stronger uniform prior on the model's confusion alone
// (5 to 100 pseudo-answers a cell) did not help: it leaves the model only the closest calls,
// which the people mostly had right. Letting it break only ties in the people's head count
// lowered the accuracy on none.

/// What the model answered for one task.
public struct ModelAnswer: Sendable, Hashable {
    public var task: String
    public var label: String

    public init(task: String, label: String) {
        self.task = task
        self.label = label
    }
}

/// Consensus over people's answers with a client's model as the tie-breaker.
///
/// ```swift
/// let voter = ModelVoter(modelVersion: "faces-2.1")
/// let result = try voter.fit(people: answers, model: predictions, gold: ["q7": "cat"])
/// result.labels                // one row per task; nil where only the model answered
/// result.modelReliability      // the model's expected accuracy, estimated like anyone's
/// ```
///
/// The rule, in three steps:
/// 1. Dawid-Skene runs on the people's answers (and gold) alone, so the people's labels,
///    posteriors and reliabilities are what they would be without the model.
/// 2. The model's confusion matrix is one M-step against that posterior, with the same prior
///    as every operator's (`smoothing` on every cell, `agreementPrior` on the diagonal): the
///    expected count of (true label, model's label) over the tasks a person or gold checks.
///    Its reliability is read from it as `DawidSkeneModel.reliability` is, so a model worse
///    than chance is learned to be so, and its answers are read for what they are.
/// 3. On a task whose people's answers are tied by head count (two or more labels share the
///    most votes) and that has no gold, the model votes: the people's posterior times the
///    model's likelihood of its answer under each true label gives the task's probabilities,
///    and the task takes their most probable label when that label is one of the tied ones.
///    Everywhere else the people's label stands.
///
/// So the model tips exactly the calls the people left even, and every label it tips to is one
/// a person gave. It never decides alone: a task that no person answered gets no label, and its
/// model answer is left out altogether, so the model cannot confirm itself on tasks nobody
/// checks. A gold task keeps its gold label (a person's decision) and teaches the model's
/// confusion matrix like any checked task.
public struct ModelVoter: Sendable {
    /// The prefix of the model's worker name, which no operator's name may take.
    public static let workerPrefix = "model:"

    /// The worker name under which a model version votes.
    public static func workerName(modelVersion: String) -> String { workerPrefix + modelVersion }

    public var modelVersion: String
    public var method: DawidSkene

    public init(modelVersion: String, method: DawidSkene = DawidSkene()) {
        self.modelVersion = modelVersion
        self.method = method
    }

    /// The worker name under which this model votes.
    public var workerName: String { Self.workerName(modelVersion: modelVersion) }

    /// Fits Dawid-Skene on the people's answers and lets the model break their ties.
    ///
    /// - Parameters:
    ///   - people: operators' answers; none may carry the model's worker name.
    ///   - model: the model's answers; when it answered a task twice, the last answer counts.
    ///   - gold: known labels by task name.
    ///   - labelOrder: the template's label set, when it should fix the label codes.
    /// - Returns: labels for the tasks people answered (and gold tasks), in the order tasks
    ///   first appear among the people's answers then the model's, with a nil label for tasks
    ///   only the model answered.
    public func fit(people: [CrowdAnswer], model: [ModelAnswer], gold: [String: String] = [:],
                    labelOrder: [String]? = nil) throws -> ModelVoterConsensus {
        let name = workerName
        if let person = people.first(where: { $0.worker == name }) {
            throw LabError(.badRequest, "model_worker_name",
                           "The operator \"\(person.worker)\" has the name the model votes under; rename the operator or the model version.")
        }
        let peopleTasks = Set(people.map(\.task))
        var lastAnswer: [String: String] = [:]
        var modelOrder: [String] = []
        for answer in model {
            if lastAnswer.updateValue(answer.label, forKey: answer.task) == nil { modelOrder.append(answer.task) }
        }
        // The model's answer counts only where a person (or gold) can check it.
        let voting = modelOrder.filter { peopleTasks.contains($0) || gold[$0] != nil }
        let modelOnly = modelOrder.filter { !peopleTasks.contains($0) && gold[$0] == nil }
        var answers = people
        answers.reserveCapacity(people.count + voting.count)
        for task in voting {
            if let label = lastAnswer[task] { answers.append(CrowdAnswer(task: task, worker: name, label: label)) }
        }

        // One codebook for both, so that a gold task only the model answered has a code.
        let coded = try CodedAnswers(answers, labelOrder: labelOrder)
        let book = coded.codebook, all = coded.matrix
        let K = all.labelCount, T = all.taskCount
        let modelCode = book.workerCode(name)
        var modelLabel = ContiguousArray<Int32>(repeating: -1, count: T)
        var tasks = ContiguousArray<Int32>(), workers = ContiguousArray<Int32>(), labels = ContiguousArray<Int32>()
        for i in 0..<all.count {
            if let modelCode, Int(all.workers[i]) == modelCode {
                modelLabel[Int(all.tasks[i])] = all.labels[i]
            } else {
                tasks.append(all.tasks[i])
                workers.append(all.workers[i])
                labels.append(all.labels[i])
            }
        }
        let peopleMatrix = try AnswerMatrix(tasks: tasks, workers: workers, labels: labels,
                                            taskCount: T, workerCount: all.workerCount, labelCount: K)
        let goldCodes = book.goldCodes(gold)
        let fitted = method.fitModel(peopleMatrix, gold: goldCodes)
        let peopleFit = fitted.consensus

        var peopleReliability: [String: Double] = [:]
        for (code, worker) in book.workers.enumerated() where worker != name {
            peopleReliability[worker] = fitted.reliability[code]
        }
        guard modelCode != nil, K > 0 else {
            return ModelVoterConsensus(
                labels: coded.decode(peopleFit) + modelOnly.map { DecodedLabel(task: $0, label: nil, confidence: 0) },
                labelNames: book.labels, modelWorker: name, modelReliability: nil, modelConfusion: nil,
                peopleReliability: peopleReliability, modelOnlyTasks: modelOnly.count)
        }

        let confusion = modelConfusion(peopleFit, modelLabel: modelLabel)
        var reliability = 0.0
        for k in 0..<K { reliability += fitted.classPriors[k] * confusion[k][k] }
        let consensus = breakTies(peopleFit, peopleMatrix: peopleMatrix, gold: goldCodes,
                                  modelLabel: modelLabel, confusion: confusion)
        return ModelVoterConsensus(
            labels: coded.decode(consensus) + modelOnly.map { DecodedLabel(task: $0, label: nil, confidence: 0) },
            labelNames: book.labels, modelWorker: name, modelReliability: reliability,
            modelConfusion: confusion, peopleReliability: peopleReliability, modelOnlyTasks: modelOnly.count)
    }

    /// The model's confusion matrix (rows the true label, columns its answer): one M-step of
    /// Dawid-Skene against the people's posterior, with the prior every operator gets.
    private func modelConfusion(_ people: CategoricalConsensus, modelLabel: ContiguousArray<Int32>) -> [[Double]] {
        let K = people.labelCount
        var counts = (0..<K).map { truth in
            (0..<K).map { observed in method.smoothing + (truth == observed ? method.agreementPrior : 0) }
        }
        for t in 0..<people.taskCount where modelLabel[t] >= 0 && people.label(task: t) != nil {
            let observed = Int(modelLabel[t])
            for truth in 0..<K { counts[truth][observed] += people.probabilities[t * K + truth] }
        }
        return counts.map { row in
            let total = row.reduce(0, +)
            return row.map { total > 0 ? $0 / total : 1 / Double(K) }
        }
    }

    /// The people's consensus with the model's vote added on the tasks their head count left
    /// tied (and no gold decides), kept only when it picks one of the tied labels.
    private func breakTies(_ people: CategoricalConsensus, peopleMatrix: AnswerMatrix, gold: [Int: Int],
                           modelLabel: ContiguousArray<Int32>, confusion: [[Double]]) -> CategoricalConsensus {
        let K = people.labelCount, T = people.taskCount
        var votes = ContiguousArray<Int32>(repeating: 0, count: T * K)
        for i in 0..<peopleMatrix.count {
            votes[Int(peopleMatrix.tasks[i]) * K + Int(peopleMatrix.labels[i])] += 1
        }
        var labels = people.labels
        var probabilities = people.probabilities
        for t in 0..<T where modelLabel[t] >= 0 && gold[t] == nil && people.label(task: t) != nil {
            let row = votes[(t * K)..<((t + 1) * K)]
            guard let most = row.max(), most > 0 else { continue }
            let tied = Set((0..<K).filter { votes[t * K + $0] == most })
            guard tied.count > 1 else { continue }
            let answer = Int(modelLabel[t])
            var product = (0..<K).map { people.probabilities[t * K + $0] * confusion[$0][answer] }
            let total = product.reduce(0, +)
            guard total > 0 else { continue }
            product = product.map { $0 / total }
            var best = 0
            for k in 1..<K where product[k] > product[best] { best = k }
            guard tied.contains(best) else { continue }
            labels[t] = Int32(best)
            for k in 0..<K { probabilities[t * K + k] = product[k] }
        }
        return CategoricalConsensus(taskCount: T, labelCount: K, labels: labels, probabilities: probabilities)
    }

    /// The consensus labels alone, for callers that need nothing else.
    public static func consensus(people: [CrowdAnswer], model: [ModelAnswer], modelVersion: String,
                                 gold: [String: String] = [:], method: DawidSkene = DawidSkene()) throws -> [DecodedLabel] {
        try ModelVoter(modelVersion: modelVersion, method: method).fit(people: people, model: model, gold: gold).labels
    }
}

/// The result of a fit with the model as a voter.
public struct ModelVoterConsensus: Sendable, Equatable {
    /// One row per task; the label is nil for a task only the model answered.
    public let labels: [DecodedLabel]
    /// The label names in code order, as the confusion matrix's rows and columns read.
    public let labelNames: [String]
    /// The name the model voted under.
    public let modelWorker: String
    /// The model's expected share of right answers, as `DawidSkeneModel.reliability` defines it;
    /// nil when the model answered no task a person or gold could check.
    public let modelReliability: Double?
    /// The model's confusion matrix: rows are the true label, columns the label it gave.
    public let modelConfusion: [[Double]]?
    /// Each operator's reliability from the same fit, to set the model beside the people.
    public let peopleReliability: [String: Double]
    /// How many of the model's tasks nobody answered: they get no label and do not vote.
    public let modelOnlyTasks: Int

    /// The median of the operators' reliabilities (nil without operators).
    public var medianPeopleReliability: Double? {
        let sorted = peopleReliability.values.sorted()
        guard !sorted.isEmpty else { return nil }
        let mid = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
    }
}
