// How the text dialogue reads a task out: its question, numbered options and the sounds that go with it.
import Foundation

extension TextDialogue {
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
            // A cue that breaks a hard rule (an overlap, an empty cue) is pointed out first.
            let hard = cues.enumerated().filter { $0.element.findings?.contains { $0.severity == .hard } == true }.map { $0.offset + 1 }
            if !hard.isEmpty, step == .cue(position: 0) {
                let list = hard.map(String.init).joined(separator: ", ")
                lines.append(say("A machine check found a clear mistake in subtitle \(list). Listen to that one carefully.",
                                 "Een machinecontrole vond een duidelijke fout in ondertitel \(list). Luister daar goed naar."))
            }
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
        // The subtitle rules' findings are hints, said after the cue and before the question.
        let hints = (cues[position].findings ?? []).map { say("Hint: \($0.explanation.en)", "Tip: \($0.explanation.nl)") }
        return [
            say("Subtitle \(position + 1) of \(cues.count): \(spoken(cues[position].text))",
                "Ondertitel \(position + 1) van \(cues.count): \(spoken(cues[position].text))"),
        ] + hints + [
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
}
