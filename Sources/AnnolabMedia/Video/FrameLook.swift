// What a small grey copy of a frame tells about it: dark, blurred, or nearly the same as another.

/// Measures of one frame, taken from a grey copy of ``width`` x ``height`` pixels (the picture
/// squeezed to that box whatever its shape), so every test costs the same on any programme.
///
/// The thresholds were set on frames measured the same way: ffmpeg's moving test picture, SMPTE
/// bars, Mandelbrot, Conway's life, noise, plain colours, and the same blurred with `gblur`.
/// See ``blackLuma``, ``blurVariance`` and ``duplicateBits``.
struct FrameLook: Sendable, Equatable {
    static let width = 160
    static let height = 90
    static let byteCount = width * height

    /// Mean brightness, 0...255.
    var meanLuma: Double
    /// Variance of the Laplacian (4-neighbour): high where edges are sharp, near 0 when blurred or flat.
    var sharpness: Double
    /// A 64-bit difference hash: each bit says whether a cell of a 9x8 grid is brighter than its right neighbour.
    var hash: UInt64

    /// Darker than this (the grey copy is full range, so video black is 0 to 2) is a black frame:
    /// a fade or the gap between items. A plain 0x202020 frame measures 31, so a dark scene stays.
    static let blackLuma = 20.0
    /// Less than this Laplacian variance is a blurred or flat frame (a dissolve, a plain title card).
    /// Measured at 640x360: test pictures, SMPTE bars and Mandelbrot 400 to 800, an RGB gradient 88;
    /// the same blurred with `gblur=sigma=6` 19 to 49; a plain colour 0 to 2.
    static let blurVariance = 60.0
    /// Hashes this close (in differing bits of 64) are the same picture: the same shot returning,
    /// or a still held over a cut. Measured: different test pictures differ by 16 to 53 bits; the
    /// same picture seconds apart, or blurred, by 0.
    static let duplicateBits = 6

    var isBlack: Bool { meanLuma < Self.blackLuma }
    var isBlurred: Bool { sharpness < Self.blurVariance }

    func isNearDuplicate(of other: FrameLook) -> Bool {
        (hash ^ other.hash).nonzeroBitCount <= Self.duplicateBits
    }

    /// Measures a grey frame of exactly ``byteCount`` bytes, row by row.
    init?(grey: ArraySlice<UInt8>) {
        guard grey.count == Self.byteCount else { return nil }
        let pixels = Array(grey)
        let w = Self.width, h = Self.height
        var sum = 0
        for value in pixels { sum += Int(value) }
        meanLuma = Double(sum) / Double(pixels.count)

        var lapSum = 0.0, lapSquares = 0.0
        for y in 1..<(h - 1) {
            for x in 1..<(w - 1) {
                let i = y * w + x
                let value = Double(Int(pixels[i - 1]) + Int(pixels[i + 1]) + Int(pixels[i - w]) + Int(pixels[i + w]) - 4 * Int(pixels[i]))
                lapSum += value
                lapSquares += value * value
            }
        }
        let count = Double((w - 2) * (h - 2))
        sharpness = lapSquares / count - (lapSum / count) * (lapSum / count)

        // Mean of each cell of a 9x8 grid, then one bit per horizontal neighbour pair.
        var cells = [Double](repeating: 0, count: 72)
        for gy in 0..<8 {
            for gx in 0..<9 {
                let x0 = gx * w / 9, x1 = (gx + 1) * w / 9, y0 = gy * h / 8, y1 = (gy + 1) * h / 8
                var cellSum = 0
                for y in y0..<y1 { for x in x0..<x1 { cellSum += Int(pixels[y * w + x]) } }
                cells[gy * 9 + gx] = Double(cellSum) / Double(max(1, (x1 - x0) * (y1 - y0)))
            }
        }
        var bits: UInt64 = 0
        for gy in 0..<8 {
            for gx in 0..<8 where cells[gy * 9 + gx] > cells[gy * 9 + gx + 1] {
                bits |= 1 << UInt64(gy * 8 + gx)
            }
        }
        hash = bits
    }
}
