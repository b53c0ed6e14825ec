// How many answers a microtask needs, decided again each time it gets an answer.
import Foundation

extension AdaptiveOverlap {
    /// What an answer decided for its microtask.
    public struct Decision: Sendable, Equatable {
        /// How many answers the microtask needs now (it only ever grows).
        public var required: Int
        /// Whether it has them: nobody else is asked.
        public var done: Bool

        public init(required: Int, done: Bool) {
            self.required = required
            self.done = done
        }
    }

    /// Decides after each answer; `answers` holds every answer so far, the new one included.
    ///
    /// With a fixed `overlap` the microtask is done at that many answers. Without one it needs
    /// `required` answers (the project's minimum at first). Once it has them it is done when
    /// they settle it (``isSettled(kind:answers:labels:payload:)``) or `required` has reached
    /// `maximum`; otherwise one more operator is asked.
    ///
    /// ```swift
    /// let rule = AdaptiveOverlap()
    /// rule.decide(kind: .choice, answers: [cat, dog], required: 2, overlap: nil, maximum: 5,
    ///             labels: ["cat", "dog"], payload: MicrotaskPayload())   // required 3, not done
    /// ```
    public func decide(kind: TaskKind, answers: [AnswerBody], required: Int, overlap: Int?, maximum: Int,
                       labels: [String], payload: MicrotaskPayload) -> Decision {
        if let overlap { return Decision(required: overlap, done: answers.count >= overlap) }
        guard answers.count >= required else { return Decision(required: required, done: false) }
        if isSettled(kind: kind, answers: answers, labels: labels, payload: payload) || required >= maximum {
            return Decision(required: required, done: true)
        }
        return Decision(required: required + 1, done: false)
    }
}
