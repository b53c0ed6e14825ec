// What the subtitle rules hand on: findings hard rules first, their JSON, and the counts per rule.
import AnnolabCore
import Foundation
import Testing

@Suite("Subtitle rule findings and summaries")
struct SubtitleRuleFindingTests {
    @Test("a cue that overlaps and is too fast shows its hard finding first")
    func hardFirst() {
        let report = SubtitleChecker().check([
            ruleCue(1, 1000, 4000, "Calm words."),
            ruleCue(2, 3000, 4000, "Far too many words for one short second."),
            ruleCue(3, 5000, 7000, "<i>Open"),
        ])
        #expect(report.findings(forCue: 2).map(\.rule) == [.overlappingCues, .readingSpeed])
        #expect(report.hardFirst.map(\.rule) == [.overlappingCues, .readingSpeed, .markup])
        #expect(report.findings(forCue: 1).isEmpty)
    }

    @Test("a finding as JSON has the cue, times, rule, severity, figures and both explanations; nothing empty is written")
    func findingJSON() throws {
        let report = try SubtitleRuleFixtures.check("reading-speed.srt")
        let finding = try #require(report.findings.first)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let json = String(decoding: try encoder.encode(finding), as: UTF8.self)
        #expect(json == #"{"cue":2,"end":4.5,"explanation":{"en":"This cue may be too fast to read: 24.5 characters per second (the limit is 20).","nl":"Deze ondertitel is misschien te snel om te lezen: 24,5 tekens per seconde (de grens is 20)."},"identifier":"2","limit":20,"measured":24.5,"rule":"reading-speed","severity":"advice","start":2.5,"unit":"characters-per-second"}"#)
        #expect(try JSONDecoder().decode(SubtitleFinding.self, from: Data(json.utf8)) == finding)
    }

    @Test("the summary counts cues per rule, every rule listed in order, and adds files up")
    func summary() throws {
        let overlaps = try SubtitleRuleFixtures.check("overlapping-cues.srt").summary
        #expect(overlaps.cueCount == 7)
        #expect(overlaps.flaggedCueCount == 4)
        #expect(overlaps.hardCueCount == 4)
        #expect(overlaps.rules.map(\.rule) == SubtitleRule.allCases)
        #expect(overlaps.cues(breaking: .overlappingCues) == 4)
        #expect(overlaps.text.en == "7 cues checked, 4 flagged: overlapping-cues 4 (hard).")
        #expect(overlaps.text.nl == "7 ondertitels gecontroleerd, 4 gemarkeerd: overlapping-cues 4 (hard).")

        let gaps = try SubtitleRuleFixtures.check("minimum-gap.srt").summary
        let clean = try SubtitleRuleFixtures.check("clean.srt").summary
        #expect(clean.text.en == "5 cues checked, no rule broken.")
        let both = SubtitleRuleSummary.combining([overlaps, gaps, clean])
        #expect(both.cueCount == 17)
        #expect(both.flaggedCueCount == 7)
        #expect(both.hardCueCount == 4)
        #expect(both.cues(breaking: .minimumGap) == 3)
        #expect(both.breaksHardRule)
        #expect(both.text.en == "17 cues checked, 7 flagged: overlapping-cues 4 (hard), minimum-gap 3.")
    }

    @Test("characters are counted as a reader sees them")
    func readerCharacters() {
        #expect(SubtitleCue.visibleCharacterCount("e\u{301}") == 1)
        #expect(SubtitleCue.visibleCharacterCount("👩‍👩‍👧") == 1)
        #expect(SubtitleCue.visibleCharacterCount("a\u{200E}b") == 2)
        #expect(ruleCue(1, 0, 1000, "<i>ab</i>\ncd").visibleCharacterCount == 4)
        #expect(ruleCue(1, 0, 1000, "a&amp;b").visibleCharacterCount == 3)
        #expect(ruleCue(1, 0, 1000, "<i> </i>").isEmptyToReader)
        #expect(ruleCue(1, 0, 1000, "\u{200B}").isEmptyToReader)
    }

    @Test("hard rules are overlapping-cues and empty-cue; the others are advice")
    func severities() {
        #expect(SubtitleRule.allCases.filter(\.isHard) == [.overlappingCues, .emptyCue])
        #expect(SubtitleRule.allCases.map(\.rawValue) == [
            "overlapping-cues", "empty-cue", "reading-speed", "characters-per-line", "lines-per-cue",
            "minimum-duration", "maximum-duration", "minimum-gap", "markup", "line-break",
        ])
    }
}
