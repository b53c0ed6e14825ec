// A client's model as one more voter in Dawid-Skene, weighed like anyone and never deciding alone.
//
// After Dawid and Skene (1979), as `DawidSkene` is: the model's answers are one more worker's,
// so EM estimates its confusion matrix from how it agrees with the people, exactly as it does
// for every operator. Raykar et al., "Learning From Crowds", JMLR 11 (2010), treat a classifier
// beside the annotators the same way.

/// What the model answered for one task.
public struct ModelAnswer: Sendable, Hashable {
    public var task: String
    public var label: String

    public init(task: String, label: String) {
        self.task = task
        self.label = label
    }
}

/// Consensus over people's answers with a client's model as one more worker.
///
/// ```swift
/// let voter = ModelVoter(modelVersion: "faces-2.1")
/// let result = try voter.fit(people: answers, model: predictions, gold: ["q7": "cat"])
/// result.labels                // one row per task; nil where only the model answered
/// result.modelReliability      // the model's expected accuracy, estimated like anyone's
/// ```
///
/// The model takes part in EM as a worker named `model:<version>`, so a good model tips close
/// calls and a bad one is learned to be bad and counts for little (or, if it is reliably wrong,
/// its answers are read for what they are). It never decides alone: a task that no person
/// answered gets no label, and its model answer is left out of the fit altogether, so the
/// model cannot confirm itself on tasks where nobody checks it. A gold task keeps its gold
/// label (a person's decision) and teaches EM how reliable the model is.
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

    /// Fits Dawid-Skene on the people's answers and the model's.
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

        let coded = try CodedAnswers(answers, labelOrder: labelOrder)
        let fitted = method.fitModel(coded.matrix, gold: coded.codebook.goldCodes(gold))
        var labels = coded.decode(fitted.consensus)
        labels += modelOnly.map { DecodedLabel(task: $0, label: nil, confidence: 0) }

        var peopleReliability: [String: Double] = [:]
        for (code, worker) in coded.codebook.workers.enumerated() where worker != name {
            peopleReliability[worker] = fitted.reliability[code]
        }
        let modelCode = coded.codebook.workerCode(name)
        return ModelVoterConsensus(
            labels: labels, labelNames: coded.codebook.labels, modelWorker: name,
            modelReliability: modelCode.map { fitted.reliability[$0] },
            modelConfusion: modelCode.map { fitted.confusion(worker: $0) },
            peopleReliability: peopleReliability, modelOnlyTasks: modelOnly.count)
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
