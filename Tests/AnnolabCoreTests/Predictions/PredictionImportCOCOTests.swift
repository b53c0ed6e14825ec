// COCO detection results written by the COCO team's tools, turned into boxes per picture, and the files refused.
import Foundation
import Testing
@testable import AnnolabCore

@Suite("Prediction import: COCO results")
struct PredictionImportCOCOTests {
    static let code: LabError.Code = "invalid_coco_results"

    /// A COCO file with one picture of 640 by 478 pixels (as COCO's image 42) and two categories.
    static let images = Data(#"{"images": [{"id": 42, "file_name": "COCO_val2014_000000000042.jpg", "width": 640, "height": 478}], "categories": [{"id": 1, "name": "person"}, {"id": 18, "name": "dog"}]}"#.utf8)

    func results(_ items: String) -> Data {
        Data("[\(items)]".utf8)
    }

    @Test("cocoapi's fake detections for images 42, 73 and 74 become boxes in fractions of each picture")
    func cocoapiResults() throws {
        let predictions = try PredictionImport.cocoResults(
            PredictionFixtures.data("coco-fakebbox100-results.json"), images: PredictionFixtures.data("coco-val2014-images.json"))
        #expect(predictions.map(\.fileName) == ["COCO_val2014_000000000042.jpg", "COCO_val2014_000000000073.jpg", "COCO_val2014_000000000074.jpg"])
        #expect(predictions.map(\.regions.count) == [1, 2, 8])
        // Image 42 is 640 by 478 pixels.
        expectBox(predictions[0].regions.first, "dog", x: 258.15 / 640, y: 41.29 / 478, w: 348.26 / 640, h: 243.78 / 478, score: 0.236)
        // Image 73 stands upright, 565 by 640; its hydrant box reaches exactly the right edge.
        expectBox(predictions[1].regions.first, "fire hydrant", x: 61.0 / 565, y: 22.75 / 640, w: 504.0 / 565, h: 609.67 / 640, score: 0.318)
        expectBox(predictions[1].regions.last, "motorcycle", x: 12.66 / 565, y: 3.32 / 640, w: 268.6 / 565, h: 271.91 / 640, score: 0.726)
        // Image 74 is 640 by 426.
        expectBox(predictions[2].regions.first, "dog", x: 87.87 / 640, y: 276.25 / 426, w: 296.42 / 640, h: 103.18 / 426, score: 0.546)
        expectBox(predictions[2].regions[1], "bicycle", x: 0, y: 3.66 / 426, w: 142.15 / 640, h: 312.4 / 426, score: 0.3)
        expectBox(predictions[2].regions.last, "person", x: 281.65 / 640, y: 103.41 / 426, w: 11.69 / 640, h: 24.25 / 426, score: 0.087)
        #expect(predictions[2].confidence == 0.087)
        #expect(predictions.allSatisfy { $0.modelVersion == nil && $0.choices.isEmpty && $0.tags.isEmpty })
    }

    @Test("the results and the COCO file are told apart from each other and from Label Studio tasks")
    func shapes() throws {
        let results = try PredictionFixtures.data("coco-fakebbox100-results.json")
        let file = try PredictionFixtures.data("coco-val2014-images.json")
        #expect(PredictionImport.isCOCOResults(results))
        #expect(!PredictionImport.isCOCOFile(results))
        #expect(!PredictionImport.isLabelStudioTasks(results))
        #expect(PredictionImport.isCOCOFile(file))
        #expect(!PredictionImport.isCOCOResults(file))
        #expect(!PredictionImport.isLabelStudioTasks(file))
        #expect(!PredictionImport.isCOCOResults(Data("not json".utf8)))
    }

    @Test("a box less than a pixel over the edge is cut at it; a box without a score keeps none")
    func edge() throws {
        let predictions = try PredictionImport.cocoResults(
            results(#"{"image_id": 42, "category_id": 1, "bbox": [600, -0.5, 40.5, 100]}"#), images: Self.images)
        expectBox(predictions.first?.regions.first, "person", x: 600.0 / 640, y: 0, w: 40.0 / 640, h: 99.5 / 478, score: nil)
    }

    @Test("broken and hostile COCO results are refused with the result named")
    func hostile() {
        let dog = #""image_id": 42, "category_id": 18"#
        let cases: [(String, Data, [String])] = [
            ("broken JSON", Data(#"[{"image_id": 42"#.utf8), ["not valid JSON"]),
            ("an object, not a list", Data(#"{"image_id": 42}"#.utf8), ["not a list"]),
            ("an unknown image", results(#"{"image_id": 999, "category_id": 18, "bbox": [1, 1, 5, 5], "score": 0.5}"#), ["Result 1", "image_id 999"]),
            ("an image id as text", results(#"{"image_id": "42", "category_id": 18, "bbox": [1, 1, 5, 5]}"#), ["Result 1", "image_id the text \"42\""]),
            ("an unknown category", results(#"{"image_id": 42, "category_id": 3, "bbox": [1, 1, 5, 5]}"#), ["Result 1", "category_id 3"]),
            ("a box more than a pixel past the right edge", results(#"{\#(dog), "bbox": [1, 1, 5, 5]}, {\#(dog), "bbox": [600, 10, 42, 10]}"#), ["Result 2", "outside COCO_val2014_000000000042.jpg", "640.0 by 478.0"]),
            ("a negative size", results(#"{\#(dog), "bbox": [100, 10, -42, 10]}"#), ["Result 1", "-42.0 wide"]),
            ("a width of 1e308", results(#"{\#(dog), "bbox": [100, 10, 1e308, 10]}"#), ["Result 1", "outside"]),
            ("NaN, which JSON does not have", results(#"{\#(dog), "bbox": [NaN, 10, 4, 10]}"#), ["not valid JSON"]),
            ("a coordinate as text", results(#"{\#(dog), "bbox": [100, "10", 4, 10]}"#), ["Result 1", "\"bbox y\" must be a number"]),
            ("three numbers", results(#"{\#(dog), "bbox": [100, 10, 4]}"#), ["Result 1", "4 numbers"]),
            ("a score of 2", results(#"{\#(dog), "bbox": [100, 10, 4, 4], "score": 2}"#), ["Result 1", "score is 2"]),
            ("a list inside the list", results(#"[1, 2]"#), ["Result 1", "not an object"]),
        ]
        for (story, data, fragments) in cases {
            expectRefusal(Self.code, fragments, story: story) {
                _ = try PredictionImport.cocoResults(data, images: Self.images)
            }
        }
    }

    @Test("a COCO file that cannot name the pictures is refused before any result is read")
    func hostileCOCOFile() {
        let one = results(#"{"image_id": 42, "category_id": 18, "bbox": [1, 1, 5, 5]}"#)
        let files: [(String, String, [String])] = [
            ("no categories", #"{"images": []}"#, ["no \"images\" and \"categories\""]),
            ("a picture without a size", #"{"images": [{"id": 42, "file_name": "a.jpg"}], "categories": []}"#, ["Image 1 of the COCO file", "\"width\" must be a number"]),
            ("a picture of no pixels", #"{"images": [{"id": 42, "file_name": "a.jpg", "width": 0, "height": 10}], "categories": []}"#, ["Image 1 of the COCO file", "0.0 by 10.0"]),
            ("a repeated image id", #"{"images": [{"id": 42, "file_name": "a.jpg", "width": 5, "height": 5}, {"id": 42, "file_name": "b.jpg", "width": 5, "height": 5}], "categories": []}"#, ["Image 2", "repeats the id 42"]),
            ("a category named by 10 MB", #"{"images": [], "categories": [{"id": 18, "name": "\#(PredictionFixtures.huge("dogs!", count: 2_000_000))"}]}"#, ["Category 1 of the COCO file", "10000000 bytes long"]),
        ]
        for (story, file, fragments) in files {
            expectRefusal(Self.code, fragments, story: story) {
                _ = try PredictionImport.cocoResults(one, images: Data(file.utf8))
            }
        }
    }
}
