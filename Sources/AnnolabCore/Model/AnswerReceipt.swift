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

    /// The JSON of a receipt without feedback, as the lab's encoder writes it (a test holds the
    /// two equal): most answers get this reply, and the operator loop need not run an encoder for it.
    public static let acceptedJSON = #"{"accepted":true}"#

    /// The reply's JSON, encoded once.
    public func json(encoder: JSONEncoder) throws -> String {
        feedback == nil ? Self.acceptedJSON : String(decoding: try encoder.encode(self), as: UTF8.self)
    }

    public init(feedback: GoldFeedback? = nil) {
        accepted = true
        self.feedback = feedback
    }
}
