// WebVTT files from streaming services: headers, notes, styles, regions, identifiers and cue settings.
import Foundation
import Testing
@testable import AnnolabCore

@Suite("Reading WebVTT subtitles")
struct WebVTTTests {
    static let streamingFile = """
        WEBVTT - NPO Journaal 20:00
        Kind: captions
        Language: nl

        NOTE Made by the subtitle desk.
        This note has two lines.

        STYLE
        ::cue {
          color: yellow;
        }

        REGION
        id:onder
        width:40%

        intro
        00:01.000 --> 00:03.500 align:start position:10%
        <v Anchor>Goedenavond.</v>

        00:00:04.000 --> 00:00:06.000 region:onder line:90%
        <c.yellow>Het <00:00:05.000>weer</c>
        in het kort.

        NOTE a comment between cues

        3
        00:00:07.000 --> 00:00:09.000
        Tot &amp; met morgen.
        """

    @Test("header text, NOTE, STYLE and REGION blocks are skipped; identifiers and settings are kept")
    func streamingFile() throws {
        let cues = try WebVTT.parse(Self.streamingFile)
        #expect(cues.count == 3)
        #expect(cues.map(\.index) == [1, 2, 3])
        #expect(cues.map(\.identifier) == ["intro", nil, "3"])
        #expect(cues[0].start == 1.0 && cues[0].end == 3.5)
        #expect(cues[0].settings == "align:start position:10%")
        #expect(cues[0].text == "<v Anchor>Goedenavond.</v>")
        #expect(cues[0].plainText == "Goedenavond.")
        #expect(cues[1].settings == "region:onder line:90%")
        #expect(cues[1].text == "<c.yellow>Het <00:00:05.000>weer</c>\nin het kort.")
        #expect(cues[1].plainText == "Het weer\nin het kort.")
        #expect(cues[2].plainText == "Tot & met morgen.")
    }

    @Test("CRLF line ends and a byte order mark read the same")
    func lineEndsAndMark() throws {
        let lf = try WebVTT.parse(Self.streamingFile)
        let crlf = try WebVTT.parse(Data([0xEF, 0xBB, 0xBF] + Array(Self.streamingFile.replacingOccurrences(of: "\n", with: "\r\n").utf8)))
        #expect(crlf == lf)
    }

    @Test("a file without the WEBVTT line is refused")
    func missingHeader() {
        for text in ["00:01.000 --> 00:02.000\nHoi\n", "WEBVTTX\n\n00:01.000 --> 00:02.000\nHoi\n", "webvtt\n\n00:01.000 --> 00:02.000\nHoi\n"] {
            let error = #expect(throws: LabError.self) { try WebVTT.parse(text) }
            #expect(error?.code == "webvtt_missing_header")
        }
    }

    @Test("a line with an arrow inside a cue starts the next cue")
    func arrowEndsCue() throws {
        let cues = try WebVTT.parse("WEBVTT\n\n00:01.000 --> 00:02.000\nEen\n00:03.000 --> 00:04.000\nTwee\n")
        #expect(cues.map(\.plainText) == ["Een", "Twee"])
    }

    @Test("a time line straight under the header still starts a cue")
    func noBlankAfterHeader() throws {
        let cues = try WebVTT.parse("WEBVTT\n00:01.000 --> 00:02.000\nEen\n")
        #expect(cues.count == 1)
    }

    @Test("blocks without times are ignored, as browsers ignore them")
    func strayBlocks() throws {
        let cues = try WebVTT.parse("WEBVTT\n\nlosse tekst\nnog meer tekst\nen nog\n\n00:01.000 --> 00:02.000\nEen\n")
        #expect(cues.count == 1)
        #expect(cues[0].identifier == nil)
    }

    @Test("a garbled time names its line")
    func garbledTime() {
        let error = #expect(throws: LabError.self) { try WebVTT.parse("WEBVTT\n\nid\n00:01.000 --> 00:0x.000\nFout\n") }
        #expect(error?.code == "subtitle_bad_time")
        #expect(error?.message.contains("Line 4") == true)
        #expect(error?.message.contains("00:01:02.500") == true)
    }

    @Test("a cue ending before it starts is refused")
    func endBeforeStart() {
        let error = #expect(throws: LabError.self) { try WebVTT.parse("WEBVTT\n\n00:09.000 --> 00:02.000\nTerug\n") }
        #expect(error?.code == "subtitle_end_before_start")
    }

    @Test("a header with only notes has no subtitles")
    func onlyNotes() {
        let error = #expect(throws: LabError.self) { try WebVTT.parse("WEBVTT\n\nNOTE nog niets ondertiteld\n") }
        #expect(error?.code == "subtitle_no_cues")
    }
}
