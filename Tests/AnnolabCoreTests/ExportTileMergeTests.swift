// Tile merge: a big picture was labelled in overlapping tiles; the client gets one box per object on the whole image.
import AnnolabCore
import Testing

@Suite("Merging tile boxes into image boxes")
struct ExportTileMergeTests {
    /// Two tiles side by side on a 1920 x 1024 image, sharing the strip x 896 ..< 1024.
    static let left = PixelRect(x: 0, y: 0, width: 1024, height: 1024)
    static let right = PixelRect(x: 896, y: 0, width: 1024, height: 1024)

    static func box(_ label: String, _ x: Double, _ y: Double, _ w: Double, _ h: Double, _ confidence: Double) -> ExportBox {
        ExportBox(label: label, x: x, y: y, w: w, h: h, confidence: confidence)
    }

    static func close(_ box: ExportBox, _ x: Double, _ y: Double, _ w: Double, _ h: Double) -> Bool {
        abs(box.x - x) < 1e-9 && abs(box.y - y) < 1e-9 && abs(box.w - w) < 1e-9 && abs(box.h - h) < 1e-9
    }

    @Test("A car across the seam, cut by each tile's edge, comes out once and whole, with the higher confidence")
    func boxCutAtSeam() throws {
        // The car spans x 800 ..< 1200: the left tile sees 800 ..< 1024, the right tile 896 ..< 1200.
        let merged = TileMerge().merge([
            TileBoxes(tile: Self.left, boxes: [Self.box("car", 800, 100, 224, 100, 0.9)]),
            TileBoxes(tile: Self.right, boxes: [Self.box("car", 0, 100, 304, 100, 0.8)]),
        ], imageWidth: 1920, imageHeight: 1024)
        #expect(merged.count == 1)
        let car = try #require(merged.first)
        #expect(Self.close(car, 800, 100, 400, 100))
        #expect(car.confidence == 0.9)
    }

