// Every measured subtitle rule at its limit: exactly at the limit is allowed, one step over is flagged.
import AnnolabCore
import Testing

@Suite("Subtitle rules at their limits")
struct SubtitleRuleBoundaryTests {
    let checker = SubtitleChecker()

    func flags(_ cues: [SubtitleCue], _ checker: SubtitleChecker? = nil) -> [Flag] {
        (checker ?? self.checker).check(cues).flags
    }

    @Test("42 characters in a line are allowed, 43 are flagged; tags, an entity, a combining accent and a family emoji count as a reader sees them")
    func charactersPerLine() {
        // 42 as seen: "<b>" and "</b>" not counted, "&amp;" is one, "e" + U+0301 is one, the family emoji is one.
        let seen42 = "<b>Caf\u{65}\u{301}</b> &amp; 👩‍👩‍👧 open at nine, close at ten daily!"
        #expect(SubtitleCue.visibleCharacterCount(SubtitleParsing.plainText(seen42)) == 42)
        #expect(flags([ruleCue(1, 0, 5000, seen42)]).isEmpty)
        #expect(flags([ruleCue(1, 0, 5000, seen42 + "!")]) == [Flag(1, .charactersPerLine, measured: 43)])
    }

    @Test("2 lines are allowed, 3 are flagged")
    func linesPerCue() {
        #expect(flags([ruleCue(1, 0, 3000, "One,\ntwo.")]).isEmpty)
        #expect(flags([ruleCue(1, 0, 3000, "One,\ntwo,\nthree.")]) == [Flag(1, .linesPerCue, measured: 3)])
    }

    @Test("20 characters per second is allowed; 41 characters or 1 ms less is flagged, shown with the decimals it takes to exceed 20")
    func readingSpeed() {
        let forty = String(repeating: "abcd ", count: 7) + "abcd."   // 40 characters
        #expect(forty.count == 40)
        #expect(flags([ruleCue(1, 0, 2000, forty)]).isEmpty)
        #expect(flags([ruleCue(1, 0, 2000, forty + "!")]) == [Flag(1, .readingSpeed, measured: 20.5)])
        #expect(flags([ruleCue(1, 0, 1999, forty)]) == [Flag(1, .readingSpeed, measured: 20.01)])
    }

    @Test("a line break does not count towards reading speed: 20 characters on two lines in 1 second is 20 per second")
    func lineBreakNotCounted() {
        #expect(flags([ruleCue(1, 0, 1000, "Ten chars,\nten chars.")]).isEmpty)
        #expect(flags([ruleCue(1, 0, 1000, "Ten chars,\nten chars!!")]) == [Flag(1, .readingSpeed, measured: 21)])
    }

    @Test("833 ms on screen is allowed, 832 ms is flagged; 7000 ms is allowed, 7001 ms is flagged")
    func durations() {
        #expect(flags([ruleCue(1, 0, 833, "Go.")]).isEmpty)
        #expect(flags([ruleCue(1, 0, 832, "Go.")]) == [Flag(1, .minimumDuration, measured: 832)])
        #expect(flags([ruleCue(1, 0, 7000, "Go.")]).isEmpty)
        #expect(flags([ruleCue(1, 0, 7001, "Go.")]) == [Flag(1, .maximumDuration, measured: 7001)])
    }

    @Test("a gap of 83 ms (2 frames at 24 fps) is allowed, 82 ms is flagged; at 25 fps 80 ms is allowed and 79 flagged")
    func gaps() {
        func pair(gap: Int) -> [SubtitleCue] {
            [ruleCue(1, 1000, 3000, "First."), ruleCue(2, 3000 + gap, 5000 + gap, "Second.")]
        }
        #expect(flags(pair(gap: 83)).isEmpty)
        #expect(flags(pair(gap: 82)) == [Flag(2, .minimumGap, measured: 82, otherCue: 1)])
        var european = SubtitleRuleSettings()
        european.framesPerSecond = 25
        let at25 = SubtitleChecker(settings: european)
        #expect(flags(pair(gap: 80), at25).isEmpty)
        #expect(flags(pair(gap: 79), at25) == [Flag(2, .minimumGap, measured: 79, otherCue: 1)])
    }

    @Test("a cue starting exactly when the one before ends does not overlap (its gap of 0 is advice); 1 ms earlier is a hard overlap")
    func overlapEdge() {
        let touching = checker.check([ruleCue(1, 1000, 3000, "First."), ruleCue(2, 3000, 5000, "Second.")])
        #expect(touching.flags == [Flag(2, .minimumGap, measured: 0, otherCue: 1)])
        #expect(!touching.breaksHardRule)
        let overlapping = checker.check([ruleCue(1, 1000, 3000, "First."), ruleCue(2, 2999, 5000, "Second.")])
        #expect(overlapping.flags == [Flag(2, .overlappingCues, measured: 1, otherCue: 1)])
        #expect(overlapping.breaksHardRule)
    }

    @Test("a line of two words beside 22 characters is a poor break, beside 21 it is not; three words are never a short line")
    func shortLine() {
        let long21 = "This is the long line"
        #expect(long21.count == 21)
        #expect(flags([ruleCue(1, 0, 3000, long21 + "\nof words.")]).isEmpty)
        #expect(flags([ruleCue(1, 0, 3000, long21 + "s\nof words.")]) == [Flag(1, .lineBreak, detail: "of words.")])
        #expect(flags([ruleCue(1, 0, 3000, long21 + "s\nof many words.")]).isEmpty)
    }

    @Test("a cue of 0 ms gets a minimum-duration finding and no reading speed")
    func zeroDuration() {
        #expect(flags([ruleCue(1, 1000, 1000, "Flash.")]) == [Flag(1, .minimumDuration, measured: 0)])
    }
}
