// Box fusion for image-boxes: match operators' boxes by overlap, keep what enough of them drew.
//
// After Solovyev, Wang and Gabruseva, "Weighted boxes fusion: Ensembling boxes from different
// object detection models", Image and Vision Computing 107 (2021): boxes of one label are
// clustered by IoU, the fused box is the weighted mean of a cluster's coordinates and its
// confidence shrinks with the share of sources that drew it. Here the sources are operators,
// the weights their reliability, and IoU matching follows the PASCAL VOC protocol (Everingham
// et al., "The PASCAL Visual Object Classes (VOC) Challenge", IJCV 88, 2010).

/// A box an operator drew, in image pixels: `x, y` is the top-left corner.
public struct LabeledBox: Sendable, Hashable, Codable {
    public var label: String
    public var x: Double
    public var y: Double
    public var w: Double
    public var h: Double

    public init(label: String, x: Double, y: Double, w: Double, h: Double) {
        self.label = label
        self.x = x
        self.y = y
        self.w = w
        self.h = h
    }

    /// A box with a positive size and finite corners; other boxes cannot be compared.
    public var isDrawable: Bool {
        x.isFinite && y.isFinite && w.isFinite && h.isFinite && w > 0 && h > 0
    }

    /// Intersection over union with another box (the label is not compared).
    public func iou(_ other: LabeledBox) -> Double {
        let left = max(x, other.x), right = min(x + w, other.x + other.w)
        let top = max(y, other.y), bottom = min(y + h, other.y + other.h)
        let intersection = max(0, right - left) * max(0, bottom - top)
        let union = w * h + other.w * other.h - intersection
        return union > 0 ? intersection / union : 0
    }
}

/// One operator's answer to an image-boxes microtask. An empty list is a real answer: the
/// operator looked and says there is nothing to box here.
public struct BoxAnswer: Sendable, Hashable {
    public var operatorID: String
    public var boxes: [LabeledBox]

    public init(operatorID: String, boxes: [LabeledBox]) {
        self.operatorID = operatorID
        self.boxes = boxes
    }
}

/// A way to turn several operators' boxes on one image into consensus boxes.
public protocol BoxAggregator: Sendable {
    func fuse(_ answers: [BoxAnswer]) -> BoxConsensus
}

/// One object as the operators drew it, fused into one box.
public struct FusedBox: Sendable, Hashable {
    public var box: LabeledBox
    /// Support x agreement; see `BoxFusion` for the formula. Between 0 and 1.
    public var confidence: Double
    /// The reliability-weighted share of the answering operators who drew this object.
    public var support: Double
    /// The mean IoU of the operators' boxes to the fused box.
    public var meanIoU: Double
    /// Who drew it, in answer order (for the lab's own use; clients never see operators).
    public var drawnBy: [String]
    /// Whether a quorum drew it, so that it is part of the consensus.
    public var kept: Bool
}

/// A box that operators did not agree on, to be checked in an image-box-verify microtask
/// ("Is this box tight around a car? yes / no").
public struct BoxVerifyCandidate: Sendable, Hashable {
    public var label: String
    public var box: LabeledBox
    public var confidence: Double
    /// False when too few operators drew it to keep it; a "yes" could then bring it back.
    public var kept: Bool
}

/// How one operator's boxes compare to the consensus: learning feedback, never a ranking.
public struct BoxOperatorQuality: Sendable, Hashable {
    public var operatorID: String
    /// Boxes this operator drew (boxes without a size are not counted).
    public var boxes: Int
    /// Boxes that belong to a kept fused box.
    public var matched: Int
    /// Mean IoU of the matched boxes to their fused box; nil when nothing matched.
    public var meanIoU: Double?
    /// Boxes that too few others drew, so that they were not kept.
    public var stray: Int
    /// Kept fused boxes that this operator did not draw.
    public var missed: Int
}

