// Subtitle, audio and raw-answer exports: WebVTT with notes, CSV reports and JSON lines a client's scripts can read.
import AnnolabCore
import Foundation
import Testing

enum SubtitleFixtures {
    /// A news programme: cue 2 has a wrong word, cue 3 nobody judged, cue 4 is late and its
    /// text is full of characters WebVTT and CSV must escape.
    static let file = SubtitleFileResult(fileName: "journaal.srt", cues: [
        CueResult(index: 4, start: 3725.5, end: 3727, text: "Tom & Jerry <live>\n\n--> \"quoted\", yes",
                  verdict: "timing-error", confidence: 0.61, correction: nil),
        CueResult(index: 1, start: 0, end: 2.5, text: "Goedenavond.", verdict: "correct", confidence: 0.99),
        CueResult(index: 2, start: 2.5, end: 4.25, text: "Het weer: zon.", verdict: "text-error", confidence: 0.91,
                  correction: "Het weer: regen --> later zon.\n\nEn wind."),
        CueResult(index: 3, start: 4.25, end: 5, text: "Dag.", verdict: nil, confidence: 0),
    ])
}

@Suite("WebVTT export")
struct ExportWebVTTTests {
    @Test("Every cue is written with its timing; a NOTE comes before each flagged cue and only there")
    func structure() throws {
        let text = WebVTTExport().text(SubtitleFixtures.file)
        #expect(text.hasPrefix("WEBVTT\n\n"))
        let blocks = text.components(separatedBy: "\n\n").filter { !$0.isEmpty }
        #expect(blocks.count == 1 + 4 + 2)  // header, 4 cues, 2 notes
        #expect(blocks[1] == "1\n00:00:00.000 --> 00:00:02.500\nGoedenavond.")
        #expect(blocks[2] == "NOTE cue 2: text-error (confidence 0.9100)\nProposed correction: Het weer: regen - -> later zon.\nEn wind.")
        #expect(blocks[3] == "2\n00:00:02.500 --> 00:00:04.250\nHet weer: zon.")
        #expect(blocks[4] == "3\n00:00:04.250 --> 00:00:05.000\nDag.", "an undecided cue gets no note")
        #expect(blocks[5] == "NOTE cue 4: timing-error (confidence 0.6100)")
        #expect(blocks[6] == "4\n01:02:05.500 --> 01:02:07.000\nTom &amp; Jerry &lt;live&gt;\n--&gt; \"quoted\", yes")

        for block in blocks where block.hasPrefix("NOTE") {
            #expect(!block.contains("-->"), "a NOTE may not hold the cue arrow")
        }
        let arrows = text.components(separatedBy: "\n").filter { $0.contains("-->") }
        #expect(arrows.count == 4, "only timing lines hold -->")
        let timing = /^\d{2}:\d{2}:\d{2}\.\d{3} --> \d{2}:\d{2}:\d{2}\.\d{3}$/
        for line in arrows { #expect(line.wholeMatch(of: timing) != nil, "\(line)") }
    }

    @Test("Annolab's own WebVTT reader reads the export back: same cues, same times, text unescaped")
    func readsBack() throws {
        let cues = try WebVTT.parse(WebVTTExport().write(SubtitleFixtures.file))
        #expect(cues.map(\.index) == [1, 2, 3, 4])
        #expect(cues.map(\.start) == [0, 2.5, 4.25, 3725.5])
        #expect(cues.map(\.end) == [2.5, 4.25, 5, 3727])
        #expect(cues[3].plainText == "Tom & Jerry <live>\n--> \"quoted\", yes")
    }

    @Test("Negative and reversed times are written as zero and as the start")
    func oddTimes() {
        let file = SubtitleFileResult(fileName: "x.vtt", cues: [
            CueResult(index: 1, start: -3, end: -1, text: "", verdict: "missing-speech", confidence: 1),
        ])
        #expect(WebVTTExport().text(file) == "WEBVTT\n\nNOTE cue 1: missing-speech (confidence 1.0000)\n\n1\n00:00:00.000 --> 00:00:00.000\n\n")
    }

    @Test("Windows and old Mac line breaks in cue text become WebVTT lines; whitespace-only lines are dropped")
    func lineBreaks() {
        let file = SubtitleFileResult(fileName: "x.srt", cues: [
            CueResult(index: 1, start: 1, end: 2, text: "Eén\r\nTwee\rDrie\n \t\nVier", verdict: "correct", confidence: 1),
        ])
        #expect(WebVTTExport().text(file) == "WEBVTT\n\n1\n00:00:01.000 --> 00:00:02.000\nEén\nTwee\nDrie\nVier\n\n")
    }

    @Test("Several subtitle files become one .vtt each, named after the upload")
    func files() throws {
        let other = SubtitleFileResult(fileName: "extra/sport.vtt", cues: [])
        let files = try WebVTTExport().write(files: [SubtitleFixtures.file, other])
        #expect(Set(files.keys) == ["journaal.vtt", "extra/sport.vtt"])
        #expect(try ExportFixtures.text(files["extra/sport.vtt"]) == "WEBVTT\n\n")
    }
}

@Suite("CSV reports")
struct ExportCSVTests {
    @Test("Commas, quotes and line breaks are quoted as RFC 4180 says, and rows end with CRLF")
    func quoting() {
        #expect(CSVTable.field("plain") == "plain")
        #expect(CSVTable.field("a,b") == "\"a,b\"")
        #expect(CSVTable.field("say \"hi\"") == "\"say \"\"hi\"\"\"")
        #expect(CSVTable.field("two\nlines") == "\"two\nlines\"")
        #expect(CSVTable.field("cr\rhere") == "\"cr\rhere\"")
        #expect(CSVTable.field("") == "")
        let table = CSVTable(header: ["a", "b"], rows: [["1", "x,y"]])
        #expect(table.text() == "a,b\r\n1,\"x,y\"\r\n")
    }

