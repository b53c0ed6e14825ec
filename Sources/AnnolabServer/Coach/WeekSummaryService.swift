// Gathering one operator's weekly summary from pay, answers, shifts and alerts.
import AnnolabCore
import AnnolabStore
import Foundation

/// Makes an operator's ``WeekSummary`` from what the store, the engine's clock and the pay
/// ledger know of that week.
///
/// ```swift
/// let summary = try await WeekSummaryService(store: store, engine: engine, pay: pay)
///     .summary(operatorId: 12, weekOf: "2026-11-23")
/// ```
struct WeekSummaryService {
    let store: any LabStoring
    let engine: LabEngine
    let pay: PayService

    /// The summary of the week holding `weekOf` (`YYYY-MM-DD`), or of this week.
    func summary(operatorId: Int64, weekOf: String?) async throws -> WeekSummary {
        let now = engine.clock.now()
        let week = try LabWeek(weekOf: weekOf, now: now, timeZone: engine.timeZone)
        let paid = try await pay.payroll(from: week.first, to: week.last).filter { $0.operatorId == operatorId }
            .map(\.paidSeconds).reduce(0, +)
        let answers = try await store.answerActivity(operatorId: operatorId, since: week.interval.start)
            .filter { $0.at < week.interval.end }
        let shifts = try await store.shifts(operatorId: operatorId, from: week.interval.start, to: week.interval.end)
        let time = try await shiftTime(shifts, now: now)
        let (kinds, days) = try answerCounts(answers, week: week)
        let alerts = try await AlertView.list(try await store.alerts(operatorId: operatorId, from: week.interval.start,
                                                                     to: week.interval.end), store: store)
        let person = try await store.user(id: operatorId)
        let goldAnswers = answers.filter(\.isGold)
        return WeekSummary(operator: .init(id: operatorId, name: person?.name ?? ""),
                           weekStart: week.first.description, weekEnd: week.last.description,
                           hours: (Double(paid) / 3600 * 100).rounded() / 100, workMinutes: time.workSeconds / 60,
                           shifts: shifts.count, kinds: kinds,
                           gold: .init(correct: goldAnswers.filter { $0.goldCorrect == true }.count, total: goldAnswers.count),
                           qualityTrend: days, pauses: .init(scheduled: time.scheduledPauses, extra: time.extraPauses),
                           alerts: alerts)
    }

    /// Work time and pauses of the week's shifts, up to now for a shift still running.
    func shiftTime(_ shifts: [Shift], now: Date) async throws -> (workSeconds: Int, scheduledPauses: Int, extraPauses: Int) {
        var workSeconds = 0, scheduled = 0, extra = 0
        for shift in shifts {
            let shiftId = try shift.id.required("shift")
            let pauses = try await store.extraPauses(shiftId: shiftId).map { ExtraPause(start: $0.startedAt, end: $0.endedAt) }
            let timeline = ShiftTimeline(startedAt: shift.startedAt, profile: WorkProfile(shift), extraPauses: pauses,
                                         endedAt: shift.endedAt)
            let until = min(shift.endedAt ?? now, now)
            workSeconds += timeline.workSeconds(until: until)
            scheduled += timeline.segments(until: until).filter { $0.kind == .pause }.count
            // A pause carried on over a profile change was counted with the shift before.
            extra += pauses.filter { !(shift.chainStartedAt != nil && $0.start == shift.startedAt) }.count
        }
        return (workSeconds, scheduled, extra)
    }

    /// Answers by task kind (by name) and by day (in order), with their gold results.
    func answerCounts(_ answers: [LoadAnswer], week: LabWeek) throws -> ([WeekSummary.KindCount], [WeekSummary.DayQuality]) {
        var kinds: [TaskKind: Int] = [:]
        var days: [String: WeekSummary.DayQuality] = [:]
        for answer in answers {
            kinds[answer.kind, default: 0] += 1
            let key = try week.calendarDate(answer.at).description
            var entry = days[key] ?? WeekSummary.DayQuality(day: key, answers: 0, goldCorrect: 0, goldTotal: 0)
            entry.answers += 1
            if answer.isGold { entry.goldTotal += 1; if answer.goldCorrect == true { entry.goldCorrect += 1 } }
            days[key] = entry
        }
        return (kinds.map { WeekSummary.KindCount(kind: $0.key.rawValue, answers: $0.value) }.sorted { $0.kind < $1.kind },
                days.values.sorted { $0.day < $1.day })
    }
}
