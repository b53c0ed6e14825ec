// Stories at the edges: forgotten shifts, renewed leases, late answers, rates that start later.
import AnnolabCore
import AnnolabServer
import AnnolabStore
import Foundation
import Testing

@Suite("Edges of the rules")
struct EdgeStoryTests {
    @Test("an operator who goes home without ending the shift is still paid for it")
    func forgottenShiftIsPaid() async throws {
        let lab = try await EngineLab.make()
        let op = try await lab.addOperator("Forgetful")
        _ = try await lab.engine.startShift(operatorId: op, startedBy: op)
        lab.clock.advance(minutes: 300)
        let pay = PayRoutesProbe(lab: lab)
        let rows = try await pay.payroll(from: "2026-03-02", to: "2026-03-02")
        #expect(rows.count == 1)
        #expect(rows.first?.paidSeconds == 4 * 3600)
        // No rate was agreed: the adult minimum wage applies (4 h x 14.71).
        #expect(rows.first?.gross == Money("58.84"))
    }

    @Test("a rate agreed from a later date leaves earlier days at the minimum wage, not unpaid")
    func rateFromLater() async throws {
        let lab = try await EngineLab.make()
        let op = try await lab.addOperator("Newcomer")
        try await lab.store.setRate(operatorId: op, hourlyCents: 1600, from: "2026-04-01", actor: nil)
        _ = try await lab.engine.startShift(operatorId: op, startedBy: op)
        lab.clock.advance(minutes: 241)
        let rows = try await PayRoutesProbe(lab: lab).payroll(from: "2026-03-01", to: "2026-03-31")
        #expect(rows.first?.hourly == Money("14.71"))
        #expect(rows.first?.liftedToMinimumWage == true)
    }

    @Test("with unpaid extra pauses, a scheduled pause covered by an extra pause is still paid")
    func scheduledPauseStaysPaid() async throws {
        let lab = try await EngineLab.make()
        let op = try await lab.addOperator("Tired")
        try await lab.store.setLabSetting("pay.policy", json: #"{"extraPausesPaid":false}"#, actor: nil)
        _ = try await lab.engine.startShift(operatorId: op, startedBy: op)
        lab.clock.advance(minutes: 44)
        _ = try await lab.engine.pause(operatorId: op)
        lab.clock.advance(minutes: 17)          // extra pause 44-61 covers the scheduled pause 45-60
        _ = try await lab.engine.resume(operatorId: op)
        lab.clock.advance(minutes: 180)
        let rows = try await PayRoutesProbe(lab: lab).payroll(from: "2026-03-02", to: "2026-03-02")
        // 240 minutes minus the unpaid extra pause outside the scheduled pause: 44-45 and 60-61.
        #expect(rows.first?.paidSeconds == (240 - 2) * 60)
    }

    @Test("a lease renewed after its place went to someone else is refused, and their work stands")
    func renewAfterExpiry() async throws {
        let story = try await TakenPlace.make()
        let (lab, a, b, c) = (story.lab, story.a, story.b, story.c)
        let (fromA, fromB, fromC) = (story.fromA, story.fromB, story.fromC)
        let renewed = await #expect(throws: LabError.self) {
            _ = try await lab.engine.renew(operatorId: a, assignmentId: fromA.assignmentId)
        }
        #expect(renewed?.code == "lease_expired")
        try await lab.answer(b, fromB, choice: "A")
        try await lab.answer(c, fromC, choice: "A")
    }

    @Test("an answer refused after the grace frees the task for someone else at once")
    func lateAnswerFreesTask() async throws {
        let lab = try await EngineLab.make()
        let late = try await lab.addOperator("Late")
        let other = try await lab.addOperator("Other") { $0.workMinutes = 120; $0.pauseMinutes = 10 }
        _ = try await lab.addChoiceProject(count: 1, overlap: 1)
        _ = try await lab.engine.startShift(operatorId: late, startedBy: late)
        _ = try await lab.engine.startShift(operatorId: other, startedBy: other)
        lab.clock.advance(minutes: 44)
        let served = try #require(try await lab.next(late))
        lab.clock.advance(minutes: 4)
        let refused = await #expect(throws: LabError.self) { try await lab.answer(late, served, choice: "A") }
        #expect(refused?.code == "block_over")
        #expect(try await lab.next(other)?.microtaskId == served.microtaskId)
    }
}

