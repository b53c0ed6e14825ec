// The skill ladder in the lab: turning it on, opening steps by practice or by a coach, progress.
import AnnolabCore
import AnnolabStore
import Foundation

extension LabEngine {
    /// The ladder the lab reads from its Tasks folder (nil: no ladder file, every kind open).
    public var ladder: SkillLadder? { skills.state.withLock { $0.ladder } }

    /// Whether the ladder decides which kinds each operator is served.
    public var ladderEnabled: Bool { skills.state.withLock { $0.enabled && $0.ladder != nil } }

    struct LadderSetting: Codable {
        var enabled: Bool
    }

    /// Gives the engine the lab's ladder, and reads whether the lab turned it on.
    public func useLadder(_ ladder: SkillLadder?) async throws {
        let stored = try await store.labSetting(LabStore.ladderSettingKey)
        let enabled = stored.flatMap { try? JSONDecoder().decode(LadderSetting.self, from: Data($0.utf8)) }?.enabled ?? false
        skills.state.withLock { state in
            state.ladder = ladder
            state.enabled = enabled
            state.reached = [:]
        }
    }

    /// Turns the ladder on or off. Turning it on keeps every operator's work going: each keeps
    /// the steps whose kinds they already worked on (reached "earlier").
    public func setLadderEnabled(_ enabled: Bool, actor: Int64?) async throws {
        guard let ladder else {
            throw LabError(.unprocessable, "no_ladder", "The lab has no skill ladder: Tasks/\(SkillLadder.fileName) is missing.")
        }
        if enabled {
            try await store.openEarlierSkills(steps: ladder.steps.filter { !$0.isAlwaysOpen }.map { ($0.id, $0.kinds) }, actor: actor)
        }
        try await store.setLabSetting(LabStore.ladderSettingKey,
                                      json: String(decoding: try JSONEncoder().encode(LadderSetting(enabled: enabled)), as: UTF8.self),
                                      actor: actor)
        skills.state.withLock { state in
            state.enabled = enabled
            state.reached = [:]
        }
    }

    /// The steps an operator reached.
    public func reachedSteps(operatorId: Int64) async throws -> Set<String> {
        if let known = skills.reached(operatorId) { return known }
        let reached = Set(try await store.skills(operatorId: operatorId).map(\.step))
        skills.remember(operatorId, reached: reached)
        return reached
    }

    /// What the ladder lets this operator be served; nil when the ladder is off.
    func ladderGate(operatorId: Int64) async throws -> SkillBook.Gate? {
        guard let ladder = skills.activeLadder else { return nil }
        return SkillBook.gate(ladder, reached: try await reachedSteps(operatorId: operatorId))
    }

    /// A coach (or admin) opens a step by hand. Returns false when it was open already.
    @discardableResult
    public func openStep(operatorId: Int64, step id: String, actor: Int64?) async throws -> Bool {
        guard let ladder, let step = ladder.step(id: id) else {
            throw LabError(.unprocessable, "unknown_step", "The skill ladder has no step '\(id)'.")
        }
        guard !step.isAlwaysOpen else { return false }
        let opened = try await store.openSkill(operatorId: operatorId, step: id, via: "coach", by: actor, at: clock.now())
        skills.add(id, for: operatorId)
        return opened
    }

    /// After a practice question: opens the next step when the recent practice reaches it.
    /// Only ever opens; nothing here closes a step.
    func practiceAnswered(operatorId: Int64, kind: TaskKind) async throws {
        guard let ladder = skills.activeLadder else { return }
        let reached = try await reachedSteps(operatorId: operatorId)
        guard let next = ladder.nextStep(reached: reached), let needed = next.practice?.questions,
              ladder.practiceKinds(for: next).contains(kind) else { return }
        let figures = try await store.practice(operatorId: operatorId, kinds: ladder.practiceKinds(for: next), recent: needed)
        guard SkillLadder.reaches(next, questions: figures.recent, right: figures.recentRight) else { return }
        try await store.openSkill(operatorId: operatorId, step: next.id, via: "practice", by: nil, at: clock.now())
        skills.add(next.id, for: operatorId)
    }

    /// Where an operator stands on the ladder: steps reached, and the next one with progress.
    public struct LadderProgress: Sendable, Codable, Equatable {
        public struct Step: Sendable, Codable, Equatable {
            public var id: String
            public var name: String
            public var about: String
            public var kinds: [TaskKind]
            public var reachedAt: Date?
            public var via: String?
        }
        public struct Next: Sendable, Codable, Equatable {
            public var id: String
            public var name: String
            public var practiceDone: Int
            public var practiceNeeded: Int
            /// Share right of the most recent practice questions; nil before the first.
            public var accuracy: Double?
            public var accuracyNeeded: Double
        }
        public var enabled: Bool
        public var steps: [Step]
        public var next: Next?
    }

    /// The ladder as one operator sees it, in their language.
    public func ladderProgress(operatorId: Int64, language: String) async throws -> LadderProgress? {
        guard let ladder else { return nil }
        let stored = Dictionary(try await store.skills(operatorId: operatorId).map { ($0.step, $0) }, uniquingKeysWith: { a, _ in a })
        let steps = ladder.steps.map { step in
            LadderProgress.Step(id: step.id, name: step.name(in: language), about: step.about(in: language), kinds: step.kinds,
                                reachedAt: stored[step.id]?.reachedAt, via: step.isAlwaysOpen ? "always" : stored[step.id]?.via)
        }
        var next: LadderProgress.Next?
        if let step = ladder.nextStep(reached: Set(stored.keys)), let practice = step.practice {
            let figures = try await store.practice(operatorId: operatorId, kinds: ladder.practiceKinds(for: step), recent: practice.questions)
            next = .init(id: step.id, name: step.name(in: language), practiceDone: figures.recent, practiceNeeded: practice.questions,
                         accuracy: figures.recent > 0 ? Double(figures.recentRight) / Double(figures.recent) : nil,
                         accuracyNeeded: practice.accuracy)
        }
        return LadderProgress(enabled: ladderEnabled, steps: steps, next: next)
    }
}
