// Subtitle check: verdicts per cue by consensus, corrected text by normalised majority.
import AnnolabCore
import Testing

@Suite("Subtitle-check consensus")
struct SubtitleAggregationTests {
    @Test("Corrections that differ only in case, spacing and final punctuation count as one")
    func normalisedMajority() throws {
        let vote = try #require(SubtitleAggregation.majorityCorrection([
            "Dag wereld",
            "Hallo wereld.",
            "hallo   wereld",
            "Hallo wereld.",
            "  HALLO wereld!  ",
        ]))
        #expect(vote.text == "Hallo wereld.")
        #expect(vote.votes == 4)
        #expect(vote.offered == 5)
    }

    @Test("Composed and decomposed accents are the same text")
    func unicodeNormalisation() {
        #expect(SubtitleAggregation.normalize("Caf\u{E9}") == SubtitleAggregation.normalize("cafe\u{301}"))
        #expect(SubtitleAggregation.normalize(" Ja,\n  natuurlijk...  ") == "ja, natuurlijk")
    }

    @Test("A tie between corrections goes to the one offered first; blank corrections are no vote")
    func tieAndBlank() throws {
        let vote = try #require(SubtitleAggregation.majorityCorrection(["Twee", "  ", "Een", "een.", "twee!"]))
        #expect(vote.text == "Twee")
        #expect(vote.votes == 2 && vote.offered == 4)
        #expect(SubtitleAggregation.majorityCorrection(["", " "]) == nil)
    }

    @Test("Each cue gets the verdict most operators gave, with the majority correction")
    func verdictsAndCorrections() throws {
        let operators = ["ann", "bo", "cem"]
        var answers: [SubtitleAnswer] = []
        // Cue 0 is correct; cue 1 has a text error; cue 2 is out of sync; cue 3 misses speech.
        let verdicts: [[SubtitleVerdict]] = [
            [.correct, .correct, .correct],
            [.textError, .textError, .correct],
            [.timingError, .timingError, .timingError],
            [.missingSpeech, .missingSpeech, .textError],
        ]
        for (cue, row) in verdicts.enumerated() {
            for (i, verdict) in row.enumerated() {
                var correction: String?
                if cue == 1 { correction = ["Goedenavond.", "goedenavond", "Goede avond"][i] }
                answers.append(SubtitleAnswer(cue: cue, operatorID: operators[i], verdict: verdict, correction: correction))
            }
        }
        let consensus = SubtitleAggregation().aggregate(cueCount: 5, answers: answers, gold: [:])
        #expect(consensus.cues.map(\.verdict) == [.correct, .textError, .timingError, .missingSpeech, nil])
        #expect(consensus.cues[1].correction == "Goedenavond.")
        #expect(consensus.cues[1].correctionVotes == 2)
        #expect(consensus.cues[0].correction == nil)
        #expect(consensus.cues[4].confidence == 0)
        for cue in consensus.cues.prefix(4) { #expect(abs(cue.probabilities.reduce(0, +) - 1) < 1e-9) }
        #expect(Set(consensus.reliability.keys) == Set(operators))
    }

    @Test("A gold cue keeps its known verdict")
    func goldCue() {
        let answers = ["ann", "bo"].map { SubtitleAnswer(cue: 0, operatorID: $0, verdict: .correct) }
        let consensus = SubtitleAggregation().aggregate(cueCount: 1, answers: answers, gold: [0: .timingError])
        #expect(consensus.cues[0].verdict == .timingError)
        #expect(consensus.cues[0].confidence == 1)
    }
}
