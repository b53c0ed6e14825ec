// What the people who checked one of the model's boxes decided: accepted, corrected, or not a box at all.
import Foundation

/// The people's decision on one predicted box, from the answers to its box check.
///
/// Adjusted boxes win when more people adjusted than said yes or no (the box is then the mean
/// of the adjusted boxes: "corrected"); otherwise yes must outnumber no for the model's box to
/// stand ("accepted"); a tie drops the box, and the picture's "anything missed?" question lets
/// people draw it if it is there after all. So every box that is exported had a person's decision.
///
/// ```swift
/// let decision = BoxCheckDecision(box: predicted, answers: answers)
/// decision.outcome   // .corrected
/// decision.box       // the mean of the adjusted boxes
/// ```
public struct BoxCheckDecision: Sendable, Equatable {
    public enum Outcome: String, Codable, Sendable {
        case accepted, corrected, rejected

        /// How an exported label came about: `model-accepted`, `corrected` or (drawn) `people`.
        public var origin: String? {
            switch self {
            case .accepted: "model-accepted"
            case .corrected: "corrected"
            case .rejected: nil
            }
        }
    }

    public var outcome: Outcome
    /// The box that stands: the model's, or the people's correction; nil when rejected.
    public var box: LabeledBox?
    /// The share of the answers that agree with the outcome.
    public var agreement: Double

    public init(box predicted: LabeledBox, answers: [AnswerBody]) {
        let adjusted = answers.compactMap { $0.choice == nil ? $0.boxes?.first : nil }
        let yes = answers.filter { $0.choice == "yes" }.count
        let no = answers.filter { $0.choice == "no" }.count
        let total = max(answers.count, 1)
        if !adjusted.isEmpty, adjusted.count > yes, adjusted.count > no {
            let n = Double(adjusted.count)
            outcome = .corrected
            box = LabeledBox(label: predicted.label, x: adjusted.map(\.x).reduce(0, +) / n, y: adjusted.map(\.y).reduce(0, +) / n,
                             w: adjusted.map(\.w).reduce(0, +) / n, h: adjusted.map(\.h).reduce(0, +) / n)
            agreement = Double(adjusted.count) / Double(total)
        } else if yes > no, yes > 0 {
            outcome = .accepted
            box = predicted
            agreement = Double(yes) / Double(total)
        } else {
            outcome = .rejected
            box = nil
            agreement = Double(no) / Double(total)
        }
    }
}
