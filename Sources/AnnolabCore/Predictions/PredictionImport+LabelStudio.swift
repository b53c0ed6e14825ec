// Reads the predictions in Label Studio task files and in the answers of a Label Studio ML backend.
//
// Format: Label Studio's guide "Import pre-annotated data" (labelstud.io/guide/predictions): a
// task's "predictions" is a list of {"model_version"?, "score"?, "result": [...]}; each result
// item has a "type" and a "value", and rectangles are in percent of the picture. A live ML
// backend (the label-studio-ml package, api.py `/predict`) answers {"results": [...]} with one
// prediction (or a list of them) per task sent, in the order of the tasks.
import Foundation

extension PredictionImport {
    /// The predictions in a Label Studio task file (a list of tasks, or one task): one
    /// ``FilePrediction`` per prediction, named after the task's media file
    /// (``LabelStudioMedia/originalName``, so the upload prefix `6a3f0c1e-` is gone).
    ///
    /// Result items of type `rectanglelabels` become boxes (the first label of a box is taken:
    /// a box the lab shows carries one label), `choices` become choices and `labels` with
    /// `start` and `end` in seconds become sound tags (every label of them). Other types
    /// (polygons, key points, text areas) are skipped: the lab does not verify them. A rotated
    /// rectangle is refused, since an upright box drawn from it would not be what the model said.
    /// Tasks without predictions give nothing. Refusals have code `invalid_predictions`.
    public static func labelStudio(_ data: Data) throws -> [FilePrediction] {
        guard let root = parse(data) else {
            throw invalidLS("This file is not valid JSON. Export the tasks from Label Studio with the JSON format and upload that file.")
        }
        let tasks: [ExportJSON]
        switch root {
        case .array(let list): tasks = list
        case .object: tasks = [root]
        default: throw invalidLS("This file holds a single value, not Label Studio tasks. A task file is a list of tasks, each with a \"data\" object.")
        }
        guard !tasks.isEmpty else { throw invalidLS("This file has no tasks in it.") }
        guard tasks.count <= maximumPredictions else {
            throw invalidLS("This file has \(tasks.count) tasks; at most \(maximumPredictions) can be imported at once. Split the file and import the parts.")
        }
        var predictions: [FilePrediction] = []
        for (n, task) in tasks.enumerated() {
            let place = "task \(n + 1)"
            guard let fields = task.objectValue, let taskData = fields["data"]?.objectValue else {
                throw invalidLS("Task \(n + 1) has no \"data\" object, so Annolab cannot tell which file it is about.")
            }
            guard let listed = fields["predictions"], listed != .null else { continue }
            guard let list = listed.arrayValue else {
                throw invalidLS("Task \(n + 1): \"predictions\" must be a list of predictions, but it is \(describe(listed)).")
            }
            guard !list.isEmpty else { continue }
            guard let name = mediaName(taskData) else {
                throw invalidLS("Task \(n + 1) has no image or sound file in its \"data\" (such as \"image\": \"https://.../photo.jpg\"), so its predictions belong to nothing.")
            }
            for (p, prediction) in list.enumerated() {
                predictions.append(try labelStudioPrediction(prediction, fileName: name, at: "\(place), prediction \(p + 1)"))
            }
            guard predictions.count <= maximumPredictions else {
                throw invalidLS("This file has more than \(maximumPredictions) predictions; split it and import the parts.")
            }
        }
        return predictions
    }

    /// One prediction object (`{"result": [...], "score"?, "model_version"?}`) for `fileName`,
    /// as a live model returns it for one task.
    public static func labelStudioPrediction(_ prediction: ExportJSON, fileName: String) throws -> FilePrediction {
        try labelStudioPrediction(prediction, fileName: fileName, at: "the prediction")
    }

