// Dawid-Skene: learns who to trust, keeps gold answers as known truth, and stays finite.
import AnnolabCore
import Testing

@Suite("Dawid-Skene")
struct DawidSkeneTests {
    /// Three careful operators (90% right) and four who always answer "0" without looking.
    static func crowdWithLazyOperators() throws -> (AnswerMatrix, [Int]) {
        var random = SplitMix64(seed: 7)
        var tasks: [Int] = [], workers: [Int] = [], labels: [Int] = [], truth: [Int] = []
        for t in 0..<300 {
            let label = random.next(below: 3)
            truth.append(label)
            for w in 0..<7 {
                tasks.append(t)
                workers.append(w)
                if w >= 3 {
                    labels.append(0)
                } else {
                    labels.append(random.nextUnit() < 0.9 ? label : (label + 1 + random.next(below: 2)) % 3)
                }
            }
        }
        return (try AnswerMatrix(tasks: tasks, workers: workers, labels: labels, labelCount: 3), truth)
    }

    @Test("Operators who always give the same answer stop outvoting the careful ones")
    func learnsWhoToTrust() throws {
        let (answers, truth) = try Self.crowdWithLazyOperators()
        func accuracy(_ consensus: CategoricalConsensus) -> Double {
            Double(truth.indices.filter { consensus.label(task: $0) == truth[$0] }.count) / Double(truth.count)
        }
        let model = DawidSkene().fitModel(answers)
        #expect(accuracy(MajorityVote().fit(answers)) < 0.5)
        #expect(accuracy(model.consensus) > 0.9)
        #expect(model.converged)
        // The careful operators' expected accuracy is high; the lazy ones are right only when
        // the truth happens to be "0".
        for w in 0..<3 { #expect(model.reliability[w] > 0.8) }
        for w in 3..<7 { #expect(model.reliability[w] < 0.5) }
        let lazy = model.confusion(worker: 4)
        for truth in 0..<3 { #expect(lazy[truth][0] > 0.95) }
    }

    @Test("Gold tasks keep their known label, even when every operator disagrees")
    func goldIsClamped() throws {
        let answers = try AnswerMatrix(
            tasks: [0, 0, 0, 1, 1, 1, 2, 2, 2], workers: [0, 1, 2, 0, 1, 2, 0, 1, 2],
            labels: [1, 1, 1, 0, 0, 0, 1, 0, 1])
        let consensus = DawidSkene().fit(answers, gold: [0: 0])
        #expect(consensus.label(task: 0) == 0)
        #expect(consensus.probabilities(task: 0) == [1, 0])
    }

    @Test("A few gold tasks tell the model which of two disagreeing operators to follow")
    func goldBreaksASymmetry() throws {
        // Ann always gives the true label, Bo always the other one. Without gold the answers
        // cannot say who is right; with gold on five tasks the model follows Ann everywhere.
        var random = SplitMix64(seed: 11)
        var tasks: [Int] = [], workers: [Int] = [], labels: [Int] = [], truth: [Int] = []
        for t in 0..<60 {
            let label = random.next(below: 2)
            truth.append(label)
            tasks += [t, t]
            workers += [0, 1]
            labels += [label, 1 - label]
        }
        let answers = try AnswerMatrix(tasks: tasks, workers: workers, labels: labels)
        let blind = DawidSkene().fitModel(answers)
        #expect(abs(blind.consensus.confidence(task: 10) - 0.5) < 1e-9)
        var gold: [Int: Int] = [:]
        for t in 0..<5 { gold[t] = truth[t] }
        let anchored = DawidSkene().fitModel(answers, gold: gold)
        for t in 5..<60 { #expect(anchored.consensus.label(task: t) == truth[t]) }
        #expect(anchored.reliability[0] > 0.9)
        #expect(anchored.reliability[1] < 0.1)
    }

    @Test("A task with thousands of answers gives finite probabilities that add up to one")
    func noUnderflow() throws {
        var random = SplitMix64(seed: 3)
        var tasks: [Int] = [], workers: [Int] = [], labels: [Int] = []
        for t in 0..<4 {
            for w in 0..<3000 {
                tasks.append(t)
                workers.append(w)
                labels.append(random.nextUnit() < 0.7 ? t % 2 : 1 - t % 2)
            }
        }
        let consensus = DawidSkene(smoothing: 0).fit(
            try AnswerMatrix(tasks: tasks, workers: workers, labels: labels))
        for t in 0..<4 {
            let p = consensus.probabilities(task: t)
            #expect(p.allSatisfy { $0.isFinite })
            #expect(abs(p.reduce(0, +) - 1) < 1e-9)
            #expect(consensus.label(task: t) == t % 2)
        }
    }

    @Test("No answers at all gives no labels, not a crash")
    func emptyCrowd() throws {
        let answers = try AnswerMatrix(tasks: [], workers: [], labels: [], taskCount: 2, workerCount: 0, labelCount: 3)
        let model = DawidSkene().fitModel(answers)
        #expect(model.consensus.label(task: 0) == nil)
        #expect(model.iterations == 0)
        let coded = try CodedAnswers([])
        #expect(DawidSkene().fit(coded.matrix).taskCount == 0)
    }

    @Test("The same answers always give the same labels and probabilities")
    func deterministic() throws {
        let (answers, _) = try Self.crowdWithLazyOperators()
        #expect(DawidSkene().fit(answers) == DawidSkene().fit(answers))
    }
}