/// The consensus on one image.
public struct BoxConsensus: Sendable {
    /// The kept boxes, by label (in string order), then in the order operators drew them.
    public var boxes: [FusedBox]
    /// Every cluster, kept or not, in the same order; useful for review screens.
    public var clusters: [FusedBox]
    /// Clusters whose confidence is below `BoxFusion.verifyBelow`.
    public var verifyCandidates: [BoxVerifyCandidate]
    /// One entry per answering operator, in answer order.
    public var operatorQuality: [BoxOperatorQuality]
    /// How many distinct operators answered (empty answers included).
    public var operatorsAnswered: Int
}

/// Fuses image-boxes answers.
///
/// - Matching: boxes of the same label from different operators are paired in order of
///   decreasing IoU (ties by answer order, then box order); a pair joins two clusters when
///   the clusters hold no box of the same operator and every box of one overlaps every box of
///   the other by IoU >= `iouThreshold`. So a cluster has at most one box per operator and
///   never chains boxes that do not overlap each other.
/// - Quorum: a cluster is kept when the operators who drew it are at least `quorum` of the
///   operators who answered (1 of 3 is dropped at 0.5 and kept at 0.3).
/// - Fused box: the reliability-weighted mean of x, y, w and h (an operator without a given
///   reliability weighs 1).
/// - Confidence = support x agreement, where support is the summed reliability of the
///   operators who drew the box over that of all who answered, and agreement is the mean IoU
///   of their boxes to the fused box. Three operators drawing the same box give 1; two of
///   three drawing it well give about 0.67.
///
/// ```swift
/// let consensus = BoxFusion(iouThreshold: 0.5, quorum: 0.5).fuse(answers)
/// for fused in consensus.boxes { print(fused.box.label, fused.box.x, fused.confidence) }
/// ```
public struct BoxFusion: BoxAggregator {
    public var iouThreshold: Double
    public var quorum: Double
    /// Clusters with a confidence below this become image-box-verify candidates.
    public var verifyBelow: Double
    /// Per operator, e.g. their model reliability; operators not listed weigh 1.
    public var reliability: [String: Double]

    public init(iouThreshold: Double = 0.5, quorum: Double = 0.5, verifyBelow: Double = 0.7,
                reliability: [String: Double] = [:]) {
        self.iouThreshold = iouThreshold
        self.quorum = quorum
        self.verifyBelow = verifyBelow
        self.reliability = reliability
    }

    /// A box drawn by one operator, remembered with where it came from.
    private struct Drawn {
        var answer: Int
        var box: LabeledBox
    }

    public func fuse(_ rawAnswers: [BoxAnswer]) -> BoxConsensus {
        // One answer per operator: a repeated operator's later answer replaces the earlier one.
        var position: [String: Int] = [:]
        var answers: [BoxAnswer] = []
        for answer in rawAnswers {
            if let at = position[answer.operatorID] {
                answers[at] = answer
            } else {
                position[answer.operatorID] = answers.count
                answers.append(answer)
            }
        }
        let weights = answers.map { max(0, reliability[$0.operatorID] ?? 1) }
        let totalWeight = weights.reduce(0, +)

        var byLabel: [String: [Drawn]] = [:]
        for (a, answer) in answers.enumerated() {
            for box in answer.boxes where box.isDrawable {
                byLabel[box.label, default: []].append(Drawn(answer: a, box: box))
            }
        }

        var clusters: [FusedBox] = []
        var members: [[Drawn]] = []
        for label in byLabel.keys.sorted() {
            for group in cluster(byLabel[label]!) {
                let fused = fuseCluster(group, answers: answers, weights: weights,
                                        totalWeight: totalWeight, label: label)
                clusters.append(fused)
                members.append(group)
            }
        }

        var quality = answers.map {
            BoxOperatorQuality(operatorID: $0.operatorID, boxes: $0.boxes.filter(\.isDrawable).count,
                               matched: 0, meanIoU: nil, stray: 0, missed: 0)
        }
        var iouSums = [Double](repeating: 0, count: answers.count)
        for (fused, group) in zip(clusters, members) {
            if fused.kept {
                var drew = Set<Int>()
                for drawn in group {
                    quality[drawn.answer].matched += 1
                    iouSums[drawn.answer] += drawn.box.iou(fused.box)
                    drew.insert(drawn.answer)
                }
                for a in answers.indices where !drew.contains(a) { quality[a].missed += 1 }
            } else {
                for drawn in group { quality[drawn.answer].stray += 1 }
            }
        }
        for a in answers.indices where quality[a].matched > 0 {
            quality[a].meanIoU = iouSums[a] / Double(quality[a].matched)
        }

        return BoxConsensus(
            boxes: clusters.filter(\.kept),
            clusters: clusters,
            verifyCandidates: clusters.filter { $0.confidence < verifyBelow }.map {
                BoxVerifyCandidate(label: $0.box.label, box: $0.box, confidence: $0.confidence, kept: $0.kept)
            },
            operatorQuality: quality,
            operatorsAnswered: answers.count)
    }