    /// What a Label Studio ML backend's `POST /predict` answered for the tasks of `fileNames`,
    /// in the same order: `{"results": [...], "model_version"?}` (or the older bare list). A
    /// task's entry may be one prediction or a list of them (the first is taken); an empty list
    /// or null means the model found nothing. A count that differs from the tasks sent is refused.
    public static func labelStudioBackendResponse(_ data: Data, fileNames: [String]) throws -> [FilePrediction] {
        guard let root = parse(data) else {
            throw invalidLS("The model's answer is not valid JSON. A Label Studio ML backend answers /predict with {\"results\": [...]}.")
        }
        let entries: [ExportJSON]
        var version: String?
        switch root {
        case .object(let fields):
            guard let results = fields["results"]?.arrayValue else {
                throw invalidLS("The model's answer has no \"results\" list. A Label Studio ML backend answers /predict with {\"results\": [...]}.")
            }
            entries = results
            version = try modelVersion(fields["model_version"], at: "the model's answer")
        case .array(let list):
            entries = list
        default:
            throw invalidLS("The model's answer is \(describe(root)), not a list of predictions.")
        }
        guard entries.count == fileNames.count else {
            throw invalidLS("The model answered with \(entries.count) predictions for \(fileNames.count) tasks; it must answer once for each task, in the order they were sent.")
        }
        return try zip(fileNames, entries).enumerated().map { n, pair in
            let (name, entry) = pair
            let place = "the model's prediction for task \(n + 1)"
            switch entry {
            case .null:
                return FilePrediction(fileName: name, modelVersion: version)
            case .array(let several):
                guard let first = several.first else { return FilePrediction(fileName: name, modelVersion: version) }
                return try labelStudioPrediction(first, fileName: name, at: place, defaultVersion: version)
            default:
                return try labelStudioPrediction(entry, fileName: name, at: place, defaultVersion: version)
            }
        }
    }

    // MARK: One prediction

    static func labelStudioPrediction(_ value: ExportJSON, fileName: String, at place: String,
                                      defaultVersion: String? = nil) throws -> FilePrediction {
        guard let fields = value.objectValue else {
            throw invalidLS("\(place.capitalizedFirst) is \(describe(value)), not an object with a \"result\" list.")
        }
        guard let results = fields["result"]?.arrayValue else {
            throw invalidLS("\(place.capitalizedFirst) has no \"result\" list.")
        }
        guard results.count <= maximumBoxesPerFile else {
            throw invalidLS("\(place.capitalizedFirst) has \(results.count) results; at most \(maximumBoxesPerFile) are taken for one file.")
        }
        var prediction = FilePrediction(
            fileName: fileName,
            modelVersion: try modelVersion(fields["model_version"], at: place) ?? defaultVersion,
            score: try score(fields["score"], at: place, code: invalidPredictions))
        for (r, item) in results.enumerated() {
            try addResult(item, to: &prediction, at: "\(place), result \(r + 1)")
            guard prediction.regions.count + prediction.choices.count + prediction.tags.count <= maximumBoxesPerFile else {
                throw invalidLS("\(place.capitalizedFirst) has more than \(maximumBoxesPerFile) boxes, choices and tags; at most that many are taken for one file.")
            }
        }
        return prediction
    }

    private static func addResult(_ item: ExportJSON, to prediction: inout FilePrediction, at place: String) throws {
        guard let fields = item.objectValue else {
            throw invalidLS("\(place.capitalizedFirst) is \(describe(item)), not an object with a \"type\" and a \"value\".")
        }
        guard let type = fields["type"]?.stringValue else {
            throw invalidLS("\(place.capitalizedFirst) has no \"type\" (such as \"rectanglelabels\").")
        }
        guard ["rectanglelabels", "choices", "labels"].contains(type) else { return }
        guard let value = fields["value"]?.objectValue else {
            throw invalidLS("\(place.capitalizedFirst) has no \"value\" object.")
        }
        let itemScore = try score(fields["score"], at: place, code: invalidPredictions)
        switch type {
        case "rectanglelabels":
            let names = try labels(value["rectanglelabels"], key: "rectanglelabels", at: place)
            let box = try percentBox(value, fields: fields, at: place)
            prediction.regions.append(PredictedRegion(label: names[0], x: box.x, y: box.y, w: box.w, h: box.h, score: itemScore))
        case "choices":
            for name in try labels(value["choices"], key: "choices", at: place) {
                prediction.choices.append(PredictedChoice(label: name, score: itemScore))
            }
        default:
            let start = try requiredNumber(value["start"], "start", at: place, code: invalidPredictions)
            let end = try requiredNumber(value["end"], "end", at: place, code: invalidPredictions)
            guard start >= 0, start < end else {
                throw invalidLS("\(place.capitalizedFirst): the sound region runs from \(start) to \(end) seconds; it must start at 0 or later and end after it starts.")
            }
            for name in try labels(value["labels"], key: "labels", at: place) {
                prediction.tags.append(PredictedTag(start: start, end: end, tag: name, score: itemScore))
            }
        }
    }

