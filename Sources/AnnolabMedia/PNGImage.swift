// Reads and writes PNG pictures through libpng's simplified API, refusing hostile files before they cost memory.

import AnnolabCore
import CPNG
import CZlib
import Foundation

/// PNG decoding and encoding for the lab.
///
/// Decoding goes through libpng's simplified API (`png_image`), which handles every bit depth,
/// palette, grey, alpha, tRNS and Adam7 interlacing, and reports errors in `png_image.message`
/// instead of jumping through Swift frames. Before libpng sees a byte, the IHDR chunk is read
/// and checked here, and the picture's size is held against `PNGLimits`, so a file that claims
/// 100000 x 100000 pixels is refused before any memory is taken.
///
/// ```swift
/// let header = try PNGImage.readHeader(upload)          // size only, cheap
/// let image = try PNGImage.decode(upload)              // RGBA8
/// let tile = try PNGImage.encode(try image.cropped(to: tileRect))
/// ```
public enum PNGImage {
    /// The eight bytes every PNG file starts with.
    public static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    /// Whether the bytes start with the PNG signature.
    public static func looksLikePNG(_ data: Data) -> Bool {
        data.count >= 8 && data.prefix(8).elementsEqual(signature)
    }

    /// Reads the picture's size and format from the IHDR chunk, checking its checksum.
    ///
    /// - Throws: `LabError` with code `image_empty`, `png_not_png`, `png_truncated` or `png_corrupt`.
    public static func readHeader(_ data: Data) throws -> PNGHeader {
        guard !data.isEmpty else { throw emptyFile }
        guard data.count >= 8 else {
            // A PNG signature that is only partly there is a cut-off upload, not another format.
            throw signature.starts(with: data) ? truncated(nil) : notPNG
        }
        guard looksLikePNG(data) else { throw notPNG }
        guard data.count >= 33 else { throw truncated(nil) }
        let bytes = [UInt8](data.prefix(33))
        func u32(_ at: Int) -> UInt32 {
            UInt32(bytes[at]) << 24 | UInt32(bytes[at + 1]) << 16 | UInt32(bytes[at + 2]) << 8 | UInt32(bytes[at + 3])
        }
        guard u32(8) == 13, bytes[12..<16].elementsEqual("IHDR".utf8) else {
            throw corrupt("the first chunk is not a valid IHDR")
        }
        let checksum = bytes[12..<29].withContiguousStorageIfAvailable { chunk in
            UInt32(crc32(0, chunk.baseAddress, 17))
        } ?? 0
        guard checksum == u32(29) else { throw corrupt("the IHDR checksum is wrong") }

        let width = Int(u32(16)), height = Int(u32(20))
        let depth = Int(bytes[24]), colour = Int(bytes[25])
        let allowedDepths: [Int: Set<Int>] = [0: [1, 2, 4, 8, 16], 2: [8, 16], 3: [1, 2, 4, 8], 4: [8, 16], 6: [8, 16]]
        guard width > 0, height > 0, width <= 0x7FFF_FFFF, height <= 0x7FFF_FFFF,
              allowedDepths[colour]?.contains(depth) == true,
              bytes[26] == 0, bytes[27] == 0, bytes[28] <= 1
        else { throw corrupt("the IHDR values are not allowed") }
        return PNGHeader(width: width, height: height, bitDepth: depth, colourType: colour,
                         isInterlaced: bytes[28] == 1)
    }

