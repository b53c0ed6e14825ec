// Adaptive overlap: how many operators a microtask asks, decided again with each answer.
import AnnolabCore
import Testing

@Suite("Adaptive overlap")
struct AdaptiveOverlapTests {
    let rule = AdaptiveOverlap()
    let cat = AnswerBody(choice: "cat"), dog = AnswerBody(choice: "dog")

    func decide(_ answers: [AnswerBody], required: Int = 2, overlap: Int? = nil, maximum: Int = 5) -> AdaptiveOverlap.Decision {
        rule.decide(kind: .choice, answers: answers, required: required, overlap: overlap, maximum: maximum,
                    labels: ["cat", "dog"], payload: MicrotaskPayload())
    }

    @Test("a fixed overlap of three is done at the third answer, whatever the answers say")
    func fixedOverlap() {
        #expect(decide([cat, cat], overlap: 3) == .init(required: 3, done: false))
        #expect(decide([cat, dog, cat], overlap: 3) == .init(required: 3, done: true))
    }

    @Test("two operators who agree settle a microtask; nobody else is asked")
    func agreementSettles() {
        #expect(decide([cat]) == .init(required: 2, done: false), "one answer of the two needed")
        #expect(decide([cat, cat]) == .init(required: 2, done: true))
    }

    @Test("two operators who disagree ask a third, and so on up to the project's maximum")
    func disagreementAsksMore() {
        #expect(decide([cat, dog]) == .init(required: 3, done: false))
        #expect(decide([cat, dog, cat], required: 3) == .init(required: 4, done: false), "two against one is not yet sure")
        #expect(decide([cat, dog, cat, dog, cat], required: 5) == .init(required: 5, done: true), "the maximum ends it")
    }

    @Test("an answer counted below the needed number changes nothing")
    func belowRequired() {
        #expect(decide([cat, cat], required: 3) == .init(required: 3, done: false))
    }
}
