// A decoded picture in memory: 8-bit red, green, blue and alpha per pixel, rows top to bottom.

import AnnolabCore

/// One pixel's colour, not premultiplied by alpha.
public struct RGBA: Sendable, Hashable, CustomStringConvertible {
    public var r: UInt8
    public var g: UInt8
    public var b: UInt8
    public var a: UInt8

    public init(_ r: UInt8, _ g: UInt8, _ b: UInt8, _ a: UInt8 = 255) {
        self.r = r
        self.g = g
        self.b = b
        self.a = a
    }

    public static let black = RGBA(0, 0, 0)
    public static let white = RGBA(255, 255, 255)
    public static let clear = RGBA(0, 0, 0, 0)

    public var description: String { "rgba(\(r), \(g), \(b), \(a))" }
}

/// A picture as RGBA8 pixels, the one in-memory form every image operation of the lab uses.
///
/// ```swift
/// var image = RGBAImage(width: 640, height: 480, fill: .white)
/// image.fill(PixelRect(x: 10, y: 10, width: 100, height: 50), with: RGBA(200, 30, 30))
/// let png = try PNGImage.encode(image)
/// ```
public struct RGBAImage: Sendable, Equatable {
    public let width: Int
    public let height: Int
    /// `width * height * 4` bytes: R, G, B, A for each pixel, row by row from the top.
    public private(set) var pixels: [UInt8]

    /// A picture of one colour. The size comes from the lab's own code, never straight from an
    /// upload: decoding checks an upload's size against `PNGLimits` first.
    public init(width: Int, height: Int, fill: RGBA = .clear) {
        precondition(width > 0 && height > 0, "A picture needs at least one pixel.")
        self.width = width
        self.height = height
        pixels = [UInt8](repeating: 0, count: width * height * 4)
        if fill != .clear {
            pixels.withUnsafeMutableBufferPointer { buffer in
                for index in stride(from: 0, to: buffer.count, by: 4) {
                    buffer[index] = fill.r
                    buffer[index + 1] = fill.g
                    buffer[index + 2] = fill.b
                    buffer[index + 3] = fill.a
                }
            }
        }
    }

    /// A picture from pixels already laid out as RGBA8 rows.
    public init(width: Int, height: Int, pixels: [UInt8]) throws {
        guard width > 0, height > 0, width <= Int(Int32.max), height <= Int(Int32.max),
              width.multipliedReportingOverflow(by: height * 4).overflow == false,
              pixels.count == width * height * 4
        else {
            throw LabError(.badRequest, "image_pixels_mismatch",
                           "The picture's pixels do not match its size of \(width) x \(height). This is a bug in Annolab; please report it.")
        }
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    /// The whole picture as a rectangle.
    public var bounds: PixelRect { PixelRect(x: 0, y: 0, width: width, height: height) }

    /// The colour of one pixel; reading or writing outside the picture is a programming error.
    public subscript(x: Int, y: Int) -> RGBA {
        get {
            precondition(x >= 0 && x < width && y >= 0 && y < height, "Pixel outside the picture.")
            let i = (y * width + x) * 4
            return RGBA(pixels[i], pixels[i + 1], pixels[i + 2], pixels[i + 3])
        }
        set {
            precondition(x >= 0 && x < width && y >= 0 && y < height, "Pixel outside the picture.")
            let i = (y * width + x) * 4
            pixels[i] = newValue.r
            pixels[i + 1] = newValue.g
            pixels[i + 2] = newValue.b
            pixels[i + 3] = newValue.a
        }
    }

    /// Whether every pixel is fully opaque (then the picture can be stored without alpha).
    public var isOpaque: Bool {
        pixels.withUnsafeBufferPointer { buffer in
            stride(from: 3, to: buffer.count, by: 4).allSatisfy { buffer[$0] == 255 }
        }
    }

    /// Paints a rectangle with one colour, replacing what was there; parts outside are ignored.
    public mutating func fill(_ rect: PixelRect, with colour: RGBA) {
        let area = rect.intersection(bounds)
        guard !area.isEmpty else { return }
        let width = self.width
        pixels.withUnsafeMutableBufferPointer { buffer in
            for y in area.y..<area.maxY {
                var i = (y * width + area.x) * 4
                for _ in 0..<area.width {
                    buffer[i] = colour.r
                    buffer[i + 1] = colour.g
                    buffer[i + 2] = colour.b
                    buffer[i + 3] = colour.a
                    i += 4
                }
            }
        }
    }

    /// Changes every pixel of a rectangle with `change`; parts outside the picture are ignored.
    public mutating func apply(to rect: PixelRect, _ change: (RGBA) -> RGBA) {
        let area = rect.intersection(bounds)
        guard !area.isEmpty else { return }
        for y in area.y..<area.maxY {
            for x in area.x..<area.maxX { self[x, y] = change(self[x, y]) }
        }
    }

    /// The part of the picture inside `rect` (a tile, or the surroundings of a box).
    ///
    /// - Throws: `image_crop_outside` when the rectangle does not overlap the picture at all.
    public func cropped(to rect: PixelRect) throws -> RGBAImage {
        let area = rect.intersection(bounds)
        guard !area.isEmpty else {
            throw LabError(.badRequest, "image_crop_outside",
                           "The part to cut out (\(rect)) lies outside the picture of \(width) x \(height). Choose a part inside the picture.")
        }
        var out = [UInt8](repeating: 0, count: area.width * area.height * 4)
        let rowBytes = area.width * 4
        pixels.withUnsafeBufferPointer { source in
            out.withUnsafeMutableBufferPointer { target in
                for row in 0..<area.height {
                    let from = ((area.y + row) * width + area.x) * 4
                    let to = row * rowBytes
                    (target.baseAddress! + to).update(from: source.baseAddress! + from, count: rowBytes)
                }
            }
        }
        return try RGBAImage(width: area.width, height: area.height, pixels: out)
    }
}
