// The pictures of an image export in writing order, their boxes fetched one picture at a time.

/// The file name and size of one picture of an image export.
public struct ExportImageInfo: Sendable, Hashable {
    public var fileName: String
    public var width: Int
    public var height: Int

    public init(fileName: String, width: Int, height: Int) {
        self.fileName = fileName
        self.width = width
        self.height = height
    }
}

/// The pictures of an image export, already in the order the exports number them (file-name
/// order, see ``Swift/Array/sortedByFileName()``), with each picture's consensus boxes
/// fetched only when it is written. A whole project in memory (``SortedImages``) and a
/// project streamed from the store through a scratch file are both sources.
public protocol ExportImageSource {
    var count: Int { get }
    /// The name and size of the picture at `index`.
    func image(at index: Int) throws -> ExportImageInfo
    /// The consensus boxes of the picture at `index`, as ``ImageAnnotations/boxes`` holds them
    /// (exports clip them with ``ImageAnnotations/exportBoxes``).
    func boxes(at index: Int) throws -> [ExportBox]
}

/// Pictures held in memory, put in file-name order.
///
/// ```swift
/// var pieces = COCOExport().pieces(SortedImages(images), labels: labels)
/// ```
public struct SortedImages: ExportImageSource, Sendable {
    public let images: [ImageAnnotations]

    public init(_ images: [ImageAnnotations]) {
        self.images = images.sortedByFileName()
    }

    public var count: Int { images.count }

    public func image(at index: Int) -> ExportImageInfo {
        ExportImageInfo(fileName: images[index].fileName, width: images[index].width, height: images[index].height)
    }

    public func boxes(at index: Int) -> [ExportBox] { images[index].boxes }
}

extension ExportBox {
    /// The box as every image export writes it: clipped to the image, nil when nothing is left
    /// (see ``ImageAnnotations/exportBoxes``).
    static func exported(_ boxes: [ExportBox], in image: ExportImageInfo) -> [ExportBox] {
        boxes.compactMap { $0.clipped(width: image.width, height: image.height) }
    }
}

extension ExportLabels {
    /// The label list for labels found on the boxes: the project's labels in order, then the
    /// others sorted, as ``resolve(_:images:)`` gives for images holding those labels.
    public static func resolve(_ labels: [String], found: Set<String>) -> [String] {
        var seen = Set<String>()
        var ordered: [String] = []
        for label in labels where seen.insert(label).inserted { ordered.append(label) }
        return ordered + found.subtracting(seen).sorted()
    }
}
