// Subtitle-check consensus: a verdict per cue by Dawid-Skene, a corrected text by normalised majority.
//
// Verdicts are categorical answers aggregated with Dawid and Skene's EM (JRSS C 28(1), 1979).
// Corrections are voted on whole: ROVER (Fiscus, "A post-processing system to yield reduced
// word error rates: Recognizer Output Voting Error Reduction", IEEE ASRU 1997), which
// Crowd-Kit uses for texts, votes word by word; a subtitle cue is short enough that the most
// common normalised line wins, returned as the operators spelled it.

import Foundation

/// What an operator says about one subtitle cue.
public enum SubtitleVerdict: String, Sendable, Hashable, Codable, CaseIterable {
    case correct
    case textError = "text-error"
    case timingError = "timing-error"
    case missingSpeech = "missing-speech"

    /// The label code used in the answer matrix (the order of `allCases`).
    public var code: Int { Self.allCases.firstIndex(of: self)! }
}

/// One operator's judgement of one cue, with the text they would put there instead.
public struct SubtitleAnswer: Sendable, Hashable {
    public var cue: Int
    public var operatorID: String
    public var verdict: SubtitleVerdict
    public var correction: String?

    public init(cue: Int, operatorID: String, verdict: SubtitleVerdict, correction: String? = nil) {
        self.cue = cue
        self.operatorID = operatorID
        self.verdict = verdict
        self.correction = correction
    }
}

/// The consensus on one cue.
public struct CueConsensus: Sendable, Hashable {
    public var cue: Int
    /// Nil when nobody judged the cue.
    public var verdict: SubtitleVerdict?
    /// The posterior probability of the verdict.
    public var confidence: Double
    /// The posterior of every verdict, in `SubtitleVerdict.allCases` order.
    public var probabilities: [Double]
    /// The majority correction as an operator spelled it; nil when nobody offered one.
    public var correction: String?
    /// How many corrections had the winning normalised text.
    public var correctionVotes: Int
    /// How many operators offered a correction at all.
    public var correctionsOffered: Int
}

/// The consensus on a subtitle file's cues.
public struct SubtitleConsensus: Sendable {
    /// One entry per cue, in cue order.
    public var cues: [CueConsensus]
    /// Each operator's reliability on verdicts: learning feedback, never a ranking.
    public var reliability: [String: Double]
}

/// A way to turn subtitle-check answers into verdicts and corrections.
public protocol SubtitleAggregator: Sendable {
    func aggregate(cueCount: Int, answers: [SubtitleAnswer], gold: [Int: SubtitleVerdict]) -> SubtitleConsensus
}

/// Aggregates subtitle-check answers.
///
/// ```swift
/// let consensus = SubtitleAggregation().aggregate(cueCount: cues.count, answers: answers, gold: [:])
/// if consensus.cues[3].verdict == .textError { print(consensus.cues[3].correction ?? "") }
/// ```
///
/// A correction is reported for every cue where someone offered one; exports use it on cues
/// whose verdict is text-error or missing-speech.
public struct SubtitleAggregation: SubtitleAggregator {
    public var model: DawidSkene

    public init(model: DawidSkene = DawidSkene()) {
        self.model = model
    }

    public func aggregate(cueCount: Int, answers: [SubtitleAnswer], gold: [Int: SubtitleVerdict] = [:]) -> SubtitleConsensus {
        let valid = answers.filter { $0.cue >= 0 && $0.cue < cueCount }
        var workerCodes: [String: Int] = [:]
        var workerNames: [String] = []
        for answer in valid where workerCodes[answer.operatorID] == nil {
            workerCodes[answer.operatorID] = workerNames.count
            workerNames.append(answer.operatorID)
        }
        let verdictCount = SubtitleVerdict.allCases.count
        let matrix = try? AnswerMatrix(
            tasks: valid.map(\.cue), workers: valid.map { workerCodes[$0.operatorID]! },
            labels: valid.map(\.verdict.code),
            taskCount: cueCount, workerCount: workerNames.count, labelCount: verdictCount)
        let goldCodes = Dictionary(uniqueKeysWithValues: gold.map { ($0.key, $0.value.code) })
        let fit = matrix.map { model.fitModel($0, gold: goldCodes) }

        var corrections = [[String]](repeating: [], count: cueCount)
        for answer in valid {
            if let text = answer.correction { corrections[answer.cue].append(text) }
        }

        var cues: [CueConsensus] = []
        cues.reserveCapacity(cueCount)
        for cue in 0..<cueCount {
            let label = fit?.consensus.label(task: cue)
            let vote = Self.majorityCorrection(corrections[cue])
            cues.append(CueConsensus(
                cue: cue,
                verdict: label.map { SubtitleVerdict.allCases[$0] },
                confidence: fit?.consensus.confidence(task: cue) ?? 0,
                probabilities: fit?.consensus.probabilities(task: cue) ?? Array(repeating: 0, count: verdictCount),
                correction: vote?.text,
                correctionVotes: vote?.votes ?? 0,
                correctionsOffered: vote?.offered ?? 0))
        }
        var reliability: [String: Double] = [:]
        if let fit {
            for (w, name) in workerNames.enumerated() { reliability[name] = fit.reliability[w] }
        }
        return SubtitleConsensus(cues: cues, reliability: reliability)
    }

    /// The most common correction after normalisation, returned in its most common original
    /// spelling (outer whitespace trimmed). Ties go to the text offered first, so the result
    /// never depends on anything but the answers' order. Blank corrections are not votes.
    public static func majorityCorrection(_ texts: [String]) -> (text: String, votes: Int, offered: Int)? {
        var forms: [String: (votes: Int, first: Int, spellings: [String: (count: Int, first: Int)])] = [:]
        var offered = 0
        for (position, text) in texts.enumerated() {
            let key = normalize(text)
            guard !key.isEmpty else { continue }
            offered += 1
            let spelling = text.trimmingCharacters(in: .whitespacesAndNewlines)
            var form = forms[key] ?? (0, position, [:])
            form.votes += 1
            let seen = form.spellings[spelling] ?? (0, position)
            form.spellings[spelling] = (seen.count + 1, seen.first)
            forms[key] = form
        }
        guard let winner = forms.values.min(by: { a, b in
            a.votes != b.votes ? a.votes > b.votes : a.first < b.first
        }) else { return nil }
        let spelling = winner.spellings.min { a, b in
            a.value.count != b.value.count ? a.value.count > b.value.count : a.value.first < b.value.first
        }!.key
        return (spelling, winner.votes, offered)
    }

    /// The form in which two corrections count as the same: Unicode NFC, trimmed, runs of
    /// whitespace as one space, case-folded, without trailing punctuation.
    public static func normalize(_ text: String) -> String {
        let composed = text.precomposedStringWithCanonicalMapping
        let words = composed.split(whereSeparator: { $0.isWhitespace || $0.isNewline })
        var folded = words.joined(separator: " ").folding(options: [.caseInsensitive], locale: nil)
        while let last = folded.unicodeScalars.last,
              CharacterSet.punctuationCharacters.contains(last) || CharacterSet.whitespacesAndNewlines.contains(last) {
            folded.unicodeScalars.removeLast()
        }
        return folded
    }
}
