// COCO JSON written piece by piece: one picture's annotations at a time, then the categories, then the pictures.

/// The bytes of ``COCOExport`` produced in pieces, so that a project of any size streams from
/// the store to a file or a download with flat memory.
///
/// The keys come in sorted order, as ``ExportJSON`` writes them: `annotations` (every
/// picture's boxes, picture by picture), `categories`, `images`, `info`, `licenses`. Numbers and
/// strings are spelled by ``ExportBytes`` exactly as ``ExportJSON`` spells them, so the pieces
/// together are byte for byte ``COCOExport/json(_:labels:)``'s `data()`.
///
/// ```swift
/// var pieces = COCOPieces(images: SortedImages(images), categories: ExportLabels.resolve(labels, images: images))
/// try await pieces.write(to: &sink)
/// ```
public struct COCOPieces<Images: ExportImageSource>: ExportPieces {
    public let images: Images
    /// The resolved label list (see ``ExportLabels``): category n + 1 is `categories[n]`.
    public let categories: [String]
    private let categoryID: [String: Int]
    private var stage = Stage.start
    private var annotations = 0

    private enum Stage {
        case start
        case annotations(Int)
        case images(Int)
        case done
    }

    public init(images: Images, categories: [String]) {
        self.images = images
        self.categories = categories
        var ids: [String: Int] = [:]
        for (n, name) in categories.enumerated() where ids[name] == nil { ids[name] = n + 1 }
        categoryID = ids
    }

    /// How many annotations were written so far.
    public var annotationCount: Int { annotations }

    public mutating func writeNext(into out: inout ExportBytes) throws -> Bool {
        switch stage {
        case .start:
            out.append(#"{"annotations":["#)
            stage = .annotations(0)
        case .annotations(let index) where index < images.count:
            try writeAnnotations(ofImage: index, into: &out)
            stage = .annotations(index + 1)
        case .annotations:
            out.append(#"],"categories":["#)
            for (n, name) in categories.enumerated() {
                if n > 0 { out.append(",") }
                out.append(#"{"id":"#)
                out.appendInt(n + 1)
                out.append(#","name":"#)
                out.appendJSONString(name)
                out.append(#","supercategory":"object"}"#)
            }
            out.append(#"],"images":["#)
            stage = .images(0)
        case .images(let index) where index < images.count:
            let image = try images.image(at: index)
            if index > 0 { out.append(",") }
            out.append(#"{"file_name":"#)
            out.appendJSONString(image.fileName)
            out.append(#","height":"#)
            out.appendInt(image.height)
            out.append(#","id":"#)
            out.appendInt(index + 1)
            out.append(#","width":"#)
            out.appendInt(image.width)
            out.append("}")
            stage = .images(index + 1)
        case .images:
            out.append(#"],"info":{"contributor":"Annolab","description":"Annolab consensus export","version":"1.0"},"licenses":[]}"#)
            out.append("\n")
            stage = .done
        case .done:
            return false
        }
        return true
    }

    private mutating func writeAnnotations(ofImage index: Int, into out: inout ExportBytes) throws {
        let image = try images.image(at: index)
        for box in ExportBox.exported(try images.boxes(at: index), in: image) {
            guard let category = categoryID[box.label] else {
                throw LabError(.internalFailure, "export_label_unknown",
                               "A box has the label '\(box.label)', which the export's category list lacks. Try the export again.")
            }
            let x = COCOExport.pixels(box.x), y = COCOExport.pixels(box.y)
            let w = COCOExport.pixels(box.w), h = COCOExport.pixels(box.h)
            annotations += 1
            if annotations > 1 { out.append(",") }
            out.append(#"{"area":"#)
            out.appendTrimmed(w * h, places: 2)
            out.append(#","bbox":["#)
            out.appendTrimmed(x, places: 2)
            out.append(",")
            out.appendTrimmed(y, places: 2)
            out.append(",")
            out.appendTrimmed(w, places: 2)
            out.append(",")
            out.appendTrimmed(h, places: 2)
            out.append(#"],"category_id":"#)
            out.appendInt(category)
            out.append(#","id":"#)
            out.appendInt(annotations)
            out.append(#","image_id":"#)
            out.appendInt(index + 1)
            if let origin = box.origin {
                // COCO's attributes (as CVAT writes them): where the label came from.
                out.append(#","attributes":{"origin":""#)
                out.append(origin)
                out.append(#""}"#)
            }
            out.append(#","iscrowd":0,"score":"#)
            out.appendTrimmed(box.confidence, places: 4)
            out.append("}")
        }
    }
}

extension COCOPieces: Sendable where Images: Sendable {}
