// The model's boxes against the consensus boxes of each picture: matched at IoU 0.5, as in PASCAL VOC.
//
// Matching follows the PASCAL VOC protocol (Everingham et al., "The PASCAL Visual Object Classes
// (VOC) Challenge", IJCV 88, 2010): predictions in order of decreasing score, each taking the
// unmatched consensus box of its label that it overlaps most, if that overlap is at least 0.5.

extension ModelReport {
    /// The overlap a predicted box needs with a consensus box of its label to count as found.
    public static let matchIoU = 0.5

    /// A box the model drew, in image pixels, with its score when it gave one.
    public struct ScoredBox: Sendable, Equatable {
        public var box: LabeledBox
        public var score: Double?

        public init(box: LabeledBox, score: Double? = nil) {
            self.box = box
            self.score = score
        }
    }

    /// One picture: the model's boxes and the boxes the lab's people agreed on, both in pixels.
    public struct BoxImage: Sendable, Equatable {
        public var itemId: String
        public var fileName: String
        public var thumbnail: String?
        public var predicted: [ScoredBox]
        public var consensus: [LabeledBox]

        public init(itemId: String, fileName: String, thumbnail: String? = nil,
                    predicted: [ScoredBox], consensus: [LabeledBox]) {
            self.itemId = itemId
            self.fileName = fileName
            self.thumbnail = thumbnail
            self.predicted = predicted
            self.consensus = consensus
        }
    }

    /// Matches one picture's boxes. A matched prediction is a true positive of its label, an
    /// unmatched one a false positive, an unmatched consensus box a false negative. Boxes
    /// without a positive size cannot overlap anything and are left out on both sides.
    /// Unscored predictions are matched after scored ones; equal scores keep the given order.
    /// A score outside 0...1 is taken to the nearer end, and one that is not a number is no score.
    static func match(_ image: BoxImage) -> (tallies: [String: Tally], worst: WorstItem?) {
        let consensus = image.consensus.filter(\.isDrawable)
        let predicted = image.predicted.map { ScoredBox(box: $0.box, score: usableScore($0.score)) }
            .enumerated()
            .filter { $0.element.box.isDrawable }
            .sorted { a, b in
                let sa = a.element.score ?? -1, sb = b.element.score ?? -1
                return sa != sb ? sa > sb : a.offset < b.offset
            }
            .map(\.element)
        var taken = [Bool](repeating: false, count: consensus.count)
        var tallies: [String: Tally] = [:]
        var falsePositives: [ScoredBox] = []
        for prediction in predicted {
            var best: Int?
            var bestIoU = matchIoU
            for (c, box) in consensus.enumerated() where !taken[c] && box.label == prediction.box.label {
                let overlap = prediction.box.iou(box)
                if overlap >= bestIoU && (best == nil || overlap > bestIoU) {
                    best = c
                    bestIoU = overlap
                }
            }
            if let c = best {
                taken[c] = true
                tallies[prediction.box.label, default: Tally()].truePositives += 1
            } else {
                tallies[prediction.box.label, default: Tally()].falsePositives += 1
                falsePositives.append(prediction)
            }
        }
        let missed = consensus.enumerated().filter { !taken[$0.offset] }.map(\.element)
        for box in missed { tallies[box.label, default: Tally()].falseNegatives += 1 }

        guard !falsePositives.isEmpty || !missed.isEmpty else { return (tallies, nil) }
        let severity = falsePositives.reduce(0) { $0 + ($1.score ?? 1) } + Double(missed.count)
        let worst = WorstItem(
            itemId: image.itemId, fileName: image.fileName, thumbnail: image.thumbnail, severity: severity,
            model: falsePositives.map { Said(box: $0.box, score: $0.score) },
            people: missed.map { Said(box: $0) })
        return (tallies, worst)
    }
}
