// Cropping tiles, making thumbnails and drawing boxes give exactly the pixels operators should see.

import AnnolabCore
import Foundation
import Testing

@testable import AnnolabMedia

/// A picture where every pixel's colour says where it is, so any misplaced pixel shows.
func coordinatePicture(width: Int, height: Int) -> RGBAImage {
    var image = RGBAImage(width: width, height: height)
    for y in 0..<height {
        for x in 0..<width {
            image[x, y] = RGBA(UInt8(x & 0xFF), UInt8(y & 0xFF), UInt8((x >> 8) | ((y >> 8) << 4)))
        }
    }
    return image
}

@Suite("Cutting, shrinking and marking pictures")
struct ImageOperationsTests {
    @Test("a crop holds exactly the pixels of its rectangle")
    func cropIsExact() throws {
        let image = coordinatePicture(width: 300, height: 200)
        let crop = try image.cropped(to: PixelRect(x: 250, y: 150, width: 100, height: 100))
        #expect(crop.width == 50 && crop.height == 50, "the part outside the picture is cut away")
        #expect(crop[0, 0] == image[250, 150])
        #expect(crop[49, 49] == image[299, 199])
        #expect(crop[7, 3] == image[257, 153])
    }

    @Test("a crop entirely outside the picture is refused")
    func cropOutside() {
        let image = RGBAImage(width: 10, height: 10, fill: .white)
        #expect(throws: LabError.self) { try image.cropped(to: PixelRect(x: 10, y: 0, width: 5, height: 5)) }
        do {
            _ = try image.cropped(to: PixelRect(x: -20, y: -20, width: 5, height: 5))
        } catch let error as LabError {
            #expect(error.code == "image_crop_outside")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test("a 3000 x 2000 picture becomes 12 tile PNGs whose pixels match the picture")
    func tilesOfLargePicture() throws {
        let image = coordinatePicture(width: 3000, height: 2000)
        let tiles = try PNGImage.encodeTiles(of: image)
        #expect(tiles.count == 12)
        for (tile, png) in tiles {
            let decoded = try PNGImage.decode(png)
            #expect(decoded.width == tile.rect.width && decoded.height == tile.rect.height)
            #expect(decoded[0, 0] == image[tile.rect.x, tile.rect.y])
            #expect(decoded[decoded.width - 1, decoded.height - 1] == image[tile.rect.maxX - 1, tile.rect.maxY - 1])
        }
        let last = try #require(tiles.last)
        #expect(last.tile.rect == PixelRect(x: 2688, y: 1792, width: 312, height: 208))
    }

    @Test("a picture that is not tiled gives no tiles")
    func smallPictureHasNoTiles() throws {
        #expect(try PNGImage.encodeTiles(of: RGBAImage(width: 640, height: 480, fill: .white)).isEmpty)
    }

    @Test("a thumbnail fits the longest side and keeps the shape")
    func thumbnailSize() {
        let wide = RGBAImage(width: 3000, height: 2000, fill: .white).thumbnail(maxSide: 300)
        #expect(wide.width == 300 && wide.height == 200)
        let tall = RGBAImage(width: 100, height: 1000, fill: .white).thumbnail(maxSide: 64)
        #expect(tall.width == 6 && tall.height == 64)
        let line = RGBAImage(width: 5000, height: 1, fill: .white).thumbnail(maxSide: 100)
        #expect(line.width == 100 && line.height == 1)
        let small = RGBAImage(width: 50, height: 40, fill: .black)
        #expect(small.thumbnail(maxSide: 64) == small, "small pictures are never enlarged")
    }

    @Test("a thumbnail averages the area each pixel covers")
    func thumbnailAverages() {
        // A checkerboard of black and white pixels shrinks to even grey, not to stripes.
        var board = RGBAImage(width: 64, height: 64, fill: .black)
        for y in 0..<64 { for x in 0..<64 where (x + y) % 2 == 0 { board[x, y] = .white } }
        let grey = board.thumbnail(maxSide: 16)
        for y in 0..<16 { for x in 0..<16 { #expect(abs(Int(grey[x, y].r) - 128) <= 1) } }

        // Left half red, right half blue: a 3-to-2 shrink mixes only the middle column.
        var halves = RGBAImage(width: 6, height: 2, fill: RGBA(255, 0, 0))
        halves.fill(PixelRect(x: 3, y: 0, width: 3, height: 2), with: RGBA(0, 0, 255))
        let mixed = halves.resampled(width: 3, height: 1)
        #expect(mixed[0, 0] == RGBA(255, 0, 0))
        #expect(mixed[1, 0] == RGBA(128, 0, 128) || mixed[1, 0] == RGBA(127, 0, 128) || mixed[1, 0] == RGBA(128, 0, 127))
        #expect(mixed[2, 0] == RGBA(0, 0, 255))
    }

    @Test("transparent pixels do not darken a thumbnail")
    func thumbnailAlpha() {
        var dots = RGBAImage(width: 8, height: 8, fill: .clear)
        for y in 0..<8 { for x in 0..<8 where (x + y) % 2 == 0 { dots[x, y] = RGBA(255, 0, 0) } }
        let small = dots.thumbnail(maxSide: 2)
        #expect(small[0, 0].r == 255 && small[0, 0].g == 0)
        #expect(abs(Int(small[0, 0].a) - 128) <= 1)
    }

    @Test("a box outline sits just outside the box: dark edge, bright band, dark edge")
    func boxOutline() {
        let background = RGBA(90, 140, 60)
        var image = RGBAImage(width: 100, height: 80, fill: background)
        let box = PixelRect(x: 30, y: 20, width: 40, height: 30)
        let style = BoxStyle(thickness: 4, edgeThickness: 2)
        image.drawBoxOutline(box, style: style)
        // Inside the box nothing changes, so the operator can judge whether it is tight.
        for y in box.y..<box.maxY { for x in box.x..<box.maxX { #expect(image[x, y] == background) } }
        // Walking left from the box edge: 2 px black, 4 px yellow, 2 px black, then the picture.
        let row = 35
        #expect(image[29, row] == .black && image[28, row] == .black)
        for x in 24...27 { #expect(image[x, row] == style.colour) }
        #expect(image[23, row] == .black && image[22, row] == .black)
        #expect(image[21, row] == background)
        // Corners are closed, above and below too.
        #expect(image[22, 12] == .black && image[25, 15] == style.colour && image[77, 57] == .black)
        #expect(image[50, 11] == background && image[50, 58] == background)
    }

    @Test("a box touching the picture's edge is drawn without crashing and dims the rest when asked")
    func boxAtEdge() {
        var image = RGBAImage(width: 50, height: 50, fill: .white)
        image.drawBoxOutline(PixelRect(x: 0, y: 0, width: 50, height: 20), style: BoxStyle(dimOutside: 0.5))
        #expect(image[10, 10] == .white)
        #expect(image[10, 40] == RGBA(127, 127, 127))
        #expect(image[10, 21] == .black)
        let standard = BoxStyle.standard(forWidth: 3000, height: 2000)
        #expect(standard.thickness >= 15 && standard.edgeThickness >= 5)
    }
}
