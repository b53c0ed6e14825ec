// The reply to an answer: the same JSON shape as the API promises, with kind feedback after gold.
import AnnolabCore
import Foundation
import Testing

@Suite("Answer receipt and gold feedback")
struct AnswerReceiptTests {
    func json(_ receipt: AnswerReceipt) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(receipt), as: UTF8.self)
    }

    @Test("an ordinary answer is acknowledged with accepted alone")
    func plain() throws {
        #expect(try json(AnswerReceipt()) == #"{"accepted":true}"#)
        #expect(AnswerReceipt.acceptedJSON == (try json(AnswerReceipt())))
        #expect(try AnswerReceipt().json(encoder: JSONEncoder()) == AnswerReceipt.acceptedJSON)
    }

    @Test("a practice question that matched is praised in both languages")
    func matched() throws {
        let receipt = AnswerReceipt(feedback: GoldFeedback(correct: true, explanation: .init(en: "Ears.", nl: "Oren.")))
        #expect(try json(receipt) == #"{"accepted":true,"feedback":{"correct":true,"message":{"en":"Well done: that is right.","nl":"Goed gedaan: dat klopt."}}}"#)
    }

    @Test("a practice question that did not match gives the client's explanation, or a hint to look again")
    func different() throws {
        let explained = GoldFeedback(correct: false, explanation: .init(en: "Pointed ears: a cat.", nl: "Spitse oren: een kat."))
        #expect(explained.message == .init(nl: "Deze was anders. Spitse oren: een kat.", en: "This one was different. Pointed ears: a cat."))
        let bare = GoldFeedback(correct: false, explanation: .init())
        #expect(bare.message.en == "This one was different. Look at the example once more.")
        #expect(bare.message.nl == "Deze was anders. Kijk nog eens naar het voorbeeld.")
        for text in [explained.message.en, bare.message.en] {
            #expect(!text.lowercased().contains("wrong") && !text.lowercased().contains("fail"))
        }
    }

    @Test("a stored reply reads back as the same receipt")
    func roundTrip() throws {
        let receipt = AnswerReceipt(feedback: GoldFeedback(correct: false, explanation: .init(en: "A/B", nl: nil)))
        let decoded = try JSONDecoder().decode(AnswerReceipt.self, from: Data(try json(receipt).utf8))
        #expect(decoded == receipt)
    }

    @Test("an explanation is read from the JSON stored beside the gold answer, in either language or none")
    func explanation() throws {
        let both = try JSONDecoder().decode(GoldFeedback.Explanation.self, from: Data(#"{"en":"Ears.","nl":"Oren."}"#.utf8))
        #expect(both == .init(en: "Ears.", nl: "Oren."))
        #expect(try JSONDecoder().decode(GoldFeedback.Explanation.self, from: Data("{}".utf8)) == .init())
    }
}
