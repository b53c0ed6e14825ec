// Stories of who answers what: overlap, adaptive overlap, leases, repeats.
import AnnolabCore
import AnnolabServer
import AnnolabStore
import Foundation
import GRDB
import Testing

@Suite("Overlap and leases")
struct OverlapStoryTests {
    @Test("with k=3 and 5 operators, every microtask gets exactly 3 answers from 3 different people")
    func fixedOverlap() async throws {
        let lab = try await EngineLab.make()
        var operators: [Int64] = []
        for n in 1...5 { operators.append(try await lab.addOperator("Operator \(n)")) }
        let (project, tasks) = try await lab.addChoiceProject(count: 20, overlap: 3)
        for op in operators { _ = try await lab.engine.startShift(operatorId: op, startedBy: op) }
        var working = Set(operators)
        var round = 0
        while !working.isEmpty, round < 200 {
            round += 1
            for op in operators where working.contains(op) {
                if let served = try await lab.next(op) {
                    try await lab.answer(op, served, choice: round % 2 == 0 ? "A" : "B")
                } else {
                    working.remove(op)
                }
            }
        }
        let answers = try await lab.store.answers(projectId: project.id!)
        #expect(answers.count == 60)
        for task in tasks {
            let people = answers.filter { $0.microtaskId == task.id }.map(\.operatorId)
            #expect(people.count == 3)
            #expect(Set(people).count == 3)
        }
        #expect(try await lab.store.progress(projectId: project.id!).completed == 20)
    }

    @Test("adaptive overlap stops at 2 when they agree and asks a third when they do not")
    func adaptiveOverlap() async throws {
        let lab = try await EngineLab.make()
        let a = try await lab.addOperator("A"), b = try await lab.addOperator("B"), c = try await lab.addOperator("C")
        let (project, tasks) = try await lab.addChoiceProject(count: 2, overlap: nil, labels: ["cat", "dog"])
        for op in [a, b, c] { _ = try await lab.engine.startShift(operatorId: op, startedBy: op) }
        // Both agree on the first microtask; they disagree on the second.
        let a1 = try #require(try await lab.next(a)), a2 = try #require(try await lab.next(a))
        let b1 = try #require(try await lab.next(b)), b2 = try #require(try await lab.next(b))
        #expect(Set([a1.microtaskId, a2.microtaskId]) == Set(tasks.map { $0.id! }))
        let agreeTask = a1.microtaskId
        try await lab.answer(a, a1, choice: "cat")
        try await lab.answer(a, a2, choice: "cat")
        try await lab.answer(b, b1.microtaskId == agreeTask ? b1 : b2, choice: "cat")
        try await lab.answer(b, b1.microtaskId == agreeTask ? b2 : b1, choice: "dog")
        // The third operator gets only the disputed one.
        let c1 = try #require(try await lab.next(c))
        #expect(c1.microtaskId != agreeTask)
        try await lab.answer(c, c1, choice: "cat")
        #expect(try await lab.next(c) == nil)
        let stored = try await lab.store.microtasks(projectId: project.id!)
        let agreed = try #require(stored.first { $0.id == agreeTask })
        #expect(agreed.status == .complete && agreed.answerCount == 2)
        let disputed = try #require(stored.first { $0.id != agreeTask })
        #expect(disputed.answerCount == 3)
        #expect(disputed.requiredAnswers >= 3)
    }

    @Test("an expired lease goes to someone else, and the late answer is then refused")
    func expiredLease() async throws {
        let lab = try await EngineLab.make()
        let slow = try await lab.addOperator("Slow"), quick = try await lab.addOperator("Quick")
        let (_, tasks) = try await lab.addChoiceProject(count: 1, overlap: 1)
        for op in [slow, quick] { _ = try await lab.engine.startShift(operatorId: op, startedBy: op) }
        let first = try #require(try await lab.next(slow))
        #expect(try await lab.next(quick) == nil, "the only microtask is leased")
        lab.clock.advance(minutes: 11)
        let second = try #require(try await lab.next(quick))
        #expect(second.microtaskId == tasks[0].id)
        try await lab.answer(quick, second, choice: "A")
        let late = await #expect(throws: LabError.self) { try await lab.answer(slow, first, choice: "B") }
        #expect(late?.code == "lease_expired")
    }