    /// Greedy complete-linkage clustering of one label's boxes, deterministic for a given input.
    private func cluster(_ drawn: [Drawn]) -> [[Drawn]] {
        let n = drawn.count
        var iou = [Double](repeating: 0, count: n * n)
        var pairs: [(i: Int, j: Int)] = []
        for i in 0..<n {
            for j in (i + 1)..<n where drawn[i].answer != drawn[j].answer {
                let overlap = drawn[i].box.iou(drawn[j].box)
                iou[i * n + j] = overlap
                iou[j * n + i] = overlap
                if overlap >= iouThreshold { pairs.append((i, j)) }
            }
        }
        pairs.sort { a, b in
            let ia = iou[a.i * n + a.j], ib = iou[b.i * n + b.j]
            if ia != ib { return ia > ib }
            return a.i != b.i ? a.i < b.i : a.j < b.j
        }

        var clusterOf = Array(0..<n)
        var items: [[Int]] = (0..<n).map { [$0] }
        for (i, j) in pairs {
            let ci = clusterOf[i], cj = clusterOf[j]
            guard ci != cj else { continue }
            let operatorsI = Set(items[ci].map { drawn[$0].answer })
            guard !items[cj].contains(where: { operatorsI.contains(drawn[$0].answer) }) else { continue }
            guard items[ci].allSatisfy({ p in items[cj].allSatisfy { q in iou[p * n + q] >= iouThreshold } })
            else { continue }
            let (keep, gone) = ci < cj ? (ci, cj) : (cj, ci)
            for item in items[gone] { clusterOf[item] = keep }
            items[keep] += items[gone]
            items[gone] = []
        }
        // Clusters in the order of their first box; boxes within a cluster in answer order.
        return items.filter { !$0.isEmpty }
            .map { $0.sorted() }
            .sorted { $0[0] < $1[0] }
            .map { $0.map { drawn[$0] } }
    }

    private func fuseCluster(_ group: [Drawn], answers: [BoxAnswer], weights: [Double],
                             totalWeight: Double, label: String) -> FusedBox {
        var groupWeight = group.reduce(0) { $0 + weights[$1.answer] }
        // Operators with zero reliability still drew the box: fall back to an equal say.
        let weightOf: (Drawn) -> Double = groupWeight > 0 ? { weights[$0.answer] } : { _ in 1 }
        if groupWeight <= 0 { groupWeight = Double(group.count) }
        var x = 0.0, y = 0.0, w = 0.0, h = 0.0
        for drawn in group {
            let weight = weightOf(drawn) / groupWeight
            x += weight * drawn.box.x
            y += weight * drawn.box.y
            w += weight * drawn.box.w
            h += weight * drawn.box.h
        }
        let box = LabeledBox(label: label, x: x, y: y, w: w, h: h)
        let support = totalWeight > 0
            ? group.reduce(0) { $0 + weights[$1.answer] } / totalWeight
            : Double(group.count) / Double(max(1, answers.count))
        let meanIoU = group.reduce(0) { $0 + $1.box.iou(box) } / Double(group.count)
        let share = Double(group.count) / Double(max(1, answers.count))
        return FusedBox(
            box: box, confidence: support * meanIoU, support: support, meanIoU: meanIoU,
            drawnBy: group.map { answers[$0.answer].operatorID },
            kept: share >= quorum - 1e-9)
    }
}
