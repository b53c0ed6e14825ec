// Answers in the text dialogue: each step's words made into an answer and sent, then the time warnings.
import Foundation

extension TextDialogue {
    mutating func answerStep(_ command: DialogueCommand?, lab: some DialogueLab) async throws -> DialogueReply {
        guard let task else { return try await nextTask(lab: lab) }
        let count = task.labels.count
        guard count > 0 || task.kind == .imageBoxVerify || task.payload.options?.isEmpty == false else {
            // A task without options cannot be answered by number: hand it back for someone to look at.
            try await lab.skip(task)
            clearTask()
            return try await nextTask(lab: lab)
        }
        switch step {
        case .cue(let position):
            switch command {
            case .yes:
                guard let correct = task.labels.first(where: { $0.id == "correct" }) ?? task.labels.first else { break }
                return try await verdict(correct.id, position: position, lab: lab)
            case .no:
                step = .cueProblem(position: position)
                let lines = [problemQuestion()]
                lastPrompt = lines
                return DialogueReply(lines: lines)
            case .numbers(let numbers) where numbers.count == 1 && numbers[0] >= 1 && numbers[0] <= count:
                return try await verdict(task.labels[numbers[0] - 1].id, position: position, lab: lab)
            default:
                break
            }
            return hint(say("Say yes or no, or a number from 1 to \(count).", "Zeg ja of nee, of een nummer van 1 tot en met \(count)."))
        case .cueProblem(let position):
            if case .numbers(let numbers) = command, numbers.count == 1, numbers[0] >= 1, numbers[0] <= count {
                return try await verdict(task.labels[numbers[0] - 1].id, position: position, lab: lab)
            }
            return hint(say("Say the number of the problem, from 1 to \(count).", "Zeg het nummer van de fout, van 1 tot en met \(count)."))
        case .correction:
            return hint(say("Say the right text, or say none.", "Zeg de goede tekst, of zeg geen."))
        case .tags:
            switch command {
            case .nothing, .numbers([0]):
                return try await submit(AnswerBody(tags: []), lab: lab, chosen: say("none of them", "geen van deze"))
            case .numbers(let numbers) where !numbers.isEmpty && numbers.allSatisfy({ $0 >= 1 && $0 <= count }):
                let picked = Array(Set(numbers)).sorted().map { task.labels[$0 - 1] }
                let names = picked.map(labelName).joined(separator: say(" and ", " en "))
                return try await submit(AnswerBody(tags: picked.map(\.id)), lab: lab, chosen: names)
            default:
                return hint(say("Say the numbers of every sound you hear, for example 1 and 3. Say none if you hear none of them.",
                                "Zeg de nummers van alle geluiden die je hoort, bijvoorbeeld 1 en 3. Zeg geen als je er geen hoort."))
            }
        case .choice:
            let options = task.kind == .imageBoxVerify ? AnswerBody.verifyOptions : (task.payload.options ?? task.labels.map(\.id))
            var picked: String?
            switch command {
            case .numbers(let numbers) where numbers.count == 1 && numbers[0] >= 1 && numbers[0] <= options.count:
                picked = options[numbers[0] - 1]
            case .yes where options.contains("yes"): picked = "yes"
            case .no where options.contains("no"): picked = "no"
            default: break
            }
            guard let picked else {
                return hint(say("Say a number from 1 to \(options.count).", "Zeg een nummer van 1 tot en met \(options.count)."))
            }
            return try await submit(AnswerBody(choice: picked), lab: lab, chosen: optionName(picked))
        case .idle:
            return try await nextTask(lab: lab)
        }
    }

    /// A kind hint after input that did not fit, with the question again.
    func hint(_ line: String) -> DialogueReply {
        DialogueReply(lines: [say("Sorry, I did not understand that.", "Sorry, dat begreep ik niet."), line])
    }

    mutating func verdict(_ id: String, position: Int, lab: some DialogueLab) async throws -> DialogueReply {
        guard let cues = task?.payload.cues, position < cues.count else { return try await nextTask(lab: lab) }
        verdicts.removeAll { $0.index == cues[position].index }
        verdicts.append(.init(index: cues[position].index, verdict: id))
        if id == "text-error" {
            step = .correction(position: position)
            let lines = [correctionQuestion()]
            lastPrompt = lines
            return DialogueReply(lines: lines)
        }
        return try await nextCue(after: position, lab: lab)
    }

    mutating func corrected(position: Int, text: String?, lab: some DialogueLab) async throws -> DialogueReply {
        let trimmed = text?.trimmingCharacters(in: .whitespacesAndNewlines)
        if let trimmed, !trimmed.isEmpty, let last = verdicts.indices.last {
            verdicts[last].correction = String(trimmed.prefix(500))
        }
        return try await nextCue(after: position, lab: lab)
    }

    mutating func nextCue(after position: Int, lab: some DialogueLab) async throws -> DialogueReply {
        guard let cues = task?.payload.cues else { return try await nextTask(lab: lab) }
        if position + 1 < cues.count {
            step = .cue(position: position + 1)
            let lines = cuePrompt(position + 1)
            lastPrompt = prompt()
            lastClips = clips()
            return DialogueReply(lines: lines, clips: [.speech(text: cues[position + 1].text, language: spokenLanguage(cues[position + 1].text))])
        }
        let ordered = verdicts.sorted { $0.index < $1.index }
        return try await submit(AnswerBody(cues: ordered), lab: lab, chosen: nil)
    }

    mutating func submit(_ answer: AnswerBody, lab: some DialogueLab, chosen: String?) async throws -> DialogueReply {
        guard let held = task else { return try await nextTask(lab: lab) }
        let feedback: DialogueFeedback
        do {
            feedback = try await lab.answer(held, answer)
        } catch let error as LabError where [.leaseExpired, .assignmentClosed, .alreadyAnswered, .blockOver].contains(error.code) {
            clearTask()
            var reply = try await nextTask(lab: lab)
            reply.lines = problem(error) + reply.lines
            return reply
        }
        clearTask()
        var lines: [String] = []
        if let chosen { lines.append(say("You chose \(chosen).", "Je koos \(chosen).")) }
        lines.append(say("Saved.", "Opgeslagen."))
        if let message = feedback.message { lines.append(spoken(language == "nl" ? message.nl : message.en)) }
        let warning = try await timeWarning(lab: lab)
        var reply = try await nextTask(lab: lab)
        // The question is about the task just saved, so it comes with the words about that task.
        reply.lines = lines + [askRating(about: held.assignmentId)] + warning + reply.lines
        reply.signal = reply.signal ?? .saved
        return reply
    }

    /// "Five minutes left" and "one minute left", once each per block.
    mutating func timeWarning(lab: some DialogueLab) async throws -> [String] {
        let shift = try await lab.status()
        guard shift.phase == .work, let left = shift.blockSecondsLeft else { return [] }
        for minutes in [1, 5] where left <= Double(minutes * 60) && !warned.contains(minutes) {
            warned.formUnion(minutes == 1 ? [1, 5] : [5])
            return [minutes == 1
                ? say("One minute left in this work block.", "Nog één minuut in dit werkblok.")
                : say("Five minutes left in this work block.", "Nog vijf minuten in dit werkblok.")]
        }
        return []
    }
}
