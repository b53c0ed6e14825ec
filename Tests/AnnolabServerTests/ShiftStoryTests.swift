// Stories of shifts with an injected clock: blocks, pauses, the daily cap and the grace.
import AnnolabCore
import AnnolabServer
import AnnolabStore
import Foundation
import Testing

/// Whether asking for work now is refused because of a pause, and when work resumes.
func pauseRefusal(_ lab: EngineLab, _ operatorId: Int64) async -> (refused: Bool, resumesAt: Date?, extra: Bool) {
    do {
        _ = try await lab.next(operatorId)
        return (false, nil, false)
    } catch LabEngine.NotNow.pause(let resumesAt, let extra) {
        return (true, resumesAt, extra)
    } catch {
        return (false, nil, false)
    }
}

@Suite("Shifts and blocks")
struct ShiftStoryTests {
    @Test("an operator works a 45/15 shift, gets no task in the pause and work again after it")
    func fortyFiveFifteen() async throws {
        let lab = try await EngineLab.make()
        let anouk = try await lab.addOperator("Anouk")
        _ = try await lab.addChoiceProject(count: 50, overlap: 1)
        let start = lab.clock.now()
        let shift = try await lab.engine.startShift(operatorId: anouk, startedBy: anouk)
        #expect(shift.phase == .work)
        #expect(shift.blockEndsAt == start.addingTimeInterval(45 * 60))
        #expect(shift.shiftEndsAt == start.addingTimeInterval(240 * 60))

        let first = try #require(try await lab.next(anouk))
        try await lab.answer(anouk, first, choice: "A")
        lab.clock.advance(minutes: 45)
        let pause = await pauseRefusal(lab, anouk)
        #expect(pause.refused)
        #expect(pause.resumesAt == start.addingTimeInterval(60 * 60))
        #expect(try await lab.engine.shift(operatorId: anouk).phase == .pause)
        lab.clock.advance(minutes: 14)
        #expect(await pauseRefusal(lab, anouk).refused)
        lab.clock.advance(minutes: 1)
        #expect(try await lab.next(anouk) != nil, "work resumes when the pause ends")
        #expect(try await lab.engine.shift(operatorId: anouk).phase == .work)
    }

    @Test("nobody's shift starts by itself: without a started shift, asking for work is a 409")
    func noShiftNoWork() async throws {
        let lab = try await EngineLab.make()
        let bram = try await lab.addOperator("Bram")
        _ = try await lab.addChoiceProject(count: 3, overlap: 1)
        #expect(try await lab.engine.shift(operatorId: bram).phase == .off)
        let error = await #expect(throws: LabError.self) { try await lab.next(bram) }
        #expect(error?.code == "no_shift")
        #expect(error?.kind == .conflict)
    }

    @Test("an extra pause stops tasks at once and lasts until the operator resumes")
    func extraPause() async throws {
        let lab = try await EngineLab.make()
        let chaima = try await lab.addOperator("Chaima")
        _ = try await lab.addChoiceProject(count: 10, overlap: 1)
        _ = try await lab.engine.startShift(operatorId: chaima, startedBy: chaima)
        lab.clock.advance(minutes: 10)
        let paused = try await lab.engine.pause(operatorId: chaima)
        #expect(paused.phase == .pause)
        #expect(paused.extraPause)
        let refusal = await pauseRefusal(lab, chaima)
        #expect(refusal.refused && refusal.extra && refusal.resumesAt == nil)
        lab.clock.advance(minutes: 20)
        #expect(await pauseRefusal(lab, chaima).refused, "an extra pause has no end of its own")
        _ = try await lab.engine.resume(operatorId: chaima)
        #expect(try await lab.next(chaima) != nil)
    }

    @Test("a 25/5 profile gives blocks of 25 minutes with 5 minutes of pause")
    func shortBlocks() async throws {
        let lab = try await EngineLab.make()
        let daan = try await lab.addOperator("Daan") { $0.workMinutes = 25; $0.pauseMinutes = 5 }
        _ = try await lab.addChoiceProject(count: 10, overlap: 1)
        _ = try await lab.engine.startShift(operatorId: daan, startedBy: daan)
        lab.clock.advance(minutes: 24)
        #expect(try await lab.next(daan) != nil)
        lab.clock.advance(minutes: 1)
        #expect(await pauseRefusal(lab, daan).refused)
        lab.clock.advance(minutes: 5)
        #expect(try await lab.next(daan) != nil)
    }

    @Test("the daily cap ends work")
    func dailyCap() async throws {
        let lab = try await EngineLab.make()
        let esra = try await lab.addOperator("Esra") { $0.dailyCapMinutes = 60 }
        _ = try await lab.addChoiceProject(count: 10, overlap: 1)
        _ = try await lab.engine.startShift(operatorId: esra, startedBy: esra)
        // Work 0-45, pause 45-60, work from 60: the cap of 60 work minutes is reached at 75.
        lab.clock.advance(minutes: 74)
        #expect(try await lab.next(esra) != nil)
        lab.clock.advance(minutes: 2)
        let error = await #expect(throws: LabError.self) { try await lab.next(esra) }
        #expect(error?.code == "no_shift")
        let shift = try await lab.engine.shift(operatorId: esra)
        #expect(shift.phase == .ended)
        #expect(shift.endReason == "dailyCap")
        // Starting a new shift the same day is refused: the cap is for the whole day.
        let again = await #expect(throws: LabError.self) { try await lab.engine.startShift(operatorId: esra, startedBy: esra) }
        #expect(again?.code == "daily_cap_reached")
    }

    @Test("a task started 1 minute before the block end can be answered; after the grace it cannot")
    func grace() async throws {
        let lab = try await EngineLab.make()
        let floor = try await lab.addOperator("Floor")
        let (_, tasks) = try await lab.addChoiceProject(count: 10, overlap: 1)
        _ = try await lab.engine.startShift(operatorId: floor, startedBy: floor)
        lab.clock.advance(minutes: 44)
        let early = try #require(try await lab.next(floor))
        let late = try #require(try await lab.next(floor))
        lab.clock.advance(minutes: 2.5)          // 1.5 minutes past the block end: within the grace
        let accepted = try await lab.answer(floor, early, choice: "A")
        #expect(!accepted.repeated)
        #expect(await pauseRefusal(lab, floor).refused, "no new task after the block end")
        lab.clock.advance(minutes: 1)            // 2.5 minutes past the block end: the grace is over
        let refused = await #expect(throws: LabError.self) { try await lab.answer(floor, late, choice: "B") }
        #expect(refused?.code == "block_over")
        #expect(refused?.kind == .locked)
        let counts = try await lab.store.answerCounts(projectId: tasks[0].projectId)
        #expect(counts.values.reduce(0, +) == 1)
    }

    @Test("the shift ends at its planned length")
    func plannedLength() async throws {
        let lab = try await EngineLab.make()
        let op = try await lab.addOperator("Gijs")
        _ = try await lab.engine.startShift(operatorId: op, startedBy: op)
        lab.clock.advance(minutes: 241)
        let shift = try await lab.engine.shift(operatorId: op)
        #expect(shift.phase == .ended)
        #expect(shift.endReason == "plannedLength")
    }
}
