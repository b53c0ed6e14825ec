// The rules behind the coach's alerts, on figures given directly.
import AnnolabCore
import Foundation
import Testing

@Suite("Load signals")
struct LoadSignalsTests {
    let start = Date(timeIntervalSince1970: 1_800_000_000)

    func answers(_ count: Int, seconds: Double, kind: TaskKind = .choice) -> [LoadAnswer] {
        (0..<count).map { LoadAnswer(at: start.addingTimeInterval(Double($0) * seconds), seconds: seconds, kind: kind) }
    }

    @Test("pace: too few answers say nothing; far slower or far faster than the own baseline each raise their alert")
    func pace() {
        let limits = LoadThresholds()
        let usual = answers(20, seconds: 10)
        #expect(LoadSignals.pace(block: answers(4, seconds: 30), baseline: usual, thresholds: limits).ratio == nil)
        #expect(LoadSignals.pace(block: answers(5, seconds: 30), baseline: answers(19, seconds: 10), thresholds: limits).ratio == nil,
                "a baseline needs 20 answers")
        let slow = LoadSignals.blockAlerts(blockKey: "1-0", block: answers(5, seconds: 15), baseline: usual, gold: [], skipsInBlock: 0,
                                           idleSeconds: nil, thresholds: limits)
        #expect(slow.map(\.kind) == ["pace-low"], "50% slower is the threshold")
        let usualPace = LoadSignals.blockAlerts(blockKey: "1-0", block: answers(5, seconds: 14), baseline: usual, gold: [],
                                                skipsInBlock: 0, idleSeconds: nil, thresholds: limits)
        #expect(usualPace.isEmpty)
        let fast = LoadSignals.blockAlerts(blockKey: "1-0", block: answers(5, seconds: 6), baseline: usual, gold: [], skipsInBlock: 0,
                                           idleSeconds: nil, thresholds: limits)
        #expect(fast.map(\.kind) == ["pace-high"])
        #expect(fast.first?.data["baseline"] == "10")
        // Another kind's baseline does not count.
        let other = LoadSignals.pace(block: answers(5, seconds: 30), baseline: answers(20, seconds: 10, kind: .audioTags), thresholds: limits)
        #expect(other.baseline == nil)
    }

    @Test("accuracy dropping over the last gold answers, many skips and long idle time each say why")
    func otherSignals() {
        let limits = LoadThresholds()
        let drop = LoadSignals.blockAlerts(blockKey: "7-2", block: [], baseline: [],
                                           gold: Array(repeating: true, count: 5) + [true, false, false, true, false],
                                           skipsInBlock: 5, idleSeconds: 11 * 60, thresholds: limits)
        #expect(drop.map(\.kind) == ["accuracy-drop", "many-skips", "idle"])
        #expect(drop[0].reason.en == "Practice questions: 2 of the last 5 right, before that 5 of 5.")
        #expect(drop[0].key == "gold-shift-7", "once per shift")
        #expect(drop[1].reason.en.contains("Skipped 5 tasks"))
        #expect(drop[2].reason.en == "No answer for 11 minutes in a work block.")
        let calm = LoadSignals.blockAlerts(blockKey: "7-2", block: [], baseline: [],
                                           gold: Array(repeating: true, count: 5) + [true, true, false, true, true],
                                           skipsInBlock: 4, idleSeconds: 9 * 60, thresholds: limits)
        #expect(calm.isEmpty, "a drop of 0.2, four skips and nine idle minutes are below the thresholds")
    }

    @Test("a pause is skipped, shortened, or taken; a block run over past the threshold")
    func pausesAndOverruns() {
        let skipped = LoadSignals.pauseSkipped(shiftKey: "s", workRun: 45 * 60, pauseTaken: 0, gap: 20, workMinutes: 45, pauseMinutes: 15)
        #expect(skipped?.reason.en == "Pause skipped: started a new shift straight after 45 minutes of work, without the 15-minute pause.")
        let shortened = LoadSignals.pauseSkipped(shiftKey: "s", workRun: 45 * 60, pauseTaken: 4 * 60, gap: 60, workMinutes: 45, pauseMinutes: 15)
        #expect(shortened?.data["restedMinutes"] == "5")
        #expect(LoadSignals.pauseSkipped(shiftKey: "s", workRun: 45 * 60, pauseTaken: 0, gap: 15 * 60, workMinutes: 45, pauseMinutes: 15) == nil)
        #expect(LoadSignals.pauseSkipped(shiftKey: "s", workRun: 3 * 60, pauseTaken: 0, gap: 10, workMinutes: 45, pauseMinutes: 15) == nil,
                "three minutes of work owe no pause")
        #expect(LoadSignals.overrun(blockKey: "b", secondsPastEnd: 60, thresholds: LoadThresholds()) == nil)
        #expect(LoadSignals.overrun(blockKey: "b", secondsPastEnd: 95, thresholds: LoadThresholds())?.reason.en
                == "Block run over: finished a task 95 seconds after the work block ended.")
    }

    @Test("thresholds that would alert on everything or nothing are refused")
    func thresholds() throws {
        var limits = LoadThresholds()
        limits.paceChange = 0
        #expect(throws: LabError.self) { try limits.validated() }
        limits = LoadThresholds()
        limits.goldWindow = 1
        #expect(throws: LabError.self) { try limits.validated() }
        #expect(try LoadThresholds().validated() == LoadThresholds())
    }
}