/// Payroll as the admin route makes it, without HTTP.
struct PayRoutesProbe {
    let lab: EngineLab
    func payroll(from: String, to: String) async throws -> [PayrollRow] {
        try await lab.engine.payroll(from: CalendarDate(from)!, to: CalendarDate(to)!)
    }
}

@Suite("Fair shares of the queue")
struct FairShareTests {
    @Test("nobody holds more than three tasks at once, and nothing is kept during a pause")
    func leaseCap() async throws {
        let lab = try await EngineLab.make()
        let greedy = try await lab.addOperator("Greedy"), other = try await lab.addOperator("Other")
        _ = try await lab.addChoiceProject(count: 4, overlap: 1)
        for op in [greedy, other] { _ = try await lab.engine.startShift(operatorId: op, startedBy: op) }
        var held: [LabEngine.Served] = []
        for _ in 0..<5 { if let served = try await lab.next(greedy) { held.append(served) } }
        #expect(held.count == 3)
        #expect(try await lab.next(other) != nil, "the fourth task is left for someone else")
        _ = try await lab.engine.pause(operatorId: greedy)
        let renew = await #expect(throws: LabError.self) {
            _ = try await lab.engine.renew(operatorId: greedy, assignmentId: held[0].assignmentId)
        }
        #expect(renew?.kind == .locked)
    }

    @Test("gold is mixed in at each project's own rate, and not once the project's own work is done")
    func goldPerProject() async throws {
        let lab = try await EngineLab.make()
        let op = try await lab.addOperator("Learner")
        let (project, tasks) = try await lab.addChoiceProject(count: 4, overlap: 1, goldRate: 0.5)
        try await lab.makeGold(project: project, tasks: Array(tasks.prefix(2)), answer: "A")
        _ = try await lab.engine.startShift(operatorId: op, startedBy: op)
        var kinds: [Bool] = []
        while let served = try await lab.next(op) {
            kinds.append(served.microtaskId == tasks[0].id || served.microtaskId == tasks[1].id)
            try await lab.answer(op, served, choice: "A")
        }
        // Half of what is served is gold, mixed in evenly, without chance.
        #expect(kinds == [true, false, true, false])
        // After a restart the gold microtasks are still known to be done by this operator.
        let restarted = try await LabEngine.start(store: lab.store, clock: lab.clock)
        #expect(try await restarted.next(operatorId: op) == nil)
    }
}

extension FairShareTests {
    @Test("no gold is served once a project's own work is finished")
    func noGoldAfterWork() async throws {
        let lab = try await EngineLab.make()
        let op = try await lab.addOperator("Done early")
        let (project, tasks) = try await lab.addChoiceProject(count: 3, overlap: 1, goldRate: 0.5)
        try await lab.makeGold(project: project, tasks: Array(tasks.prefix(2)), answer: "A")
        _ = try await lab.engine.startShift(operatorId: op, startedBy: op)
        var served: [Int64] = []
        while let next = try await lab.next(op) {
            served.append(next.microtaskId)
            try await lab.answer(op, next, choice: "A")
        }
        // Gold, then the one own microtask; the second gold is not served, as there is no work left to mix it into.
        #expect(served == [tasks[0].id!, tasks[2].id!])
    }
}

extension EngineLab {
    /// Turns microtasks into gold with a known choice.
    func makeGold(project: Project, tasks: [Microtask], answer: String) async throws {
        try await store.setGold(projectId: project.id!, answers: tasks.map {
            GoldAnswer(microtaskId: $0.id!, body: #"{"choice":"\#(answer)"}"#, explanation: "{}")
        })
        engine.goldAdded(tasks.map { $0.id! })
    }
}
