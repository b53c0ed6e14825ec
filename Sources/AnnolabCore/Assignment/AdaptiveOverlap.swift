// Adaptive overlap: stop asking when the answers agree with high confidence, ask more when not.
import Foundation

/// Decides whether a microtask's answers settle it, or another operator should answer.
///
/// Each operator is taken to be right with probability `accuracy` and otherwise to pick any
/// other option at random (the one-coin model of Dawid and Skene, 1979). The posterior of the
/// leading option must reach `confidence` for every question in the task (every cue, every
/// tag, the one choice); boxes are settled when every operator drew the same boxes.
public struct AdaptiveOverlap: Sendable {
    public var accuracy: Double
    public var confidence: Double

    public init(accuracy: Double = 0.8, confidence: Double = 0.9) {
        self.accuracy = accuracy
        self.confidence = confidence
    }

    /// The posterior of the most voted option among `optionCount` options.
    public func posterior(votes: [Int], optionCount: Int) -> Double {
        guard let top = votes.max(), !votes.isEmpty else { return 0 }
        let total = votes.reduce(0, +)
        let k = Double(max(optionCount, votes.count, 2))
        let wrong = (1 - accuracy) / (k - 1)
        func weight(_ v: Int) -> Double { pow(accuracy, Double(v)) * pow(wrong, Double(total - v)) }
        let unseen = Int(k) - votes.count
        let sum = votes.map(weight).reduce(0, +) + Double(unseen) * weight(0)
        return weight(top) / sum
    }

    func settled(_ values: [String], optionCount: Int) -> Bool {
        var counts: [String: Int] = [:]
        for value in values { counts[value, default: 0] += 1 }
        return posterior(votes: Array(counts.values), optionCount: optionCount) >= confidence
    }

    /// Whether these answers settle the task.
    public func isSettled(kind: TaskKind, answers: [AnswerBody], labels: [String], payload: MicrotaskPayload) -> Bool {
        guard answers.count >= 2 else { return false }
        switch kind {
        case .choice, .imageBoxVerify, .thumbnailChoice:
            // An adjusted box (a box check of the client's model) counts as a third option, "adjust".
            let options = kind == .imageBoxVerify ? (payload.adjustable == true ? 3 : 2) : (payload.options ?? labels).count
            return settled(answers.map { $0.choice ?? ($0.boxes != nil ? "adjust" : "") }, optionCount: options)
        case .audioTags:
            return labels.allSatisfy { tag in
                settled(answers.map { ($0.tags ?? []).contains(tag) ? "yes" : "no" }, optionCount: 2)
            }
        case .subtitleCheck:
            let indexes = (payload.cues ?? []).map(\.index)
            return indexes.allSatisfy { index in
                settled(answers.map { answer in answer.cues?.first { $0.index == index }?.verdict ?? "" },
                        optionCount: SubtitleVerdictName.allCases.count)
            }
        case .imageBoxes, .frameBoxes:
            let fusion = BoxFusion().fuse(answers.enumerated().map { BoxAnswer(operatorID: "\($0.offset)", boxes: $0.element.boxes ?? []) })
            return fusion.clusters.allSatisfy { $0.drawnBy.count == answers.count }
        }
    }
}
