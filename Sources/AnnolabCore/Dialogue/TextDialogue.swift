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
        // In the correction step any text that is not a command is the correction itself.
        if case .correction(let position) = step {
            switch command {
            case .help, .again, .pause, .resume, .stop, .skip, .play, .time, .language:
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
        case .skip:
            guard let held = task else { return try await nextTask(lab: lab) }
            try await lab.skip(held)
            clearTask()
            var reply = try await nextTask(lab: lab)
            reply.lines.insert(say("Skipped. That is fine.", "Overgeslagen. Dat is goed."), at: 0)
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

    mutating func clearTask() {
        task = nil
        step = .idle
        verdicts = []
    }

    // MARK: Answers

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
        lines += try await timeWarning(lab: lab)
        var reply = try await nextTask(lab: lab)
        reply.lines = lines + reply.lines
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

    // MARK: Words

    func labelName(_ label: TaskTemplate.Label) -> String { spoken(language == "nl" ? label.name.nl : label.name.en) }

    func optionName(_ id: String) -> String {
        if let label = task?.labels.first(where: { $0.id == id }) { return labelName(label) }
        switch id {
        case "yes": return say("yes", "ja")
        case "no": return say("no", "nee")
        default: return spoken(id.replacingOccurrences(of: "-", with: " "))
        }
    }

    /// The language a subtitle's words are in, for the speech voice: Dutch or English, by their
    /// most common small words; the operator's language when it cannot tell.
    func spokenLanguage(_ text: String) -> String {
        let words = DialogueCommand.normalize(text).split(separator: " ").map(String.init)
        let dutch: Set<String> = ["de", "het", "een", "en", "is", "van", "in", "dat", "niet", "je", "ik", "we", "op", "met", "voor", "er", "zijn", "wordt"]
        let english: Set<String> = ["the", "a", "and", "is", "of", "in", "that", "not", "you", "i", "we", "on", "with", "for", "there", "are", "to"]
        let nl = words.filter(dutch.contains).count, en = words.filter(english.contains).count
        return nl == en ? language : (nl > en ? "nl" : "en")
    }

    /// The whole task as lines: what it is, how to hear it, the question and its numbered options.
    func prompt() -> [String] {
        guard let task else { return [] }
        var lines: [String] = []
        if let title = task.title { lines.append(say("Task: \(spoken(title.en)).", "Taak: \(spoken(title.nl)).")) }
        switch task.kind {
        case .subtitleCheck:
            let cues = task.payload.cues ?? []
            lines.append(say("Check \(cues.count) subtitles. Say play to hear the programme part.",
                             "Controleer \(cues.count) ondertitels. Zeg speel om het stukje van het programma te horen."))
            switch step {
            case .cue(let position):
                lines += cuePrompt(position)
            case .cueProblem(let position):
                lines += [cuePrompt(position).first ?? ""] + [problemQuestion()]
            case .correction(let position):
                lines += [cuePrompt(position).first ?? ""] + [correctionQuestion()]
            default:
                break
            }
        case .audioTags:
            lines.append(say("Say play to hear the sound.", "Zeg speel om het geluid te horen."))
            lines.append(say("Which sounds do you hear? Say every number that fits.", "Welke geluiden hoor je? Zeg elk nummer dat past."))
            lines.append(numbered(task.labels.map(labelName)) + ".")
            lines.append(say("Say none if you hear none of them.", "Zeg geen als je er geen hoort."))
        default:
            let options = task.kind == .imageBoxVerify ? AnswerBody.verifyOptions : (task.payload.options ?? task.labels.map(\.id))
            if task.payload.audio != nil { lines.append(say("Say play to hear the sound.", "Zeg speel om het geluid te horen.")) }
            lines.append(say("Choose one.", "Kies er een.") + " " + numbered(options.map(optionName)) + ".")
        }
        return lines
    }

    func cuePrompt(_ position: Int) -> [String] {
        guard let task, let cues = task.payload.cues, position < cues.count else { return [] }
        let options = numbered(task.labels.map(labelName))
        return [
            say("Subtitle \(position + 1) of \(cues.count): \(spoken(cues[position].text))",
                "Ondertitel \(position + 1) van \(cues.count): \(spoken(cues[position].text))"),
            say("Is this subtitle right? Say yes or no. Or choose \(options).",
                "Klopt deze ondertitel? Zeg ja of nee. Of kies \(options)."),
        ]
    }

    /// After "no": which of the verdicts other than "correct" it is.
    func problemQuestion() -> String {
        let problems = (task?.labels ?? []).enumerated().filter { $0.element.id != "correct" }
        let options = problems.map { "\($0.offset + 1) \(labelName($0.element))" }.joined(separator: ", ")
        return say("What is wrong? Choose \(options).", "Wat is er fout? Kies \(options).")
    }

    func correctionQuestion() -> String {
        say("What should the text be? Say or type it. Or say none.", "Wat moet de tekst zijn? Zeg of typ het. Of zeg geen.")
    }

    func numbered(_ names: [String]) -> String {
        names.enumerated().map { "\($0.offset + 1) \($0.element)" }.joined(separator: ", ")
    }

    /// The sounds that go with the current task: its clip, and the current subtitle spoken.
    func clips(forPlay: Bool = false) -> [DialogueClip] {
        guard let task else { return [] }
        var result: [DialogueClip] = []
        if let audio = task.payload.audio { result.append(.media(url: audio.url)) }
        if forPlay, let cues = task.payload.cues {
            switch step {
            case .cue(let position), .cueProblem(let position), .correction(let position):
                if position < cues.count { result.append(.speech(text: cues[position].text, language: spokenLanguage(cues[position].text))) }
            default: break
            }
        }
        return result
    }

    func status(_ shift: DialogueShift) -> [String] {
        func minutes(_ seconds: Double?) -> Int { Int(((seconds ?? 0) / 60).rounded(.up)) }
        switch shift.phase {
        case .off:
            return [say("Your shift has not started. Say start to begin.", "Je dienst is nog niet begonnen. Zeg start om te beginnen.")]
        case .ended:
            return [say("Your shift has ended. Well done.", "Je dienst is klaar. Goed gedaan.")]
        case .work:
            let left = minutes(shift.blockSecondsLeft)
            return [left == 1
                ? say("One minute left in this work block.", "Nog één minuut in dit werkblok.")
                : say("About \(left) minutes left in this work block.", "Nog ongeveer \(left) minuten in dit werkblok.")]
        case .pause:
            let left = minutes(shift.resumesInSeconds)
            return [say("It is pause time. Well done.", "Het is pauze. Goed gedaan."),
                    left == 1
                        ? say("Work starts again in one minute.", "Over één minuut begint het werk weer.")
                        : say("Work starts again in \(left) minutes.", "Over \(left) minuten begint het werk weer."),
                    say("Stand up, stretch, and drink some water.", "Sta even op, rek je uit en drink wat water.")]
        case .extraPause:
            return [say("You are on a pause. Say resume when you are ready.", "Je hebt pauze. Zeg verder als je klaar bent.")]
        }
    }

    func help() -> [String] {
        var lines: [String] = []
        switch step {
        case .cue, .cueProblem:
            lines.append(say("Say yes if the subtitle is right, no if it is not, or the number of a verdict.",
                             "Zeg ja als de ondertitel klopt, nee als hij niet klopt, of het nummer van een oordeel."))
        case .correction:
            lines.append(say("Say or type the right text, or say none.", "Zeg of typ de goede tekst, of zeg geen."))
        case .tags:
            lines.append(say("Say the numbers of the sounds you hear, for example 1 and 3.",
                             "Zeg de nummers van de geluiden die je hoort, bijvoorbeeld 1 en 3."))
        case .choice:
            lines.append(say("Say the number of your answer.", "Zeg het nummer van je antwoord."))
        case .idle: break
        }
        lines.append(say("You can say: play, repeat, skip, pause, resume, time, start and stop.",
                         "Je kunt zeggen: speel, herhaal, overslaan, pauze, verder, tijd, start en stop."))
        lines.append(say("Say Nederlands for Dutch.", "Zeg English voor Engels."))
        return lines
    }

    /// Plain words for what the lab refused.
    func problem(_ error: LabError) -> [String] {
        switch error.code {
        case .leaseExpired, .assignmentClosed, .alreadyAnswered:
            return [say("This task was no longer yours, so the answer was not needed. Nothing is lost.",
                        "Deze taak was niet meer van jou, dus het antwoord was niet nodig. Er is niets verloren.")]
        case .blockOver, .pause:
            return [say("The work block has ended, so this answer could not be saved. It is pause time.",
                        "Het werkblok is voorbij, dus dit antwoord kon niet worden opgeslagen. Het is pauze.")]
        case .noShift:
            return [say("No shift is running. Say start to begin.", "Er loopt geen dienst. Zeg start om te beginnen.")]
        case .dailyCapReached:
            return [say("You have worked all your minutes for today. Well done. Work starts again tomorrow.",
                        "Je hebt al je minuten voor vandaag gewerkt. Goed gedaan. Morgen kun je weer werken.")]
        default:
            return [language == "en" ? spoken(error.message) : "Dat lukte niet. Probeer het nog eens, of vraag het je coach."]
        }
    }
}
