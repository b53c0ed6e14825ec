// COCO JSON: the object-detection format of Microsoft COCO, read by pycocotools and most trainers.
//
// Lin et al., "Microsoft COCO: Common Objects in Context", ECCV 2014; the file layout is the
// one documented at https://cocodataset.org/#format-data ("Object Detection").
import Foundation

/// Writes the consensus boxes of a project as one COCO JSON file.
///
/// - `images`: one entry per image, sorted by file name, ids from 1, with `file_name` (the
///   upload name), `width` and `height`.
/// - `categories`: the project's labels in order (see ``ExportLabels``), ids from 1, with
///   `supercategory` `"object"`.
/// - `annotations`: one per box, ids from 1, `bbox` `[x, y, width, height]` in pixels from the
///   top-left corner (clipped to the image, two decimals), `area` = width x height, `iscrowd`
///   0, and `score`, the consensus confidence (0...1): the field COCO uses for detection
///   results, which loaders of ground truth ignore. No `segmentation` is written: the boxes
///   are boxes.
/// - `info` and `licenses` are present (empty licenses) because some readers require them.
///
/// Keys are sorted and numbers written in a fixed form, so the same consensus always gives the
/// same bytes.
///
/// ```swift
/// let data = COCOExport().write(images, labels: ["car", "person"])
/// ```
public struct COCOExport: Sendable {
    public init() {}

    public func write(_ images: [ImageAnnotations], labels: [String]) -> Data {
        var pieces = COCOPieces(images: SortedImages(images), categories: ExportLabels.resolve(labels, images: images))
        // Pictures in memory cannot fail to give their boxes.
        return Data((try? pieces.collect()) ?? [])
    }

    /// The same file in pieces, for a streamed download (see ``COCOPieces``); `categories`
    /// is the resolved label list (``ExportLabels``).
    public func pieces<Images: ExportImageSource>(_ images: Images, categories: [String]) -> COCOPieces<Images> {
        COCOPieces(images: images, categories: categories)
    }

    /// The document as a JSON value, for tests and for callers that embed it. ``COCOPieces``
    /// writes the same bytes without building it.
    public func json(_ images: [ImageAnnotations], labels: [String]) -> ExportJSON {
        let categories = ExportLabels.resolve(labels, images: images)
        let categoryID = Dictionary(uniqueKeysWithValues: categories.enumerated().map { ($1, $0 + 1) })
        var imageEntries: [ExportJSON] = []
        var annotations: [ExportJSON] = []
        for (n, image) in images.sortedByFileName().enumerated() {
            let imageID = n + 1
            imageEntries.append(.object([
                "id": .int(imageID),
                "file_name": .string(image.fileName),
                "width": .int(image.width),
                "height": .int(image.height),
            ]))
            for box in image.exportBoxes {
                let x = Self.pixels(box.x), y = Self.pixels(box.y)
                let w = Self.pixels(box.w), h = Self.pixels(box.h)
                var annotation: [String: ExportJSON] = [
                    "id": .int(annotations.count + 1),
                    "image_id": .int(imageID),
                    "category_id": .int(categoryID[box.label]!),
                    "bbox": .array([.fixed(x, places: 2), .fixed(y, places: 2), .fixed(w, places: 2), .fixed(h, places: 2)]),
                    "area": .fixed(w * h, places: 2),
                    "iscrowd": .int(0),
                    "score": .fixed(box.confidence, places: 4),
                ]
                if let origin = box.origin { annotation["attributes"] = .object(["origin": .string(origin)]) }
                annotations.append(.object(annotation))
            }
        }
        return .object([
            "info": .object([
                "description": .string("Annolab consensus export"),
                "contributor": .string("Annolab"),
                "version": .string("1.0"),
            ]),
            "licenses": .array([]),
            "images": .array(imageEntries),
            "annotations": .array(annotations),
            "categories": .array(categories.enumerated().map { n, name in
                .object(["id": .int(n + 1), "name": .string(name), "supercategory": .string("object")])
            }),
        ])
    }

    /// Pixels rounded to the hundredth, as written, so that `area` matches the written `bbox`.
    static func pixels(_ value: Double) -> Double {
        (value * 100).rounded() / 100
    }
}

extension Array where Element == ImageAnnotations {
    /// Images in file-name order (then by size), so that ids do not depend on upload order.
    func sortedByFileName() -> [ImageAnnotations] {
        enumerated().sorted { a, b in
            if a.element.fileName != b.element.fileName {
                return a.element.fileName.utf8.lexicographicallyPrecedes(b.element.fileName.utf8)
            }
            return a.offset < b.offset
        }.map(\.element)
    }
}
