// The model's report for the client: how its answers compare with the lab's consensus.
import Foundation

/// How well a client's model did against what the lab's people decided, per label, per
/// confidence level and item by item, and how many lab hours checking its boxes saved.
///
/// The lab feeds it; it computes only. Encoded once, it is the body of
/// `GET /api/v1/projects/{id}/model/report`:
///
/// ```swift
/// let report = ModelReport(
///     modelVersion: "faces-2.1",
///     images: [.init(itemId: "41", fileName: "street.png", thumbnail: "/thumbs/41.jpg",
///                    predicted: [.init(box: face, score: 0.92)], consensus: [face])],
///     outcomes: [.init(score: 0.92, verdict: .accepted)],
///     timeSaved: .init(acceptedBoxes: 1, drawSeconds: [14, 11], verifySeconds: [3]))
/// report.labels      // [{"label": "face", "precision": 1, "recall": 1, "f1": 1, "support": 1}]
/// ```
///
/// Precision, recall and F1 are 0 when undefined (no predictions of a label, no consensus of
/// it, or both 0), so the JSON never holds a NaN and a label the model never found reads as 0.
public struct ModelReport: Codable, Sendable, Equatable {
    public var modelVersion: String?
    /// One row per label seen in the model's answers or the consensus, in label order.
    public var labels: [LabelScore]
    /// For categories only: how the model's choices spread over the consensus's.
    public var confusion: Confusion?
    /// Only the score bins that hold predictions, lowest first.
    public var calibration: [CalibrationBin]
    /// The items the model was most wrong about, worst first.
    public var worst: [WorstItem]
    /// Lab hours that checking the model's boxes saved over drawing them (see `TimeSaved`).
    public var hoursSaved: Double

    public init(modelVersion: String?, labels: [LabelScore], confusion: Confusion?, calibration: [CalibrationBin],
                worst: [WorstItem], hoursSaved: Double) {
        self.modelVersion = modelVersion
        self.labels = labels
        self.confusion = confusion
        self.calibration = calibration
        self.worst = worst
        self.hoursSaved = hoursSaved
    }

    /// Computes the report.
    ///
    /// - Parameters:
    ///   - images: per picture, the model's boxes and the consensus boxes, matched at IoU >= 0.5.
    ///   - items: per file, the model's category and the consensus category.
    ///   - outcomes: per predicted box or category shown to people, its score and what they did.
    ///   - timeSaved: accepted boxes and the lab's own times per box.
    ///   - worstCount: how many items `worst` keeps.
    public init(modelVersion: String?, images: [BoxImage] = [], items: [CategoryItem] = [],
                outcomes: [Outcome] = [], timeSaved: TimeSaved = TimeSaved(), worstCount: Int = 10) {
        var tallies: [String: Tally] = [:]
        var worst: [WorstItem] = []
        for image in images {
            let matched = Self.match(image)
            for (label, tally) in matched.tallies { tallies[label, default: Tally()].add(tally) }
            if let item = matched.worst { worst.append(item) }
        }
        for item in items {
            let compared = Self.compare(item)
            for (label, tally) in compared.tallies { tallies[label, default: Tally()].add(tally) }
            if let wrong = compared.worst { worst.append(wrong) }
        }
        let labels = AnswerCodebook.sortedLabels(tallies.keys).map { label in
            (tallies[label] ?? Tally()).score(label: label)
        }
        worst.sort { $0.severity != $1.severity ? $0.severity > $1.severity : $0.itemId < $1.itemId }
        self.init(modelVersion: modelVersion, labels: labels,
                  confusion: items.isEmpty ? nil : Self.confusion(items),
                  calibration: Self.calibration(outcomes),
                  worst: Array(worst.prefix(max(0, worstCount))),
                  hoursSaved: timeSaved.hours)
    }

    /// A model's score as the report can use it: within 0...1, or nil when it is not a number.
    static func usableScore(_ score: Double?) -> Double? {
        guard let score, score.isFinite else { return nil }
        return min(1, max(0, score))
    }

    /// One label's scores.
    public struct LabelScore: Codable, Sendable, Equatable {
        public var label: String
        public var precision: Double
        public var recall: Double
        public var f1: Double
        /// How many boxes or items of this label the consensus holds.
        public var support: Int

        public init(label: String, precision: Double, recall: Double, f1: Double, support: Int) {
            self.label = label
            self.precision = precision
            self.recall = recall
            self.f1 = f1
            self.support = support
        }
    }

    /// Counts of right and wrong answers of one label, before they become scores.
    struct Tally: Equatable {
        var truePositives = 0
        var falsePositives = 0
        var falseNegatives = 0

        mutating func add(_ other: Tally) {
            truePositives += other.truePositives
            falsePositives += other.falsePositives
            falseNegatives += other.falseNegatives
        }

        func score(label: String) -> LabelScore {
            let predicted = truePositives + falsePositives
            let actual = truePositives + falseNegatives
            let precision = predicted > 0 ? Double(truePositives) / Double(predicted) : 0
            let recall = actual > 0 ? Double(truePositives) / Double(actual) : 0
            let f1 = precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0
            return LabelScore(label: label, precision: precision, recall: recall, f1: f1, support: actual)
        }
    }

    /// One item the model got wrong, with what it said and what people said.
    public struct WorstItem: Codable, Sendable, Equatable {
        public var itemId: String
        public var fileName: String
        /// The thumbnail's URL, as the lab gave it.
        public var thumbnail: String?
        /// How wrong: the sum of the model's scores on its answers people did not confirm (an
        /// answer without a score counts as sure, 1), plus 1 for each answer it missed.
        public var severity: Double
        /// The model's answers that people did not confirm.
        public var model: [Said]
        /// People's answers the model missed or contradicted.
        public var people: [Said]

        public init(itemId: String, fileName: String, thumbnail: String?, severity: Double, model: [Said], people: [Said]) {
            self.itemId = itemId
            self.fileName = fileName
            self.thumbnail = thumbnail
            self.severity = severity
            self.model = model
            self.people = people
        }
    }

    /// One answer as the report shows it: a label, with its box in pixels when it is a box.
    public struct Said: Codable, Sendable, Equatable {
        public var label: String
        public var x: Double?
        public var y: Double?
        public var w: Double?
        public var h: Double?
        public var score: Double?

        public init(label: String, score: Double? = nil) {
            self.label = label
            self.score = score
        }

        public init(box: LabeledBox, score: Double? = nil) {
            self.label = box.label
            self.x = box.x
            self.y = box.y
            self.w = box.w
            self.h = box.h
            self.score = score
        }
    }
}
