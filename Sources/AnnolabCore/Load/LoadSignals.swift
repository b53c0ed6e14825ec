// Load signals for the coach: pace against the operator's own baseline, gold trend, skips,
// idle time, skipped pauses and blocks run over. Each alert says why, with its figures.
import Foundation

/// One answer as the load signals see it.
public struct LoadAnswer: Sendable, Equatable {
    public var at: Date
    public var seconds: Double
    public var kind: TaskKind
    public var isGold: Bool
    public var goldCorrect: Bool?

    public init(at: Date, seconds: Double, kind: TaskKind, isGold: Bool = false, goldCorrect: Bool? = nil) {
        self.at = at
        self.seconds = seconds
        self.kind = kind
        self.isGold = isGold
        self.goldCorrect = goldCorrect
    }
}

/// The lab's thresholds for alerts (a lab setting). An alert is a prompt for a conversation,
/// never an automatic action on the operator.
public struct LoadThresholds: Codable, Sendable, Equatable {
    /// Pace alerts when this block's seconds per answer differ from the baseline by this factor
    /// (0.5: 50% slower, or 1/1.5 of the time, i.e. much faster).
    public var paceChange: Double = 0.5
    /// Answers in a block before its pace counts.
    public var paceMinAnswers: Int = 5
    /// Earlier answers needed for a baseline.
    public var baselineMinAnswers: Int = 20
    /// Gold answers in the recent window, and the drop in accuracy against the window before.
    public var goldWindow: Int = 5
    public var goldDrop: Double = 0.3
    /// Minutes in a work block without an answer.
    public var idleMinutes: Int = 10
    /// Skips in one block.
    public var skipsPerBlock: Int = 5
    /// Seconds worked past the end of a block before it counts as run over.
    public var overrunSeconds: Int = 60

    public init() {}

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = LoadThresholds()
        paceChange = try c.decodeIfPresent(Double.self, forKey: .paceChange) ?? d.paceChange
        paceMinAnswers = try c.decodeIfPresent(Int.self, forKey: .paceMinAnswers) ?? d.paceMinAnswers
        baselineMinAnswers = try c.decodeIfPresent(Int.self, forKey: .baselineMinAnswers) ?? d.baselineMinAnswers
        goldWindow = try c.decodeIfPresent(Int.self, forKey: .goldWindow) ?? d.goldWindow
        goldDrop = try c.decodeIfPresent(Double.self, forKey: .goldDrop) ?? d.goldDrop
        idleMinutes = try c.decodeIfPresent(Int.self, forKey: .idleMinutes) ?? d.idleMinutes
        skipsPerBlock = try c.decodeIfPresent(Int.self, forKey: .skipsPerBlock) ?? d.skipsPerBlock
        overrunSeconds = try c.decodeIfPresent(Int.self, forKey: .overrunSeconds) ?? d.overrunSeconds
    }

    /// Refuses thresholds that would alert on everything or on nothing.
    public func validated() throws -> LoadThresholds {
        func refuse(_ message: String) -> LabError { LabError(.unprocessable, "invalid_thresholds", message) }
        guard paceChange > 0, paceChange <= 5 else { throw refuse("The pace change must be more than 0 and at most 5 (500%).") }
        guard (1...100).contains(paceMinAnswers), (1...10_000).contains(baselineMinAnswers) else {
            throw refuse("The answers needed for pace must be 1 to 100, and for a baseline 1 to 10000.")
        }
        guard (2...50).contains(goldWindow), goldDrop > 0, goldDrop <= 1 else {
            throw refuse("The gold window must be 2 to 50 answers and the drop more than 0 and at most 1.")
        }
        guard (1...240).contains(idleMinutes), (1...100).contains(skipsPerBlock), (0...3600).contains(overrunSeconds) else {
            throw refuse("Idle minutes must be 1 to 240, skips per block 1 to 100, overrun seconds 0 to 3600.")
        }
        return self
    }
}

/// An alert to raise: its kind, a key that makes it once per block (or shift), its reason in
/// Dutch and English, and the figures behind it.
public struct LoadAlert: Sendable, Equatable {
    public var kind: String
    public var key: String
    public var reason: TaskTemplate.Text
    public var data: [String: String]
}

