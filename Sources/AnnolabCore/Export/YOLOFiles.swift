// The files of a YOLO export made one at a time: classes.txt, then each picture's label file in path order.

/// The files of ``YOLOExport`` as an ``ExportFileSource``: `classes.txt` first, then
/// `labels/<upload path>.txt` for every picture, in path order (the order the archive lists
/// them in). Setting it up checks every path and size, so a clash or a picture without a size
/// is refused before a single byte is written.
///
/// ```swift
/// let files = try YOLOFiles(images: SortedImages(images), classes: ExportLabels.resolve(labels, images: images))
/// ```
public struct YOLOFiles<Images: ExportImageSource>: ExportFileSource {
    public let images: Images
    public let classes: [String]
    private let classIndex: [String: Int]
    /// Label file paths in archive order, and the picture each one is made from.
    private let paths: [(path: String, image: Int)]

    public init(images: Images, classes: [String]) throws {
        self.images = images
        self.classes = classes
        var index: [String: Int] = [:]
        for (n, name) in classes.enumerated() where index[name] == nil { index[name] = n }
        classIndex = index
        var registry = ExportPath.Registry()
        var paths: [(path: String, image: Int)] = []
        paths.reserveCapacity(images.count)
        var next = images.count > 0 ? try images.image(at: 0) : nil
        for n in 0..<images.count {
            guard let image = next else { break }
            next = n + 1 < images.count ? try images.image(at: n + 1) : nil
            let path = "labels/" + ExportPath.replacingExtension(of: image.fileName, with: "txt")
            try registry.claim(path, for: image.fileName)
            guard image.width > 0, image.height > 0 else { throw YOLOExport.noSize(image.fileName) }
            // Pictures uploaded under the same name are neighbours in file-name order and share a
            // path: the later one is written.
            if next?.fileName != image.fileName { paths.append((path, n)) }
        }
        paths.sort { $0.path < $1.path }
        self.paths = paths
    }

    public var fileCount: Int { 1 + paths.count }

    public func file(at index: Int, into data: inout ExportBytes) throws -> String {
        guard index > 0 else {
            for name in classes {
                data.append(name.replacingOccurrences(of: "\r", with: " ").replacingOccurrences(of: "\n", with: " "))
                data.append("\n")
            }
            return "classes.txt"
        }
        let entry = paths[index - 1]
        let image = try images.image(at: entry.image)
        for box in ExportBox.exported(try images.boxes(at: entry.image), in: image) {
            guard let label = classIndex[box.label] else {
                throw LabError(.internalFailure, "export_label_unknown",
                               "A box has the label '\(box.label)', which the export's class list lacks. Try the export again.")
            }
            Self.appendLine(box, classIndex: label, width: image.width, height: image.height, to: &data)
        }
        return entry.path
    }

    /// One label line: `class x_center y_center width height`, six decimals, each in 0...1.
    static func appendLine(_ box: ExportBox, classIndex: Int, width: Int, height: Int, to data: inout ExportBytes) {
        let w = Double(width), h = Double(height)
        func unit(_ value: Double) {
            data.append(" ")
            data.appendFixed(min(max(value, 0), 1), places: 6)
        }
        data.appendInt(classIndex)
        unit((box.x + box.w / 2) / w)
        unit((box.y + box.h / 2) / h)
        unit(box.w / w)
        unit(box.h / h)
        data.append("\n")
    }
}

extension YOLOFiles: Sendable where Images: Sendable {}
