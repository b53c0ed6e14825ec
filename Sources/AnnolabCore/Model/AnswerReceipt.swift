// The lab's reply to an answer it took: accepted, with feedback after a practice question.
import Foundation

/// What `POST /api/v1/assignments/{id}/answer` replies when it takes an answer, and what the
/// text mode reads back. It is encoded once, when the answer is taken; those bytes are stored
/// with the answer and sent unchanged to a repeat of the same submit.
///
/// ```json
/// {"accepted":true}
/// {"accepted":true,"feedback":{"correct":false,"message":{"en":"This one was different. …","nl":"Deze was anders. …"}}}
/// ```
public struct AnswerReceipt: Codable, Sendable, Equatable {
    /// Always true: an answer that is not taken gets an error reply instead.
    public var accepted: Bool
    /// Only after a practice question (a gold microtask); left out of the JSON otherwise.
    public var feedback: GoldFeedback?

    public init(feedback: GoldFeedback? = nil) {
        accepted = true
        self.feedback = feedback
    }
}
