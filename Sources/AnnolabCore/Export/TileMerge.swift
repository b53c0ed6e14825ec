// Puts the consensus boxes of a tiled image back together: tile pixels to image pixels, one box per object.
//
// Tiling with overlap and merging the detections across tile seams is the usual way to label or
// detect small objects in large images (Akyon, Altinuc and Temizel, "Slicing Aided Hyper
// Inference and Fine-tuning for Small Object Detection", IEEE ICIP 2022, which merges the
// slices' boxes by overlap). Here the rule also mends boxes that a tile edge cut in two.

/// The fused boxes of one tile, in the tile's own pixels, and where the tile lies in the image.
///
/// ```swift
/// let piece = TileBoxes(tile: PixelRect(x: 896, y: 0, width: 1024, height: 1024),
///                       boxes: consensus.boxes.map(ExportBox.init))
/// ```
public struct TileBoxes: Sendable, Hashable {
    public var tile: PixelRect
    public var boxes: [ExportBox]

    public init(tile: PixelRect, boxes: [ExportBox]) {
        self.tile = tile
        self.boxes = boxes
    }

    public init(tile: ImageTile, boxes: [ExportBox]) {
        self.init(tile: tile.rect, boxes: boxes)
    }
}

/// Maps tile boxes into image pixels and merges the copies of one object that neighbouring
/// tiles both hold.
///
/// The rule, for two boxes of the same label from two different tiles whose tiles overlap
/// (the shared part of the two tiles is the overlap strip S):
/// - A side of a box is *cut* when it lies within `edgeTolerance` pixels of its tile's edge and
///   that edge is inside the image (another tile continues there): the object may go on
///   beyond it. Image borders never cut.
/// - The two boxes are the same object when their IoU is at least `iouThreshold` (an object
///   inside the strip, seen whole in both tiles), or, when either box is cut, when the parts of
///   the two boxes inside S have an IoU of at least `iouThreshold` (an object across the seam:
///   each tile saw one end of it, and both saw the same middle).
/// - Pairs are joined best first (single linkage), never putting two boxes of the same tile in
///   one object: a tile's fused boxes are already distinct objects.
/// - The merged box keeps the box with the highest confidence and its confidence; each of its
///   cut sides is moved out to the farthest side among the merged boxes, so an object cut by a
///   seam comes back whole.
///
/// Boxes are clipped to their tile first (as ``ImageTile/imageBox(fromTile:)`` does) and to
/// the image last; the result is sorted top to bottom, then left to right.
///
/// ```swift
/// let boxes = TileMerge().merge(pieces, imageWidth: 3000, imageHeight: 2000)
/// let image = ImageAnnotations(fileName: "harbour.png", width: 3000, height: 2000, boxes: boxes)
/// ```
public struct TileMerge: Sendable, Hashable {
    public var iouThreshold: Double
    /// How close (in pixels) a side must be to its tile's edge to count as cut there. A fused
    /// box is a mean of operators' boxes, so a side that several operators dragged to the edge
    /// may end a pixel or two short of it.
    public var edgeTolerance: Double

    public init(iouThreshold: Double = 0.5, edgeTolerance: Double = 3) {
        self.iouThreshold = iouThreshold
        self.edgeTolerance = edgeTolerance
    }

    /// One box in image pixels, with its tile and the sides its tile edge may have cut.
    struct Piece {
        var box: ExportBox
        var tile: Int
        var cutLeft = false, cutTop = false, cutRight = false, cutBottom = false
        var isCut: Bool { cutLeft || cutTop || cutRight || cutBottom }
    }

