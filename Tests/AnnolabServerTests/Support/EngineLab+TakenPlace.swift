// A story the lease tests share: one place of a microtask runs out and goes to someone else.
import AnnolabServer
import Testing

/// Three operators on one microtask answered twice: A and B lease it, 11 minutes pass, B renews
/// in time, and A's place goes to C. A's lease is the one whose place was taken.
struct TakenPlace {
    let lab: EngineLab
    let a: Int64, b: Int64, c: Int64
    let fromA: LabEngine.Served, fromB: LabEngine.Served, fromC: LabEngine.Served

    static func make() async throws -> TakenPlace {
        let lab = try await EngineLab.make()
        let a = try await lab.addOperator("A"), b = try await lab.addOperator("B"), c = try await lab.addOperator("C")
        _ = try await lab.addChoiceProject(count: 1, overlap: 2)
        for op in [a, b, c] { _ = try await lab.engine.startShift(operatorId: op, startedBy: op) }
        let fromA = try #require(try await lab.next(a))
        let fromB = try #require(try await lab.next(b))
        lab.clock.advance(minutes: 11)
        _ = try await lab.engine.renew(operatorId: b, assignmentId: fromB.assignmentId)   // B keeps theirs alive
        let fromC = try #require(try await lab.next(c))                                   // A's place goes to C
        return TakenPlace(lab: lab, a: a, b: b, c: c, fromA: fromA, fromB: fromB, fromC: fromC)
    }
}
