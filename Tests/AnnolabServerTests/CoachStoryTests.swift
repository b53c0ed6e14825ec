// The coach's alerts and profile changes, with a clock turned by hand.
import AnnolabServer
import AnnolabStore
import Foundation
import Testing

/// An engine lab with the coach's monitor beside it (ticked by hand, not by a timer).
struct CoachLab {
    let lab: EngineLab
    let monitor: CoachMonitor

    static func make() async throws -> CoachLab {
        let lab = try await EngineLab.make()
        // Evaluated at every tick: the test's ticks come faster than a person works.
        let monitor = CoachMonitor(store: lab.store, engine: lab.engine, evaluationInterval: .zero)
        try await monitor.load()
        return CoachLab(lab: lab, monitor: monitor)
    }

    func alerts(_ kind: String, operatorId: Int64) async throws -> [AlertRecord] {
        try await lab.store.alerts(coachId: lab.coachId, all: true).filter { $0.kind == kind && $0.operatorId == operatorId }
    }

    /// Takes the next task, spends `seconds` on it, and answers it.
    func work(_ operatorId: Int64, seconds: Double) async throws {
        let served = try #require(try await lab.next(operatorId))
        lab.clock.advance(seconds: seconds)
        try await lab.answer(operatorId, served, choice: "A")
    }
}

@Suite("Coach alerts and profiles")
struct CoachStoryTests {
    @Test("an operator who skips a pause raises exactly one 'pause skipped' alert, with its reason")
    func pauseSkipped() async throws {
        let coach = try await CoachLab.make()
        let lab = coach.lab
        _ = try await lab.addChoiceProject(count: 10, overlap: 1)
        let anouk = try await lab.addOperator("Anouk")
        let bram = try await lab.addOperator("Bram")
        _ = try await lab.engine.startShift(operatorId: anouk, startedBy: anouk)
        _ = try await lab.engine.startShift(operatorId: bram, startedBy: bram)
        lab.clock.advance(minutes: 45)
        // Both stop when the pause begins; Anouk starts again a minute later, Bram after the pause.
        _ = try await lab.engine.endShift(operatorId: anouk, byCoach: false)
        _ = try await lab.engine.endShift(operatorId: bram, byCoach: false)
        lab.clock.advance(minutes: 1)
        _ = try await lab.engine.startShift(operatorId: anouk, startedBy: anouk)
        await coach.monitor.tick()
        await coach.monitor.tick()
        let alerts = try await coach.alerts("pause-skipped", operatorId: anouk)
        #expect(alerts.count == 1)
        #expect(alerts.first?.reason == "Pause shortened: after 45 minutes of work only 1 of the 15 pause minutes were taken.")
        lab.clock.advance(minutes: 14)
        _ = try await lab.engine.startShift(operatorId: bram, startedBy: bram)
        await coach.monitor.tick()
        #expect(try await coach.alerts("pause-skipped", operatorId: bram).isEmpty, "a full pause raises nothing")
        // Work goes on; no second alert for the same skipped pause.
        try await coach.work(anouk, seconds: 20)
        await coach.monitor.tick()
        #expect(try await coach.alerts("pause-skipped", operatorId: anouk).count == 1)
    }

    @Test("a pace far below the operator's own baseline raises one alert with the figures")
    func paceDrop() async throws {
        let coach = try await CoachLab.make()
        let lab = coach.lab
        _ = try await lab.addChoiceProject(count: 40, overlap: 1)
        let chaima = try await lab.addOperator("Chaima")
        _ = try await lab.engine.startShift(operatorId: chaima, startedBy: chaima)
        for _ in 0..<20 { try await coach.work(chaima, seconds: 10) }
        await coach.monitor.tick()
        #expect(try await lab.store.alerts(coachId: lab.coachId, all: true).isEmpty, "no baseline yet, so no pace alert")
        // The next work block, at a third of the usual speed.
        lab.clock.set(EngineLab.monday.addingTimeInterval(60 * 60))
        for _ in 0..<4 { try await coach.work(chaima, seconds: 30) }
        await coach.monitor.tick()
        #expect(try await coach.alerts("pace-low", operatorId: chaima).isEmpty, "four answers are too few to judge")
        try await coach.work(chaima, seconds: 30)
        await coach.monitor.tick()
        let alerts = try await coach.alerts("pace-low", operatorId: chaima)
        #expect(alerts.count == 1)
        #expect(alerts.first?.reason == "Working much slower than usual: 30 seconds per answer in this block, usually 10.")
        try await coach.work(chaima, seconds: 30)
        await coach.monitor.tick()
        #expect(try await coach.alerts("pace-low", operatorId: chaima).count == 1, "one alert per block")
        let card = try await coach.monitor.card(operatorId: chaima)
        #expect(card.pace.ratio == 3)
        #expect(card.answersThisBlock == 6)
        #expect(card.answersToday == 26)
    }