    @Test("a lease whose time ran out is stored as expired once someone else finished its microtask")
    func expiredLeaseStored() async throws {
        let lab = try await EngineLab.make()
        let slow = try await lab.addOperator("Slow"), quick = try await lab.addOperator("Quick")
        _ = try await lab.addChoiceProject(count: 1, overlap: 1)
        for op in [slow, quick] { _ = try await lab.engine.startShift(operatorId: op, startedBy: op) }
        let first = try #require(try await lab.next(slow))
        lab.clock.advance(minutes: 11)
        let second = try #require(try await lab.next(quick))
        #expect(try await lab.store.assignment(id: first.assignmentId)?.state == .leased, "run out, but nothing is finished yet")
        try await lab.answer(quick, second, choice: "A")
        #expect(try await lab.store.assignment(id: second.assignmentId)?.state == .answered)
        #expect(try await lab.store.assignment(id: first.assignmentId)?.state == .expired)
        let late = await #expect(throws: LabError.self) { try await lab.answer(slow, first, choice: "B") }
        #expect(late?.code == .leaseExpired)
    }

    @Test("an answer on a lease whose place went to someone else is refused, and the lease is stored as expired")
    func expiredLeaseAnswered() async throws {
        let story = try await TakenPlace.make()
        let (lab, a, b, c) = (story.lab, story.a, story.b, story.c)
        let (fromA, fromB, fromC) = (story.fromA, story.fromB, story.fromC)
        let late = await #expect(throws: LabError.self) { try await lab.answer(a, fromA, choice: "A") }
        #expect(late?.code == .leaseExpired)
        #expect(try await lab.store.assignment(id: fromA.assignmentId)?.state == .expired)
        try await lab.answer(b, fromB, choice: "A")
        try await lab.answer(c, fromC, choice: "A")
        #expect(try await lab.store.assignment(id: fromA.assignmentId)?.state == .expired, "ended once, and it stays so")
    }

    @Test("an answer on an expired lease is still accepted when nobody else took the microtask")
    func expiredButFree() async throws {
        let lab = try await EngineLab.make()
        let op = try await lab.addOperator("Thinker")
        _ = try await lab.addChoiceProject(count: 1, overlap: 1)
        _ = try await lab.engine.startShift(operatorId: op, startedBy: op)
        let served = try #require(try await lab.next(op))
        lab.clock.advance(minutes: 12)
        let accepted = try await lab.answer(op, served, choice: "A")
        #expect(!accepted.repeated)
    }

    @Test("a repeated submit with the same key is stored once and answered the same")
    func idempotentSubmit() async throws {
        let lab = try await EngineLab.make()
        let op = try await lab.addOperator("Careful")
        let (project, _) = try await lab.addChoiceProject(count: 2, overlap: 1)
        _ = try await lab.engine.startShift(operatorId: op, startedBy: op)
        let served = try #require(try await lab.next(op))
        let first = try await lab.answer(op, served, choice: "A", key: "k-1")
        let again = try await lab.answer(op, served, choice: "A", key: "k-1")
        #expect(!first.repeated && again.repeated)
        #expect(first.response == again.response)
        let other = await #expect(throws: LabError.self) { try await lab.answer(op, served, choice: "B", key: "k-2") }
        #expect(other?.code == "already_answered")
        #expect(try await lab.store.answers(projectId: project.id!).count == 1)
    }