    @Test("A box that stops two pixels short of the tile edge still counts as cut there")
    func edgeTolerance() throws {
        let merged = TileMerge().merge([
            TileBoxes(tile: Self.left, boxes: [Self.box("car", 800, 100, 222, 100, 0.7)]),
            TileBoxes(tile: Self.right, boxes: [Self.box("car", 0, 101, 304, 98, 0.9)]),
        ], imageWidth: 1920, imageHeight: 1024)
        #expect(merged.count == 1)
        // The right tile's box is best; its cut left side goes out to the left tile's 800.
        #expect(Self.close(try #require(merged.first), 800, 101, 400, 98))
        #expect(TileMerge(edgeTolerance: 1).merge([
            TileBoxes(tile: Self.left, boxes: [Self.box("car", 800, 100, 222, 100, 0.7)]),
            TileBoxes(tile: Self.right, boxes: [Self.box("car", 8, 101, 296, 98, 0.9)]),
        ], imageWidth: 1920, imageHeight: 1024).count == 2)
    }

    @Test("A small sign inside the overlap strip, seen whole by both tiles, comes out once")
    func wholeInBoth() throws {
        let merged = TileMerge().merge([
            TileBoxes(tile: Self.left, boxes: [Self.box("sign", 950, 300, 50, 40, 0.6)]),
            TileBoxes(tile: Self.right, boxes: [Self.box("sign", 56, 302, 50, 40, 0.95)]),
        ], imageWidth: 1920, imageHeight: 1024)
        #expect(merged.count == 1)
        let sign = try #require(merged.first)
        #expect(Self.close(sign, 952, 302, 50, 40) && sign.confidence == 0.95)
    }

    @Test("Two different cars either side of the seam stay two, each whole")
    func twoObjectsStayTwo() throws {
        // Car 1 spans 700 ..< 950 (whole in the left tile), car 2 spans 960 ..< 1300 (whole in
        // the right tile); each tile also sees a cut piece of the other car.
        let merged = TileMerge().merge([
            TileBoxes(tile: Self.left, boxes: [Self.box("car", 700, 500, 250, 80, 0.9),
                                               Self.box("car", 960, 505, 64, 80, 0.8)]),
            TileBoxes(tile: Self.right, boxes: [Self.box("car", 0, 500, 54, 80, 0.85),
                                                Self.box("car", 64, 505, 340, 80, 0.9)]),
        ], imageWidth: 1920, imageHeight: 1024)
        #expect(merged.count == 2)
        #expect(Self.close(merged[0], 700, 500, 250, 80))
        #expect(Self.close(merged[1], 960, 505, 340, 80))
    }

    @Test("Boxes of different labels, or two boxes of one tile, are never merged")
    func neverMerged() {
        let labels = TileMerge().merge([
            TileBoxes(tile: Self.left, boxes: [Self.box("car", 950, 300, 50, 40, 0.9)]),
            TileBoxes(tile: Self.right, boxes: [Self.box("person", 54, 300, 50, 40, 0.9)]),
        ], imageWidth: 1920, imageHeight: 1024)
        #expect(labels.count == 2)
        let sameTile = TileMerge().merge([
            TileBoxes(tile: Self.left, boxes: [Self.box("car", 100, 100, 100, 100, 0.9),
                                               Self.box("car", 110, 100, 100, 100, 0.8)]),
        ], imageWidth: 1920, imageHeight: 1024)
        #expect(sameTile.count == 2)
    }

    @Test("An object on the corner of four tiles comes out once, whole")
    func fourTileCorner() throws {
        let tiles = [PixelRect(x: 0, y: 0, width: 1024, height: 1024), PixelRect(x: 896, y: 0, width: 1024, height: 1024),
                     PixelRect(x: 0, y: 896, width: 1024, height: 1024), PixelRect(x: 896, y: 896, width: 1024, height: 1024)]
        // The boat spans x 800 ..< 1100, y 850 ..< 1150.
        let merged = TileMerge().merge([
            TileBoxes(tile: tiles[0], boxes: [Self.box("boat", 800, 850, 224, 174, 0.7)]),
            TileBoxes(tile: tiles[1], boxes: [Self.box("boat", 0, 850, 204, 174, 0.75)]),
            TileBoxes(tile: tiles[2], boxes: [Self.box("boat", 800, 0, 224, 254, 0.8)]),
            TileBoxes(tile: tiles[3], boxes: [Self.box("boat", 0, 0, 204, 254, 0.9)]),
        ], imageWidth: 1920, imageHeight: 1920)
        #expect(merged.count == 1)
        let boat = try #require(merged.first)
        #expect(Self.close(boat, 800, 850, 300, 300) && boat.confidence == 0.9)
    }

    @Test("Boxes on the lab's real tiles move by their tile's offset, clipped to the tile")
    func realTiling() throws {
        let tiles = ImageTiling().tiles(width: 3000, height: 2000)
        let tile = try #require(tiles.first { $0.column == 2 && $0.row == 1 })
        #expect(tile.rect.x == 1792 && tile.rect.y == 896)
        let merged = TileMerge().merge([
            TileBoxes(tile: tile, boxes: [Self.box("car", 300, 200, 100, 50, 0.9),
                                          Self.box("car", 1000, 400, 100, 50, 0.9)]),  // reaches past the tile
        ], imageWidth: 3000, imageHeight: 2000)
        #expect(merged.count == 2)
        #expect(Self.close(merged[0], 2092, 1096, 100, 50))
        #expect(Self.close(merged[1], 2792, 1296, 24, 50))
    }

    @Test("An image that is not tiled passes through unchanged")
    func untiled() {
        let boxes = [Self.box("car", 10, 20, 30, 40, 0.5)]
        let merged = TileMerge().merge([TileBoxes(tile: PixelRect(x: 0, y: 0, width: 640, height: 480), boxes: boxes)],
                                       imageWidth: 640, imageHeight: 480)
        #expect(merged == boxes)
    }
}