    /// Decodes a PNG to RGBA8.
    ///
    /// 16-bit files are read as sRGB (as image editors write them and as browsers show them),
    /// so each 16-bit sample becomes its top byte, rounded; a gAMA or iCCP chunk is honoured.
    ///
    /// - Throws: `LabError` with code `image_empty`, `png_not_png`, `png_truncated`,
    ///   `png_corrupt`, `image_too_large` or `png_size_mismatch`.
    public static func decode(_ data: Data, limits: PNGLimits = PNGLimits()) throws -> RGBAImage {
        let header = try readHeader(data)
        try limits.check(header, fileSize: data.count)

        var image = png_image()
        image.version = UInt32(PNG_IMAGE_VERSION)
        image.opaque = nil
        defer { png_image_free(&image) }

        let began = data.withUnsafeBytes { raw in
            png_image_begin_read_from_memory(&image, raw.baseAddress, raw.count)
        }
        guard began != 0 else { throw failure(image) }
        guard Int(image.width) == header.width, Int(image.height) == header.height else {
            throw corrupt("libpng read a different size than the header")
        }
        if header.bitDepth == 16 { image.flags |= UInt32(PNG_IMAGE_FLAG_16BIT_sRGB) }

        let stride = header.width * 4
        guard stride <= Int(Int32.max) else {
            throw LabError(.tooLarge, "image_too_large",
                           "This picture is \(header.width) pixels wide, wider than Annolab can handle. Make the picture smaller and upload it again.")
        }
        if header.bitDepth == 16 && header.isInterlaced {
            return try decodeInterlaced16(&image, header: header)
        }
        image.format = formatRGBA
        var pixels = [UInt8](repeating: 0, count: stride * header.height)
        let finished = pixels.withUnsafeMutableBytes { buffer in
            png_image_finish_read(&image, nil, buffer.baseAddress, Int32(stride), nil)
        }
        guard finished != 0 else { throw failure(image) }
        return try RGBAImage(width: header.width, height: header.height, pixels: pixels)
    }

    /// Reads an interlaced 16-bit PNG through libpng's 16-bit linear output and converts it here.
    ///
    /// libpng 1.6's simplified API mixes up pixels when it scales an Adam7-interlaced 16-bit
    /// file down to 8 bits (pnggroup/libpng issue #853, in Debian 12's 1.6.39 among others).
    /// Its linear 16-bit output is not affected, so that is read instead: premultiplied linear
    /// light, turned back into straight gamma-encoded bytes with the same power curve libpng
    /// used to make it linear (gamma 1/2.2, libpng's stand-in for sRGB in this step).
    private static func decodeInterlaced16(_ image: inout png_image, header: PNGHeader) throws -> RGBAImage {
        image.format = formatLinearRGBA
        let stride = header.width * 4
        var linear = [UInt16](repeating: 0, count: stride * header.height)
        let finished = linear.withUnsafeMutableBytes { buffer in
            png_image_finish_read(&image, nil, buffer.baseAddress, Int32(stride), nil)
        }
        guard finished != 0 else { throw failure(image) }
        var pixels = [UInt8](repeating: 0, count: linear.count)
        for p in Swift.stride(from: 0, to: linear.count, by: 4) {
            let alpha = Double(linear[p + 3])
            guard alpha > 0 else { continue }
            for c in 0..<3 {
                pixels[p + c] = gammaByte(fromLinear: min(1, Double(linear[p + c]) / alpha))
            }
            pixels[p + 3] = UInt8((alpha / 257).rounded())
        }
        return try RGBAImage(width: header.width, height: header.height, pixels: pixels)
    }

    /// Linear light (0...1) to an 8-bit value with libpng's sRGB gamma (PNG_GAMMA_sRGB_INVERSE).
    static func gammaByte(fromLinear value: Double) -> UInt8 {
        UInt8(min(255, max(0, (pow(value, 0.45455) * 255).rounded())))
    }

