// How often people changed the model's answer at each confidence level, and the hours checking saved.
//
// Reliability diagrams after DeGroot and Fienberg, "The Comparison and Evaluation of Forecasters",
// The Statistician 32 (1983): answers binned by stated confidence, each bin's confidence set
// beside how often the answer held. Here "held" is what the lab's people did with it.

extension ModelReport {
    /// What people did with one of the model's answers shown to them.
    public enum Verdict: String, Codable, Sendable {
        /// Confirmed as it was.
        case accepted
        /// Rejected, or adjusted (a box moved, a category changed).
        case changed
    }

    /// One predicted box or category shown to people: its score and what they did with it.
    public struct Outcome: Sendable, Equatable {
        public var score: Double
        public var verdict: Verdict

        public init(score: Double, verdict: Verdict) {
            self.score = score
            self.verdict = verdict
        }
    }

    /// One tenth of the score range, `from ..< to` (the last bin also holds 1).
    public struct CalibrationBin: Codable, Sendable, Equatable {
        public var from: Double
        public var to: Double
        public var count: Int
        /// The share of these answers people accepted unchanged.
        public var accepted: Double
        /// The share people rejected or adjusted; `accepted + changed` is 1.
        public var changed: Double
        public var meanScore: Double

        public init(from: Double, to: Double, count: Int, accepted: Double, changed: Double, meanScore: Double) {
            self.from = from
            self.to = to
            self.count = count
            self.accepted = accepted
            self.changed = changed
            self.meanScore = meanScore
        }
    }

    /// Bins the outcomes by score in tenths; bins without answers are left out. A score outside
    /// 0...1 counts at the nearer end; one that is not a number cannot be placed and is left out.
    static func calibration(_ outcomes: [Outcome]) -> [CalibrationBin] {
        var counts = [Int](repeating: 0, count: 10)
        var accepted = [Int](repeating: 0, count: 10)
        var scoreSums = [Double](repeating: 0, count: 10)
        for outcome in outcomes {
            guard let score = usableScore(outcome.score) else { continue }
            let bin = min(9, Int((score * 10).rounded(.down)))
            counts[bin] += 1
            scoreSums[bin] += score
            if outcome.verdict == .accepted { accepted[bin] += 1 }
        }
        return (0..<10).filter { counts[$0] > 0 }.map { bin in
            let count = Double(counts[bin])
            let share = Double(accepted[bin]) / count
            return CalibrationBin(from: Double(bin) / 10, to: Double(bin + 1) / 10, count: counts[bin],
                                  accepted: share, changed: 1 - share, meanScore: scoreSums[bin] / count)
        }
    }

    /// Lab hours that verifying the model's boxes saved over drawing them from scratch:
    ///
    ///     hours = acceptedBoxes x max(0, median(drawSeconds) - median(verifySeconds)) / 3600
    ///
    /// `drawSeconds` are the lab's own times to draw one box from scratch (an image-boxes
    /// microtask's time over the boxes it drew), `verifySeconds` its times to verify one box.
    /// Only accepted boxes saved drawing: a rejected or adjusted box was still checked and then
    /// drawn. Medians, so that one operator's long pause does not decide the figure; never below
    /// 0, since verifying cannot save a negative amount; 0 without times on either side.
    public struct TimeSaved: Sendable, Equatable {
        public var acceptedBoxes: Int
        public var drawSeconds: [Double]
        public var verifySeconds: [Double]

        public init(acceptedBoxes: Int = 0, drawSeconds: [Double] = [], verifySeconds: [Double] = []) {
            self.acceptedBoxes = acceptedBoxes
            self.drawSeconds = drawSeconds
            self.verifySeconds = verifySeconds
        }

        public var hours: Double {
            guard acceptedBoxes > 0, let draw = Self.median(drawSeconds), let verify = Self.median(verifySeconds) else {
                return 0
            }
            return Double(acceptedBoxes) * max(0, draw - verify) / 3600
        }

        /// The median of the finite times, nil when there are none.
        static func median(_ values: [Double]) -> Double? {
            let sorted = values.filter(\.isFinite).sorted()
            guard !sorted.isEmpty else { return nil }
            let mid = sorted.count / 2
            return sorted.count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
        }
    }
}
