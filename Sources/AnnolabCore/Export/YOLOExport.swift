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
        let source = try files(SortedImages(images), classes: ExportLabels.resolve(labels, images: images))
        var files: [String: Data] = [:]
        var data = ExportBytes(capacity: 1024)
        for n in 0..<source.fileCount {
            data.removeAll()
            let path = try source.file(at: n, into: &data)
            files[path] = Data(data.bytes)
        }
        return files
    }

    /// The same files one at a time in archive order, for a streamed download (see
    /// ``YOLOFiles``); `classes` is the resolved label list (``ExportLabels``).
    public func files<Images: ExportImageSource>(_ images: Images, classes: [String]) throws -> YOLOFiles<Images> {
        try YOLOFiles(images: images, classes: classes)
    }

    static func noSize(_ image: ImageAnnotations) -> LabError {
        noSize(image.fileName)
    }

    static func noSize(_ fileName: String) -> LabError {
        LabError(.unprocessable, "export_image_size",
                 "The image '\(fileName)' has no known width and height, so its boxes cannot be written. Upload the image again.")
    }
}
