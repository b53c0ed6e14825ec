// SRT files as clients really send them: numbered or not, Windows line ends, markup, old encodings.
import Foundation
import Testing
@testable import AnnolabCore

@Suite("Reading SRT subtitles")
struct SubRipTests {
    static let journaal = """
        1
        00:00:01,000 --> 00:00:03,500
        Goedenavond, welkom bij het <i>Journaal</i>.

        2
        00:00:04,000 --> 00:00:06,250
        {\\an8}Eerst het weer:
        het wordt <b>warm</b> &amp; zonnig.

        3
        00:00:07,000 --> 00:00:09,000
        <font color="#ffff00">Tot morgen.</font>
        """

    @Test("a plain SRT file gives its cues with times, text and plain text")
    func plainFile() throws {
        let cues = try SubRip.parse(Self.journaal)
        #expect(cues.count == 3)
        #expect(cues.map(\.index) == [1, 2, 3])
        #expect(cues.map(\.identifier) == ["1", "2", "3"])
        #expect(cues[0].start == 1.0 && cues[0].end == 3.5)
        #expect(cues[1].start == 4.0 && cues[1].end == 6.25)
        #expect(cues[0].text == "Goedenavond, welkom bij het <i>Journaal</i>.")
        #expect(cues[0].plainText == "Goedenavond, welkom bij het Journaal.")
        #expect(cues[1].text == "{\\an8}Eerst het weer:\nhet wordt <b>warm</b> &amp; zonnig.")
        #expect(cues[1].plainText == "Eerst het weer:\nhet wordt warm & zonnig.")
        #expect(cues[2].plainText == "Tot morgen.")
    }

    @Test("Windows line ends (CRLF) and old Mac line ends (CR) read the same as LF")
    func lineEnds() throws {
        let lf = try SubRip.parse(Self.journaal)
        let crlf = try SubRip.parse(Self.journaal.replacingOccurrences(of: "\n", with: "\r\n"))
        let cr = try SubRip.parse(Self.journaal.replacingOccurrences(of: "\n", with: "\r"))
        #expect(crlf == lf)
        #expect(cr == lf)
    }

    @Test("cues without index numbers are accepted, as players accept them")
    func withoutNumbers() throws {
        let text = """
            00:00:01,000 --> 00:00:02,000
            Eén

            00:00:03,000 --> 00:00:04,000
            2
            twee regels

            00:00:05,000 --> 00:00:06,000
            Drie
            """
        let cues = try SubRip.parse(text)
        #expect(cues.count == 3)
        #expect(cues.map(\.identifier) == [nil, nil, nil])
        #expect(cues[1].text == "2\ntwee regels")
        #expect(cues[2].start == 5)
    }

    @Test("players' leniencies: dot before milliseconds, no hours, short fractions, extra blank lines, trailing spaces, coordinates")
    func leniencies() throws {
        let text = "\n\n1\n00:00:01.5 --> 00:02,250   \nEen   \n\n\n\n\n2  \n0:00:03,000 --> 0:00:04,000 X1:100 X2:600 Y1:50 Y2:80\n\n   Twee\n\n"
        let cues = try SubRip.parse(text)
        #expect(cues.count == 2)
        #expect(cues[0].start == 1.5)
        #expect(cues[0].end == 2.25)
        #expect(cues[0].text == "Een")
        #expect(cues[1].settings == "X1:100 X2:600 Y1:50 Y2:80")
        #expect(cues[1].text == "   Twee")
        #expect(cues[1].plainText == "Twee")
        #expect(cues[1].identifier == "2")
    }

    @Test("a long programme's times past one hour are read to the millisecond")
    func longTimes() throws {
        let cues = try SubRip.parse("1\n01:59:59,999 --> 102:00:00,001\nLaat\n")
        #expect(cues[0].start == 7199.999)
        #expect(cues[0].end == 367_200.001)
    }

