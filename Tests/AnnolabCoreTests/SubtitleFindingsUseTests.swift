// The subtitle rules' findings where people meet them: the text mode's hints, the WebVTT notes and the CSV columns.
import AnnolabCore
import Foundation
import Testing

@Suite("Subtitle findings in use")
struct SubtitleFindingsUseTests {
    /// Cue 2 is too fast to read (36 characters in 1 s); cue 3 overlaps cue 2.
    static let srt = """
        1
        00:00:01,000 --> 00:00:03,000
        Goedenavond.

        2
        00:00:04,000 --> 00:00:05,000
        Het is vanavond erg druk op de weg.

        3
        00:00:04,500 --> 00:00:07,000
        Tot morgen.

        """

    static func report() throws -> (SubtitleFile, SubtitleCheckReport) {
        let file = try SubtitleFile.parse(Data(srt.utf8), fileName: "journaal.srt")
        return (file, SubtitleChecker().check(file))
    }

    @Test("the crafted cues are flagged by the rules they break, and only those")
    func flagged() throws {
        let (_, report) = try Self.report()
        #expect(report.findings(forCue: 1).isEmpty)
        #expect(report.findings(forCue: 2).map(\.rule) == [.readingSpeed])
        #expect(report.findings(forCue: 3).map(\.rule) == [.overlappingCues])
        #expect(report.breaksHardRule)
    }

    @Test("text mode points out the hard-rule cue first, and says each finding as a hint after its cue")
    func textModeHints() async throws {
        let (file, report) = try Self.report()
        let cues = file.cues.map { cue in
            MicrotaskPayload.Cue(index: cue.index, start: cue.start, end: cue.end, text: cue.plainText,
                                 findings: report.findings(forCue: cue.index).isEmpty ? nil : report.findings(forCue: cue.index))
        }
        let lab = FakeDialogueLab()
        lab.state.withLock {
            $0.tasks = [DialogueTask(assignmentId: 5, kind: .subtitleCheck, title: .init(nl: "Ondertitels", en: "Subtitles"),
                                     labels: verdictLabels, payload: MicrotaskPayload(cues: cues))]
        }
        var talk = Conversation(dialogue: TextDialogue(name: "Bram", language: "en"), lab: lab)
        let first = await talk.say("start")
        let warning = try #require(first.lines.firstIndex { $0.contains("clear mistake in subtitle 3") })
        let cueOne = try #require(first.lines.firstIndex { $0.hasPrefix("Subtitle 1 of 3") })
        #expect(warning < cueOne, "the hard rule is pointed out before the first cue")
        #expect(!first.lines.contains { $0.hasPrefix("Hint:") }, "cue 1 breaks no rule: no hint")
        let second = await talk.say("yes")
        let hint = try #require(second.lines.first { $0.hasPrefix("Hint:") })
        #expect(hint.contains("characters per second"), "\(second.lines)")
        #expect(second.lines.firstIndex { $0.hasPrefix("Subtitle 2 of 3") }! < second.lines.firstIndex(of: hint)!)
        #expect(!second.lines.contains { $0.contains("clear mistake") }, "the warning is said once, at the start")

        var dutch = Conversation(dialogue: TextDialogue(name: "Anouk", language: "nl"), lab: lab)
        lab.state.withLock {
            $0.tasks = [DialogueTask(assignmentId: 6, kind: .subtitleCheck, title: .init(nl: "Ondertitels", en: "Subtitles"),
                                     labels: verdictLabels, payload: MicrotaskPayload(cues: Array(cues.dropFirst())))]
        }
        let nl = await dutch.say("start")
        #expect(nl.lines.contains { $0.hasPrefix("Tip:") && $0.contains("tekens per seconde") }, "\(nl.lines)")
        #expect(!nl.lines.contains { $0.contains("Hint:") }, "no English on a Dutch dialogue")
    }

    @Test("the WebVTT export gives findings and the people's verdict in NOTE blocks; the CSV a column per rule")
    func exports() throws {
        let (file, report) = try Self.report()
        let result = SubtitleFileResult(fileName: "journaal.srt", cues: file.cues.map { cue in
            CueResult(index: cue.index, start: cue.start, end: cue.end, text: cue.plainText,
                      verdict: cue.index == 2 ? "correct" : nil, confidence: cue.index == 2 ? 0.9 : 0,
                      findings: report.findings(forCue: cue.index))
        })
        let vtt = WebVTTExport().text(result)
        let notes = vtt.components(separatedBy: "\n\n").filter { $0.hasPrefix("NOTE") }
        #expect(notes.count == 2, "cue 1 has neither a finding nor a flag: \(notes)")
        #expect(notes[0].hasPrefix("NOTE cue 2: correct (confidence 0.9000)\nRule reading-speed (advice): "))
        #expect(notes[1].hasPrefix("NOTE cue 3: no verdict yet\nRule overlapping-cues (hard): "))
        #expect(!notes.joined().contains("-->"))
        // Annolab's own reader still reads every cue of the export.
        #expect(try WebVTT.parse(Data(vtt.utf8)).map(\.index) == [1, 2, 3])

        let records = try CrowdCSV.parse(Array(SubtitleReportCSV().write([result])))
        let header = records[0].fields
        let speed = try #require(header.firstIndex(of: "reading-speed"))
        let overlap = try #require(header.firstIndex(of: "overlapping-cues"))
        #expect(records[1].fields[speed] == "" && records[1].fields[overlap] == "")
        let measured = try #require(Double(records[2].fields[speed]))
        #expect(measured > 20, "the measured characters per second of cue 2")
        #expect(records[3].fields[overlap] != "", "cue 3 overlaps")
    }
}