    @Test("a pace far above the baseline raises its own alert: rushing can mean trouble too")
    func paceRise() async throws {
        let coach = try await CoachLab.make()
        let lab = coach.lab
        _ = try await lab.addChoiceProject(count: 40, overlap: 1)
        let daan = try await lab.addOperator("Daan")
        _ = try await lab.engine.startShift(operatorId: daan, startedBy: daan)
        for _ in 0..<20 { try await coach.work(daan, seconds: 30) }
        lab.clock.set(EngineLab.monday.addingTimeInterval(60 * 60))
        for _ in 0..<5 { try await coach.work(daan, seconds: 10) }
        await coach.monitor.tick()
        #expect(try await coach.alerts("pace-high", operatorId: daan).count == 1)
        #expect(try await coach.alerts("pace-low", operatorId: daan).isEmpty)
    }

    @Test("a profile change takes effect at the next work block; the block and pause running keep their lengths")
    func profileAtNextBlock() async throws {
        let coach = try await CoachLab.make()
        let lab = coach.lab
        _ = try await lab.addChoiceProject(count: 10, overlap: 1)
        let esra = try await lab.addOperator("Esra")
        let start = lab.clock.now()
        _ = try await lab.engine.startShift(operatorId: esra, startedBy: esra)
        lab.clock.advance(minutes: 10)
        var profile = try #require(try await lab.store.profile(operatorId: esra))
        profile.workMinutes = 25
        profile.pauseMinutes = 5
        try await lab.engine.profileChanged(profile, actor: lab.coachId)

        var shift = try await lab.engine.shift(operatorId: esra)
        #expect(shift.blockEndsAt == start.addingTimeInterval(45 * 60), "the running block keeps its 45 minutes")
        lab.clock.set(start.addingTimeInterval(50 * 60))
        shift = try await lab.engine.shift(operatorId: esra)
        #expect(shift.phase == .pause)
        #expect(shift.resumesAt == start.addingTimeInterval(60 * 60), "the pause after it keeps its 15 minutes")
        lab.clock.set(start.addingTimeInterval(60 * 60))
        shift = try await lab.engine.shift(operatorId: esra)
        #expect(shift.phase == .work)
        #expect(shift.blockEndsAt == start.addingTimeInterval((60 + 25) * 60), "the next block has the new 25 minutes")
        lab.clock.set(start.addingTimeInterval((60 + 26) * 60))
        shift = try await lab.engine.shift(operatorId: esra)
        #expect(shift.phase == .pause)
        #expect(shift.resumesAt == start.addingTimeInterval((60 + 30) * 60), "and the new 5-minute pause")
        #expect(shift.shiftEndsAt == start.addingTimeInterval(240 * 60), "the shift still ends when planned")
        let shifts = try await lab.store.shifts(operatorId: esra, from: start, to: start.addingTimeInterval(3600 * 5))
        #expect(shifts.count == 2)
        #expect(shifts.first?.endReason == "profileChanged")
        #expect(shifts.first?.endedAt == start.addingTimeInterval(60 * 60))
        await coach.monitor.tick()
        #expect(try await coach.alerts("pause-skipped", operatorId: esra).isEmpty, "the switch is no skipped pause")
    }

    @Test("a second profile change in the same shift keeps the shift's planned end and carries a running extra pause")
    func secondProfileChange() async throws {
        let coach = try await CoachLab.make()
        let lab = coach.lab
        _ = try await lab.addChoiceProject(count: 10, overlap: 1)
        let floor = try await lab.addOperator("Floor")
        let start = lab.clock.now()
        _ = try await lab.engine.startShift(operatorId: floor, startedBy: floor)
        var profile = try #require(try await lab.store.profile(operatorId: floor))
        lab.clock.advance(minutes: 10)
        profile.workMinutes = 25
        profile.pauseMinutes = 5
        try await lab.engine.profileChanged(profile, actor: lab.coachId)
        lab.clock.set(start.addingTimeInterval(70 * 60))      // in the first 25-minute block, from 60
        #expect(try await lab.engine.shift(operatorId: floor).blockEndsAt == start.addingTimeInterval(85 * 60))
        // The same profile saved again changes nothing.
        try await lab.engine.profileChanged(profile, actor: lab.coachId)
        #expect(try await lab.store.latestShift(operatorId: floor)?.switchAt == nil)
        // A real second change, with an extra pause running when it takes effect.
        profile.workMinutes = 20
        profile.pauseMinutes = 10
        try await lab.engine.profileChanged(profile, actor: lab.coachId)
        _ = try await lab.engine.pause(operatorId: floor)
        lab.clock.set(start.addingTimeInterval(95 * 60))      // 85-90 pause, the switch at 90
        let shift = try await lab.engine.shift(operatorId: floor)
        #expect(shift.phase == .pause && shift.extraPause, "the extra pause goes on over the switch")
        #expect(shift.shiftEndsAt == start.addingTimeInterval(240 * 60), "still the planned end of the first shift")
        _ = try await lab.engine.resume(operatorId: floor)
        let after = try await lab.engine.shift(operatorId: floor)
        #expect(after.phase == .work)
        #expect(after.blockEndsAt == start.addingTimeInterval(110 * 60), "the new 20-minute blocks from the switch at 90")
        #expect(try await lab.store.shifts(operatorId: floor, from: start, to: start.addingTimeInterval(5 * 3600)).count == 3)
        #expect(try await lab.store.extraPauseCount(operatorId: floor, since: start) == 1, "one pause, though it spans two shifts")
    }
}
