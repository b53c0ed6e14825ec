// Building an operator's card from their shift and figures.
import AnnolabCore
import AnnolabStore
import Foundation

extension CoachMonitor {
    /// The card of one operator now.
    public func card(operatorId: Int64) async throws -> OperatorCard {
        let view = try await engine.shift(operatorId: operatorId)
        let figures = try await gather(operatorId: operatorId, view: view)
        return try await card(operatorId: operatorId, view: view, figures: figures,
                              profile: try await store.profile(operatorId: operatorId))
    }

    func card(operatorId: Int64, view: LabEngine.ShiftView, figures: Figures, profile: OperatorProfile?) async throws -> OperatorCard {
        guard let person = try await store.user(id: operatorId) else {
            throw LabError(.notFound, "operator_not_found", "There is no operator with id \(operatorId).")
        }
        let limits = currentThresholds
        let trend = LoadSignals.goldTrend(figures.gold, window: limits.goldWindow)
        let open = try await store.openAlertCount(operatorId: operatorId)
        return OperatorCard(id: operatorId, name: person.name, badge: person.badge, phase: view.phase, extraPause: view.extraPause,
                            blockEndsAt: view.blockEndsAt, resumesAt: view.resumesAt, blockSecondsLeft: view.blockSecondsLeft,
                            resumesInSeconds: view.resumesInSeconds, answersThisBlock: figures.block.count,
                            answersToday: figures.today.count, skipsToday: figures.skipsToday,
                            extraPausesToday: figures.extraPausesToday,
                            pace: LoadSignals.pace(block: figures.block, baseline: figures.baseline, thresholds: limits),
                            gold: .init(recent: trend.recent, earlier: trend.earlier), series: series(figures), openAlerts: open,
                            profile: profile)
    }

    /// The shift so far in five-minute slots, empty ones included, for the card's small chart.
    func series(_ figures: Figures) -> [OperatorCard.Slot] {
        guard let start = figures.shiftStart else { return [] }
        var slots: [Int: OperatorCard.Slot] = [:]
        for answer in figures.today where answer.at >= start {
            let minute = Int(answer.at.timeIntervalSince(start) / 300) * 5
            var slot = slots[minute] ?? .empty(at: minute)
            slot.answers += 1
            if answer.isGold { slot.goldTotal += 1; if answer.goldCorrect == true { slot.goldCorrect += 1 } }
            slots[minute] = slot
        }
        let last = Int(engine.clock.now().timeIntervalSince(start) / 300) * 5
        return stride(from: 0, through: max(0, min(last, 24 * 60)), by: 5).map { slots[$0] ?? .empty(at: $0) }
    }
}
