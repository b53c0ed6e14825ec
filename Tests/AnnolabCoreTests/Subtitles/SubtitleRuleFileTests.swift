// Each crafted subtitle file breaks one rule: exactly the cues it was made to break are flagged, and why.
import AnnolabCore
import Foundation
import Testing

@Suite("Subtitle rules on crafted files")
struct SubtitleRuleFileTests {
    @Test("a clean file, with every limit met exactly, gives no finding")
    func clean() throws {
        let report = try SubtitleRuleFixtures.check("clean.srt")
        #expect(report.cueCount == 5)
        #expect(report.findings.isEmpty, "\(report.flags)")
        #expect(!report.breaksHardRule)
        #expect(report.summary.flaggedCueCount == 0)
    }

    @Test("characters-per-line: a line of 43 characters (an accent written as a second code point counts once) is flagged, 42 with tags and an emoji is not")
    func charactersPerLine() throws {
        let report = try SubtitleRuleFixtures.check("characters-per-line.srt")
        #expect(report.flags == [Flag(2, .charactersPerLine, measured: 43)])
        #expect(report.findings.first?.line == 2)
        #expect(report.findings.first?.limit == 42)
        #expect(report.findings.first?.unit == .characters)
    }

    @Test("lines-per-cue: a WebVTT cue of three lines is flagged, two lines are not")
    func linesPerCue() throws {
        let file = try SubtitleRuleFixtures.file("lines-per-cue.vtt")
        #expect(file.format == .webVTT)
        let report = SubtitleChecker().check(file)
        #expect(report.flags == [Flag(2, .linesPerCue, measured: 3)])
        #expect(report.findings.first?.identifier == "cue-2")
    }

    @Test("reading-speed: a Windows-1252 Dutch file, 49 characters in 2 seconds is 24.5 per second; exactly 20 is allowed")
    func readingSpeed() throws {
        let file = try SubtitleRuleFixtures.file("reading-speed.srt")
        #expect(file.encoding == .windows1252)
        #expect(file.cues[0].plainText == "Één café, twee cafés.")
        let report = SubtitleChecker().check(file)
        #expect(report.flags == [Flag(2, .readingSpeed, measured: 24.5)])
        #expect(report.findings.first?.explanation.en == "This cue may be too fast to read: 24.5 characters per second (the limit is 20).")
        #expect(report.findings.first?.explanation.nl == "Deze ondertitel is misschien te snel om te lezen: 24,5 tekens per seconde (de grens is 20).")
    }

    @Test("minimum-duration: 500 ms and 832 ms are flagged, 833 ms (5/6 s) is allowed")
    func minimumDuration() throws {
        let report = try SubtitleRuleFixtures.check("minimum-duration.vtt")
        #expect(report.flags == [Flag(2, .minimumDuration, measured: 500), Flag(4, .minimumDuration, measured: 832)])
        #expect(report.findings.allSatisfy { $0.limit == 833 && $0.unit == .milliseconds })
    }

    @Test("maximum-duration: a file without cue numbers; 8000 ms and 7001 ms are flagged, 7000 ms is allowed")
    func maximumDuration() throws {
        let file = try SubtitleRuleFixtures.file("maximum-duration.srt")
        #expect(file.cues.allSatisfy { $0.identifier == nil })
        let report = SubtitleChecker().check(file)
        #expect(report.flags == [Flag(2, .maximumDuration, measured: 8000), Flag(4, .maximumDuration, measured: 7001)])
    }

