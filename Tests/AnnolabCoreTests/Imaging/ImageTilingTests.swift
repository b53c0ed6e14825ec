// Large pictures are cut into 1024 px tiles with 128 px overlap, and boxes drawn on a tile land in the right place.

import Testing

@testable import AnnolabCore

@Suite("Cutting large pictures into tiles for image-boxes")
struct ImageTilingTests {
    let tiling = ImageTiling()

    @Test("a 3000 x 2000 picture gives 12 tiles: 4 columns and 3 rows")
    func picture3000x2000() {
        let tiles = tiling.tiles(width: 3000, height: 2000)
        #expect(tiles.count == 12)
        #expect(tiling.tileCount(along: 3000) == 4)  // ceil((3000 - 128) / 896) = ceil(3.21)
        #expect(tiling.tileCount(along: 2000) == 3)  // ceil((2000 - 128) / 896) = ceil(2.09)
        let xs = [0, 896, 1792, 2688], widths = [1024, 1024, 1024, 312]
        let ys = [0, 896, 1792], heights = [1024, 1024, 208]
        for tile in tiles {
            #expect(tile.rect.x == xs[tile.column] && tile.rect.width == widths[tile.column])
            #expect(tile.rect.y == ys[tile.row] && tile.rect.height == heights[tile.row])
        }
        #expect(tiles.map(\.column) == [0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3], "row by row from the top-left")
        #expect(tiles[5].rect == PixelRect(x: 896, y: 896, width: 1024, height: 1024))
    }

    @Test("a 640 x 480 picture is one microtask, with no tiles")
    func smallPicture() {
        #expect(!tiling.needsTiling(width: 640, height: 480))
        #expect(tiling.tiles(width: 640, height: 480).isEmpty)
    }

    @Test("2048 px is not tiled; 2049 px is")
    func threshold() {
        #expect(tiling.tiles(width: 2048, height: 2048).isEmpty)
        #expect(tiling.tiles(width: 2049, height: 2048).count == 3 * 3)
        #expect(tiling.tiles(width: 100, height: 2049).count == 3)
    }

    @Test("a 2049 x 100 strip is tiled in one row of three, the short side kept whole")
    func strip() {
        let tiles = tiling.tiles(width: 2049, height: 100)
        #expect(tiles.map(\.rect) == [
            PixelRect(x: 0, y: 0, width: 1024, height: 100),
            PixelRect(x: 896, y: 0, width: 1024, height: 100),
            PixelRect(x: 1792, y: 0, width: 257, height: 100),
        ])
    }

    @Test("tiles cover every pixel, neighbours share 128 px, and no tile is larger than 1024",
          arguments: [2049, 2100, 2944, 2945, 3000, 4096, 5000, 10_000])
    func coverage(side: Int) {
        let count = tiling.tileCount(along: side)
        #expect(count == Int((Double(side - 128) / 896).rounded(.up)))
        let tiles = tiling.tiles(width: side, height: 50)
        #expect(tiles.count == count)
        #expect(tiles.first?.rect.x == 0)
        #expect(tiles.last?.rect.maxX == side, "the last tile reaches the right edge")
        for (left, right) in zip(tiles, tiles.dropFirst()) {
            #expect(left.rect.maxX - right.rect.x == 128)
        }
        #expect(tiles.allSatisfy { $0.rect.width <= 1024 && $0.rect.width > 128 })
    }

    @Test("an object no wider than the overlap is whole in at least one tile, wherever it is")
    func smallObjectsAreWholeSomewhere() {
        let tiles = tiling.tiles(width: 3000, height: 2000)
        for x in stride(from: 0, through: 3000 - 128, by: 37) {
            let object = PixelRect(x: x, y: 900, width: 128, height: 100)
            let whole = tiles.contains { $0.rect.intersection(object) == object }
            #expect(whole, "object at x=\(x)")
        }
    }

    @Test("a box drawn on a tile is moved into the coordinates of the whole picture")
    func boxToImage() throws {
        let tile = tiling.tiles(width: 3000, height: 2000)[5]  // column 1, row 1
        #expect(tile.imageRect(fromTile: PixelRect(x: 10, y: 20, width: 30, height: 40))
                == PixelRect(x: 906, y: 916, width: 30, height: 40))
        // A drag that ends past the tile's edge is clipped to the tile.
        #expect(tile.imageRect(fromTile: PixelRect(x: 1000, y: -5, width: 100, height: 20))
                == PixelRect(x: 1896, y: 896, width: 24, height: 15))
        #expect(tile.imageRect(fromTile: PixelRect(x: 2000, y: 0, width: 10, height: 10)) == nil)
        let box = try #require(tile.imageBox(fromTile: (x: 10.5, y: 20.25, width: 30, height: 40)))
        #expect(box.x == 906.5 && box.y == 916.25 && box.width == 30 && box.height == 40)
        #expect(tile.imageBox(fromTile: (x: -50, y: 0, width: 20, height: 20)) == nil)
    }

    @Test("other tile sizes follow the same rule")
    func otherSettings() {
        let small = ImageTiling(tileSize: 512, overlap: 64, threshold: 1024)
        #expect(small.tiles(width: 1025, height: 300).map(\.rect.x) == [0, 448, 896])
    }
}