    @Test("SRT files in UTF-16 LE, UTF-16 BE, UTF-8 with a mark and Windows-1252 all read the same")
    func encodings() throws {
        let text = "1\r\n00:00:01,000 --> 00:00:02,000\r\nDéjà vu in België: “€ 5” ‘ja’…\r\n"
        let expected = "Déjà vu in België: “€ 5” ‘ja’…"
        let windows1252: [UInt8] = Array("1\r\n00:00:01,000 --> 00:00:02,000\r\nD".utf8)
            + [0xE9] + Array("j".utf8) + [0xE0] + Array(" vu in Belgi".utf8) + [0xEB] + Array(": ".utf8)
            + [0x93, 0x80] + Array(" 5".utf8) + [0x94, 0x20, 0x91] + Array("ja".utf8) + [0x92, 0x85, 0x0D, 0x0A]
        let uploads: [(Data, DecodedText.Encoding)] = [
            (ParserFixtures.utf16(text, bigEndian: false), .utf16LittleEndian),
            (ParserFixtures.utf16(text, bigEndian: true), .utf16BigEndian),
            (Data([0xEF, 0xBB, 0xBF] + Array(text.utf8)), .utf8),
            (Data(windows1252), .windows1252),
        ]
        for (bytes, encoding) in uploads {
            let file = try SubtitleFile.parse(bytes, fileName: "journaal.srt")
            #expect(file.format == .subRip)
            #expect(file.encoding == encoding)
            #expect(file.cues.count == 1)
            #expect(file.cues.first?.text == expected)
        }
    }

    @Test("entities and tags are removed from the plain text but kept in the text")
    func plainText() throws {
        let cues = try SubRip.parse("1\n00:00:01,000 --> 00:00:02,000\n<i>a &lt;b&gt; c</i>&nbsp;d {\\an8}e 3 < 4 &unknown; &#233;&#x20AC;\n")
        #expect(cues[0].text == "<i>a &lt;b&gt; c</i>&nbsp;d {\\an8}e 3 < 4 &unknown; &#233;&#x20AC;")
        #expect(cues[0].plainText == "a <b> c\u{A0}d e 3 < 4 &unknown; é€")
    }

    @Test("a garbled time names its line and shows what a time looks like")
    func garbledTime() {
        let text = "1\n00:00:01,000 --> 00:00:02,000\nGoed\n\n2\n00:00:xx,000 --> 00:00:05,000\nFout\n"
        let error = #expect(throws: LabError.self) { try SubRip.parse(text) }
        #expect(error?.code == "subtitle_bad_time")
        #expect(error?.message.contains("Line 6") == true)
        #expect(error?.message.contains("00:00:xx,000 --> 00:00:05,000") == true)
        #expect(error?.message.contains("00:01:02,500") == true)
    }

    @Test("times that only look like times are refused", arguments: [
        "00:00:01,000 --> ", "00:00:01,000 --> 00:00:02,000x", "00:61:00,000 --> 01:00:00,000", "00:00:75,000 --> 00:01:00,000",
        "-00:00:01,000 --> 00:00:02,000", "1 --> 2", "00:00:01, --> 00:00:02,000", "00:00:01,0000000000 --> 00:00:02,000",
        "00:00:01:500 --> 00:00:02:500", "9999999:00:00,000 --> 9999999:00:01,000",
    ])
    func badTimes(_ line: String) {
        let error = #expect(throws: LabError.self) { try SubRip.parse("1\n\(line)\nTekst\n") }
        #expect(error?.code == "subtitle_bad_time")
        #expect(error?.message.contains("Line 2") == true)
    }

    @Test("a cue that ends before it starts is refused, naming the line")
    func endBeforeStart() {
        let error = #expect(throws: LabError.self) { try SubRip.parse("1\n00:00:05,000 --> 00:00:03,000\nTerug in de tijd\n") }
        #expect(error?.code == "subtitle_end_before_start")
        #expect(error?.message.contains("Line 2") == true)
        #expect(error?.message.contains("00:00:03,000") == true)
    }

    @Test("a cue that starts and ends at the same moment is accepted")
    func zeroLength() throws {
        let cues = try SubRip.parse("00:00:05,000 --> 00:00:05,000\nFlits\n")
        #expect(cues[0].start == cues[0].end)
    }

    @Test("a file without any time line has no subtitles")
    func noCues() {
        let error = #expect(throws: LabError.self) { try SubRip.parse("Dit is een brief, geen ondertitel.\nGroet,\nAnna\n") }
        #expect(error?.code == "subtitle_no_cues")
        #expect(error?.message.contains("has no subtitles") == true)
    }

    @Test("the subtitle file detector reads WebVTT by its header or its name")
    func detection() throws {
        let vtt = try SubtitleFile.parse(Data("WEBVTT\n\n00:01.000 --> 00:02.000\nHoi\n".utf8))
        #expect(vtt.format == .webVTT)
        let srt = try SubtitleFile.parse(Data("1\n00:00:01,000 --> 00:00:02,000\nHoi\n".utf8), fileName: "a.srt")
        #expect(srt.format == .subRip)
        let error = #expect(throws: LabError.self) {
            try SubtitleFile.parse(Data("1\n00:00:01,000 --> 00:00:02,000\nHoi\n".utf8), fileName: "a.VTT")
        }
        #expect(error?.code == "webvtt_missing_header")
    }
}
