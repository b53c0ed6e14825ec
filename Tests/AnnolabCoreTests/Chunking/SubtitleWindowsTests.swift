// A subtitle file becomes windows of at most 4 cues and 30 s, each with the sound it belongs to.
import Foundation
import Testing
@testable import AnnolabCore

@Suite("Cutting subtitles into subtitle-check windows")
struct SubtitleWindowsTests {
    static func cues(_ times: [(Double, Double)]) -> [SubtitleCue] {
        times.enumerated().map { SubtitleCue(index: $0.offset + 1, start: $0.element.0, end: $0.element.1, text: "Cue \($0.offset + 1)") }
    }

    @Test("100 back-to-back 3-second SRT cues give 25 windows of 4 cues and 12 seconds")
    func hundredSRTCues() throws {
        let file = try SubtitleFile.parse(Data(ParserFixtures.contiguousSRT(count: 100).utf8))
        #expect(file.cues.count == 100)
        let windows = try SubtitleWindows.make(from: file.cues)
        #expect(windows.count == 25)
        for (n, window) in windows.enumerated() {
            #expect(window.cueRange == (4 * n)..<(4 * n + 4))
            #expect(window.start == Double(12 * n))
            #expect(window.end == Double(12 * n + 12))
        }
    }

    @Test("the same 100 cues as WebVTT also give 25 windows")
    func hundredVTTCues() throws {
        let file = try SubtitleFile.parse(Data(ParserFixtures.contiguousVTT(count: 100).utf8))
        #expect(file.format == .webVTT)
        let windows = try SubtitleWindows.make(from: file.cues)
        #expect(windows.count == 25)
        #expect(windows.last?.cueRange == 96..<100)
        #expect(windows.last?.start == 288)
        #expect(windows.last?.end == 300)
        #expect(file.cues[windows[3].cueRange].map(\.plainText) == ["Cue 13", "Cue 14", "Cue 15", "Cue 16"])
    }

    @Test("a cue that would stretch a window past 30 s starts a new window")
    func spanLimit() throws {
        let windows = try SubtitleWindows.make(from: Self.cues([(0, 9), (10, 19), (20, 29), (29.5, 31), (32, 33)]))
        #expect(windows.map(\.cueRange) == [0..<3, 3..<5])
        #expect(windows[0].start == 0 && windows[0].end == 29)
        #expect(windows[1].start == 29.5 && windows[1].end == 33)
    }

    @Test("a window of exactly 30 s is allowed, even after rounding of read times")
    func exactlyThirty() throws {
        let windows = try SubtitleWindows.make(from: Self.cues([(10.3, 15), (16, 20), (21, 30), (31, 40.3)]))
        #expect(windows.map(\.cueRange) == [0..<4])
        #expect(windows[0].span == 40.3 - 10.3)
    }

    @Test("a single cue longer than 30 s gets a window of its own")
    func longCue() throws {
        let windows = try SubtitleWindows.make(from: Self.cues([(0, 2), (3, 48), (49, 50)]))
        #expect(windows.map(\.cueRange) == [0..<1, 1..<2, 2..<3])
    }

    @Test("gaps between cues count in the span, so sparse subtitles make smaller windows")
    func sparseCues() throws {
        let windows = try SubtitleWindows.make(from: Self.cues([(0, 2), (20, 22), (40, 42), (50, 52), (53, 54)]))
        #expect(windows.map(\.cueRange) == [0..<2, 2..<5])
        #expect(windows[1].start == 40 && windows[1].end == 54)
    }

    @Test("overlapping cues: the window runs from the earliest start to the latest end")
    func overlapping() throws {
        let windows = try SubtitleWindows.make(from: Self.cues([(5, 20), (6, 8), (7, 9), (4, 6)]))
        #expect(windows.count == 1)
        #expect(windows[0].start == 4 && windows[0].end == 20)
    }

    @Test("window size and span are configurable")
    func configurable() throws {
        let cues = Self.cues((0..<10).map { (Double($0) * 3, Double($0) * 3 + 3) })
        #expect(try SubtitleWindows.make(from: cues, maximumCues: 3).count == 4)
        #expect(try SubtitleWindows.make(from: cues, maximumCues: 10, maximumSpan: 9).map(\.cueRange.count) == [3, 3, 3, 1])
    }

    @Test("no cues, or impossible settings, are refused")
    func refused() {
        let empty = #expect(throws: LabError.self) { try SubtitleWindows.make(from: []) }
        #expect(empty?.code == "subtitle_windows_no_cues")
        let bad = #expect(throws: LabError.self) { try SubtitleWindows.make(from: Self.cues([(0, 1)]), maximumCues: 0) }
        #expect(bad?.code == "subtitle_windows_bad_settings")
    }

    @Test("each window's sound is cut from the programme WAV with the window's length")
    func windowSound() throws {
        let programme = try WaveSound(ParserFixtures.monoWAV(seconds: 40))
        let cues = try SubRip.parse(ParserFixtures.contiguousSRT(count: 12))
        for window in try SubtitleWindows.make(from: cues) {
            let piece = try WaveSound(programme.slice(from: window.start, to: window.end))
            #expect(piece.duration == window.end - window.start)
        }
    }
}
