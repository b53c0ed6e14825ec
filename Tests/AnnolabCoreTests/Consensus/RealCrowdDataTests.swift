// Consensus on real crowd answers, held against Crowd-Kit's accuracy on the same data.
import AnnolabCore
import Testing

/// Crowd-Kit 1.4 on this kind of machine (TESTING.md, "Real crowd data"): Duck MV 0.759,
/// DS 0.889; Dog MV 0.812, DS 0.843. Dawid-Skene may fall at most 0.005 below, majority vote
/// at most 0.01.
@Suite("Real crowd data: the duck and dog datasets")
struct RealCrowdDataTests {
    @Test("Dawid-Skene labels the duck images at least as well as Crowd-Kit does")
    func dawidSkeneOnDucks() throws {
        let (coded, truth) = try CrowdDataFolder.load("duck")
        let result = truth.accuracy(of: coded.decode(DawidSkene().fit(coded.matrix)))
        #expect(result.tasks == 108)
        #expect(try #require(result.accuracy) >= 0.884)
    }

    @Test("Dawid-Skene labels the dog images at least as well as Crowd-Kit does")
    func dawidSkeneOnDogs() throws {
        let (coded, truth) = try CrowdDataFolder.load("dog")
        let result = truth.accuracy(of: coded.decode(DawidSkene().fit(coded.matrix)))
        #expect(result.tasks == 807)
        #expect(try #require(result.accuracy) >= 0.838)
    }

    @Test("Majority vote on the duck images matches Crowd-Kit's majority vote")
    func majorityVoteOnDucks() throws {
        let (coded, truth) = try CrowdDataFolder.load("duck")
        let result = truth.accuracy(of: coded.decode(MajorityVote().fit(coded.matrix)))
        #expect(try #require(result.accuracy) >= 0.749)
    }

    @Test("Majority vote on the dog images matches Crowd-Kit's majority vote")
    func majorityVoteOnDogs() throws {
        let (coded, truth) = try CrowdDataFolder.load("dog")
        let result = truth.accuracy(of: coded.decode(MajorityVote().fit(coded.matrix)))
        #expect(try #require(result.accuracy) >= 0.802)
    }

    @Test("Gold answers for a tenth of the dog tasks do not make the rest worse")
    func goldAnchorsOnDogs() throws {
        let (coded, truth) = try CrowdDataFolder.load("dog")
        // Every tenth task in code order becomes gold; accuracy is measured on the others only.
        var goldNames: [String: String] = [:]
        for (t, task) in coded.codebook.tasks.enumerated() where t % 10 == 0 {
            if let label = truth.truth[task] { goldNames[task] = label }
        }
        let gold = coded.codebook.goldCodes(goldNames)
        #expect(gold.count > 70)
        let rest = TruthTable(truth: truth.truth.filter { goldNames[$0.key] == nil })
        let plain = rest.accuracy(of: coded.decode(DawidSkene().fit(coded.matrix)))
        let anchored = DawidSkene().fit(coded.matrix, gold: gold)
        let withGold = rest.accuracy(of: coded.decode(anchored))
        #expect(try #require(withGold.accuracy) >= (try #require(plain.accuracy)) - 0.005)
        for (task, label) in gold {
            #expect(anchored.label(task: task) == label)
            #expect(anchored.confidence(task: task) == 1)
        }
    }
}