    @Test("The subtitle report reads back field for field, line breaks and quotes included")
    func subtitleReport() throws {
        let data = SubtitleReportCSV().write([SubtitleFixtures.file])
        let records = try CrowdCSV.parse(Array(data))
        let rules = SubtitleRule.allCases.map(\.rawValue)
        #expect(records.map(\.fields.count) == Array(repeating: 8 + rules.count, count: 5))
        #expect(records[0].fields == ["file", "index", "start", "end", "verdict", "confidence", "text", "correction"] + rules)
        let noFinding = Array(repeating: "", count: rules.count)
        #expect(records[1].fields == ["journaal.srt", "1", "0.000", "2.500", "correct", "0.9900", "Goedenavond.", ""] + noFinding)
        #expect(records[2].fields == ["journaal.srt", "2", "2.500", "4.250", "text-error", "0.9100", "Het weer: zon.",
                                      "Het weer: regen --> later zon.\n\nEn wind."] + noFinding)
        #expect(records[3].fields[4] == "", "an undecided cue has an empty verdict")
        #expect(records[4].fields[6] == "Tom & Jerry <live>\n\n--> \"quoted\", yes")
        #expect(String(decoding: data, as: UTF8.self).contains("\"Tom & Jerry <live>\n\n--> \"\"quoted\"\", yes\""))
    }

    @Test("Audio tags as CSV (file first) and JSON, sorted, with fixed decimals")
    func audioTags() throws {
        let ranges = [
            TagResult(fileName: "show.wav", start: 20, end: 30, tag: "speech", confidence: 0.8),
            TagResult(fileName: "show.wav", start: 0, end: 20, tag: "music", confidence: 0.97123),
            TagResult(fileName: "a, b.wav", start: 5, end: 6.5, tag: "applause", confidence: 1),
        ]
        let csv = String(decoding: AudioTagsExport().csv(ranges), as: UTF8.self)
        #expect(csv == "file,start,end,tag,confidence\r\n\"a, b.wav\",5.000,6.500,applause,1.0000\r\n"
            + "show.wav,0.000,20.000,music,0.9712\r\nshow.wav,20.000,30.000,speech,0.8000\r\n")
        let json = String(decoding: AudioTagsExport().json(ranges), as: UTF8.self)
        #expect(json.hasPrefix("{\"ranges\":[{\"confidence\":1,\"end\":6.5,\"file\":\"a, b.wav\",\"start\":5,\"tag\":\"applause\"},"))
        let object = try ExportFixtures.jsonObject(AudioTagsExport().json(ranges))
        let list = try #require(object["ranges"] as? [[String: Any]])
        #expect(list.count == 3)
        #expect(list[1]["confidence"] as? Double == 0.9712)
    }
}

