// A project's pictures with their consensus boxes: fused while the store's answers stream past, kept in a scratch file.
import AnnolabCore
import AnnolabStore
import Foundation

/// The pictures of an image-boxes project in file-name order (the order exports number them),
/// each with its consensus boxes waiting in an ``ExportSpill`` until it is written.
///
/// ``gather(_:store:)`` reads the answers with a cursor, picture by picture, fuses each
/// tile's answers (``BoxFusion``), merges the tiles (``TileMerge``) and appends the boxes to
/// the scratch file; memory holds only the list of pictures and the few answers of the
/// picture at hand, however large the project. Exports then read one picture's boxes at a time.
/// The result is the same as fusing everything in memory: the same answers in the same order,
/// the same fusion, the same merge.
///
/// ```swift
/// let images = try await SpilledImages.gather(project, store: store)
/// var pieces = COCOExport().pieces(images, categories: ExportLabels.resolve(project.labels, found: images.labels))
/// ```
final class SpilledImages: ExportImageSource, @unchecked Sendable {
    /// One picture: its name and size, and its place in upload (item id) order.
    struct Entry: Sendable {
        var fileName: String
        var width: Int
        var height: Int
        var mediaPath: String
        var uploadPosition: Int
    }

    /// Where each picture's boxes are in the spill, by upload position.
    struct Placement: Sendable {
        var offsets: [Int64]
        var counts: [Int32]
    }

    /// In file-name order.
    let entries: [Entry]
    private let placement: Placement
    /// Every label found on a consensus box; boxes refer to it by position in the spill.
    let labelTable: [String]
    private let spill: ExportSpill
    /// Reused between reads; one export reads from one task at a time.
    private var buffer: [UInt8] = []

    /// Bytes per box in the spill: label index (4), x, y, w, h, confidence (8 each) and origin (1).
    static let boxBytes = 45
    /// A box's origin as one byte in the spill; 0 is none (a project without a model).
    static let origins: [String?] = [nil, "people", "model-accepted", "corrected"]

    init(entries: [Entry], placement: Placement, labelTable: [String], spill: ExportSpill) {
        self.entries = entries
        self.placement = placement
        self.labelTable = labelTable
        self.spill = spill
    }

    /// The labels found on the boxes, for ``ExportLabels/resolve(_:found:)``.
    var labels: Set<String> { Set(labelTable) }

    var count: Int { entries.count }

    func image(at index: Int) -> ExportImageInfo {
        let entry = entries[index]
        return ExportImageInfo(fileName: entry.fileName, width: entry.width, height: entry.height)
    }

    func boxes(at index: Int) throws -> [ExportBox] {
        let position = entries[index].uploadPosition
        let count = Int(placement.counts[position])
        guard count > 0 else { return [] }
        try spill.read(at: placement.offsets[position], count: count * Self.boxBytes, into: &buffer)
        return buffer.withUnsafeBytes { raw in
            (0..<count).map { n in
                let base = n * Self.boxBytes
                func double(_ field: Int) -> Double {
                    Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: base + 4 + 8 * field, as: UInt64.self)))
                }
                let label = Int(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: base, as: UInt32.self)))
                let origin = Int(raw.load(fromByteOffset: base + 44, as: UInt8.self))
                return ExportBox(label: labelTable[label], x: double(0), y: double(1), w: double(2), h: double(3),
                                 confidence: double(4), origin: origin < Self.origins.count ? Self.origins[origin] : nil)
            }
        }
    }

    /// Every picture with its boxes in upload order, for the exports that are made in memory
    /// (Pascal VOC, Label Studio). `projectId` makes the media URL.
    func annotationsInUploadOrder(projectId: Int64) throws -> [ImageAnnotations] {
        var result = [ImageAnnotations?](repeating: nil, count: entries.count)
        for (index, entry) in entries.enumerated() {
            result[entry.uploadPosition] = ImageAnnotations(
                fileName: entry.fileName, width: entry.width, height: entry.height, boxes: try boxes(at: index),
                url: "/media/\(projectId)/\(entry.mediaPath)")
        }
        return result.compactMap { $0 }
    }
}

extension SpilledImages {
    /// Reads the project's pictures and answers from the store and fuses them into a spill.
    static func gather(_ project: Project, store: any LabStoring) async throws -> SpilledImages {
        let projectId = project.id ?? 0
        var (pictures, positionOf) = try await store.readExportItems(projectId: projectId) { items in
            var pictures: [Entry] = []
            var positionOf: [Int64: Int] = [:]
            let decoder = JSONDecoder()
            while let item = try items.next() {
                let meta = (try? decoder.decode([String: String].self, from: Data(item.meta.utf8))) ?? [:]
                guard let width = meta["width"].flatMap(Int.init), let height = meta["height"].flatMap(Int.init) else { continue }
                positionOf[item.id] = pictures.count
                pictures.append(Entry(fileName: item.fileName, width: width, height: height, mediaPath: item.mediaPath,
                                      uploadPosition: pictures.count))
            }
            return (pictures, positionOf)
        }
        let spill = try ExportSpill(folder: store.folder)
        // A project that started from a model: the boxes the people kept after checking the model's,
        // and every drawn box marked as the people's.
        let fromModel = try await store.modelSetting(projectId: projectId) != nil
        let checked = fromModel ? Self.checkedBoxes(try await store.answeredChecks(projectId: projectId)) : [:]
        let fused = try await store.readExportBoxAnswers(projectId: projectId) { [pictures, positionOf] answers in
            var fusion = PictureFusion(pictures: pictures, positionOf: positionOf, spill: spill, checked: checked,
                                       drawnOrigin: fromModel ? "people" : nil)
            while let answer = try answers.next() { try fusion.add(answer) }
            try fusion.finish()
            return (fusion.placement, fusion.labelTable)
        }
        positionOf = [:]
        // File-name order (UTF-8 bytes), uploads of the same name in upload order: as ``sortedByFileName()``.
        // Sorted in place: the list of pictures is the one thing here that grows with the project.
        pictures.sort { a, b in
            if a.fileName != b.fileName { return a.fileName.utf8.lexicographicallyPrecedes(b.fileName.utf8) }
            return a.uploadPosition < b.uploadPosition
        }
        return SpilledImages(entries: pictures, placement: fused.0, labelTable: fused.1, spill: spill)
    }
}

