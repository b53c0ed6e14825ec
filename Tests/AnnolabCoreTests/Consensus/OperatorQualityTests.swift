// Per-operator quality: gold accuracy, agreement with consensus and model reliability, unranked.
import AnnolabCore
import Testing

@Suite("Operator quality feedback")
struct OperatorQualityTests {
    @Test("Each operator sees their gold accuracy and their agreement with the consensus on other tasks")
    func figures() throws {
        // Task 0 is gold (label 1). Tasks 1 and 2 are ordinary.
        let answers = try AnswerMatrix(
            tasks: [0, 0, 1, 1, 1, 2, 2, 2], workers: [0, 1, 0, 1, 2, 0, 1, 2],
            labels: [1, 0, 0, 0, 1, 1, 1, 1])
        let gold = [0: 1]
        let consensus = MajorityVote().fit(answers, gold: gold)
        let figures = OperatorQuality.measure(answers, consensus: consensus, gold: gold,
                                              reliability: [0.9, 0.7, 0.8])
        #expect(figures.map(\.worker) == [0, 1, 2])
        #expect(figures[0].goldAccuracy == 1)
        #expect(figures[1].goldAccuracy == 0)
        #expect(figures[2].goldAccuracy == nil)
        #expect(figures[0].agreementWithConsensus == 1)
        #expect(figures[2].agreementWithConsensus == 0.5)
        #expect(figures[2].answers == 2)
        #expect(figures.map(\.modelReliability) == [0.9, 0.7, 0.8])
    }

    @Test("Figures come in worker order, not sorted by score")
    func notRanked() throws {
        let answers = try AnswerMatrix(tasks: [0, 0, 0], workers: [0, 1, 2], labels: [1, 0, 0])
        let consensus = MajorityVote().fit(answers)
        let figures = OperatorQuality.measure(answers, consensus: consensus)
        #expect(figures.map(\.worker) == [0, 1, 2])
        #expect(figures.map(\.agreementWithConsensus) == [0, 1, 1])
    }
}