    /// Encodes a picture as an 8-bit PNG; fully opaque pictures are stored without alpha.
    public static func encode(_ picture: RGBAImage) throws -> Data {
        let opaque = picture.isOpaque
        var buffer: [UInt8]
        if opaque {
            buffer = [UInt8](repeating: 0, count: picture.width * picture.height * 3)
            picture.pixels.withUnsafeBufferPointer { source in
                var j = 0
                for i in Swift.stride(from: 0, to: source.count, by: 4) {
                    buffer[j] = source[i]
                    buffer[j + 1] = source[i + 1]
                    buffer[j + 2] = source[i + 2]
                    j += 3
                }
            }
        } else {
            buffer = picture.pixels
        }

        var image = png_image()
        image.version = UInt32(PNG_IMAGE_VERSION)
        image.width = UInt32(picture.width)
        image.height = UInt32(picture.height)
        image.format = opaque ? formatRGB : formatRGBA
        defer { png_image_free(&image) }

        // Start with room for a well-packed picture; libpng says how much it needs when that is short.
        var capacity = buffer.count / 2 + 4096
        for _ in 0..<2 {
            var output = [UInt8](repeating: 0, count: capacity)
            var size = png_alloc_size_t(capacity)
            let written = output.withUnsafeMutableBytes { out in
                buffer.withUnsafeBytes { pixels in
                    png_image_write_to_memory(&image, out.baseAddress, &size, 0, pixels.baseAddress, 0, nil)
                }
            }
            if written != 0 {
                return Data(output.prefix(Int(size)))
            }
            guard Int(size) > capacity else { break }  // A real failure, not a short buffer.
            capacity = Int(size)
            image.warning_or_error = 0
        }
        throw LabError(.internalFailure, "png_encode_failed",
                       "Annolab could not save the picture as PNG (\(message(image))). Try again; if it keeps failing, tell the lab's admin.")
    }

    /// Cuts a picture into the tiles of `tiling` and encodes each, one at a time, so only the
    /// packed tiles are held in memory.
    public static func encodeTiles(of picture: RGBAImage, tiling: ImageTiling = ImageTiling()) throws -> [(tile: ImageTile, png: Data)] {
        try tiling.tiles(width: picture.width, height: picture.height).map { tile in
            (tile, try encode(try picture.cropped(to: tile.rect)))
        }
    }

    // MARK: - Errors

    private static let formatRGB = UInt32(PNG_FORMAT_FLAG_COLOR)
    private static let formatRGBA = UInt32(PNG_FORMAT_FLAG_COLOR | PNG_FORMAT_FLAG_ALPHA)
    private static let formatLinearRGBA = UInt32(PNG_FORMAT_FLAG_COLOR | PNG_FORMAT_FLAG_ALPHA | PNG_FORMAT_FLAG_LINEAR)

    /// libpng's own message, read from the fixed 64-byte field of `png_image`.
    private static func message(_ image: png_image) -> String {
        withUnsafeBytes(of: image.message) { raw in
            let bytes = raw.prefix { $0 != 0 }
            return String(decoding: bytes, as: UTF8.self)
        }
    }

    private static func failure(_ image: png_image) -> LabError {
        let detail = message(image)
        let lower = detail.lowercased()
        if lower.contains("not enough") || lower.contains("end of") || lower.contains("truncat")
            || lower.contains("read beyond") {
            return truncated(detail)
        }
        return corrupt(detail.isEmpty ? "libpng could not read it" : detail)
    }

    static var emptyFile: LabError {
        LabError(.badRequest, "image_empty",
                 "This file is empty (0 bytes). Upload the picture again; check that the upload finished.")
    }
    static var notPNG: LabError {
        LabError(.unsupportedMedia, "png_not_png",
                 "This file is not a PNG picture. Upload a PNG file, or save the picture as PNG first.")
    }
    static func truncated(_ detail: String?) -> LabError {
        LabError(.unprocessable, "png_truncated",
                 "This PNG file is cut off: it ends before the picture is complete\(detail.map { " (\($0))" } ?? ""). Upload the file again; if that does not help, save it again from the original.")
    }
    static func corrupt(_ detail: String) -> LabError {
        LabError(.unprocessable, "png_corrupt",
                 "This PNG file is damaged and cannot be read (\(detail)). Save the picture again from the original and upload it again.")
    }
}
