// YOLO text labels, the format of Darknet and Ultralytics: one line per box, coordinates as fractions of the image.
import Foundation

/// Writes the consensus boxes as YOLO detection labels.
///
/// The archive holds:
/// - `classes.txt`: one label per line; line n (from 0) is class n. The order is the
///   project's label order (see ``ExportLabels``).
/// - `labels/<upload path without extension>.txt` for every image, e.g. `labels/cars/001.txt`
///   for `cars/001.png`: one line `class x_center y_center width height` per box, the four
///   numbers normalised to 0...1 by the image's width and height, six decimals. A box is
///   clipped to the image before its centre and size are computed, so every number stays in
///   0...1 and a box that reaches past an edge ends at the edge. An image without boxes gets an
///   empty file: operators looked and found nothing.
///
/// The consensus confidence is **not** written: a YOLO label line has exactly five fields, and
/// a sixth (which some tools write for predictions) makes Ultralytics' loader assert "labels
/// require 5 columns" and skip the image as corrupt. Clients who need the confidence use the COCO (`score`) or Label Studio
/// (`score`) export. Two uploads whose paths differ only in their extension (`a.png`, `a.jpg`)
/// would share a label file; the export then throws `export_name_clash` rather than lose one.
///
/// ```swift
/// let files = try YOLOExport().write(images, labels: ["car", "person"])
/// files["classes.txt"]        // "car\nperson\n"
/// files["labels/street.txt"]  // "0 0.500000 0.500000 0.250000 0.100000\n"
/// ```
public struct YOLOExport: Sendable {
    public init() {}

    public func write(_ images: [ImageAnnotations], labels: [String]) throws -> [String: Data] {
        let classes = ExportLabels.resolve(labels, images: images)
        let classIndex = Dictionary(uniqueKeysWithValues: classes.enumerated().map { ($1, $0) })
        var files: [String: Data] = [:]
        var paths = ExportPath.Registry()
        let classLines = classes.map { $0.replacingOccurrences(of: "\r", with: " ").replacingOccurrences(of: "\n", with: " ") }
        files["classes.txt"] = Data(classLines.map { $0 + "\n" }.joined().utf8)
        for image in images.sortedByFileName() {
            let path = "labels/" + ExportPath.replacingExtension(of: image.fileName, with: "txt")
            try paths.claim(path, for: image.fileName)
            guard image.width > 0, image.height > 0 else { throw Self.noSize(image) }
            var text = ""
            for box in image.exportBoxes {
                text += Self.line(box, classIndex: classIndex[box.label]!, width: image.width, height: image.height) + "\n"
            }
            files[path] = Data(text.utf8)
        }
        return files
    }

    /// One label line for a box already clipped to the image.
    static func line(_ box: ExportBox, classIndex: Int, width: Int, height: Int) -> String {
        func unit(_ value: Double) -> String { ExportNumber.fixed(min(max(value, 0), 1), places: 6) }
        let w = Double(width), h = Double(height)
        return [String(classIndex),
                unit((box.x + box.w / 2) / w), unit((box.y + box.h / 2) / h),
                unit(box.w / w), unit(box.h / h)].joined(separator: " ")
    }

    static func noSize(_ image: ImageAnnotations) -> LabError {
        LabError(.unprocessable, "export_image_size",
                 "The image '\(image.fileName)' has no known width and height, so its boxes cannot be written. Upload the image again.")
    }
}
