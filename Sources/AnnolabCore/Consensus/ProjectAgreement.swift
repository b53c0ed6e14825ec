// How much a project's operators agree, measured on their answers as they arrive.
import Foundation

/// A project's quality for its client: agreement between operators and accuracy on gold.
///
/// Agreement is measured per question: a choice per microtask, a verdict per subtitle cue,
/// "heard or not" per sound tag per clip. Pictures with boxes are measured by box fusion:
/// the mean confidence of the fused boxes.
public struct ProjectAgreement: Codable, Sendable, Equatable {
    public var answers: Int
    /// Krippendorff's alpha (nominal); nil until enough answers overlap.
    public var alpha: Double?
    /// The share of agreeing pairs of answers on the same question.
    public var agreement: Double?
    public var goldAnswers: Int
    public var goldAccuracy: Double?

    /// One operator's answer to one microtask.
    public struct Given: Sendable {
        public var microtask: Int64
        public var operatorId: Int64
        public var answer: AnswerBody
        public var isGold: Bool
        public var goldCorrect: Bool?
        public init(microtask: Int64, operatorId: Int64, answer: AnswerBody, isGold: Bool, goldCorrect: Bool?) {
            self.microtask = microtask
            self.operatorId = operatorId
            self.answer = answer
            self.isGold = isGold
            self.goldCorrect = goldCorrect
        }
    }

    public static func measure(kind: TaskKind, labels: [String], answers: [Given]) -> ProjectAgreement {
        let gold = answers.filter(\.isGold)
        let goldChecked = gold.compactMap(\.goldCorrect)
        let work = answers.filter { !$0.isGold }
        var units: [String: [String]] = [:]
        var boxAgreement: Double?
        switch kind {
        case .choice, .imageBoxVerify, .thumbnailChoice:
            for given in work { units["\(given.microtask)", default: []].append(given.answer.choice ?? "") }
        case .audioTags:
            for given in work {
                let heard = Set(given.answer.tags ?? [])
                for tag in labels { units["\(given.microtask)/\(tag)", default: []].append(heard.contains(tag) ? "yes" : "no") }
            }
        case .subtitleCheck:
            for given in work {
                for cue in given.answer.cues ?? [] { units["\(given.microtask)/\(cue.index)", default: []].append(cue.verdict) }
            }
        case .imageBoxes, .frameBoxes:
            let confidences = Dictionary(grouping: work, by: \.microtask).values.filter { $0.count >= 2 }.flatMap { group in
                BoxFusion().fuse(group.map { BoxAnswer(operatorID: "\($0.operatorId)", boxes: $0.answer.boxes ?? []) })
                    .clusters.map(\.confidence)
            }
            boxAgreement = confidences.isEmpty ? nil : confidences.reduce(0, +) / Double(confidences.count)
        }
        let report = KrippendorffAlpha.nominal(units: units.keys.sorted().map { key in units[key]!.map { Optional($0) } })
        return ProjectAgreement(
            answers: work.count, alpha: kind == .imageBoxes ? nil : report.alpha,
            agreement: kind == .imageBoxes ? boxAgreement : report.observedAgreement,
            goldAnswers: goldChecked.count,
            goldAccuracy: goldChecked.isEmpty ? nil : Double(goldChecked.filter { $0 }.count) / Double(goldChecked.count))
    }
}
