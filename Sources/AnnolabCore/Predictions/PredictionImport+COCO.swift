// Reads COCO detection results, the list of boxes a detector writes for the COCO evaluation tools.
//
// Format: cocodataset.org "Results Format" (and cocoapi's results/*_results.json): a JSON list
// of {"image_id", "category_id", "bbox": [x, y, width, height] in pixels from the top-left
// corner, "score"}. The images and category names come from a COCO file beside it: "images"
// [{"id", "file_name", "width", "height"}] and "categories" [{"id", "name"}].
import Foundation

extension PredictionImport {
    /// The boxes of a COCO results file as fractions of each picture, one ``FilePrediction`` per
    /// image that has results, in the order the images first appear in the results.
    ///
    /// An unknown `image_id` or `category_id`, a box with no size, a box reaching more than one
    /// pixel outside its picture (a box just over the edge is cut at it), a score outside 0...1
    /// and anything that is not a number are refused with code `invalid_coco_results`, naming
    /// the result by its place in the list.
    public static func cocoResults(_ results: Data, images: Data) throws -> [FilePrediction] {
        let catalogue = try COCOCatalogue(images)
        guard let root = parse(results) else {
            throw invalidCOCO("The results file is not valid JSON. COCO detection results are a list of {\"image_id\", \"category_id\", \"bbox\", \"score\"}.")
        }
        guard let list = root.arrayValue else {
            throw invalidCOCO("The results file is \(describe(root)), not a list. COCO detection results are a list of {\"image_id\", \"category_id\", \"bbox\", \"score\"}.")
        }
        guard list.count <= maximumPredictions else {
            throw invalidCOCO("The results file has \(list.count) boxes; at most \(maximumPredictions) can be imported at once. Split it and import the parts.")
        }
        var order: [Int64] = []
        var byImage: [Int64: FilePrediction] = [:]
        for (n, item) in list.enumerated() {
            let place = "result \(n + 1)"
            guard let fields = item.objectValue else {
                throw invalidCOCO("Result \(n + 1) is \(describe(item)), not an object with \"image_id\", \"category_id\" and \"bbox\".")
            }
            guard case .int(let imageID)? = fields["image_id"], let image = catalogue.images[imageID] else {
                throw invalidCOCO("Result \(n + 1) names image_id \(fields["image_id"].map(describe) ?? "nothing"), which is not among the images of the COCO file.")
            }
            guard case .int(let categoryID)? = fields["category_id"], let category = catalogue.categories[categoryID] else {
                throw invalidCOCO("Result \(n + 1) names category_id \(fields["category_id"].map(describe) ?? "nothing"), which is not among the categories of the COCO file.")
            }
            let region = try pixelBox(fields["bbox"], in: image, label: category, score: try score(fields["score"], at: place, code: invalidCOCOResults), at: place)
            if byImage[imageID] == nil {
                order.append(imageID)
                byImage[imageID] = FilePrediction(fileName: image.fileName)
            }
            byImage[imageID]?.regions.append(region)
            guard (byImage[imageID]?.regions.count ?? 0) <= maximumBoxesPerFile else {
                throw invalidCOCO("Image \(image.fileName.clippedForMessage) has more than \(maximumBoxesPerFile) boxes (at result \(n + 1)); at most that many are taken for one picture.")
            }
        }
        return order.compactMap { byImage[$0] }
    }

