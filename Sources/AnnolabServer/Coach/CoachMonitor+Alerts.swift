// The monitor's alerts: a block's load signals, a skipped pause and a block that ran over.
import AnnolabCore
import AnnolabStore
import Foundation

extension CoachMonitor {
    /// Raises the block's alerts and sends the card to the coach when one is watching.
    func evaluate(operatorId: Int64, view: LabEngine.ShiftView, sendCard: Bool) async throws {
        guard let profile = try await store.profile(operatorId: operatorId), let coachId = profile.coachId else { return }
        let figures = try await gather(operatorId: operatorId, view: view)
        if view.phase == .work, let shiftId = view.shiftId, let block = view.blockIndex {
            let lastActivity = state.withLock { $0.lastActivity[operatorId] }
            let since = [figures.blockStart, lastActivity, figures.block.last?.at].compactMap { $0 }.max()
            let idle = since.map { engine.clock.now().timeIntervalSince($0) }
            let alerts = LoadSignals.blockAlerts(blockKey: "\(shiftId)-\(block)", block: figures.block, baseline: figures.baseline,
                                                 gold: figures.gold, skipsInBlock: figures.skipsInBlock, idleSeconds: idle,
                                                 thresholds: currentThresholds)
            for alert in alerts { await raise(alert, operatorId: operatorId, coachId: coachId) }
        }
        if sendCard, events.hasSubscribers(coachId: coachId) {
            let card = try await card(operatorId: operatorId, view: view, figures: figures, profile: profile)
            events.send(.operator, OperatorCardEvent(card: card), toCoach: coachId)
        }
    }

    /// Stores an alert once per kind and key and tells the coach; a failure is logged, so that
    /// the operator's other alerts are still raised.
    func raise(_ alert: LoadAlert, operatorId: Int64, coachId: Int64) async {
        var data = alert.data
        data[AlertView.dutchReasonFigure] = alert.reason.nl
        await logged("raising a \(alert.kind) alert", operatorId: operatorId) {
            guard let stored = try await store.addAlertOnce(operatorId: operatorId, kind: alert.kind, key: alert.key,
                                                            reason: alert.reason.en, data: data, at: engine.clock.now()) else { return }
            events.send(.alert, try await AlertView.one(stored, store: store), toCoach: coachId)
        }
    }

    /// After a new shift starts: was the pause that was due taken?
    func checkPauseTaken(operatorId: Int64, shiftId: Int64) async throws {
        guard let profile = try await store.profile(operatorId: operatorId), let coachId = profile.coachId,
              let current = try await store.shift(id: shiftId) else { return }
        let earlier = try await store.shifts(operatorId: operatorId, from: current.startedAt.addingTimeInterval(-24 * 3600),
                                             to: current.startedAt)
        guard let previous = earlier.last(where: { $0.id != shiftId }), let previousId = previous.id,
              let end = previous.endedAt else { return }
        let pauses = try await store.extraPauses(shiftId: previousId).map { ExtraPause(start: $0.startedAt, end: $0.endedAt) }
        let timeline = ShiftTimeline(startedAt: previous.startedAt, profile: WorkProfile(previous), extraPauses: pauses, endedAt: end)
        // The stretch of work at the end of the previous shift, and any rest after it.
        var workRun = 0.0, rested = 0.0
        for segment in timeline.segments(until: end).reversed() {
            let length = segment.end.timeIntervalSince(segment.start)
            if segment.kind == .work {
                workRun += length
            } else if workRun == 0 {
                rested += length
            } else {
                break
            }
        }
        let gap = current.startedAt.timeIntervalSince(end)
        if let alert = LoadSignals.pauseSkipped(shiftKey: "shift-\(shiftId)", workRun: workRun, pauseTaken: rested, gap: gap,
                                                workMinutes: previous.workMinutes, pauseMinutes: previous.pauseMinutes) {
            await raise(alert, operatorId: operatorId, coachId: coachId)
        }
    }

    /// An answer came in after its block had ended: was it by more than the lab allows?
    func blockOverrun(operatorId: Int64, seconds: Double) async throws {
        guard let profile = try await store.profile(operatorId: operatorId), let coachId = profile.coachId else { return }
        let view = try await engine.shift(operatorId: operatorId)
        guard let shiftId = view.shiftId else { return }
        // The block that ran over is the one before the pause the operator is in now.
        let block = max(0, (view.blockIndex ?? 1) - 1)
        if let alert = LoadSignals.overrun(blockKey: "\(shiftId)-\(block)", secondsPastEnd: seconds, thresholds: currentThresholds) {
            await raise(alert, operatorId: operatorId, coachId: coachId)
        }
    }
}