@Suite("Raw answers as JSON lines")
struct ExportRawAnswersTests {
    static let rows = [
        RawAnswerRow(microtaskId: 7, kind: "audio-tags", operatorPseudonym: "operator-2",
                     answerJSON: #"{"tags":["music"],"b":true,"n":1,"x":0.1}"#,
                     createdAt: Date(timeIntervalSince1970: 1_772_356_500.25), isGold: true),
        RawAnswerRow(microtaskId: 3, kind: "image-boxes", operatorPseudonym: "operator-1",
                     answerJSON: #"{"boxes":[{"label":"car","x":1.5,"y":2,"w":3,"h":4}]}"#,
                     createdAt: Date(timeIntervalSince1970: 0), isGold: false),
    ]

    @Test("One compact JSON object per line, keys sorted, the answer kept as JSON")
    func lines() throws {
        let text = String(decoding: try RawAnswersExport().write(Self.rows), as: UTF8.self)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == 3 && lines[2].isEmpty, "every line ends with a newline")
        #expect(lines[0] == #"{"answer":{"boxes":[{"h":4,"label":"car","w":3,"x":1.5,"y":2}]},"createdAt":"1970-01-01T00:00:00.000Z","isGold":false,"kind":"image-boxes","microtaskId":3,"operator":"operator-1"}"#)
        #expect(lines[1] == #"{"answer":{"b":true,"n":1,"tags":["music"],"x":0.1},"createdAt":"2026-03-01T09:15:00.250Z","isGold":true,"kind":"audio-tags","microtaskId":7,"operator":"operator-2"}"#)
        for line in lines.dropLast() {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            #expect(Set(object.keys) == ["answer", "createdAt", "isGold", "kind", "microtaskId", "operator"])
        }
    }

    @Test("An operator who is not a pseudonym stops the export: no name or badge reaches a client")
    func privacyGuard() {
        for who in ["Anna de Vries", "OP-0001", "operator-", "operator-1 (Anna)", "17"] {
            var row = Self.rows[0]
            row.operatorPseudonym = who
            #expect {
                try RawAnswersExport().write([row])
            } throws: { ($0 as? LabError)?.code == "export_operator_not_pseudonymous" }
        }
    }

    @Test("Pseudonyms are numbered per project in order of first answer")
    func pseudonyms() {
        let pseudonyms = OperatorPseudonyms(operatorIDs: ["u-9", "u-2", "u-9", "u-5"])
        #expect(pseudonyms["u-9"] == "operator-1")
        #expect(pseudonyms["u-2"] == "operator-2")
        #expect(pseudonyms["u-5"] == "operator-3")
        #expect(pseudonyms["u-1"] == nil)
        #expect(OperatorPseudonyms.isPseudonym("operator-12"))
    }
}

@Suite("Numbers in exports")
struct ExportNumberTests {
    @Test("Numbers are spelled with a point and fixed decimals, whatever the locale")
    func fixed() {
        #expect(ExportNumber.fixed(0.5, places: 6) == "0.500000")
        #expect(ExportNumber.fixed(2.0 / 3.0, places: 4) == "0.6667")
        #expect(ExportNumber.fixed(-0.00001, places: 3) == "0.000")
        #expect(ExportNumber.fixed(-1.25, places: 1) == "-1.3")
        #expect(ExportNumber.fixed(1234567.891, places: 2) == "1234567.89")
        #expect(ExportNumber.fixed(.nan, places: 2) == "0.00")
        #expect(ExportNumber.fixed(7, places: 0) == "7")
        #expect(ExportNumber.trimmed(12.50, places: 2) == "12.5")
        #expect(ExportNumber.trimmed(3, places: 4) == "3")
        #expect(ExportNumber.trimmed(0.000001, places: 4) == "0")
    }

    @Test("Times are WebVTT timestamps and ISO 8601 in UTC")
    func times() {
        #expect(ExportNumber.timestamp(0) == "00:00:00.000")
        #expect(ExportNumber.timestamp(59.9996) == "00:01:00.000")
        #expect(ExportNumber.timestamp(360_000.001) == "100:00:00.001")
        #expect(ExportNumber.isoTimestamp(Date(timeIntervalSince1970: 951_782_400)) == "2000-02-29T00:00:00.000Z")
        #expect(ExportNumber.isoTimestamp(Date(timeIntervalSince1970: -1.5)) == "1969-12-31T23:59:58.500Z")
    }

    @Test("JSON strings escape quotes, backslashes and control characters, and keep other text as UTF-8")
    func jsonStrings() {
        let value = ExportJSON.object(["b": .string("a\"b\\c\nd\u{01}é/"), "a": .array([.null, .bool(false), .fixed(1.50, places: 2)])])
        #expect(value.text() == #"{"a":[null,false,1.5],"b":"a\"b\\c\nd\u0001é/"}"#)
    }
}
