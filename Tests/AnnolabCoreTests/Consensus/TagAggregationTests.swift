// Audio tags: per-tag consensus on clips, merged into time ranges of the programme.
import AnnolabCore
import Testing

@Suite("Audio-tags consensus")
struct TagAggregationTests {
    static let clips = (0..<6).map { AudioClip(index: $0, start: Double($0) * 10, end: Double($0 + 1) * 10) }

    static func answers(_ perClip: [[Set<String>]]) -> [TagAnswer] {
        perClip.enumerated().flatMap { clip, sets in
            sets.enumerated().map { TagAnswer(clip: clip, operatorID: "op\($0.offset)", tags: $0.element) }
        }
    }

    @Test("Clips where most operators heard music merge into time ranges")
    func rangesMerge() throws {
        // Three operators per clip; music in clips 0-1 and 3, speech in clip 5 (heard by two).
        let answers = Self.answers([
            [["music"], ["music"], ["music", "speech"]],
            [["music"], ["music"], ["music"]],
            [[], ["speech"], []],
            [["music"], ["music"], []],
            [[], [], []],
            [["speech"], ["speech"], []],
        ])
        let consensus = TagAggregation(vocabulary: ["music", "speech"]).aggregate(
            clips: Self.clips, answers: answers, gold: [:])
        let music = consensus.ranges.filter { $0.tag == "music" }
        #expect(music.map(\.start) == [0, 30])
        #expect(music.map(\.end) == [20, 40])
        let speech = consensus.ranges.filter { $0.tag == "speech" }
        #expect(speech.map(\.start) == [50] && speech.map(\.end) == [60])
        for range in consensus.ranges { #expect(range.confidence >= 0.5 && range.confidence <= 1) }
        // The range's confidence is the mean posterior of its clips.
        let first = try #require(music.first)
        let expected = (try #require(consensus.posterior(clip: 0, tag: "music"))
            + (try #require(consensus.posterior(clip: 1, tag: "music")))) / 2
        #expect(abs(first.confidence - expected) < 1e-12)
        #expect(try #require(consensus.posterior(clip: 4, tag: "music")) < 0.5)
    }

    @Test("Tags outside the template's list are kept, after the listed ones")
    func unknownTagsKept() {
        let answers = [TagAnswer(clip: 0, operatorID: "ann", tags: ["applause"])]
        let consensus = TagAggregation(vocabulary: ["music"]).aggregate(
            clips: Array(Self.clips.prefix(1)), answers: answers, gold: [:])
        #expect(consensus.tags == ["music", "applause"])
    }

    @Test("A gold clip keeps its known tags")
    func goldClip() throws {
        let answers = [
            TagAnswer(clip: 0, operatorID: "ann", tags: []),
            TagAnswer(clip: 0, operatorID: "bo", tags: []),
        ]
        let consensus = TagAggregation(vocabulary: ["laughter"]).aggregate(
            clips: Array(Self.clips.prefix(1)), answers: answers, gold: [0: ["laughter"]])
        #expect(try #require(consensus.posterior(clip: 0, tag: "laughter")) == 1)
        #expect(consensus.ranges.count == 1)
    }

    @Test("Clips listed out of order still merge by time")
    func unorderedClips() {
        let clips = [AudioClip(index: 0, start: 10, end: 20), AudioClip(index: 1, start: 0, end: 10)]
        let answers = (0..<2).flatMap { clip in
            ["ann", "bo"].map { TagAnswer(clip: clip, operatorID: $0, tags: ["noise"]) }
        }
        let consensus = TagAggregation().aggregate(clips: clips, answers: answers, gold: [:])
        #expect(consensus.ranges.count == 1)
        #expect(consensus.ranges.first?.start == 0 && consensus.ranges.first?.end == 20)
    }
}
