// What a PNG says about its size before decoding, and the limits an upload must stay within.

import AnnolabCore
import Foundation

/// Limits for decoding an uploaded PNG.
public struct PNGLimits: Sendable, Hashable {
    /// Most pixels a picture may have (100 megapixels: 400 MB once decoded).
    public var maxPixels: Int

    public init(maxPixels: Int = 100_000_000) {
        self.maxPixels = maxPixels
    }

    /// Refuses a picture before decoding: too many pixels, or a file far too small to hold the
    /// rows its header declares (deflate packs at most about 1032 bytes into one, so such a
    /// header is lying about the size).
    ///
    /// - Throws: `image_too_large` or `png_size_mismatch`.
    public func check(_ header: PNGHeader, fileSize: Int) throws {
        guard header.pixelCount <= maxPixels else {
            let limit = maxPixels % 1_000_000 == 0 ? "\(maxPixels / 1_000_000)" : String(format: "%.1f", Double(maxPixels) / 1_000_000)
            throw LabError(.tooLarge, "image_too_large",
                           "This picture is \(header.width) x \(header.height) pixels. Annolab takes pictures up to \(limit) megapixels. Make the picture smaller and upload it again.")
        }
        if header.minimumRawBytes > Double(fileSize) * 1040 + 4096 {
            throw LabError(.unprocessable, "png_size_mismatch",
                           "This PNG file says the picture is \(header.width) x \(header.height) pixels, but the file is far too small for that. The file is damaged. Save the picture again from the original and upload it again.")
        }
    }
}

/// What a PNG file says about itself in its IHDR chunk, read without decoding any pixel.
public struct PNGHeader: Sendable, Hashable {
    public var width: Int
    public var height: Int
    /// Bits per sample: 1, 2, 4, 8 or 16.
    public var bitDepth: Int
    /// 0 grey, 2 RGB, 3 palette, 4 grey + alpha, 6 RGBA.
    public var colourType: Int
    public var isInterlaced: Bool

    public var pixelCount: Int { width * height }

    /// The fewest bytes the compressed pixel rows unpack to (one filter byte per row, no
    /// interlacing), as a Double because a lying header can ask for more than `Int` holds.
    public var minimumRawBytes: Double {
        let samples = [0: 1, 2: 3, 3: 1, 4: 2, 6: 4][colourType] ?? 4
        let rowBytes = (Double(width) * Double(samples * bitDepth) / 8).rounded(.up)
        return Double(height) * (1 + rowBytes)
    }
}
