// YOLO label files as Ultralytics and label-studio-converter write them, class names, and the lines refused.
import Foundation
import Testing
@testable import AnnolabCore

@Suite("Prediction import: YOLO")
struct PredictionImportYOLOTests {
    static let code: LabError.Code = "invalid_yolo"

    @Test("label-studio-converter's YOLO test file with its classes.txt gives four boxes in fractions, without scores")
    func converterFile() throws {
        let classes = try PredictionImport.yoloClasses(PredictionFixtures.data("yolo-converter-classes.txt"), name: "classes.txt")
        #expect(classes == ["closed_door", "opened_door", "bus", "number"])
        let prediction = try PredictionImport.yolo(PredictionFixtures.data("yolo-converter-img_4.txt"), fileName: "img_4.jpg", classes: classes)
        #expect(prediction.fileName == "img_4.jpg")
        #expect(prediction.regions.map(\.label) == ["number", "closed_door", "closed_door", "bus"])
        expectBox(prediction.regions.first, "number", x: 0.371875 - 0.034375 / 2, y: 0.5637651821862348 - 0.0708502024291498 / 2,
                  w: 0.034375, h: 0.0708502024291498, score: nil)
        expectBox(prediction.regions.last, "bus", x: 0.51640625 - 0.7046875 / 2, y: 0.6194331983805668 - 0.6558704453441295 / 2,
                  w: 0.7046875, h: 0.6558704453441295, score: nil)
        #expect(prediction.confidence == nil)
    }

    @Test("a line Ultralytics wrote with save_conf carries its confidence as the box's score")
    func saveConfLine() throws {
        let prediction = try PredictionImport.yolo(PredictionFixtures.data("yolo-ultralytics-save-conf.txt"), fileName: "frame.jpg", classes: ["object"])
        #expect(prediction.regions.count == 1)
        expectBox(prediction.regions.first, "object", x: 0.684115 - 0.153646 / 2, y: 0.800463 - 0.0935185 / 2,
                  w: 0.153646, h: 0.0935185, score: 0.575787)
        #expect(prediction.confidence == 0.575787)
    }

    @Test("CRLF line ends, blank lines and %g's rounding just past the edge are taken")
    func tolerances() throws {
        let text = "0 0.5 0.5 1.0000005 1 0.9\r\n\r\n1 0.25 0.25 0.5 0.5\r\n"
        let prediction = try PredictionImport.yolo(Data(text.utf8), fileName: "a.jpg", classes: ["face", "hand"])
        #expect(prediction.regions.count == 2)
        expectBox(prediction.regions.first, "face", x: 0, y: 0, w: 1, h: 1, score: 0.9)
        expectBox(prediction.regions.last, "hand", x: 0, y: 0, w: 0.5, h: 0.5, score: nil)
    }

    @Test("class names come from data.yaml as a flow list, a block list or a numbered map")
    func yamlNames() throws {
        let flow = "path: ../datasets/faces\ntrain: images/train\nnames: ['face', \"hand\", ear]  # three\n"
        #expect(try PredictionImport.yoloClasses(Data(flow.utf8), name: "data.yaml") == ["face", "hand", "ear"])
        let block = "nc: 2\nnames:\n  - face\n  - hand # second\n"
        #expect(try PredictionImport.yoloClasses(Data(block.utf8), name: "data.yml") == ["face", "hand"])
        let map = "path: ./\ntrain: train.txt\n\n# Classes\nnames:\n  1: bicycle\n  0: person\n  2: car\n\nkpt_shape: [17, 3]\n"
        #expect(try PredictionImport.yoloClasses(Data(map.utf8), name: "data.yaml") == ["person", "bicycle", "car"])
        let wrapped = "names: [face,\n  hand]\n"
        #expect(try PredictionImport.yoloClasses(Data(wrapped.utf8), name: "DATA.YAML") == ["face", "hand"])
    }

