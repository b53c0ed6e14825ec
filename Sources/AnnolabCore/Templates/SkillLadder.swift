// The skill ladder: steps of work that open one after another, defined as data in Tasks/.
import Foundation

/// The lab's skill ladder, read from `Tasks/skill-ladder.json`.
///
/// Each step opens the task kinds it names. The first step is open to everyone; a later step
/// opens after enough practice questions (gold microtasks) of its kinds answered well, or when
/// a coach opens it. Nothing closes a step by itself. Kinds on no step are open to everyone.
/// The top step may be a reviewer's, which opens on the practice questions of all earlier steps.
///
/// ```swift
/// let ladder = try SkillLadder.load(from: URL(fileURLWithPath: "Tasks"))
/// ladder.step(for: .subtitleCheck)?.id   // "subtitle-check"
/// ```
public struct SkillLadder: Codable, Sendable, Equatable {
    public static let fileName = "skill-ladder.json"

    public struct Practice: Codable, Sendable, Equatable {
        /// How many practice questions must be answered.
        public var questions: Int
        /// The share of them answered right (0...1).
        public var accuracy: Double
        /// Counts the practice questions of every earlier step instead of the step's own kinds.
        public var fromEarlierSteps: Bool?
    }

    public struct Step: Codable, Sendable, Equatable {
        public var id: String
        public var kinds: [TaskKind]
        public var name: [String: String]
        public var about: [String: String]
        /// "always" for a step open to everyone.
        public var open: String?
        public var practice: Practice?
        /// Whether this step decides items where others did not agree.
        public var reviews: Bool?

        public var isAlwaysOpen: Bool { open == "always" }
        public func name(in language: String) -> String { name[language] ?? name["en"] ?? id }
        public func about(in language: String) -> String { about[language] ?? about["en"] ?? "" }
    }

    public var description: String?
    public var steps: [Step]

    public init(steps: [Step]) {
        self.steps = steps
    }

    /// The step that opens `kind` (its own kind or the kind it is served as); nil when no step does.
    public func step(for kind: TaskKind) -> Step? {
        steps.first { $0.kinds.contains(kind) }
    }

    public func step(id: String) -> Step? {
        steps.first { $0.id == id }
    }

    /// The kinds on some step; the others are open to everyone.
    public var gatedKinds: Set<TaskKind> {
        Set(steps.filter { !$0.isAlwaysOpen }.flatMap(\.kinds))
    }

    /// The kinds open to someone who reached `reached` (step ids).
    public func openKinds(reached: Set<String>) -> Set<TaskKind> {
        let gated = gatedKinds
        var open = Set(TaskKind.allCases).subtracting(gated)
        for step in steps where step.isAlwaysOpen || reached.contains(step.id) {
            open.formUnion(step.kinds)
        }
        return open
    }

    /// The first step not yet reached, in ladder order: the one to practise for.
    public func nextStep(reached: Set<String>) -> Step? {
        steps.first { !$0.isAlwaysOpen && !reached.contains($0.id) }
    }

    /// The kinds whose practice questions count for `step`.
    public func practiceKinds(for step: Step) -> Set<TaskKind> {
        guard step.practice?.fromEarlierSteps == true else { return Set(step.kinds) }
        let earlier = steps.prefix { $0.id != step.id }
        return Set(earlier.flatMap(\.kinds))
    }

    /// Whether practice with `questions` answered and `right` of them right reaches `step`.
    public static func reaches(_ step: Step, questions: Int, right: Int) -> Bool {
        guard let practice = step.practice, questions > 0 else { return false }
        return questions >= practice.questions && Double(right) / Double(questions) >= practice.accuracy
    }

    /// The ladder in `folder`, or nil when the folder has none (a lab whose own task folder came before
    /// the ladder: every kind stays open). A file that is there but wrong is an error.
    public static func loadIfPresent(from folder: URL) throws -> SkillLadder? {
        guard FileManager.default.fileExists(atPath: folder.appendingPathComponent(fileName).path) else { return nil }
        return try load(from: folder)
    }

    /// Reads and checks the ladder file in `folder`.
    public static func load(from folder: URL) throws -> SkillLadder {
        let file = folder.appendingPathComponent(fileName)
        let shown = "\(folder.standardizedFileURL.lastPathComponent)/\(fileName)"
        guard let data = FileManager.default.contents(atPath: file.path) else {
            throw LabError(.internalFailure, "ladder_missing", "\(shown) is missing: the lab needs its skill ladder. Add the file and start Annolab again.")
        }
        return try decode(data, shownAs: shown)
    }

    /// Decodes and checks a ladder: unique step ids, each kind on one step at most, a first step
    /// open to everyone, and practice figures that can be met.
    public static func decode(_ data: Data, shownAs shown: String) throws -> SkillLadder {
        let ladder: SkillLadder
        do {
            ladder = try JSONDecoder().decode(SkillLadder.self, from: data)
        } catch {
            throw LabError(.unprocessable, "ladder_invalid", "\(shown) is not a skill ladder Annolab can read: \(error.localizedDescription)")
        }
        guard let first = ladder.steps.first, first.isAlwaysOpen else {
            throw LabError(.unprocessable, "ladder_invalid", "\(shown): the first step must have \"open\": \"always\", so that everyone can start.")
        }
        var ids = Set<String>(), kinds = Set<TaskKind>()
        for step in ladder.steps {
            guard !step.id.isEmpty, ids.insert(step.id).inserted else {
                throw LabError(.unprocessable, "ladder_invalid", "\(shown): step '\(step.id)' is named twice or has no id.")
            }
            for kind in step.kinds where !kinds.insert(kind).inserted {
                throw LabError(.unprocessable, "ladder_invalid", "\(shown): kind '\(kind.rawValue)' is on two steps.")
            }
            if !step.isAlwaysOpen {
                guard let practice = step.practice, practice.questions > 0, (0...1).contains(practice.accuracy) else {
                    throw LabError(.unprocessable, "ladder_invalid",
                                   "\(shown): step '\(step.id)' needs \"practice\" with at least 1 question and an accuracy between 0 and 1.")
                }
            }
        }
        return ladder
    }
}
