// Sample street pictures for image-boxes: simple shapes whose true boxes are known to the pixel.

import AnnolabCore

extension SampleMedia {
    /// A sample picture in memory with the boxes of everything drawn on it.
    public struct Picture: Sendable {
        public var file: String
        public var image: RGBAImage
        public var boxes: [Box]
        /// The seed of the street behind the objects, so tests can tell object pixels from it.
        var backgroundSeed: UInt64
    }

    /// The sample pictures: four street scenes (one with nothing to box) and one large picture
    /// of 3000 x 2000 that the tiling rule cuts into 12 tiles, with objects across tile seams.
    public static func pictures() -> [Picture] {
        var pictures: [Picture] = []
        func scene(_ file: String, _ width: Int, _ height: Int, seed: UInt64, _ objects: [Box]) {
            var image = street(width: width, height: height, seed: seed)
            for object in objects { draw(object, on: &image) }
            pictures.append(Picture(file: file, image: image, boxes: objects, backgroundSeed: seed))
        }
        scene("street-01.png", 640, 480, seed: 1, [
            Box(label: "car", rect: PixelRect(x: 60, y: 300, width: 220, height: 110)),
            Box(label: "person", rect: PixelRect(x: 400, y: 200, width: 60, height: 180)),
        ])
        scene("street-02.png", 640, 480, seed: 2, [
            Box(label: "car", rect: PixelRect(x: 20, y: 330, width: 180, height: 90)),
            Box(label: "car", rect: PixelRect(x: 380, y: 340, width: 240, height: 120)),
            Box(label: "bicycle", rect: PixelRect(x: 240, y: 300, width: 110, height: 70)),
            Box(label: "person", rect: PixelRect(x: 270, y: 170, width: 50, height: 120)),
        ])
        scene("street-03.png", 640, 480, seed: 3, [])
        scene("street-04.png", 800, 600, seed: 4, [
            Box(label: "person", rect: PixelRect(x: 90, y: 240, width: 70, height: 210)),
            Box(label: "person", rect: PixelRect(x: 180, y: 260, width: 60, height: 190)),
            Box(label: "bicycle", rect: PixelRect(x: 500, y: 420, width: 160, height: 100)),
        ])
        // Tile seams of the large picture: columns start at 0, 896, 1792, 2688; rows at 0, 896, 1792.
        scene("large-3000x2000.png", 3000, 2000, seed: 5, [
            Box(label: "car", rect: PixelRect(x: 100, y: 1200, width: 500, height: 240)),
            Box(label: "car", rect: PixelRect(x: 850, y: 1500, width: 300, height: 150)),  // across a column seam
            Box(label: "person", rect: PixelRect(x: 920, y: 700, width: 80, height: 240)),  // inside the overlap
            Box(label: "bicycle", rect: PixelRect(x: 2000, y: 1750, width: 220, height: 140)),  // across a row seam
            Box(label: "person", rect: PixelRect(x: 2750, y: 1000, width: 90, height: 260)),
        ])
        return pictures
    }

    /// A sky-to-road gradient with a seeded tint and lane dashes, so every picture differs slightly.
    static func street(width: Int, height: Int, seed: UInt64) -> RGBAImage {
        var random = SplitMix64(seed: seed)
        let tint = random.int(-12...12)
        var image = RGBAImage(width: width, height: height)
        let horizon = height * 45 / 100
        for y in 0..<height {
            let colour: RGBA
            if y < horizon {
                let t = Double(y) / Double(max(1, horizon))
                colour = RGBA(channel(150 + 40 * t + Double(tint)), channel(190 + 25 * t), channel(235 - 10 * t))
            } else {
                let t = Double(y - horizon) / Double(max(1, height - horizon))
                colour = RGBA(channel(125 - 40 * t), channel(125 - 40 * t + Double(tint) / 2), channel(130 - 40 * t))
            }
            image.fill(PixelRect(x: 0, y: y, width: width, height: 1), with: colour)
        }
        // Dashes on the road: part of the street, drawn before any object.
        let laneY = horizon + (height - horizon) * 2 / 3
        var x = random.int(0...40)
        while x < width {
            image.fill(PixelRect(x: x, y: laneY, width: max(8, width / 40), height: max(2, height / 160)), with: RGBA(235, 235, 225))
            x += max(16, width / 16)
        }
        return image
    }

    /// Draws an object so that its parts touch all four sides of its box: the box is exact.
    static func draw(_ object: Box, on image: inout RGBAImage) {
        let r = object.rect
        switch object.label {
        case "car":
            let wheel = max(4, r.height / 3)
            image.fill(PixelRect(x: r.x, y: r.y + r.height / 3, width: r.width, height: r.height - r.height / 3 - wheel / 2), with: RGBA(30, 90, 200))
            image.fill(PixelRect(x: r.x + r.width / 5, y: r.y, width: r.width * 3 / 5, height: r.height / 3 + 1), with: RGBA(30, 90, 200))
            image.fill(PixelRect(x: r.x + r.width / 4, y: r.y + r.height / 12, width: r.width / 2, height: r.height / 5), with: RGBA(175, 215, 240))
            image.fill(PixelRect(x: r.x + r.width / 8, y: r.maxY - wheel, width: wheel, height: wheel), with: RGBA(25, 25, 25))
            image.fill(PixelRect(x: r.maxX - r.width / 8 - wheel, y: r.maxY - wheel, width: wheel, height: wheel), with: RGBA(25, 25, 25))
        case "person":
            let head = max(3, min(r.width * 2 / 3, r.height / 5))
            image.fill(PixelRect(x: r.x + (r.width - head) / 2, y: r.y, width: head, height: head), with: RGBA(235, 195, 160))
            image.fill(PixelRect(x: r.x, y: r.y + head, width: r.width, height: r.height * 11 / 20 - head), with: RGBA(205, 40, 50))
            image.fill(PixelRect(x: r.x + r.width / 8, y: r.y + r.height * 11 / 20, width: r.width * 3 / 4, height: r.height - r.height * 11 / 20), with: RGBA(50, 50, 90))
        case "bicycle":
            let wheel = max(4, r.height * 3 / 5)
            image.fill(PixelRect(x: r.x, y: r.maxY - wheel, width: wheel, height: wheel), with: RGBA(30, 30, 30))
            image.fill(PixelRect(x: r.maxX - wheel, y: r.maxY - wheel, width: wheel, height: wheel), with: RGBA(30, 30, 30))
            image.fill(PixelRect(x: r.x + wheel / 2, y: r.maxY - wheel * 3 / 4, width: r.width - wheel, height: max(2, r.height / 10)), with: RGBA(40, 170, 70))
            image.fill(PixelRect(x: r.maxX - wheel / 2 - max(2, r.width / 20), y: r.y, width: max(2, r.width / 20), height: r.height - wheel / 2), with: RGBA(40, 170, 70))
            image.fill(PixelRect(x: r.maxX - wheel / 2 - r.width / 8, y: r.y, width: r.width / 8 + max(2, r.width / 20), height: max(2, r.height / 12)), with: RGBA(40, 170, 70))
        default:
            image.fill(r, with: RGBA(240, 150, 20))
        }
    }

    private static func channel(_ value: Double) -> UInt8 {
        UInt8(min(255, max(0, value.rounded())))
    }
}