    @Test("broken and hostile YOLO lines are refused with the line number")
    func hostile() {
        let classes = ["face", "hand"]
        let cases: [(String, String, [String])] = [
            ("a class beyond the names", "0 0.5 0.5 0.1 0.1\n2 0.5 0.5 0.1 0.1\n", ["Line 2 of a.txt", "class \"2\"", "0 to 1"]),
            ("a negative class", "-1 0.5 0.5 0.1 0.1\n", ["Line 1", "class \"-1\""]),
            ("a class that is not a number", "face 0.5 0.5 0.1 0.1\n", ["Line 1", "class \"face\""]),
            ("a coordinate of 1.5", "0 1.5 0.5 0.1 0.1\n", ["Line 1", "\"1.5\" is not a number from 0 to 1"]),
            ("a coordinate of 1e308", "0 0.5 1e308 0.1 0.1\n", ["Line 1", "\"1e308\""]),
            ("NaN", "0 0.5 0.5 nan 0.1\n", ["Line 1", "\"nan\""]),
            ("more than the slack past the edge", "0 0.5 0.5 1.00001 0.1\n", ["Line 1", "\"1.00001\""]),
            ("a box reaching out of the picture", "\n\n0 0.95 0.5 0.2 0.1\n", ["Line 3", "outside the picture"]),
            ("a box with no width", "0 0.5 0.5 0 0.1\n", ["Line 1", "0.0 wide"]),
            ("a confidence of 1.2", "0 0.5 0.5 0.1 0.1 1.2\n", ["Line 1", "score is \"1.2\""]),
            ("a segmentation line", "0 0.1 0.1 0.2 0.1 0.2 0.2\n", ["Line 1", "has more than 6 columns"]),
            ("four columns", "0 0.5 0.5 0.1\n", ["Line 1", "has 4 columns"]),
            ("a 10 MB line", PredictionFixtures.huge("0.5 ", count: 2_500_000), ["Line 1", "has more than 6 columns"]),
        ]
        for (story, text, fragments) in cases {
            expectRefusal(Self.code, fragments, story: story) {
                _ = try PredictionImport.yolo(Data(text.utf8), fileName: "a.txt", classes: classes)
            }
        }
        expectRefusal(Self.code, ["not UTF-8"]) {
            _ = try PredictionImport.yolo(Data([0x30, 0x20, 0xFF, 0xFE, 0x0A]), fileName: "a.txt", classes: classes)
        }
    }

    @Test("class files that cannot name the classes are refused")
    func hostileClasses() {
        let cases: [(String, String, String, [String])] = [
            ("an empty classes.txt", "classes.txt", "\n\n", ["classes.txt is empty"]),
            ("a gap in classes.txt", "classes.txt", "face\n\nhand\n", ["Line 2 of classes.txt", "label is empty"]),
            ("a 10 MB class name", "classes.txt", PredictionFixtures.huge("faces", count: 2_000_000), ["Line 1 of classes.txt", "10000000 bytes long"]),
            ("a data.yaml without names", "data.yaml", "path: ./\ntrain: images\n", ["no \"names:\""]),
            ("numbered names with a gap", "data.yaml", "names:\n  0: face\n  2: hand\n", ["without gaps"]),
            ("a repeated class number", "data.yaml", "names:\n  0: face\n  0: hand\n", ["class number 0 is repeated"]),
            ("a list never closed", "data.yaml", "names: [face, hand\n", ["never closed"]),
            ("names as a flow map", "data.yaml", "names: {0: face}\n", ["names: must be a list"]),
            ("an empty name in a list", "data.yaml", "names: [face, , hand]\n", ["Class 1 in data.yaml", "label is empty"]),
        ]
        for (story, name, text, fragments) in cases {
            expectRefusal(Self.code, fragments, story: story) {
                _ = try PredictionImport.yoloClasses(Data(text.utf8), name: name)
            }
        }
        expectRefusal(Self.code, ["Class 0", "label is empty"]) {
            _ = try PredictionImport.yolo(Data("0 0.5 0.5 0.1 0.1\n".utf8), fileName: "a.txt", classes: [""])
        }
    }
}
