// Label Studio predictions, from the guide's own example and a real ML backend's answer, and the files refused.
import Foundation
import Testing
@testable import AnnolabCore

@Suite("Prediction import: Label Studio")
struct PredictionImportLabelStudioTests {
    static let code: LabError.Code = "invalid_predictions"

    /// One task for `sample.jpg` whose single prediction has `result` as given.
    func task(result: String, predictionExtra: String = "") -> Data {
        Data(#"[{"data": {"image": "/data/upload/3/6a3f0c1e-sample.jpg"}, "predictions": [{\#(predictionExtra)"result": [\#(result)]}]}]"#.utf8)
    }

    func box(_ value: String, extra: String = "") -> String {
        #"{"type": "rectanglelabels", "from_name": "label", "to_name": "image", \#(extra)"value": {\#(value)}}"#
    }

    @Test("the guide's example task gives two boxes in fractions, the choice, the model version and its score")
    func guideExample() throws {
        let predictions = try PredictionImport.labelStudio(PredictionFixtures.data("labelstudio-docs-predictions.json"))
        #expect(predictions.count == 1)
        let prediction = try #require(predictions.first)
        #expect(prediction.fileName == "sample.jpg")
        #expect(prediction.modelVersion == "one")
        #expect(prediction.score == 0.5)
        #expect(prediction.regions.count == 2)
        expectBox(prediction.regions.first, "Airplane", x: 0.0498, y: 0.1282, w: 0.3252, h: 0.4491, score: nil)
        expectBox(prediction.regions.last, "Car", x: 0.7547, y: 0.8233, w: 0.0574, h: 0.0740, score: nil)
        #expect(prediction.choices == [PredictedChoice(label: "Airbus")])
        #expect(prediction.tags.isEmpty)
        // No box or choice has its own score, so the prediction's own score stands for the file.
        #expect(prediction.confidence == 0.5)
    }

    @Test("the guide's example is told apart from COCO files")
    func shapes() throws {
        let tasks = try PredictionFixtures.data("labelstudio-docs-predictions.json")
        #expect(PredictionImport.isLabelStudioTasks(tasks))
        #expect(!PredictionImport.isCOCOResults(tasks))
        #expect(!PredictionImport.isCOCOFile(tasks))
    }

    @Test("a real ML backend's /predict answer becomes the prediction for the task sent, with the box scores")
    func backendAnswer() throws {
        let answer = try PredictionFixtures.data("labelstudio-ml-backend-yolo-predict.json")
        let predictions = try PredictionImport.labelStudioBackendResponse(answer, fileNames: ["001bebecea382500.jpg"])
        let prediction = try #require(predictions.first)
        #expect(predictions.count == 1)
        #expect(prediction.fileName == "001bebecea382500.jpg")
        #expect(prediction.modelVersion == "yolo")
        #expect(prediction.score == 0.44632451236248016)
        expectBox(prediction.regions.first, "Car", x: 0.219377338886261, y: 0.07984769344329834,
                  w: 0.6933701038360596, h: 0.7713761925697327, score: 0.5791077017784119)
        expectBox(prediction.regions.last, "Car", x: 0.8127312660217285, y: 0.0010521858930587769,
                  w: 0.18623733520507812, h: 0.25369155406951904, score: 0.31354132294654846)
        #expect(prediction.confidence == 0.31354132294654846)
    }

    @Test("the older bare list, a list of predictions per task and an empty answer are all read")
    func backendShapes() throws {
        let one = #"{"result": [{"type": "choices", "value": {"choices": ["cat"]}, "score": 0.9}]}"#
        let bare = try PredictionImport.labelStudioBackendResponse(Data("[\(one), null]".utf8), fileNames: ["a.jpg", "b.jpg"])
        #expect(bare.map(\.fileName) == ["a.jpg", "b.jpg"])
        #expect(bare[0].choices == [PredictedChoice(label: "cat", score: 0.9)])
        #expect(bare[1] == FilePrediction(fileName: "b.jpg"))
        let nested = try PredictionImport.labelStudioBackendResponse(
            Data(#"{"model_version": "v7", "results": [[\#(one)], []]}"#.utf8), fileNames: ["a.jpg", "b.jpg"])
        #expect(nested[0].modelVersion == "v7")
        #expect(nested[0].choices.count == 1)
        #expect(nested[1] == FilePrediction(fileName: "b.jpg", modelVersion: "v7"))
        let single = try PredictionImport.labelStudioPrediction(try #require(ExportJSON.parse(Data(one.utf8))), fileName: "c.jpg")
        #expect(single.choices == [PredictedChoice(label: "cat", score: 0.9)])
    }

    @Test("sound regions become tags, every label of them, and other result types are passed over")
    func soundAndOthers() throws {
        let result = """
            {"type": "labels", "from_name": "labels", "to_name": "audio", "score": 0.8,
             "value": {"start": 25.10367191523605, "end": 49.99549849785408, "channel": 0, "labels": ["Music", "Speech"]}},
            {"type": "polygonlabels", "value": {"points": [[1, 2], [3, 4]], "polygonlabels": ["Car"]}},
            {"type": "textarea", "value": {"text": ["hello"]}}
            """
        let data = Data(#"{"data": {"audio": "https://example.org/clips/barradeen.mp3", "title": "Not a file"}, "predictions": [{"result": [\#(result)]}, {"result": []}]}"#.utf8)
        let predictions = try PredictionImport.labelStudio(data)
        #expect(predictions.count == 2)
        #expect(predictions[0].fileName == "barradeen.mp3")
        #expect(predictions[0].tags == [
            PredictedTag(start: 25.10367191523605, end: 49.99549849785408, tag: "Music", score: 0.8),
            PredictedTag(start: 25.10367191523605, end: 49.99549849785408, tag: "Speech", score: 0.8),
        ])
        #expect(predictions[0].regions.isEmpty)
        #expect(predictions[1] == FilePrediction(fileName: "barradeen.mp3"))
    }

    @Test("tasks without predictions give nothing; the upload prefix is taken off the name")
    func tasksWithoutPredictions() throws {
        let data = Data(#"[{"data": {"image": "a.jpg"}}, {"data": {"image": "b.jpg"}, "predictions": []}, {"data": {"image": "c.jpg"}, "predictions": null}]"#.utf8)
        #expect(try PredictionImport.labelStudio(data).isEmpty)
        let named = try PredictionImport.labelStudio(task(result: box(#""x": 0, "y": 0, "width": 100, "height": 100, "rectanglelabels": ["Face"]"#)))
        #expect(named.first?.fileName == "sample.jpg")
        expectBox(named.first?.regions.first, "Face", x: 0, y: 0, w: 1, h: 1, score: nil)
    }

    @Test("a box a pixel over the edge is cut at it; more than that is refused")
    func edgeSlack() throws {
        let size = #""original_width": 200, "original_height": 100, "#
        let over = try PredictionImport.labelStudio(task(result: box(#""x": 50, "y": 0, "width": 50.4, "height": 10, "rectanglelabels": ["Face"]"#, extra: size)))
        expectBox(over.first?.regions.first, "Face", x: 0.5, y: 0, w: 0.5, h: 0.1, score: nil)
        expectRefusal(Self.code, ["Task 1, prediction 1, result 1", "outside the picture"]) {
            _ = try PredictionImport.labelStudio(task(result: box(#""x": 50, "y": 0, "width": 50.6, "height": 10, "rectanglelabels": ["Face"]"#, extra: size)))
        }
    }

    @Test("broken and hostile Label Studio files are refused with the place named")
    func hostile() {
        let face = #""rectanglelabels": ["Face"]"#
        let cases: [(String, Data, [String])] = [
            ("broken JSON", Data(#"[{"data": {"image": "a.jpg"}, "predictions": ["#.utf8), ["not valid JSON"]),
            ("NaN, which JSON does not have", task(result: box(#""x": NaN, "y": 0, "width": 1, "height": 1, \#(face)"#)), ["not valid JSON"]),
            ("a bare number", Data("42".utf8), ["single value"]),
            ("no tasks", Data("[]".utf8), ["no tasks"]),
            ("a task without data", Data(#"[{"predictions": []}]"#.utf8), ["Task 1", "\"data\""]),
            ("predictions that are not a list", Data(#"[{"data": {"image": "a.jpg"}, "predictions": {"result": []}}]"#.utf8), ["Task 1", "must be a list"]),
            ("predictions for a task without media", Data(#"[{"data": {"text": "hello there"}, "predictions": [{"result": []}]}]"#.utf8), ["Task 1", "no image or sound file"]),
            ("a prediction without result", Data(#"[{"data": {"image": "a.jpg"}, "predictions": [{"rezult": []}]}]"#.utf8), ["Task 1, prediction 1", "no \"result\""]),
            ("a result without type", task(result: #"{"value": {}}"#), ["Task 1, prediction 1, result 1", "no \"type\""]),
            ("a result that is a number", task(result: "7"), ["Task 1, prediction 1, result 1", "not an object"]),
            ("a width of 1e308", task(result: box(#""x": 10, "y": 10, "width": 1e308, "height": 5, \#(face)"#)), ["result 1", "outside the picture"]),
            ("a negative box", task(result: box(#""x": 10, "y": 10, "width": -5, "height": 5, \#(face)"#)), ["result 1", "-5.0 wide"]),
            ("a number written as text", task(result: box(#""x": "10", "y": 10, "width": 5, "height": 5, \#(face)"#)), ["result 1", "\"x\" must be a number", "the text \"10\""]),
            ("a rotated box", task(result: box(#""x": 10, "y": 10, "width": 5, "height": 5, "rotation": 30, \#(face)"#)), ["result 1", "turned by 30.0 degrees"]),
            ("a box score above 1", task(result: box(#""x": 1, "y": 1, "width": 5, "height": 5, \#(face)"#, extra: #""score": 1.5, "#)), ["result 1", "score is 1.5"]),
            ("a prediction score as text", task(result: "", predictionExtra: #""score": "high", "#), ["Task 1, prediction 1", "the text \"high\""]),
            ("an empty label", task(result: box(#""x": 1, "y": 1, "width": 5, "height": 5, "rectanglelabels": [" "]"#)), ["result 1", "label is empty"]),
            ("no labels", task(result: box(#""x": 1, "y": 1, "width": 5, "height": 5, "rectanglelabels": []"#)), ["result 1", "at least one label"]),
            ("a 10 MB label", task(result: box(#""x": 1, "y": 1, "width": 5, "height": 5, "rectanglelabels": ["\#(PredictionFixtures.huge("faces", count: 2_000_000))"]"#)),
             ["result 1", "10000000 bytes long"]),
            ("a sound region that ends before it starts", task(result: #"{"type": "labels", "value": {"start": 5, "end": 4, "labels": ["Music"]}}"#), ["result 1", "from 5.0 to 4.0 seconds"]),
            ("nesting 10 000 lists deep", Data((#"[{"data": {"image": "a.jpg"}, "predictions": "# + PredictionFixtures.huge("[", count: 10_000) + PredictionFixtures.huge("]", count: 10_000) + "}]").utf8),
             ["not valid JSON"]),
        ]
        for (story, data, fragments) in cases {
            expectRefusal(Self.code, fragments, story: story) {
                _ = try PredictionImport.labelStudio(data)
            }
        }
    }

    @Test("a model that answers for the wrong number of tasks, or not in Label Studio's shape, is refused")
    func hostileBackend() {
        let one = #"{"result": []}"#
        expectRefusal(Self.code, ["answered with 1 predictions for 2 tasks"]) {
            _ = try PredictionImport.labelStudioBackendResponse(Data(#"{"results": [\#(one)]}"#.utf8), fileNames: ["a.jpg", "b.jpg"])
        }
        expectRefusal(Self.code, ["no \"results\" list"]) {
            _ = try PredictionImport.labelStudioBackendResponse(Data(#"{"predictions": [\#(one)]}"#.utf8), fileNames: ["a.jpg"])
        }
        expectRefusal(Self.code, ["not valid JSON"]) {
            _ = try PredictionImport.labelStudioBackendResponse(Data("<html>502 Bad Gateway</html>".utf8), fileNames: ["a.jpg"])
        }
        expectRefusal(Self.code, ["The model's prediction for task 2, result 1", "score is 7"]) {
            let bad = #"{"result": [{"type": "choices", "score": 7, "value": {"choices": ["cat"]}}]}"#
            _ = try PredictionImport.labelStudioBackendResponse(Data("[\(one), \(bad)]".utf8), fileNames: ["a.jpg", "b.jpg"])
        }
    }
}