    @Test("minimum-gap: 40 ms, back to back (0 ms) and 82 ms are flagged; 83 ms (2 frames at 24 fps) is allowed")
    func minimumGap() throws {
        let report = try SubtitleRuleFixtures.check("minimum-gap.srt")
        #expect(report.flags == [
            Flag(2, .minimumGap, measured: 40, otherCue: 1),
            Flag(4, .minimumGap, measured: 0, otherCue: 3),
            Flag(5, .minimumGap, measured: 82, otherCue: 4),
        ])
        #expect(report.findings.first?.explanation.en
            == "The pause after cue 1 may be too short: 0.04 seconds (the minimum is 0.083 seconds, 2 frames).")
    }

    @Test("overlapping-cues: a UTF-16 file; each overlap is measured against the earlier cue that ends last, and is hard")
    func overlappingCues() throws {
        let file = try SubtitleRuleFixtures.file("overlapping-cues.srt")
        #expect(file.encoding == .utf16LittleEndian)
        let report = SubtitleChecker().check(file)
        #expect(report.flags == [
            Flag(2, .overlappingCues, measured: 500, otherCue: 1),
            Flag(4, .overlappingCues, measured: 1, otherCue: 3),
            Flag(6, .overlappingCues, measured: 5000, otherCue: 5),
            Flag(7, .overlappingCues, measured: 2000, otherCue: 5),
        ])
        #expect(report.findings.allSatisfy { $0.severity == .hard && $0.limit == 0 })
        #expect(report.breaksHardRule)
        #expect(report.findings.first?.explanation.en == "This cue starts 0.5 seconds before cue 1 ends, so both are on screen at once.")
        #expect(report.findings.first?.explanation.nl == "Deze ondertitel begint 0,5 seconde voordat ondertitel 1 eindigt, dus ze staan tegelijk in beeld.")
    }

    @Test("empty-cue: no text, only markup, and only a no-break space are all empty, and hard")
    func emptyCue() throws {
        let report = try SubtitleRuleFixtures.check("empty-cue.vtt")
        #expect(report.flags == [Flag(2, .emptyCue), Flag(3, .emptyCue), Flag(4, .emptyCue)])
        #expect(report.findings.allSatisfy { $0.severity == .hard && $0.measured == nil })
        #expect(report.breaksHardRule)
    }

    @Test("markup: unclosed, unopened, wrongly ordered, unknown and cut-off tags are flagged; font, WebVTT classes, an open voice and capitals are not")
    func markup() throws {
        let report = try SubtitleRuleFixtures.check("markup.srt")
        #expect(report.flags == [
            Flag(2, .markup, detail: "<i>"),
            Flag(3, .markup, detail: "</b>"),
            Flag(4, .markup, detail: "</i>"),
            Flag(5, .markup, detail: "<span>"),
            Flag(6, .markup, detail: "<i Hello there"),
            Flag(7, .markup, detail: "{\\pos(10,10)}"),
        ])
        let explanations = report.findings.map(\.explanation.en)
        #expect(explanations[0] == "This cue opens a tag that is not closed: <i>. A player may then show the text wrongly.")
        #expect(explanations[1] == "This cue closes a tag that was not opened: </b>.")
        #expect(explanations[2] == "This cue closes its tags in the wrong order: </i> comes before <b> is closed.")
        #expect(explanations[3] == "This cue has a tag that players may not know: <span>. It may show as text.")
        #expect(explanations[4] == "This cue has a tag without its end: <i Hello there. A player may show it as text.")
    }

    @Test("line-break: a line ending on 'the' or Dutch 'de', and one word beside a long line, are flagged; breaks after punctuation, at a dash or after a verb particle are not")
    func lineBreak() throws {
        let report = try SubtitleRuleFixtures.check("line-break.srt")
        #expect(report.flags == [
            Flag(1, .lineBreak, detail: "the"),
            Flag(2, .lineBreak, detail: "now."),
            Flag(3, .lineBreak, detail: "Well"),
            Flag(6, .lineBreak, detail: "de"),
        ])
        #expect(report.findings.map(\.line) == [1, 2, 1, 1])
        #expect(report.findings[0].explanation.en == "The line break may split a phrase: line 1 ends with 'the'.")
        #expect(report.findings[1].explanation.en == "The line break may be in a poor place: line 2 has only 1 word beside a line of 39 characters.")
        #expect(report.findings[3].explanation.nl == "De regelafbreking splitst misschien een zinsdeel: regel 1 eindigt op 'de'.")
    }

    @Test("every crafted file breaks only the rule it is named after")
    func oneRulePerFile() throws {
        for rule in SubtitleRule.allCases {
            let name = ["srt", "vtt"].map { "\(rule.rawValue).\($0)" }
                .first { FileManager.default.fileExists(atPath: SubtitleRuleFixtures.folder.appendingPathComponent($0).path) }
            let found = try #require(name, "no crafted file for \(rule.rawValue)")
            let report = try SubtitleRuleFixtures.check(found)
            #expect(!report.findings.isEmpty, "\(found)")
            #expect(Set(report.findings.map(\.rule)) == [rule], "\(found): \(report.flags)")
        }
    }
}