    /// A rectangle in percent of the picture as fractions, after checking that it is upright,
    /// has a size and lies in the picture (give or take one pixel, or 0.1 % without a size).
    private static func percentBox(_ value: [String: ExportJSON], fields: [String: ExportJSON], at place: String) throws -> (x: Double, y: Double, w: Double, h: Double) {
        let x = try requiredNumber(value["x"], "x", at: place, code: invalidPredictions)
        let y = try requiredNumber(value["y"], "y", at: place, code: invalidPredictions)
        let w = try requiredNumber(value["width"], "width", at: place, code: invalidPredictions)
        let h = try requiredNumber(value["height"], "height", at: place, code: invalidPredictions)
        if let rotation = value["rotation"], rotation != .null {
            let degrees = try requiredNumber(rotation, "rotation", at: place, code: invalidPredictions)
            guard degrees.truncatingRemainder(dividingBy: 360) == 0 else {
                throw invalidLS("\(place.capitalizedFirst): the box is turned by \(degrees) degrees. Annolab checks upright boxes only; send the box without rotation.")
            }
        }
        guard w > 0, h > 0 else {
            throw invalidLS("\(place.capitalizedFirst): the box is \(w) wide and \(h) high; a box needs a width and a height above 0.")
        }
        let slackX = onePixel(fields["original_width"])
        let slackY = onePixel(fields["original_height"])
        guard x >= -slackX, y >= -slackY, x + w <= 100 + slackX, y + h <= 100 + slackY else {
            throw invalidLS("\(place.capitalizedFirst): the box (x \(x), y \(y), width \(w), height \(h), in percent) reaches outside the picture. Label Studio gives boxes in percent, 0 to 100.")
        }
        let left = max(0, x), top = max(0, y)
        let right = min(100, x + w), bottom = min(100, y + h)
        return (left / 100, top / 100, (right - left) / 100, (bottom - top) / 100)
    }

    /// One pixel in percent of a side `size` pixels long, kept between 0.01 % and 1 %.
    private static func onePixel(_ size: ExportJSON?) -> Double {
        guard let pixels = number(size), pixels > 0 else { return 0.1 }
        return min(1, max(0.01, 100 / pixels))
    }

    /// The labels of a result: a non-empty list of readable labels.
    private static func labels(_ value: ExportJSON?, key: String, at place: String) throws -> [String] {
        guard let list = value?.arrayValue, !list.isEmpty else {
            throw invalidLS("\(place.capitalizedFirst): \"\(key)\" must be a list with at least one label.")
        }
        guard list.count <= maximumBoxesPerFile else {
            throw invalidLS("\(place.capitalizedFirst): \"\(key)\" has \(list.count) labels; at most \(maximumBoxesPerFile) are taken.")
        }
        return try list.map { item in
            guard let text = item.stringValue else {
                throw invalidLS("\(place.capitalizedFirst): a label in \"\(key)\" is \(describe(item)), not text.")
            }
            return try label(text, at: place, code: invalidPredictions)
        }
    }

    /// The model version as text (Label Studio writes it as text; numbers are taken too).
    private static func modelVersion(_ value: ExportJSON?, at place: String) throws -> String? {
        switch value {
        case .string(let text)?:
            let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !trimmed.isEmpty else { return nil }
            guard trimmed.utf8.count <= maximumLabelLength else {
                throw invalidLS("\(place.capitalizedFirst): the model version is \(trimmed.utf8.count) bytes long; at most \(maximumLabelLength) are kept.")
            }
            return trimmed
        case .int(let whole)?: return String(whole)
        case .number(let text)?: return text
        default: return nil
        }
    }

    /// The task's media file: an image, sound or video reference first, else any file reference.
    private static func mediaName(_ data: [String: ExportJSON]) -> String? {
        let references = data.keys.sorted(by: ExportJSON.keyOrder).compactMap { key in
            data[key]?.stringValue.flatMap { LabelStudioImport.reference(key: key, value: $0) }
        }
        let media = references.first { [.image, .audio, .video].contains($0.kind) } ?? references.first
        return media?.originalName
    }

    private static func invalidLS(_ message: String) -> LabError {
        refusal(invalidPredictions, message)
    }
}
