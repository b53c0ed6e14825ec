// Majority vote: the most common answer wins, ties go to reliable operators, then to the lowest label.
import AnnolabCore
import Testing

@Suite("Majority vote")
struct MajorityVoteTests {
    @Test("The label most operators gave wins, with its share of the votes as confidence")
    func mostVotesWin() throws {
        let answers = try AnswerMatrix(tasks: [0, 0, 0], workers: [0, 1, 2], labels: [2, 1, 2])
        let consensus = MajorityVote().fit(answers)
        #expect(consensus.label(task: 0) == 2)
        #expect(abs(consensus.confidence(task: 0) - 2.0 / 3.0) < 1e-12)
        #expect(consensus.probabilities(task: 0) == [0, 1.0 / 3.0, 2.0 / 3.0])
    }

    @Test("A tie goes to the label whose operators are more reliable")
    func tieGoesToReliableOperators() throws {
        let answers = try AnswerMatrix(tasks: [0, 0], workers: [0, 1], labels: [0, 1])
        let trustSecond = MajorityVote(workerReliability: [0.6, 0.9]).fit(answers)
        #expect(trustSecond.label(task: 0) == 1)
        let trustFirst = MajorityVote(workerReliability: [0.9, 0.6]).fit(answers)
        #expect(trustFirst.label(task: 0) == 0)
    }

    @Test("Reliability only breaks ties: two ordinary operators outvote one trusted operator")
    func reliabilityDoesNotOverruleVotes() throws {
        let answers = try AnswerMatrix(tasks: [0, 0, 0], workers: [0, 1, 2], labels: [1, 0, 0])
        let consensus = MajorityVote(workerReliability: [0.99, 0.5, 0.5]).fit(answers)
        #expect(consensus.label(task: 0) == 0)
    }

    @Test("A tie that reliability cannot break goes to the lowest label code, whatever the answer order")
    func tieIsDeterministic() throws {
        let forward = try AnswerMatrix(tasks: [0, 0, 0, 0], workers: [0, 1, 2, 3], labels: [3, 1, 3, 1])
        let backward = try AnswerMatrix(tasks: [0, 0, 0, 0], workers: [3, 2, 1, 0], labels: [1, 3, 1, 3])
        #expect(MajorityVote().fit(forward).label(task: 0) == 1)
        #expect(MajorityVote().fit(backward).label(task: 0) == 1)
        let equallyTrusted = MajorityVote(workerReliability: [0.8, 0.8, 0.8, 0.8])
        #expect(equallyTrusted.fit(forward).label(task: 0) == 1)
    }

    @Test("Gold tasks keep their known label and a task nobody answered has none")
    func goldAndUnanswered() throws {
        let answers = try AnswerMatrix(tasks: [0, 0, 0], workers: [0, 1, 2], labels: [0, 0, 0],
                                       taskCount: 2, labelCount: 2)
        let consensus = MajorityVote().fit(answers, gold: [0: 1])
        #expect(consensus.label(task: 0) == 1)
        #expect(consensus.confidence(task: 0) == 1)
        #expect(consensus.label(task: 1) == nil)
        #expect(consensus.confidence(task: 1) == 0)
    }

    @Test("Labels given by name come back by name")
    func namesRoundTrip() throws {
        let coded = try CodedAnswers([
            CrowdAnswer(task: "clip-1", worker: "ann", label: "muziek"),
            CrowdAnswer(task: "clip-1", worker: "bo", label: "spraak"),
            CrowdAnswer(task: "clip-1", worker: "cem", label: "muziek"),
            CrowdAnswer(task: "clip-2", worker: "ann", label: "stilte"),
        ])
        #expect(coded.codebook.labels == ["muziek", "spraak", "stilte"])
        let rows = coded.decode(MajorityVote().fit(coded.matrix))
        #expect(rows.map(\.task) == ["clip-1", "clip-2"])
        #expect(rows.map(\.label) == ["muziek", "stilte"])
    }
}
