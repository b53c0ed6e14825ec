// The kind, specific words an operator reads after answering a practice question (a gold microtask).
import Foundation

/// What an operator is told at once after a gold microtask: whether the answer matched the
/// known one, worded to help rather than to judge, with the client's own explanation when it
/// did not match.
///
/// ```swift
/// let feedback = GoldFeedback(correct: GoldCheck.matches(answer, gold: known, kind: .choice),
///                             explanation: .init(en: "Pointed ears: a cat.", nl: "Spitse oren: een kat."))
/// feedback.message.en   // "This one was different. Pointed ears: a cat."
/// ```
public struct GoldFeedback: Codable, Sendable, Equatable {
    /// Why the known answer is right, in the lab's two languages, as the client wrote it with the
    /// gold answer (stored as JSON beside it); either language may be missing.
    public struct Explanation: Codable, Sendable, Equatable {
        public var en: String?
        public var nl: String?

        public init(en: String? = nil, nl: String? = nil) {
            self.en = en
            self.nl = nl
        }
    }

    public var correct: Bool
    public var message: TaskTemplate.Text

    public init(correct: Bool, message: TaskTemplate.Text) {
        self.correct = correct
        self.message = message
    }

    /// The words for an answer that did or did not match; "wrong" and "fail" are never said.
    public init(correct: Bool, explanation: Explanation) {
        let message = correct
            ? TaskTemplate.Text(nl: "Goed gedaan: dat klopt.", en: "Well done: that is right.")
            : TaskTemplate.Text(nl: "Deze was anders. " + (explanation.nl ?? "Kijk nog eens naar het voorbeeld."),
                                en: "This one was different. " + (explanation.en ?? "Look at the example once more."))
        self.init(correct: correct, message: message)
    }
}
