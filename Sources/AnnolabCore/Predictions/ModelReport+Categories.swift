// The model's category for each file against the consensus category, and the confusion table.

extension ModelReport {
    /// One file: the category the model chose and the one the lab's people agreed on.
    public struct CategoryItem: Sendable, Equatable {
        public var itemId: String
        public var fileName: String
        public var thumbnail: String?
        public var predicted: PredictedChoice
        public var consensus: String

        public init(itemId: String, fileName: String, thumbnail: String? = nil,
                    predicted: PredictedChoice, consensus: String) {
            self.itemId = itemId
            self.fileName = fileName
            self.thumbnail = thumbnail
            self.predicted = predicted
            self.consensus = consensus
        }
    }

    /// How the model's choices spread over the consensus: `counts[row][column]` is the number of
    /// items whose consensus is `labels[row]` and whose model choice is `labels[column]`, so the
    /// diagonal holds the items the model got right.
    public struct Confusion: Codable, Sendable, Equatable {
        public var labels: [String]
        public var counts: [[Int]]

        public init(labels: [String], counts: [[Int]]) {
            self.labels = labels
            self.counts = counts
        }
    }

    /// One file's category: right is a true positive of that label; wrong is a false positive
    /// of the model's label and a false negative of the consensus's.
    static func compare(_ item: CategoryItem) -> (tallies: [String: Tally], worst: WorstItem?) {
        let said = item.predicted.label
        guard said != item.consensus else { return ([said: Tally(truePositives: 1)], nil) }
        let score = usableScore(item.predicted.score)
        let worst = WorstItem(
            itemId: item.itemId, fileName: item.fileName, thumbnail: item.thumbnail, severity: score ?? 1,
            model: [Said(label: said, score: score)], people: [Said(label: item.consensus)])
        return ([said: Tally(falsePositives: 1), item.consensus: Tally(falseNegatives: 1)], worst)
    }

    /// The confusion table over every label either side used, in label order.
    static func confusion(_ items: [CategoryItem]) -> Confusion {
        let labels = AnswerCodebook.sortedLabels(items.flatMap { [$0.predicted.label, $0.consensus] })
        var index: [String: Int] = [:]
        for (i, label) in labels.enumerated() { index[label] = i }
        var counts = [[Int]](repeating: [Int](repeating: 0, count: labels.count), count: labels.count)
        for item in items {
            if let row = index[item.consensus], let column = index[item.predicted.label] { counts[row][column] += 1 }
        }
        return Confusion(labels: labels, counts: counts)
    }
}