extension SpilledImages {
    /// The model's boxes the people kept, per picture: accepted as drawn or corrected. The
    /// confidence is the share of the check's answers that agreed.
    static func checkedBoxes(_ checks: [AnsweredCheck]) -> [Int64: [ExportBox]] {
        var boxes: [Int64: [ExportBox]] = [:]
        for check in checks where check.complete {
            guard let predicted = check.payload.box else { continue }
            let decision = BoxCheckDecision(box: predicted, answers: check.answers)
            guard let box = decision.box else { continue }
            boxes[check.itemId, default: []].append(ExportBox(label: box.label, x: box.x, y: box.y, w: box.w, h: box.h,
                                                              confidence: decision.agreement, origin: decision.outcome.origin))
        }
        return boxes
    }
}

/// Turns the answer rows of one project, grouped by picture and tile, into consensus boxes in a spill.
private struct PictureFusion {
    let pictures: [SpilledImages.Entry]
    let positionOf: [Int64: Int]
    var placement: SpilledImages.Placement
    let spill: ExportSpill
    /// Per picture (item id), the model's boxes the people accepted or corrected, in picture pixels.
    let checked: [Int64: [ExportBox]]
    let drawnOrigin: String?
    private var written: Set<Int64> = []
    var labelTable: [String] = []
    private var labelIndex: [String: UInt32] = [:]
    private let decoder = JSONDecoder()

    private var item: Int64?
    private var tiles: [TileBoxes] = []
    private var microtask: Int64?
    private var tile: (image: MicrotaskPayload.Image, x: Int, y: Int)?
    private var given: [BoxAnswer] = []
    private var record = ExportBytes(capacity: 4096)

    init(pictures: [SpilledImages.Entry], positionOf: [Int64: Int], spill: ExportSpill, checked: [Int64: [ExportBox]] = [:],
         drawnOrigin: String? = nil) {
        self.pictures = pictures
        self.positionOf = positionOf
        self.spill = spill
        self.checked = checked
        self.drawnOrigin = drawnOrigin
        placement = SpilledImages.Placement(offsets: Array(repeating: 0, count: pictures.count),
                                            counts: Array(repeating: 0, count: pictures.count))
    }

    mutating func add(_ row: ExportBoxAnswerRow) throws {
        if row.microtaskId != microtask {
            endTile()
            if row.itemId != item {
                try endPicture()
                item = row.itemId
            }
            microtask = row.microtaskId
            // A tile without a readable image, or of a file that has no size, adds nothing.
            let payload = positionOf[row.itemId] == nil ? nil : try? decoder.decode(MicrotaskPayload.self, from: row.payload)
            tile = payload?.image.map { ($0, payload?.tile?.x ?? 0, payload?.tile?.y ?? 0) }
        }
        guard tile != nil, let boxes = BoxAnswerScanner.boxes(in: row.body, decoder: decoder) else { return }
        given.append(BoxAnswer(operatorID: String(row.operatorId), boxes: boxes))
    }

    mutating func finish() throws {
        endTile()
        try endPicture()
        // Pictures whose boxes were all decided by checks, with no drawing answered yet.
        for itemId in checked.keys.sorted() where !written.contains(itemId) {
            item = itemId
            try endPicture()
        }
        try spill.flush()
    }

    private mutating func endTile() {
        defer { given.removeAll(keepingCapacity: true) }
        guard let tile, !given.isEmpty else { return }
        let fused = BoxFusion().fuse(given)
        let rect = PixelRect(x: tile.x, y: tile.y, width: tile.image.width, height: tile.image.height)
        tiles.append(TileBoxes(tile: rect, boxes: fused.boxes.map(ExportBox.init)))
    }

    private mutating func endPicture() throws {
        defer { tiles.removeAll(keepingCapacity: true) }
        guard let item, let position = positionOf[item] else { return }
        written.insert(item)
        var boxes = TileMerge().merge(tiles, imageWidth: pictures[position].width, imageHeight: pictures[position].height)
        for index in boxes.indices { boxes[index].origin = drawnOrigin }
        boxes += checked[item] ?? []
        guard !boxes.isEmpty else { return }
        record.removeAll()
        for box in boxes {
            let label: UInt32
            if let known = labelIndex[box.label] {
                label = known
            } else {
                label = UInt32(labelTable.count)
                labelIndex[box.label] = label
                labelTable.append(box.label)
            }
            withUnsafeBytes(of: label.littleEndian) { record.append(contentsOf: $0) }
            append(box.x)
            append(box.y)
            append(box.w)
            append(box.h)
            append(box.confidence)
            record.append(byte: UInt8(SpilledImages.origins.firstIndex(of: box.origin) ?? 0))
        }
        placement.offsets[position] = spill.size
        placement.counts[position] = Int32(boxes.count)
        try spill.append(record.bytes)
    }

    private mutating func append(_ value: Double) {
        withUnsafeBytes(of: value.bitPattern.littleEndian) { record.append(contentsOf: $0) }
    }
}
