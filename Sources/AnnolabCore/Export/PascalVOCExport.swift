// Pascal VOC XML: one annotation file per image, as the PASCAL Visual Object Classes challenge wrote them.
//
// Everingham et al., "The PASCAL Visual Object Classes (VOC) Challenge", IJCV 88 (2010); the
// element layout follows the VOC2012 devkit's Annotations/*.xml.
import Foundation

/// Writes one Pascal VOC XML file per image, at `Annotations/<upload path without extension>.xml`.
///
/// Each file holds `annotation` with `folder` (the upload's folder, or `images`), `filename`,
/// `source/database` (`Annolab`), `size` (`width`, `height`, `depth` 3), `segmented` 0 and one
/// `object` per box: `name` (the label, XML-escaped), `pose` `Unspecified`, `truncated` 0 and
/// `difficult` 0 (operators are not asked either), an optional `confidence`, and `bndbox`.
///
/// Coordinates follow the VOC devkit: whole pixels, **1-based**, both ends inclusive. A box
/// covering `x ..< x + w` becomes `xmin = round(x) + 1` and `xmax = round(x + w)`, clamped so
/// that `1 <= xmin <= xmax <= width` (likewise for y); a reader that subtracts 1 from `xmin`
/// and `ymin`, as most do, gets the box back to within half a pixel.
///
/// `confidence` (the consensus confidence, four decimals) is an element VOC does not define.
/// VOC has no schema, and the usual readers (the devkit's `VOCreadxml`, torchvision's
/// `VOCDetection`, mmdetection, LabelImg, Datumaro) look up the elements they know by name and
/// ignore others, so it is written by default; set `includeConfidence` to false for a file with
/// only the standard elements.
///
/// ```swift
/// let files = try PascalVOCExport().write(images)
/// files["Annotations/street.xml"]   // <annotation>...<xmin>11</xmin>...
/// ```
public struct PascalVOCExport: Sendable {
    public var includeConfidence: Bool

    public init(includeConfidence: Bool = true) {
        self.includeConfidence = includeConfidence
    }

    public func write(_ images: [ImageAnnotations]) throws -> [String: Data] {
        var files: [String: Data] = [:]
        var paths = ExportPath.Registry()
        for image in images.sortedByFileName() {
            let path = "Annotations/" + ExportPath.replacingExtension(of: image.fileName, with: "xml")
            try paths.claim(path, for: image.fileName)
            guard image.width > 0, image.height > 0 else { throw YOLOExport.noSize(image) }
            files[path] = Data(document(image).utf8)
        }
        return files
    }

    /// The XML of one image.
    public func document(_ image: ImageAnnotations) -> String {
        let e = XMLText.escape
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<annotation>\n"
        xml += "  <folder>\(e(ExportPath.folder(image.fileName) ?? "images"))</folder>\n"
        xml += "  <filename>\(e(ExportPath.lastComponent(image.fileName)))</filename>\n"
        xml += "  <source>\n    <database>Annolab</database>\n  </source>\n"
        xml += "  <size>\n    <width>\(image.width)</width>\n    <height>\(image.height)</height>\n    <depth>3</depth>\n  </size>\n"
        xml += "  <segmented>0</segmented>\n"
        for box in image.exportBoxes {
            let corners = Self.corners(box, width: image.width, height: image.height)
            xml += "  <object>\n"
            xml += "    <name>\(e(box.label))</name>\n"
            xml += "    <pose>Unspecified</pose>\n"
            xml += "    <truncated>0</truncated>\n"
            xml += "    <difficult>0</difficult>\n"
            if includeConfidence {
                xml += "    <confidence>\(ExportNumber.fixed(box.confidence, places: 4))</confidence>\n"
            }
            xml += "    <bndbox>\n"
            xml += "      <xmin>\(corners.xmin)</xmin>\n      <ymin>\(corners.ymin)</ymin>\n"
            xml += "      <xmax>\(corners.xmax)</xmax>\n      <ymax>\(corners.ymax)</ymax>\n"
            xml += "    </bndbox>\n"
            xml += "  </object>\n"
        }
        xml += "</annotation>\n"
        return xml
    }

    /// The 1-based inclusive pixel corners of a box already clipped to the image.
    public static func corners(_ box: ExportBox, width: Int, height: Int) -> (xmin: Int, ymin: Int, xmax: Int, ymax: Int) {
        func span(_ start: Double, _ size: Double, _ limit: Int) -> (Int, Int) {
            let first = min(max(Int(start.rounded()) + 1, 1), max(limit, 1))
            let last = min(max(Int((start + size).rounded()), first), max(limit, 1))
            return (first, last)
        }
        let (xmin, xmax) = span(box.x, box.w, width)
        let (ymin, ymax) = span(box.y, box.h, height)
        return (xmin, ymin, xmax, ymax)
    }
}