    /// A COCO `bbox` in pixels as a region in fractions of `image`.
    private static func pixelBox(_ value: ExportJSON?, in image: COCOCatalogue.Image, label: String, score: Double?, at place: String) throws -> PredictedRegion {
        guard let items = value?.arrayValue, items.count == 4 else {
            throw invalidCOCO("\(place.capitalizedFirst): \"bbox\" must be a list of 4 numbers [x, y, width, height].")
        }
        let names = ["x", "y", "width", "height"]
        let numbers = try items.enumerated().map { i, item in
            try requiredNumber(item, "bbox " + names[i], at: place, code: invalidCOCOResults)
        }
        let (x, y, w, h) = (numbers[0], numbers[1], numbers[2], numbers[3])
        guard w > 0, h > 0 else {
            throw invalidCOCO("\(place.capitalizedFirst): the box is \(w) wide and \(h) high; a box needs a width and a height above 0.")
        }
        guard x >= -1, y >= -1, x + w <= image.width + 1, y + h <= image.height + 1 else {
            throw invalidCOCO("\(place.capitalizedFirst): the box [\(x), \(y), \(w), \(h)] reaches outside \(image.fileName.clippedForMessage), which is \(image.width) by \(image.height) pixels. COCO boxes are [x, y, width, height] in pixels.")
        }
        let left = max(0, x), top = max(0, y)
        let right = min(image.width, x + w), bottom = min(image.height, y + h)
        return PredictedRegion(label: label, x: left / image.width, y: top / image.height,
                               w: (right - left) / image.width, h: (bottom - top) / image.height, score: score)
    }

    static func invalidCOCO(_ message: String) -> LabError {
        refusal(invalidCOCOResults, message)
    }
}

/// The images and categories of a COCO file, by id.
struct COCOCatalogue {
    struct Image {
        var fileName: String
        var width: Double
        var height: Double
    }

    var images: [Int64: Image] = [:]
    var categories: [Int64: String] = [:]

    init(_ data: Data) throws {
        guard let root = PredictionImport.parse(data)?.objectValue else {
            throw PredictionImport.invalidCOCO("The COCO file is not a JSON object. Upload the COCO file (with \"images\" and \"categories\") that the results refer to.")
        }
        guard let images = root["images"]?.arrayValue, let categories = root["categories"]?.arrayValue else {
            throw PredictionImport.invalidCOCO("The COCO file has no \"images\" and \"categories\" lists, so the results cannot be matched to pictures and names.")
        }
        guard images.count <= PredictionImport.maximumPredictions, categories.count <= PredictionImport.maximumBoxesPerFile else {
            throw PredictionImport.invalidCOCO("The COCO file lists \(images.count) images and \(categories.count) categories; at most \(PredictionImport.maximumPredictions) images and \(PredictionImport.maximumBoxesPerFile) categories are taken.")
        }
        for (n, item) in images.enumerated() {
            let place = "image \(n + 1) of the COCO file"
            guard let fields = item.objectValue, case .int(let id)? = fields["id"] else {
                throw PredictionImport.invalidCOCO("Image \(n + 1) of the COCO file has no whole-number \"id\".")
            }
            guard let name = fields["file_name"]?.stringValue, !name.trimmingCharacters(in: .whitespaces).isEmpty,
                  name.utf8.count <= 1024 else {
                throw PredictionImport.invalidCOCO("Image \(n + 1) of the COCO file has no usable \"file_name\".")
            }
            let width = try PredictionImport.requiredNumber(fields["width"], "width", at: place, code: PredictionImport.invalidCOCOResults)
            let height = try PredictionImport.requiredNumber(fields["height"], "height", at: place, code: PredictionImport.invalidCOCOResults)
            guard width >= 1, height >= 1 else {
                throw PredictionImport.invalidCOCO("Image \(n + 1) of the COCO file is \(width) by \(height) pixels; a picture is at least 1 by 1.")
            }
            guard self.images[id] == nil else {
                throw PredictionImport.invalidCOCO("Image \(n + 1) of the COCO file repeats the id \(id).")
            }
            self.images[id] = Image(fileName: name, width: width, height: height)
        }
        for (n, item) in categories.enumerated() {
            let place = "category \(n + 1) of the COCO file"
            guard let fields = item.objectValue, case .int(let id)? = fields["id"], let name = fields["name"]?.stringValue else {
                throw PredictionImport.invalidCOCO("Category \(n + 1) of the COCO file needs a whole-number \"id\" and a \"name\".")
            }
            guard self.categories[id] == nil else {
                throw PredictionImport.invalidCOCO("Category \(n + 1) of the COCO file repeats the id \(id).")
            }
            self.categories[id] = try PredictionImport.label(name, at: place, code: PredictionImport.invalidCOCOResults)
        }
    }
}