    @Test("an operator's answers are read back newest first, each with what the others answered on it")
    func answersInContext() async throws {
        let lab = try await EngineLab.make()
        let a = try await lab.addOperator("A"), b = try await lab.addOperator("B"), c = try await lab.addOperator("C")
        _ = try await lab.addChoiceProject(count: 2, overlap: 3)
        for op in [a, b, c] { _ = try await lab.engine.startShift(operatorId: op, startedBy: op) }
        var mine: [Int64] = []
        for _ in 0..<2 {
            let served = try #require(try await lab.next(a))
            try await lab.answer(a, served, choice: "A")
            mine.append(served.microtaskId)
        }
        for op in [b, c] {
            while let served = try await lab.next(op) { try await lab.answer(op, served, choice: op == b ? "A" : "B") }
        }
        let read = try await lab.store.answersInContext(operatorId: a)
        #expect(read.map(\.answer.microtaskId) == mine.reversed())
        for entry in read {
            #expect(entry.kind == .choice)
            #expect(entry.others == [#"{"choice":"A"}"#, #"{"choice":"B"}"#], "B's answer, then C's")
        }
        #expect(try await lab.store.answersInContext(operatorId: a, limit: 1).count == 1)
    }

    @Test("nobody gets the same microtask twice, even after skipping it")
    func neverTwice() async throws {
        let lab = try await EngineLab.make()
        let op = try await lab.addOperator("Skipper")
        _ = try await lab.addChoiceProject(count: 1, overlap: 3)
        _ = try await lab.engine.startShift(operatorId: op, startedBy: op)
        let served = try #require(try await lab.next(op))
        try await lab.engine.skip(operatorId: op, assignmentId: served.assignmentId, reason: "unclear picture")
        #expect(try await lab.next(op) == nil)
        let reason = try await lab.store.assignment(id: served.assignmentId)?.skipReason
        #expect(reason == "unclear picture")
    }

    @Test("answers are checked against the task: an unknown option is refused and nothing is stored")
    func answerValidation() async throws {
        let lab = try await EngineLab.make()
        let op = try await lab.addOperator("Typo")
        let (project, _) = try await lab.addChoiceProject(count: 1, overlap: 1)
        _ = try await lab.engine.startShift(operatorId: op, startedBy: op)
        let served = try #require(try await lab.next(op))
        let error = await #expect(throws: LabError.self) { try await lab.answer(op, served, choice: "Z") }
        #expect(error?.code == "unknown_option")
        #expect(try await lab.store.answers(projectId: project.id!).isEmpty)
        try await lab.answer(op, served, choice: "B")
        #expect(try await lab.store.answers(projectId: project.id!).count == 1)
    }

    @Test("projects with an earlier deadline come first, and started microtasks before new ones")
    func priority() async throws {
        let lab = try await EngineLab.make()
        let a = try await lab.addOperator("A"), b = try await lab.addOperator("B")
        let (_, later) = try await lab.addChoiceProject(count: 3, overlap: 2, deadline: "2026-06-01")
        let (_, sooner) = try await lab.addChoiceProject(count: 3, overlap: 2, deadline: "2026-04-01")
        for op in [a, b] { _ = try await lab.engine.startShift(operatorId: op, startedBy: op) }
        let first = try #require(try await lab.next(a))
        #expect(first.microtaskId == sooner[0].id)
        let second = try #require(try await lab.next(b))
        #expect(second.microtaskId == sooner[0].id, "the started microtask is finished first")
        _ = later
    }
}

@Suite("Job carving")
struct JobCarvingTests {
    let car = LabeledBox(label: "car", x: 100, y: 100, w: 200, h: 100)
    let person = LabeledBox(label: "person", x: 400, y: 200, w: 50, h: 120)

