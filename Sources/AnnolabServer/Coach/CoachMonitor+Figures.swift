// The figures behind a card and its alerts: today's answers, the block's, the baseline, skips, pauses.
import AnnolabCore
import AnnolabStore
import Foundation

extension CoachMonitor {
    /// What the store says of one operator's work, gathered once per look.
    struct Figures {
        var today: [LoadAnswer]
        var block: [LoadAnswer]
        var baseline: [LoadAnswer]
        var gold: [Bool]
        var blockStart: Date?
        var skipsToday: Int
        var skipsInBlock: Int
        var extraPausesToday: Int
        var shiftStart: Date?
    }

    /// Midnight in the lab's time zone: "today" as the lab counts it.
    func startOfDay(_ date: Date) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = engine.timeZone
        return calendar.startOfDay(for: date)
    }

    func gather(operatorId: Int64, view: LabEngine.ShiftView) async throws -> Figures {
        let now = engine.clock.now()
        let dayStart = startOfDay(now)
        let history = try await store.answerActivity(operatorId: operatorId, since: now.addingTimeInterval(-14 * 24 * 3600))
        // The start of the current (or, in a pause, the last) work block, from the block's index:
        // blocks run on the wall clock from the shift's start, also when the cap cuts one short.
        var blockStart: Date?
        let work = Double(view.profile.workMinutes * 60), pause = Double(view.profile.pauseMinutes * 60)
        if view.phase == .work || view.phase == .pause, let started = view.startedAt, let index = view.blockIndex, index >= 0 {
            blockStart = started.addingTimeInterval(Double(index / 2) * (work + pause))
        }
        let block = blockStart.map { start in history.filter { $0.at >= start } } ?? []
        let baseline = history.filter { $0.at < (blockStart ?? view.startedAt ?? now) }
        let skips = try await store.skips(operatorId: operatorId, since: dayStart)
        return Figures(today: history.filter { $0.at >= dayStart }, block: block, baseline: baseline,
                       gold: history.filter(\.isGold).compactMap(\.goldCorrect), blockStart: blockStart,
                       skipsToday: skips.count, skipsInBlock: blockStart.map { start in skips.filter { $0 >= start }.count } ?? 0,
                       extraPausesToday: try await store.extraPauseCount(operatorId: operatorId, since: dayStart),
                       shiftStart: view.phase == .off ? nil : view.startedAt)
    }
}
