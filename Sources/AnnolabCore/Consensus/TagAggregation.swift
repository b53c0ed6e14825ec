// Audio-tags consensus: a yes/no Dawid-Skene per tag over clips, then tagged time ranges.
//
// Each tag becomes its own yes/no question ("is there music in this clip?"), the binary
// relevance reduction of multi-label answers (Tsoumakas and Katakis, "Multi-Label
// Classification: An Overview", IJDWM 3(3), 2007), and each question is aggregated with
// Dawid and Skene's EM (JRSS C 28(1), 1979), so an operator who hears applause well but
// misses laughter is weighed per tag.

/// The set of tags one operator heard in one clip (an empty set means "none of these").
public struct TagAnswer: Sendable, Hashable {
    /// The clip's position in the clip list (its `AudioClip.index` for clips from `AudioClips.make`).
    public var clip: Int
    public var operatorID: String
    public var tags: Set<String>

    public init(clip: Int, operatorID: String, tags: Set<String>) {
        self.clip = clip
        self.operatorID = operatorID
        self.tags = tags
    }
}

/// A stretch of the programme where a tag was heard.
public struct TagRange: Sendable, Hashable {
    public var tag: String
    public var start: Double
    public var end: Double
    /// The mean posterior probability of the tag over the clips in the range.
    public var confidence: Double
}

/// The consensus on a programme's clips.
public struct TagConsensus: Sendable {
    /// The tags in their column order: the given vocabulary, then unknown tags found in answers.
    public var tags: [String]
    /// Row-major `clips x tags`: the posterior probability that a tag is in a clip
    /// (0 for a clip nobody answered).
    public var posteriors: [Double]
    /// Positive clips merged per tag, by tag order, then by start time.
    public var ranges: [TagRange]
    /// Per tag, each operator's reliability (expected accuracy on that yes/no question).
    public var reliability: [String: [String: Double]]

    public func posterior(clip: Int, tag: String) -> Double? {
        guard let column = tags.firstIndex(of: tag) else { return nil }
        return posteriors[clip * tags.count + column]
    }
}

/// A way to turn audio-tag answers into tagged time ranges.
public protocol TagAggregator: Sendable {
    func aggregate(clips: [AudioClip], answers: [TagAnswer], gold: [Int: Set<String>]) -> TagConsensus
}

/// Aggregates audio-tags answers tag by tag.
///
/// A clip is positive for a tag when its posterior is at least 0.5. Positive clips of the same
/// tag that touch or overlap (the next clip starts no later than the range ends, within
/// `joinGap` seconds) merge into one range whose confidence is the mean posterior of its clips.
///
/// ```swift
/// let consensus = TagAggregation(vocabulary: ["music", "speech"]).aggregate(
///     clips: clips, answers: answers, gold: [:])
/// for range in consensus.ranges { print(range.tag, range.start, range.end, range.confidence) }
/// ```
public struct TagAggregation: TagAggregator {
    public var vocabulary: [String]
    public var model: DawidSkene
    /// Clips this many seconds apart or closer still count as adjacent.
    public var joinGap: Double

    public init(vocabulary: [String] = [], model: DawidSkene = DawidSkene(), joinGap: Double = 0.001) {
        self.vocabulary = vocabulary
        self.model = model
        self.joinGap = joinGap
    }

    public func aggregate(clips: [AudioClip], answers: [TagAnswer], gold: [Int: Set<String>] = [:]) -> TagConsensus {
        var tags = vocabulary
        let known = Set(tags)
        tags += AnswerCodebook.sortedLabels(answers.flatMap(\.tags).filter { !known.contains($0) })

        let valid = answers.filter { $0.clip >= 0 && $0.clip < clips.count }
        var workerCodes: [String: Int] = [:]
        var workerNames: [String] = []
        for answer in valid where workerCodes[answer.operatorID] == nil {
            workerCodes[answer.operatorID] = workerNames.count
            workerNames.append(answer.operatorID)
        }
        let taskColumn = valid.map(\.clip)
        let workerColumn = valid.map { workerCodes[$0.operatorID]! }

        var posteriors = [Double](repeating: 0, count: clips.count * tags.count)
        var ranges: [TagRange] = []
        var reliability: [String: [String: Double]] = [:]
        for (column, tag) in tags.enumerated() {
            // Label 1 = the operator heard the tag, 0 = they did not.
            let heard = valid.map { $0.tags.contains(tag) ? 1 : 0 }
            var tagGold: [Int: Int] = [:]
            for (clip, set) in gold where clip >= 0 && clip < clips.count { tagGold[clip] = set.contains(tag) ? 1 : 0 }
            guard let matrix = try? AnswerMatrix(
                tasks: taskColumn, workers: workerColumn, labels: heard,
                taskCount: clips.count, workerCount: workerNames.count, labelCount: 2)
            else { continue }
            let fit = model.fitModel(matrix, gold: tagGold)
            var perWorker: [String: Double] = [:]
            for (w, name) in workerNames.enumerated() { perWorker[name] = fit.reliability[w] }
            reliability[tag] = perWorker

            var current: TagRange?
            var clipsInRange = 0
            var posteriorSum = 0.0
            func close() {
                if var range = current {
                    range.confidence = posteriorSum / Double(clipsInRange)
                    ranges.append(range)
                }
                current = nil
            }
            // Clips are merged in time order even if the list is not sorted.
            let order = clips.indices.sorted { (clips[$0].start, $0) < (clips[$1].start, $1) }
            for c in order {
                let p = fit.consensus.label(task: c) == nil ? 0 : fit.consensus.probabilities[c * 2 + 1]
                posteriors[c * tags.count + column] = p
                guard p >= 0.5 else { close(); continue }
                if let range = current, clips[c].start <= range.end + joinGap {
                    current!.end = max(range.end, clips[c].end)
                    clipsInRange += 1
                    posteriorSum += p
                } else {
                    close()
                    current = TagRange(tag: tag, start: clips[c].start, end: clips[c].end, confidence: 0)
                    clipsInRange = 1
                    posteriorSum = p
                }
            }
            close()
        }
        return TagConsensus(tags: tags, posteriors: posteriors, ranges: ranges, reliability: reliability)
    }
}
