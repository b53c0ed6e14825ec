// The voice-friendly text dialogue: the lab as short lines of text, answered by digits and words.
import Foundation

/// The text mode's state machine, shared by `POST /api/v1/text`, the `/text` page and
/// `annolab text`.
///
/// Every reply is a few short lines: the task, its numbered options, what was saved, feedback,
/// the pause. Answers are digits or words in Dutch or English ("1", "ja", "nee", "herhaal",
/// "pauze", "verder", "help", "stop"). Nothing refers to colour or to a place on a screen.
///
/// ```swift
/// var dialogue = TextDialogue(name: "Anouk", language: "nl")
/// let reply = await dialogue.handle("start", lab: lab)   // starts the shift and reads the first task
/// print(reply.lines.joined(separator: "\n"))
/// ```
public struct TextDialogue: Sendable {
    /// Where the dialogue is inside a task.
    enum Step: Sendable, Equatable {
        case idle
        /// Subtitle check: waiting for the verdict on cue `position` (0-based in the task).
        case cue(position: Int)
        /// Subtitle check: the operator said "no"; which problem is it?
        case cueProblem(position: Int)
        /// Subtitle check: waiting for the right text of cue `position` (optional).
        case correction(position: Int)
        /// Sound tags: waiting for the numbers of every sound heard.
        case tags
        /// One option: waiting for its number.
        case choice
    }

    public private(set) var language: String
    let name: String
    var task: DialogueTask?
    var step: Step = .idle
    var verdicts: [AnswerBody.CueAnswer] = []
    var lastPrompt: [String] = []
    var lastClips: [DialogueClip] = []
    /// Minutes-left warnings already given in this block (5 and 1).
    var warned: Set<Int> = []
    /// In an extra pause no answer is taken until the operator says resume.
    var onExtraPause = false
    /// "Were the instructions clear?" about the task done last, open for the next input only.
    var rating: RatingQuestion?

    public init(name: String, language: String) {
        self.name = name
        self.language = language == "en" ? "en" : "nl"
    }

    /// Speaks Dutch ("nl") or English ("en") from now on, as the page around the dialogue does.
    public mutating func use(language chosen: String) {
        if chosen == "nl" || chosen == "en" { language = chosen }
    }

    /// Text from outside the dialogue made fit to read aloud: no markup, no symbols.
    func spoken(_ text: String) -> String { Speakable.clean(text, language: language) }

    /// Picks the words of the operator's language.
    func say(_ en: String, _ nl: String) -> String { language == "nl" ? nl : en }

    /// Forgets the held task and where the dialogue was in it.
    mutating func clearTask() {
        task = nil
        step = .idle
        verdicts = []
    }

    /// The answer to one line of input.
    public mutating func handle(_ input: String, lab: some DialogueLab) async -> DialogueReply {
        do {
            var reply = try await respond(to: input, lab: lab)
            let messages = (try? await lab.unreadMessages()) ?? []
            reply.lines = messages.map { say("Message from your coach: \(spoken($0))", "Bericht van je coach: \(spoken($0))") } + reply.lines
            // Words from outside (subtitles, labels, messages) are cleaned where they are put in;
            // here long lines are only cut at sentence or word ends.
            reply.lines = reply.lines.flatMap(Speakable.lines)
            return reply
        } catch let error as LabError {
            return DialogueReply(lines: problem(error).flatMap(Speakable.lines))
        } catch {
            return DialogueReply(lines: [say("Something went wrong. Please try again, or ask your coach.",
                                             "Er ging iets mis. Probeer het nog eens, of vraag het je coach.")])
        }
    }

    // MARK: Commands

    mutating func respond(to input: String, lab: some DialogueLab) async throws -> DialogueReply {
        let command = DialogueCommand.parse(input)
        if input.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            return try await greet(lab: lab)
        }
        if let thanks = await answerRating(command, lab: lab) { return thanks }
        // In the correction step any text that is not a command is the correction itself.
        if case .correction(let position) = step {
            switch command {
            case .help, .again, .pause, .resume, .stop, .skip, .play, .time, .language, .learn:
                break
            case .nothing, .no:
                return try await corrected(position: position, text: nil, lab: lab)
            default:
                return try await corrected(position: position, text: input, lab: lab)
            }
        }
        switch command {
        case .help: return DialogueReply(lines: help())
        case .again:
            return DialogueReply(lines: lastPrompt.isEmpty ? help() : lastPrompt, clips: lastClips)
        case .language(let chosen):
            language = chosen
            let lines = [say("From now on I speak English.", "Vanaf nu spreek ik Nederlands.")]
            if task != nil { return DialogueReply(lines: lines + prompt(), clips: clips()) }
            return DialogueReply(lines: lines)
        case .start:
            let shift = try await lab.startShift()
            if shift.phase == .work, task != nil { return try await continueWork(lab: lab) }
            if shift.phase == .work {
                warned = []
                var reply = try await nextTask(lab: lab)
                reply.lines.insert(say("Your shift has started. Good luck.", "Je dienst is begonnen. Succes."), at: 0)
                return reply
            }
            return DialogueReply(lines: status(shift))
        case .pause:
            _ = try await lab.pause()
            onExtraPause = true
            return DialogueReply(lines: [say("You are on a pause now. Take your time.", "Je hebt nu pauze. Neem je tijd."),
                                         say("Say resume when you are ready.", "Zeg verder als je klaar bent.")],
                                 signal: .pause)
        case .resume:
            let shift = try await lab.resume()
            onExtraPause = shift.phase == .extraPause
            if shift.phase == .work { return try await continueWork(lab: lab) }
            return DialogueReply(lines: status(shift))
        case .stop:
            if let held = task { try? await lab.release(held) }
            clearTask()
            onExtraPause = false
            let shift = try await lab.endShift()
            return DialogueReply(lines: [
                say("Your shift has ended. Thank you for your work today.", "Je dienst is klaar. Dank je wel voor je werk vandaag."),
                say("You worked \(shift.workMinutesToday) minutes today.", "Je hebt vandaag \(shift.workMinutesToday) minuten gewerkt."),
            ])
        case .time:
            return DialogueReply(lines: status(try await lab.status()))
        case .learn:
            return DialogueReply(lines: ladderLines(try await lab.ladder(language: language)))
        case .skip:
            guard let held = task else { return try await nextTask(lab: lab) }
            try await lab.skip(held)
            clearTask()
            var reply = try await nextTask(lab: lab)
            reply.lines.insert(contentsOf: [say("Skipped. That is fine.", "Overgeslagen. Dat is goed."),
                                            askRating(about: held.assignmentId)], at: 0)
            return reply
        case .play:
            guard task != nil else { return DialogueReply(lines: [say("There is no task to play.", "Er is geen taak om af te spelen.")]) }
            return DialogueReply(lines: [say("Listen.", "Luister.")], clips: clips(forPlay: true), playNow: true)
        case .next where task == nil:
            return try await nextTask(lab: lab)
        default:
            break
        }
        if onExtraPause {
            return DialogueReply(lines: [say("You are on a pause. Say resume when you are ready.", "Je hebt pauze. Zeg verder als je klaar bent.")])
        }
        guard task != nil else { return try await continueWork(lab: lab) }
        return try await answerStep(command, lab: lab)
    }
}
