// A sound model's tag CSV, grouped per recording, and the lines refused with their number.
import Foundation
import Testing
@testable import AnnolabCore

@Suite("Prediction import: sound tag CSV")
struct PredictionImportSoundCSVTests {
    static let code: LabError.Code = "invalid_tag_csv"

    @Test("tags are grouped per recording in the order the recordings first appear")
    func grouped() throws {
        let csv = """
            file,start,end,tag,score\r
            interview.wav,0,2.5,speech,0.93\r
            "street, night.wav",1.25,3,siren,0.41\r
            interview.wav,2.5,4,music,\r
            """
        let predictions = try PredictionImport.soundCSV(Data(csv.utf8))
        #expect(predictions.map(\.fileName) == ["interview.wav", "street, night.wav"])
        #expect(predictions[0].tags == [
            PredictedTag(start: 0, end: 2.5, tag: "speech", score: 0.93),
            PredictedTag(start: 2.5, end: 4, tag: "music", score: nil),
        ])
        #expect(predictions[1].tags == [PredictedTag(start: 1.25, end: 3, tag: "siren", score: 0.41)])
        #expect(predictions[1].confidence == 0.41)
        #expect(predictions.allSatisfy { $0.regions.isEmpty && $0.choices.isEmpty })
    }

    @Test("the score column may be left out and the columns may come in any order")
    func withoutScores() throws {
        let csv = "\u{FEFF}Tag,File,Start,End\nbird,garden.flac,10,12.5\n"
        let predictions = try PredictionImport.soundCSV(Data(csv.utf8))
        #expect(predictions == [FilePrediction(fileName: "garden.flac", tags: [PredictedTag(start: 10, end: 12.5, tag: "bird")])])
    }

    @Test("broken and hostile tag files are refused with the line named")
    func hostile() {
        let header = "file,start,end,tag,score\n"
        let cases: [(String, String, [String])] = [
            ("an empty file", "", ["empty"]),
            ("a header without the tag column", "file,start,end,label\na.wav,0,1,x\n", ["Line 1", "file,start,end,tag"]),
            ("a tag that ends before it starts", header + "a.wav,0,1,x,0.5\na.wav,3,2,x,0.5\n", ["Line 3", "from 3.0 to 2.0 seconds"]),
            ("a tag of no length", header + "a.wav,2,2,x,0.5\n", ["Line 2", "from 2.0 to 2.0"]),
            ("a negative start", header + "a.wav,-1,2,x,0.5\n", ["Line 2", "from -1.0"]),
            ("a start that is not a number", header + "a.wav,soon,2,x,0.5\n", ["Line 2", "\"soon\", not a number of seconds"]),
            ("an endless end", header + "a.wav,0,inf,x,0.5\n", ["Line 2", "\"inf\""]),
            ("a score of 1.5", header + "a.wav,0,1,x,1.5\n", ["Line 2", "score is \"1.5\""]),
            ("a score of NaN", header + "a.wav,0,1,x,nan\n", ["Line 2", "score is \"nan\""]),
            ("a missing field", header + "a.wav,0,1,x\n", ["Line 2", "has 4 fields; the header has 5"]),
            ("an empty tag", header + "a.wav,0,1, ,0.5\n", ["Line 2", "label is empty"]),
            ("no file name", header + ",0,1,x,0.5\n", ["Line 2", "no usable file name"]),
            ("a quote never closed", header + "\"a.wav,0,1,x,0.5\n", ["Line 2", "never closed"]),
            ("a 10 MB tag", header + "a.wav,0,1,\(PredictionFixtures.huge("bells", count: 2_000_000)),0.5\n", ["Line 2", "10000000 bytes long"]),
        ]
        for (story, text, fragments) in cases {
            expectRefusal(Self.code, fragments, story: story) {
                _ = try PredictionImport.soundCSV(Data(text.utf8))
            }
        }
    }
}
