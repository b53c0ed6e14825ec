// A project's agreement, as its client sees it.
import Testing
@testable import AnnolabCore

@Suite("Project agreement")
struct ProjectAgreementTests {
    func given(_ microtask: Int64, _ op: Int64, _ answer: AnswerBody, gold: Bool = false, correct: Bool? = nil) -> ProjectAgreement.Given {
        .init(microtask: microtask, operatorId: op, answer: answer, isGold: gold, goldCorrect: correct)
    }

    @Test("operators who always agree show full agreement; disagreement lowers alpha")
    func choices() {
        let agreeing = [given(1, 1, .init(choice: "a")), given(1, 2, .init(choice: "a")),
                        given(2, 1, .init(choice: "b")), given(2, 2, .init(choice: "b"))]
        let full = ProjectAgreement.measure(kind: .choice, labels: ["a", "b"], answers: agreeing)
        #expect(full.agreement == 1)
        #expect(full.alpha == 1)
        let mixed = agreeing + [given(3, 1, .init(choice: "a")), given(3, 2, .init(choice: "b"))]
        let lower = ProjectAgreement.measure(kind: .choice, labels: ["a", "b"], answers: mixed)
        #expect(lower.agreement! < 1)
        let direct = KrippendorffAlpha.nominal(units: [["a", "a"], ["b", "b"], ["a", "b"]])
        #expect(lower.alpha == direct.alpha)
        #expect(lower.answers == 6)
    }

    @Test("gold answers count for gold accuracy, not for agreement")
    func gold() {
        let answers = [given(1, 1, .init(choice: "a"), gold: true, correct: true),
                       given(1, 2, .init(choice: "b"), gold: true, correct: false),
                       given(2, 1, .init(choice: "a")), given(2, 2, .init(choice: "a"))]
        let quality = ProjectAgreement.measure(kind: .choice, labels: ["a", "b"], answers: answers)
        #expect(quality.goldAnswers == 2)
        #expect(quality.goldAccuracy == 0.5)
        #expect(quality.answers == 2)
        #expect(quality.agreement == 1)
    }

    @Test("sound tags are measured per tag and clip, subtitle checks per cue")
    func tagsAndCues() {
        let tags = ProjectAgreement.measure(kind: .audioTags, labels: ["music", "speech"], answers: [
            given(1, 1, .init(tags: ["music"])), given(1, 2, .init(tags: ["music", "speech"])),
        ])
        // Two questions: music (agree), speech (disagree).
        #expect(tags.agreement == 0.5)
        let cues = ProjectAgreement.measure(kind: .subtitleCheck, labels: [], answers: [
            given(1, 1, .init(cues: [.init(index: 1, verdict: "correct"), .init(index: 2, verdict: "text-error")])),
            given(1, 2, .init(cues: [.init(index: 1, verdict: "correct"), .init(index: 2, verdict: "text-error")])),
        ])
        #expect(cues.agreement == 1)
    }
}
