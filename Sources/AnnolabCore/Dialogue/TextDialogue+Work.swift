// Asking the lab for work in the text dialogue: the greeting, the held task again, or the next one.

extension TextDialogue {
    /// The first words, or the answer to an empty line: who, where, what to say.
    mutating func greet(lab: some DialogueLab) async throws -> DialogueReply {
        if task != nil {
            lastPrompt = prompt()
            return DialogueReply(lines: lastPrompt, clips: lastClips)
        }
        let shift = try await lab.status()
        var lines = [say("Hello \(spoken(name)).", "Hallo \(spoken(name)).")]
        switch shift.phase {
        case .off, .ended:
            lines.append(say("Your shift has not started. Say start to begin.", "Je dienst is nog niet begonnen. Zeg start om te beginnen."))
        case .work:
            return try await continueWork(lab: lab, before: lines)
        case .pause, .extraPause:
            lines += status(shift)
        }
        lines.append(say("Say help at any time to hear what you can say.", "Zeg op elk moment help om te horen wat je kunt zeggen."))
        return DialogueReply(lines: lines)
    }

    /// Goes on with the held task, or asks for the next one.
    mutating func continueWork(lab: some DialogueLab, before: [String] = []) async throws -> DialogueReply {
        if task != nil {
            let lines = before + [say("Here is your task again.", "Hier is je taak weer.")] + prompt()
            lastPrompt = prompt()
            return DialogueReply(lines: lines, clips: clips())
        }
        var reply = try await nextTask(lab: lab)
        reply.lines = before + reply.lines
        return reply
    }

    /// Asks the lab for work and reads the task, the pause, or why there is none.
    mutating func nextTask(lab: some DialogueLab) async throws -> DialogueReply {
        switch try await lab.next() {
        case .task(let next):
            task = next
            verdicts = []
            step = switch next.kind {
            case .subtitleCheck: .cue(position: 0)
            case .audioTags: .tags
            default: .choice
            }
            let lines = prompt()
            lastPrompt = lines
            lastClips = clips()
            return DialogueReply(lines: lines, clips: lastClips)
        case .noWork:
            let lines = [say("There is no work right now. Say next to ask again in a moment.",
                             "Er is nu geen werk. Zeg volgende om het zo nog eens te vragen.")]
            lastPrompt = lines
            return DialogueReply(lines: lines)
        case .pause(let shift):
            warned = []
            return DialogueReply(lines: status(shift), signal: .pause)
        case .noShift(let ended):
            return DialogueReply(lines: [ended
                ? say("Your shift has ended. Well done. Say start for a new shift.", "Je dienst is klaar. Goed gedaan. Zeg start voor een nieuwe dienst.")
                : say("Your shift has not started. Say start to begin.", "Je dienst is nog niet begonnen. Zeg start om te beginnen.")])
        }
    }
}
