// What the text dialogue asks of the lab: the lab engine's operations, in plain terms.
import Foundation

/// The operations the dialogue runs on. The server implements them with the lab engine, so the
/// text mode keeps exactly the shift, pause and lease rules of the visual client.
public protocol DialogueLab: Sendable {
    func status() async throws -> DialogueShift
    func startShift() async throws -> DialogueShift
    func pause() async throws -> DialogueShift
    func resume() async throws -> DialogueShift
    func endShift() async throws -> DialogueShift
    /// The next microtask of a kind that works by ear.
    func next() async throws -> DialogueNext
    func answer(_ task: DialogueTask, _ answer: AnswerBody) async throws -> DialogueFeedback
    func skip(_ task: DialogueTask) async throws
    func release(_ task: DialogueTask) async throws
    /// Messages from the coach not yet read, oldest first; they count as read once returned.
    func unreadMessages() async throws -> [String]
    /// Whether the instructions of a task the operator answered or skipped were clear.
    func rateInstructions(assignmentId: Int64, clear: Bool) async throws
    /// Where the operator stands on the lab's skill ladder, in `language`; nil without a ladder.
    func ladder(language: String) async throws -> DialogueLadder?
}

extension DialogueLab {
    /// A lab that keeps no ratings lets the answer go: the question is optional.
    public func rateInstructions(assignmentId: Int64, clear: Bool) async throws {}
    /// A lab without a skill ladder has nothing to learn next.
    public func ladder(language: String) async throws -> DialogueLadder? { nil }
}

/// The skill ladder as the dialogue tells it: the steps reached, and the next with its progress.
public struct DialogueLadder: Sendable, Equatable {
    public var reached: [String]
    public var next: String?
    public var practiceDone: Int
    public var practiceNeeded: Int
    /// Percent right of the recent practice questions; nil before the first.
    public var percentRight: Int?
    public var percentNeeded: Int

    public init(reached: [String], next: String?, practiceDone: Int = 0, practiceNeeded: Int = 0, percentRight: Int? = nil,
                percentNeeded: Int = 0) {
        self.reached = reached
        self.next = next
        self.practiceDone = practiceDone
        self.practiceNeeded = practiceNeeded
        self.percentRight = percentRight
        self.percentNeeded = percentNeeded
    }
}

/// The shift as the dialogue needs it; times are wall-clock seconds from now.
public struct DialogueShift: Sendable, Equatable {
    public enum Phase: String, Sendable { case off, work, pause, extraPause, ended }
    public var phase: Phase
    public var blockSecondsLeft: Double?
    public var resumesInSeconds: Double?
    public var workMinutesToday: Int

    public init(phase: Phase, blockSecondsLeft: Double? = nil, resumesInSeconds: Double? = nil, workMinutesToday: Int = 0) {
        self.phase = phase
        self.blockSecondsLeft = blockSecondsLeft
        self.resumesInSeconds = resumesInSeconds
        self.workMinutesToday = workMinutesToday
    }
}

/// A microtask served to the dialogue, with the words that go with its project.
public struct DialogueTask: Sendable, Equatable {
    public var assignmentId: Int64
    public var kind: TaskKind
    public var title: TaskTemplate.Text?
    public var labels: [TaskTemplate.Label]
    public var payload: MicrotaskPayload

    public init(assignmentId: Int64, kind: TaskKind, title: TaskTemplate.Text?, labels: [TaskTemplate.Label],
                payload: MicrotaskPayload) {
        self.assignmentId = assignmentId
        self.kind = kind
        self.title = title
        self.labels = labels
        self.payload = payload
    }
}

/// What asking for work gave.
public enum DialogueNext: Sendable, Equatable {
    case task(DialogueTask)
    /// A shift runs but there is nothing to do right now.
    case noWork
    case pause(DialogueShift)
    case noShift(ended: Bool)
}

/// What an answer gave: for a practice (gold) question, whether it was right and why.
public struct DialogueFeedback: Sendable, Equatable {
    public var correct: Bool?
    public var message: TaskTemplate.Text?

    public init(correct: Bool? = nil, message: TaskTemplate.Text? = nil) {
        self.correct = correct
        self.message = message
    }
}

/// A sound that goes with a reply: a part of the programme, or a text to be spoken.
public enum DialogueClip: Sendable, Equatable {
    /// A media link on the server (the programme part of a subtitle check, or a sound to tag).
    case media(url: String)
    /// A text the server speaks (espeak-ng) in the given language, e.g. a subtitle's words.
    case speech(text: String, language: String)
}

/// A short sound that confirms something without words.
public enum DialogueSignal: String, Sendable, Equatable {
    case saved, pause
}

/// One reply of the dialogue: short lines to read or speak, and sounds that go with them.
public struct DialogueReply: Sendable, Equatable {
    public var lines: [String]
    public var clips: [DialogueClip]
    public var signal: DialogueSignal?
    /// The operator asked to hear the clips now ("speel", "play"); otherwise they are there to fetch.
    public var playNow: Bool

    public init(lines: [String], clips: [DialogueClip] = [], signal: DialogueSignal? = nil, playNow: Bool = false) {
        self.lines = lines
        self.clips = clips
        self.signal = signal
        self.playNow = playNow
    }
}
