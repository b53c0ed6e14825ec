// The text dialogue against a lab kept in memory: commands, answers, pauses, and lines fit to be read aloud.
import AnnolabCore
import Foundation
import Synchronization
import Testing

/// A lab in memory with a queue of tasks; it records what the dialogue did.
final class FakeDialogueLab: DialogueLab {
    struct State {
        var phase: DialogueShift.Phase = .off
        var tasks: [DialogueTask] = []
        var answers: [(Int64, AnswerBody)] = []
        var skipped: [Int64] = []
        var released: [Int64] = []
        var blockSecondsLeft: Double = 45 * 60
        var feedback = DialogueFeedback()
        var messages: [String] = []
    }
    let state = Mutex(State())

    func shift(_ s: State) -> DialogueShift {
        DialogueShift(phase: s.phase, blockSecondsLeft: s.phase == .work ? s.blockSecondsLeft : nil,
                      resumesInSeconds: s.phase == .pause ? 600 : nil, workMinutesToday: 12)
    }
    func status() async throws -> DialogueShift { state.withLock { shift($0) } }
    func startShift() async throws -> DialogueShift { state.withLock { $0.phase = .work; return shift($0) } }
    func pause() async throws -> DialogueShift { state.withLock { $0.phase = .extraPause; return shift($0) } }
    func resume() async throws -> DialogueShift { state.withLock { $0.phase = .work; return shift($0) } }
    func endShift() async throws -> DialogueShift { state.withLock { $0.phase = .ended; return shift($0) } }
    func next() async throws -> DialogueNext {
        state.withLock { s in
            switch s.phase {
            case .off: return .noShift(ended: false)
            case .ended: return .noShift(ended: true)
            case .pause, .extraPause: return .pause(shift(s))
            case .work: return s.tasks.isEmpty ? .noWork : .task(s.tasks.removeFirst())
            }
        }
    }
    func answer(_ task: DialogueTask, _ answer: AnswerBody) async throws -> DialogueFeedback {
        try state.withLock { s in
            guard s.phase == .work else { throw LabError(.locked, "block_over", "The block is over.") }
            s.answers.append((task.assignmentId, answer))
            return s.feedback
        }
    }
    func skip(_ task: DialogueTask) async throws { state.withLock { $0.skipped.append(task.assignmentId) } }
    func release(_ task: DialogueTask) async throws { state.withLock { $0.released.append(task.assignmentId) } }
    func unreadMessages() async throws -> [String] { state.withLock { s in defer { s.messages = [] }; return s.messages } }

    var answers: [(Int64, AnswerBody)] { state.withLock { $0.answers } }
}

func label(_ id: String, _ en: String, _ nl: String) -> TaskTemplate.Label { .init(id: id, name: .init(nl: nl, en: en)) }

let verdictLabels = [label("correct", "correct", "goed"), label("text-error", "text error", "fout in de tekst"),
                     label("timing-error", "timing error", "fout in de tijd"), label("missing-speech", "speech missing", "spraak mist")]
let soundLabels = [label("music", "music", "muziek"), label("speech", "speech", "spraak"), label("applause", "applause", "applaus")]

func subtitleTask(_ id: Int64, cues: [String]) -> DialogueTask {
    DialogueTask(assignmentId: id, kind: .subtitleCheck, title: .init(nl: "Ondertitels controleren", en: "Check subtitles"),
                 labels: verdictLabels,
                 payload: MicrotaskPayload(cues: cues.enumerated().map { .init(index: $0.offset + 7, start: Double($0.offset), end: Double($0.offset) + 1, text: $0.element) },
                                           audio: .init(url: "/media/1/a/clip.wav", start: 0, end: 10)))
}

func tagTask(_ id: Int64) -> DialogueTask {
    DialogueTask(assignmentId: id, kind: .audioTags, title: .init(nl: "Geluiden herkennen", en: "Recognise sounds"),
                 labels: soundLabels, payload: MicrotaskPayload(audio: .init(url: "/media/2/b/sound.wav", start: 0, end: 5)))
}

/// Says each line in turn and keeps every reply line, as a transcript.
struct Conversation {
    var dialogue: TextDialogue
    let lab: FakeDialogueLab
    var transcript: [String] = []

    mutating func say(_ input: String) async -> DialogueReply {
        let reply = await dialogue.handle(input, lab: lab)
        transcript += reply.lines
        return reply
    }
}

