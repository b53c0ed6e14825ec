// Tells an uploaded picture's format and size from its first bytes, before anything is decoded.

import AnnolabCore
import Foundation

/// The format and size of an uploaded picture.
public struct ImageProbe: Sendable, Hashable {
    public enum Format: String, Sendable, Hashable, Codable {
        case png, jpeg
    }

    public var format: Format
    public var width: Int
    public var height: Int

    public init(format: Format, width: Int, height: Int) {
        self.format = format
        self.width = width
        self.height = height
    }

    /// Reads the format and size of a PNG or JPEG upload from its header only.
    ///
    /// The import pipeline uses this to decide, cheaply, whether a picture is one microtask or
    /// is tiled (`ImageTiling`). Only PNG files can be decoded for tiles; a JPEG's size is known
    /// but its pixels are not (Annolab has no JPEG decoder).
    ///
    /// - Throws: `image_empty`, `image_unsupported_format`, or the header errors of
    ///   `PNGImage.readHeader` and `JPEGInfo.read`.
    public static func read(_ data: Data) throws -> ImageProbe {
        guard !data.isEmpty else { throw PNGImage.emptyFile }
        if PNGImage.signature.starts(with: data.prefix(8)) {
            let header = try PNGImage.readHeader(data)
            return ImageProbe(format: .png, width: header.width, height: header.height)
        }
        if data.count >= 2 && data[data.startIndex] == 0xFF && data[data.startIndex + 1] == 0xD8 {
            let info = try JPEGInfo.read(data)
            return ImageProbe(format: .jpeg, width: info.width, height: info.height)
        }
        throw LabError(.unsupportedMedia, "image_unsupported_format",
                       "This file is not a PNG or JPEG picture\(knownFormat(data).map { " (it looks like \($0))" } ?? ""). Save the picture as PNG or JPEG and upload it again.")
    }

    /// A name for common picture formats Annolab does not take, to make the message concrete.
    private static func knownFormat(_ data: Data) -> String? {
        let head = [UInt8](data.prefix(12))
        if head.starts(with: Array("GIF8".utf8)) { return "a GIF" }
        if head.count >= 12, head[0..<4].elementsEqual("RIFF".utf8), head[8..<12].elementsEqual("WEBP".utf8) { return "a WebP" }
        if head.count >= 12, head[4..<8].elementsEqual("ftyp".utf8) { return "a HEIC or AVIF photo" }
        if head.starts(with: Array("BM".utf8)) { return "a BMP" }
        if head.starts(with: [0x49, 0x49, 0x2A, 0x00]) || head.starts(with: [0x4D, 0x4D, 0x00, 0x2A]) { return "a TIFF" }
        return nil
    }
}
