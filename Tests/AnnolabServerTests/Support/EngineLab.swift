// A lab engine on a temporary store with a clock turned by hand, for story tests of the rules.
import AnnolabCore
import AnnolabServer
import AnnolabStore
import Foundation

/// A small lab: one client, a coach, operators, and an engine whose clock tests move.
struct EngineLab {
    let store: LabStore
    let engine: LabEngine
    let clock: ManualClock
    let clientId: Int64
    let coachId: Int64

    /// Monday 2 March 2026, 08:00 in Amsterdam (07:00 UTC).
    static let monday = Date(timeIntervalSince1970: 1_772_434_800)

    static func make(start: Date = monday) async throws -> EngineLab {
        let store = try LabStore(folder: temporaryFolder())
        let clock = ManualClock(start)
        let client = try await store.createClient(name: "Newsroom", hourlyPriceCents: 3500)
        let coach = try await store.createUser(NewUser(role: .coach, name: "Coach", email: "coach@lab.local"))
        let engine = try await LabEngine.start(store: store, clock: clock)
        return EngineLab(store: store, engine: engine, clock: clock, clientId: client.id!, coachId: coach.id!)
    }

    func addOperator(_ name: String, birthdate: String = "1990-06-01", profile: ((inout OperatorProfile) -> Void)? = nil) async throws -> Int64 {
        let user = try await store.createUser(NewUser(role: .operator, name: name, badge: "OP-\(UUID().uuidString.prefix(6))",
                                                      coachId: coachId, birthdate: birthdate))
        if let profile {
            var stored = try await store.profile(operatorId: user.id!)!
            profile(&stored)
            try await engine.profileChanged(stored, actor: nil)
        }
        return user.id!
    }

    /// A choice project with `count` microtasks, fixed overlap or adaptive when `overlap` is nil.
    func addChoiceProject(count: Int, overlap: Int?, labels: [String] = ["A", "B"], goldRate: Double = 0,
                          deadline: String? = nil) async throws -> (project: Project, microtasks: [Microtask]) {
        let project = try await store.createProject(
            Project(clientId: clientId, name: "Thumbnails", template: .choice, labels: labels, overlap: overlap,
                    adaptiveMin: overlap == nil ? 2 : nil, adaptiveMax: overlap == nil ? 5 : nil, goldRate: goldRate,
                    deadline: deadline, createdAt: clock.now()), actor: nil)
        engine.projectChanged(project)
        let payload = String(decoding: try JSONEncoder().encode(MicrotaskPayload(options: labels)), as: UTF8.self)
        let microtasks = try await store.addMicrotasks((0..<count).map { _ in
            Microtask(projectId: project.id!, itemId: nil, kind: .choice, payload: payload, estimatedSeconds: 10,
                      requiredAnswers: overlap ?? 2, createdAt: clock.now())
        })
        engine.microtasksAdded(microtasks)
        return (project, microtasks)
    }

    /// Asks for the next task; nil for "no work now".
    func next(_ operatorId: Int64) async throws -> LabEngine.Served? {
        try await engine.next(operatorId: operatorId)
    }

    @discardableResult
    func answer(_ operatorId: Int64, _ served: LabEngine.Served, choice: String, key: String? = nil) async throws -> LabEngine.Submitted {
        try await engine.answer(operatorId: operatorId, assignmentId: served.assignmentId, answer: AnswerBody(choice: choice),
                                idempotencyKey: key)
    }
}