    public func merge(_ tiles: [TileBoxes], imageWidth: Int, imageHeight: Int) -> [ExportBox] {
        let pieces = placePieces(tiles, imageWidth: imageWidth, imageHeight: imageHeight)

        // Candidate pairs, best first; ties by position in the input so the result is repeatable.
        // Only boxes that reach into the strip two tiles share can be the same object.
        var byTile = [[Int]](repeating: [], count: tiles.count)
        for (p, piece) in pieces.enumerated() { byTile[piece.tile].append(p) }
        var pairs: [(score: Double, i: Int, j: Int)] = []
        for ta in tiles.indices {
            for tb in tiles.indices where tb > ta {
                let strip = tiles[ta].tile.intersection(tiles[tb].tile)
                guard !strip.isEmpty else { continue }
                let inStripA = byTile[ta].compactMap { p in pieces[p].box.clipped(to: strip).map { (p, $0) } }
                let inStripB = byTile[tb].compactMap { p in pieces[p].box.clipped(to: strip).map { (p, $0) } }
                for (i, partA) in inStripA {
                    for (j, partB) in inStripB where pieces[i].box.label == pieces[j].box.label {
                        let a = pieces[i], b = pieces[j]
                        var score = a.box.labeledBox.iou(b.box.labeledBox)
                        if a.isCut || b.isCut { score = max(score, partA.labeledBox.iou(partB.labeledBox)) }
                        if score >= iouThreshold { pairs.append((score, min(i, j), max(i, j))) }
                    }
                }
            }
        }
        pairs.sort { $0.score != $1.score ? $0.score > $1.score : ($0.i, $0.j) < ($1.i, $1.j) }

        var groupOf = Array(pieces.indices)
        var members: [[Int]] = pieces.indices.map { [$0] }
        for pair in pairs {
            let gi = groupOf[pair.i], gj = groupOf[pair.j]
            guard gi != gj else { continue }
            let tilesI = Set(members[gi].map { pieces[$0].tile })
            guard !members[gj].contains(where: { tilesI.contains(pieces[$0].tile) }) else { continue }
            let (keep, gone) = gi < gj ? (gi, gj) : (gj, gi)
            for item in members[gone] { groupOf[item] = keep }
            members[keep] += members[gone]
            members[gone] = []
        }

        return members.filter { !$0.isEmpty }
            .compactMap { fuse($0.map { pieces[$0] })?.clipped(width: imageWidth, height: imageHeight) }
            .sorted { a, b in
                if a.y != b.y { return a.y < b.y }
                if a.x != b.x { return a.x < b.x }
                if a.label != b.label { return a.label < b.label }
                return (a.w, a.h, a.confidence) < (b.w, b.h, b.confidence)
            }
    }

    private func placePieces(_ tiles: [TileBoxes], imageWidth: Int, imageHeight: Int) -> [Piece] {
        var pieces: [Piece] = []
        for (t, tile) in tiles.enumerated() {
            let rect = tile.tile
            for box in tile.boxes {
                guard let inTile = box.clipped(width: rect.width, height: rect.height) else { continue }
                var piece = Piece(box: inTile, tile: t)
                piece.box.x += Double(rect.x)
                piece.box.y += Double(rect.y)
                piece.cutLeft = rect.x > 0 && inTile.x <= edgeTolerance
                piece.cutTop = rect.y > 0 && inTile.y <= edgeTolerance
                piece.cutRight = rect.maxX < imageWidth && Double(rect.width) - (inTile.x + inTile.w) <= edgeTolerance
                piece.cutBottom = rect.maxY < imageHeight && Double(rect.height) - (inTile.y + inTile.h) <= edgeTolerance
                pieces.append(piece)
            }
        }
        return pieces
    }

    /// The best box of a group, with its cut sides moved out to the group's farthest sides.
    private func fuse(_ group: [Piece]) -> ExportBox? {
        guard var best = group.first else { return nil }
        for piece in group.dropFirst() where piece.box.confidence > best.box.confidence { best = piece }
        guard group.count > 1 else { return best.box }
        var left = best.box.x, top = best.box.y
        var right = best.box.x + best.box.w, bottom = best.box.y + best.box.h
        if best.cutLeft { left = group.map(\.box.x).min()! }
        if best.cutTop { top = group.map(\.box.y).min()! }
        if best.cutRight { right = group.map { $0.box.x + $0.box.w }.max()! }
        if best.cutBottom { bottom = group.map { $0.box.y + $0.box.h }.max()! }
        var box = best.box
        box.x = left
        box.y = top
        box.w = right - left
        box.h = bottom - top
        return box
    }
}

extension ExportBox {
    /// The part of the box inside `rect` (image pixels), or nil.
    func clipped(to rect: PixelRect) -> ExportBox? {
        let left = max(x, Double(rect.x)), right = min(x + w, Double(rect.maxX))
        let top = max(y, Double(rect.y)), bottom = min(y + h, Double(rect.maxY))
        guard right > left, bottom > top else { return nil }
        return ExportBox(label: label, x: left, y: top, w: right - left, h: bottom - top, confidence: confidence)
    }
}