    /// A street picture for three drawers, and a checker who only judges boxes.
    func street(_ lab: EngineLab) async throws -> (project: Project, drawers: [Int64], checker: Int64) {
        let drawers = [try await lab.addOperator("Drawer 1"), try await lab.addOperator("Drawer 2"), try await lab.addOperator("Drawer 3")]
        let checker = try await lab.addOperator("Checker") { $0.taskKinds = [.imageBoxVerify] }
        let project = try await lab.store.createProject(
            Project(clientId: lab.clientId, name: "Street", template: .imageBoxes, labels: ["car", "person"], overlap: 3,
                    adaptiveMin: nil, adaptiveMax: nil, goldRate: 0, deadline: nil, createdAt: lab.clock.now()), actor: nil)
        lab.engine.projectChanged(project)
        let payload = MicrotaskPayload(image: .init(url: "/media/1/x/original.png", width: 640, height: 480))
        lab.engine.microtasksAdded(try await lab.store.addMicrotasks([
            Microtask(projectId: project.id!, itemId: nil, kind: .imageBoxes,
                      payload: String(decoding: try JSONEncoder().encode(payload), as: UTF8.self), estimatedSeconds: 30,
                      requiredAnswers: 3),
        ]))
        for op in drawers + [checker] { _ = try await lab.engine.startShift(operatorId: op, startedBy: op) }
        return (project, drawers, checker)
    }

    @Test("a box the operators did not agree on becomes a yes/no check for someone who does not draw")
    func boxChecks() async throws {
        let lab = try await EngineLab.make()
        let (_, drawers, checker) = try await street(lab)
        #expect(try await lab.next(checker) == nil, "nothing to check before the drawers are done")
        let drawn: [[LabeledBox]] = [[car, person], [car, person], [car]]   // only two of three saw the person
        for (op, boxes) in zip(drawers, drawn) {
            let served = try #require(try await lab.next(op))
            _ = try await lab.engine.answer(operatorId: op, assignmentId: served.assignmentId, answer: AnswerBody(boxes: boxes),
                                            idempotencyKey: nil)
        }
        let check = try #require(try await lab.next(checker))
        #expect(check.kind == .imageBoxVerify)
        #expect(check.payload.box?.label == "person")
        #expect(check.payload.image?.width == 640)
        let reply = try await lab.engine.answer(operatorId: checker, assignmentId: check.assignmentId,
                                                answer: AnswerBody(choice: "yes"), idempotencyKey: nil)
        #expect(!reply.repeated)
        #expect(try await lab.next(checker) == nil, "the car, drawn by everyone, needs no check")
        let refused = await #expect(throws: LabError.self) {
            _ = try await lab.engine.answer(operatorId: drawers[0], assignmentId: check.assignmentId,
                                            answer: AnswerBody(choice: "yes"), idempotencyKey: nil)
        }
        #expect(refused?.kind == .notFound)
    }

    @Test("when the checks cannot be stored, the answer that finished the picture is still taken and stored")
    func boxChecksFailing() async throws {
        let lab = try await EngineLab.make()
        let (project, drawers, checker) = try await street(lab)
        try await lab.store.write { db in
            try db.execute(sql: """
                CREATE TRIGGER refuseBoxChecks BEFORE INSERT ON microtask WHEN NEW.kind = 'image-box-verify'
                BEGIN SELECT RAISE(ABORT, 'no box checks today'); END
                """)
        }
        let drawn: [[LabeledBox]] = [[car, person], [car, person], [car]]
        for (op, boxes) in zip(drawers, drawn) {
            let served = try #require(try await lab.next(op))
            let reply = try await lab.engine.answer(operatorId: op, assignmentId: served.assignmentId,
                                                    answer: AnswerBody(boxes: boxes), idempotencyKey: nil)
            #expect(!reply.repeated && reply.response == #"{"accepted":true}"#)
        }
        #expect(try await lab.store.answers(projectId: project.id!).count == 3)
        #expect(try await lab.store.microtasks(projectId: project.id!).map(\.kind) == [.imageBoxes], "no check was half made")
        #expect(try await lab.next(checker) == nil)
    }
}
