// Label Studio JSON: tasks with the consensus boxes as pre-annotations, ready to import into Label Studio.
//
// Format: Label Studio's "Import pre-annotated data" guide (labelstud.io/guide/predictions,
// "Import bbox and choice pre-annotations for images") and the RectangleLabels tag's result
// JSON (labelstud.io/tags/rectanglelabels).
import Foundation

/// Writes the consensus boxes as a list of Label Studio tasks.
///
/// Each image becomes one task:
/// ```json
/// {"data": {"image": "<url or upload name>"},
///  "predictions": [{"model_version": "annolab-consensus", "score": 0.91, "result": [
///    {"id": "annolab-1-1", "type": "rectanglelabels", "from_name": "label", "to_name": "image",
///     "original_width": 1920, "original_height": 1080, "image_rotation": 0,
///     "value": {"x": 10.5, "y": 20, "width": 5.2, "height": 9.26, "rotation": 0,
///               "rectanglelabels": ["car"]},
///     "score": 0.93}]}]}
/// ```
/// `x`, `y`, `width` and `height` are percentages (0...100) of the image's width and height,
/// four decimals, the box clipped to the image first. `data.image` is the image's `url` when
/// set, else its upload name.
///
/// The consensus goes in `predictions`, not `annotations`: in Label Studio an annotation is
/// work a person submitted in Label Studio, while a prediction is a pre-annotation from
/// elsewhere that carries a confidence. Each region keeps its own confidence as the result's
/// `score` (as Label Studio's own YOLO converter writes it); the prediction's `score` is the
/// mean over its boxes (absent when there are none), which Label Studio's Data Manager sorts
/// by. An image without boxes still gets a prediction with an empty result, meaning "nothing
/// here". `from_name` and `to_name` must match the project's labeling config;
/// ``labelingConfig(labels:)`` gives one that does.
///
/// ```swift
/// let data = LabelStudioExport().write(images)
/// let config = LabelStudioExport().labelingConfig(labels: ["car", "person"])
/// ```
public struct LabelStudioExport: Sendable {
    public var fromName: String
    public var toName: String
    public var modelVersion: String

    public init(fromName: String = "label", toName: String = "image", modelVersion: String = "annolab-consensus") {
        self.fromName = fromName
        self.toName = toName
        self.modelVersion = modelVersion
    }

    public func write(_ images: [ImageAnnotations]) -> Data {
        json(images).data()
    }

    /// The task list as a JSON value.
    public func json(_ images: [ImageAnnotations]) -> ExportJSON {
        .array(images.sortedByFileName().enumerated().map { n, image in task(image, number: n + 1) })
    }

    private func task(_ image: ImageAnnotations, number: Int) -> ExportJSON {
        let boxes = image.width > 0 && image.height > 0 ? image.exportBoxes : []
        let results = self.results(boxes, image: image, number: number, prefix: "annolab")
        if let model = image.modelBoxes {
            // A project that started from a client's model: the model's predictions and the lab's
            // labels apart, as Label Studio keeps them; each label says where it came from.
            let modelBoxes = image.width > 0 && image.height > 0 ? model.compactMap { $0.clipped(width: image.width, height: image.height) } : []
            return .object([
                "data": .object([toName: .string(image.url ?? image.fileName)]),
                "annotations": .array([.object(["result": .array(results), "ground_truth": .bool(false)])]),
                "predictions": .array([.object(["model_version": .string(image.modelVersion ?? "unnamed"),
                                                "result": .array(self.results(modelBoxes, image: image, number: number, prefix: "model"))])]),
            ])
        }
        var prediction: [String: ExportJSON] = [
            "model_version": .string(modelVersion),
            "result": .array(results),
        ]
        if !boxes.isEmpty {
            prediction["score"] = .fixed(boxes.map(\.confidence).reduce(0, +) / Double(boxes.count), places: 4)
        }
        return .object([
            "data": .object([toName: .string(image.url ?? image.fileName)]),
            "predictions": .array([.object(prediction)]),
        ])
    }

    private func results(_ boxes: [ExportBox], image: ImageAnnotations, number: Int, prefix: String) -> [ExportJSON] {
        let width = Double(image.width), height = Double(image.height)
        return boxes.enumerated().map { b, box in
            var result: [String: ExportJSON] = [
                "id": .string("\(prefix)-\(number)-\(b + 1)"),
                "type": .string("rectanglelabels"),
                "from_name": .string(fromName),
                "to_name": .string(toName),
                "original_width": .int(image.width),
                "original_height": .int(image.height),
                "image_rotation": .int(0),
                "value": .object([
                    "x": .fixed(min(max(box.x / width * 100, 0), 100), places: 4),
                    "y": .fixed(min(max(box.y / height * 100, 0), 100), places: 4),
                    "width": .fixed(min(max(box.w / width * 100, 0), 100), places: 4),
                    "height": .fixed(min(max(box.h / height * 100, 0), 100), places: 4),
                    "rotation": .int(0),
                    "rectanglelabels": .array([.string(box.label)]),
                ]),
                "score": .fixed(box.confidence, places: 4),
            ]
            if let origin = box.origin { result["meta"] = .object(["origin": .string(origin)]) }
            return .object(result)
        }
    }

    /// A labeling config for a Label Studio project that these tasks fit.
    public func labelingConfig(labels: [String]) -> String {
        let e = XMLText.escape
        var xml = "<View>\n  <Image name=\"\(e(toName))\" value=\"$\(e(toName))\"/>\n"
        xml += "  <RectangleLabels name=\"\(e(fromName))\" toName=\"\(e(toName))\">\n"
        for label in labels { xml += "    <Label value=\"\(e(label))\"/>\n" }
        xml += "  </RectangleLabels>\n</View>\n"
        return xml
    }
}