@Suite("Text dialogue")
struct TextDialogueTests {
    @Test("commands are understood in Dutch and English, numbers as digits or words")
    func commands() {
        #expect(DialogueCommand.parse("Ja!") == .yes)
        #expect(DialogueCommand.parse("  NEE ") == .no)
        #expect(DialogueCommand.parse("herhaal") == .again)
        #expect(DialogueCommand.parse("Repeat.") == .again)
        #expect(DialogueCommand.parse("pauze") == .pause)
        #expect(DialogueCommand.parse("verder") == .resume)
        #expect(DialogueCommand.parse("help") == .help)
        #expect(DialogueCommand.parse("stop") == .stop)
        #expect(DialogueCommand.parse("speel") == .play)
        #expect(DialogueCommand.parse("1 en 3") == .numbers([1, 3]))
        #expect(DialogueCommand.parse("one, three") == .numbers([1, 3]))
        #expect(DialogueCommand.parse("twee") == .numbers([2]))
        #expect(DialogueCommand.parse("Het goede woord") == nil)
    }

    @Test("a subtitle check by yes, no and numbers, with a correction, is stored as one answer per cue")
    func subtitleCheck() async throws {
        let lab = FakeDialogueLab()
        lab.state.withLock { $0.tasks = [subtitleTask(11, cues: ["Goedenavond.", "Het is drukk op de weg.", "Tot morgen."])] }
        var talk = Conversation(dialogue: TextDialogue(name: "Anouk", language: "nl"), lab: lab)
        let hello = await talk.say("")
        #expect(hello.lines.contains { $0.contains("start") })
        let first = await talk.say("start")
        #expect(first.lines.contains("Ondertitel 1 van 3: Goedenavond."))
        #expect(first.clips == [.media(url: "/media/1/a/clip.wav")])
        _ = await talk.say("ja")
        let problem = await talk.say("nee")
        #expect(problem.lines.first?.contains("Wat is er fout") == true)
        let correction = await talk.say("2")
        #expect(correction.lines.first?.contains("goede tekst") == true || correction.lines.first?.contains("tekst zijn") == true)
        _ = await talk.say("Het is druk op de weg.")
        let done = await talk.say("3")
        #expect(done.lines.contains("Opgeslagen."))
        #expect(done.signal == .saved)
        let answers = lab.answers
        #expect(answers.count == 1)
        #expect(answers.first?.0 == 11)
        #expect(answers.first?.1 == AnswerBody(cues: [
            .init(index: 7, verdict: "correct"),
            .init(index: 8, verdict: "text-error", correction: "Het is druk op de weg."),
            .init(index: 9, verdict: "timing-error"),
        ]))
    }

    @Test("sound tags by several numbers, or none; input that does not fit gets a kind hint and stores nothing")
    func tags() async throws {
        let lab = FakeDialogueLab()
        lab.state.withLock { $0.tasks = [tagTask(21), tagTask(22)] }
        var talk = Conversation(dialogue: TextDialogue(name: "Bram", language: "en"), lab: lab)
        let first = await talk.say("start")
        #expect(first.lines.contains("1 music, 2 speech, 3 applause."))
        let confused = await talk.say("banana")
        #expect(confused.lines.first == "Sorry, I did not understand that.")
        let outOfRange = await talk.say("7")
        #expect(outOfRange.lines.first == "Sorry, I did not understand that.")
        #expect(lab.answers.isEmpty)
        let saved = await talk.say("3 and 1")
        #expect(saved.lines.first == "You chose music and applause.")
        _ = await talk.say("none")
        #expect(lab.answers.map(\.1) == [AnswerBody(tags: ["music", "applause"]), AnswerBody(tags: [])])
        let empty = await talk.say("1")
        #expect(empty.lines.contains { $0.contains("no work right now") })
    }

    @Test("help, repeat, play and a language switch")
    func helpAndRepeat() async throws {
        let lab = FakeDialogueLab()
        lab.state.withLock { $0.tasks = [subtitleTask(31, cues: ["Eén.", "Twee."])] }
        var talk = Conversation(dialogue: TextDialogue(name: "Chaima", language: "nl"), lab: lab)
        let task = await talk.say("start")
        let help = await talk.say("help")
        #expect(help.lines.contains { $0.contains("herhaal") })
        let again = await talk.say("herhaal")
        #expect(again.lines == Array(task.lines.dropFirst()), "repeat gives the task again, without the greeting")
        let play = await talk.say("speel")
        #expect(play.clips.first == .media(url: "/media/1/a/clip.wav"))
        #expect(play.clips.count == 2, "the programme part and the subtitle spoken")
        #expect(play.playNow && !task.playNow)
        let english = await talk.say("english")
        #expect(english.lines.first == "From now on I speak English.")
        #expect(english.lines.contains("Subtitle 1 of 2: Eén."))
        #expect(lab.answers.isEmpty)
    }

    @Test("in a pause no answer is taken and no task given; after resume the same task comes back")
    func pause() async throws {
        let lab = FakeDialogueLab()
        lab.state.withLock { $0.tasks = [tagTask(41), tagTask(42)] }
        var talk = Conversation(dialogue: TextDialogue(name: "Daan", language: "en"), lab: lab)
        _ = await talk.say("start")
        let paused = await talk.say("pause")
        #expect(paused.signal == .pause)
        #expect(lab.state.withLock { $0.phase } == .extraPause)
        let during = await talk.say("1")
        #expect(during.lines == ["You are on a pause. Say resume when you are ready."])
        #expect(lab.answers.isEmpty)
        let back = await talk.say("resume")
        #expect(back.lines.contains("1 music, 2 speech, 3 applause."))
        _ = await talk.say("2")
        #expect(lab.answers.map(\.0) == [41], "the task held before the pause is the one answered")
        let stop = await talk.say("stop")
        #expect(stop.lines.first == "Your shift has ended. Thank you for your work today.")
        #expect(lab.state.withLock { $0.released } == [42], "the task held at the end goes back to the queue")
    }

    @Test("every line of a whole session can be read aloud: no symbols, no markup, none over 200 characters")
    func speakableTranscript() async throws {
        let lab = FakeDialogueLab()
        let long = String(repeating: "Dit is een heel lange ondertitel over het nieuws van vandaag. ", count: 8)
        lab.state.withLock {
            $0.tasks = [subtitleTask(51, cues: ["<i>Goedenavond</i> & welkom {\\an8}", "♪ muziek ♪ #journaal @nos", long]), tagTask(52)]
            $0.feedback = DialogueFeedback(correct: false, message: .init(nl: "Deze was anders. Luister nog eens.", en: "This one was different."))
        }
        var talk = Conversation(dialogue: TextDialogue(name: "Esra", language: "nl"), lab: lab)
        for input in ["", "start", "help", "herhaal", "ja", "nee", "2", "{\"json\": true}", "2", "geen", "1", "tijd", "pauze", "1", "verder",
                      "1 2", "overslaan", "stop"] {
            _ = await talk.say(input)
        }
        if ProcessInfo.processInfo.environment["SHOW_TRANSCRIPT"] != nil { print(talk.transcript.joined(separator: "\n")) }
        #expect(talk.transcript.count > 20)
        for line in talk.transcript {
            #expect(Speakable.isSpeakable(line), "not fit to read aloud: \(line)")
            #expect(!line.contains("{") && !line.contains("<"), "\(line)")
        }
        #expect(talk.transcript.contains { $0.contains("Goedenavond en welkom") }, "markup removed, & said as a word")
        #expect(talk.transcript.contains("Deze was anders. Luister nog eens."), "gold feedback is read out")
    }

    @Test("a message from the coach is read out once, before the reply")
    func coachMessage() async throws {
        let lab = FakeDialogueLab()
        lab.state.withLock { $0.tasks = [tagTask(71)]; $0.messages = ["Take it easy today, Floor."] }
        var talk = Conversation(dialogue: TextDialogue(name: "Floor", language: "en"), lab: lab)
        let first = await talk.say("start")
        #expect(first.lines.first == "Message from your coach: Take it easy today, Floor.")
        let second = await talk.say("repeat")
        #expect(!second.lines.contains { $0.hasPrefix("Message from your coach") })
    }

    @Test("a time warning is given once when five minutes are left")
    func timeWarning() async throws {
        let lab = FakeDialogueLab()
        lab.state.withLock { $0.tasks = [tagTask(61), tagTask(62), tagTask(63)]; $0.blockSecondsLeft = 280 }
        var talk = Conversation(dialogue: TextDialogue(name: "Floor", language: "en"), lab: lab)
        _ = await talk.say("start")
        let first = await talk.say("1")
        #expect(first.lines.contains("Five minutes left in this work block."))
        let second = await talk.say("2")
        #expect(!second.lines.contains("Five minutes left in this work block."))
    }
}