/// The operator's pace: median seconds per answer now and in their own baseline.
public struct Pace: Sendable, Equatable, Codable {
    public var secondsPerAnswer: Double?
    public var baseline: Double?
    /// secondsPerAnswer / baseline: above 1 is slower than usual.
    public var ratio: Double?
}

/// The rules behind the coach's alerts, on figures the server gathers.
///
/// ```swift
/// let pace = LoadSignals.pace(block: blockAnswers, baseline: earlier, thresholds: .init())
/// let alerts = LoadSignals.blockAlerts(blockKey: "12-0", block: blockAnswers, baseline: earlier,
///                                      gold: goldResults, skipsInBlock: 1, idleSeconds: nil, thresholds: .init())
/// ```
public enum LoadSignals {
    static func median(_ values: [Double]) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }

    static func rounded(_ value: Double) -> String { String(Int(value.rounded())) }

    /// Pace in this block against the baseline of earlier answers of the same kinds.
    public static func pace(block: [LoadAnswer], baseline: [LoadAnswer], thresholds: LoadThresholds) -> Pace {
        let kinds = Set(block.map(\.kind))
        let earlier = baseline.filter { kinds.contains($0.kind) }
        let now = block.count >= thresholds.paceMinAnswers ? median(block.map(\.seconds)) : nil
        let usual = earlier.count >= thresholds.baselineMinAnswers ? median(earlier.map(\.seconds)) : nil
        var ratio: Double?
        if let now, let usual, usual > 0 { ratio = now / usual }
        return Pace(secondsPerAnswer: now, baseline: usual, ratio: ratio)
    }

    /// Gold accuracy over the last `window` gold answers and over the window before.
    public static func goldTrend(_ results: [Bool], window: Int) -> (recent: Double?, earlier: Double?) {
        func accuracy(_ slice: ArraySlice<Bool>) -> Double? {
            slice.isEmpty ? nil : Double(slice.filter { $0 }.count) / Double(slice.count)
        }
        let recent = results.suffix(window)
        let earlier = results.dropLast(recent.count).suffix(window)
        return (accuracy(recent), accuracy(earlier))
    }

    /// Alerts about the current block: pace far from the baseline (either way), accuracy
    /// dropping, many skips, and long idle time.
    public static func blockAlerts(blockKey: String, block: [LoadAnswer], baseline: [LoadAnswer], gold: [Bool],
                                   skipsInBlock: Int, idleSeconds: Double?, thresholds: LoadThresholds) -> [LoadAlert] {
        var alerts: [LoadAlert] = []
        let pace = pace(block: block, baseline: baseline, thresholds: thresholds)
        if let ratio = pace.ratio, let now = pace.secondsPerAnswer, let usual = pace.baseline {
            let figures = ["secondsPerAnswer": rounded(now), "baseline": rounded(usual), "answers": String(block.count)]
            if ratio >= 1 + thresholds.paceChange {
                alerts.append(LoadAlert(kind: "pace-low", key: blockKey, reason: .init(
                    nl: "Werkt veel langzamer dan gewoonlijk: \(rounded(now)) seconden per antwoord in dit blok, meestal \(rounded(usual)).",
                    en: "Working much slower than usual: \(rounded(now)) seconds per answer in this block, usually \(rounded(usual))."),
                    data: figures))
            } else if ratio <= 1 / (1 + thresholds.paceChange) {
                alerts.append(LoadAlert(kind: "pace-high", key: blockKey, reason: .init(
                    nl: "Werkt veel sneller dan gewoonlijk: \(rounded(now)) seconden per antwoord in dit blok, meestal \(rounded(usual)). Misschien gehaast?",
                    en: "Working much faster than usual: \(rounded(now)) seconds per answer in this block, usually \(rounded(usual)). Rushing, perhaps?"),
                    data: figures))
            }
        }
        let trend = goldTrend(gold, window: thresholds.goldWindow)
        if gold.count >= 2 * thresholds.goldWindow, let recent = trend.recent, let earlier = trend.earlier,
           earlier - recent >= thresholds.goldDrop - 1e-9 {
            let right = gold.suffix(thresholds.goldWindow).filter { $0 }.count
            let before = gold.dropLast(thresholds.goldWindow).suffix(thresholds.goldWindow).filter { $0 }.count
            // Once per shift: a drop is a prompt for one conversation, not for one alert per practice question.
            let shift = blockKey.split(separator: "-").first.map(String.init) ?? blockKey
            alerts.append(LoadAlert(kind: "accuracy-drop", key: "gold-shift-\(shift)", reason: .init(
                nl: "Oefenvragen: \(right) van de laatste \(thresholds.goldWindow) goed, daarvoor \(before) van \(thresholds.goldWindow).",
                en: "Practice questions: \(right) of the last \(thresholds.goldWindow) right, before that \(before) of \(thresholds.goldWindow)."),
                data: ["recentRight": String(right), "earlierRight": String(before), "window": String(thresholds.goldWindow)]))
        }
        if skipsInBlock >= thresholds.skipsPerBlock {
            alerts.append(LoadAlert(kind: "many-skips", key: blockKey, reason: .init(
                nl: "\(skipsInBlock) taken overgeslagen in dit blok. Misschien zijn de taken onduidelijk of te moeilijk.",
                en: "Skipped \(skipsInBlock) tasks in this block. The tasks may be unclear or too hard."),
                data: ["skips": String(skipsInBlock)]))
        }
        if let idle = idleSeconds, idle >= Double(thresholds.idleMinutes * 60) {
            let minutes = Int(idle / 60)
            alerts.append(LoadAlert(kind: "idle", key: blockKey, reason: .init(
                nl: "Al \(minutes) minuten geen antwoord in een werkblok.",
                en: "No answer for \(minutes) minutes in a work block."),
                data: ["idleMinutes": String(minutes)]))
        }
        return alerts
    }

    /// A new shift started before the pause that was due had passed: skipped or shortened.
    ///
    /// - Parameters:
    ///   - workRun: seconds of work without a pause at the end of the previous shift.
    ///   - pauseTaken: seconds of scheduled pause already taken at the end of the previous shift.
    ///   - gap: seconds between the end of the previous shift and the new start.
    public static func pauseSkipped(shiftKey: String, workRun: Double, pauseTaken: Double, gap: Double,
                                    workMinutes: Int, pauseMinutes: Int) -> LoadAlert? {
        let pause = Double(pauseMinutes * 60)
        // A pause was due when the work run before the end plus a fresh block is more than one block.
        guard pause > 0, workRun >= 5 * 60 || pauseTaken > 0 else { return nil }
        let rested = max(0, pauseTaken) + max(0, gap)
        guard rested < pause else { return nil }
        let workedMinutes = Int((workRun / 60).rounded())
        let restedMinutes = Int((rested / 60).rounded(.down))
        let figures = ["workedMinutes": String(workedMinutes), "restedMinutes": String(restedMinutes),
                       "pauseMinutes": String(pauseMinutes)]
        let reason: TaskTemplate.Text = restedMinutes == 0
            ? .init(nl: "Pauze overgeslagen: na \(workedMinutes) minuten werk meteen een nieuwe dienst begonnen, zonder de pauze van \(pauseMinutes) minuten.",
                    en: "Pause skipped: started a new shift straight after \(workedMinutes) minutes of work, without the \(pauseMinutes)-minute pause.")
            : .init(nl: "Pauze ingekort: na \(workedMinutes) minuten werk maar \(restedMinutes) van de \(pauseMinutes) minuten pauze genomen.",
                    en: "Pause shortened: after \(workedMinutes) minutes of work only \(restedMinutes) of the \(pauseMinutes) pause minutes were taken.")
        return LoadAlert(kind: "pause-skipped", key: shiftKey, reason: reason, data: figures)
    }

    /// An answer given this long after its block ended: the block ran over.
    public static func overrun(blockKey: String, secondsPastEnd: Double, thresholds: LoadThresholds) -> LoadAlert? {
        guard secondsPastEnd > Double(thresholds.overrunSeconds) else { return nil }
        let seconds = Int(secondsPastEnd.rounded())
        return LoadAlert(kind: "block-overrun", key: blockKey, reason: .init(
            nl: "Blok uitgelopen: \(seconds) seconden na het einde van het werkblok nog een taak afgemaakt.",
            en: "Block run over: finished a task \(seconds) seconds after the work block ended."),
            data: ["secondsPastEnd": String(seconds)])
    }
}
