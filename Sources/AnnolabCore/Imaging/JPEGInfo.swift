// Reads a JPEG's width and height from its frame header, without decoding the picture.

import Foundation

/// The size and frame kind of a JPEG image, read from its SOF marker.
///
/// The import pipeline uses this to decide whether an uploaded photo must be tiled before any
/// pixel is decoded. Reading is bounded by the file: every step moves forward, so a hostile file
/// cannot make it loop, and a file that ends early is reported as cut off.
///
/// ```swift
/// let info = try JPEGInfo.read(data)
/// let tiles = ImageTiling().tiles(width: info.width, height: info.height)
/// ```
public struct JPEGInfo: Sendable, Hashable {
    public var width: Int
    public var height: Int
    /// Colour components: 1 for grey, 3 for YCbCr, 4 for CMYK.
    public var components: Int
    /// Bits per sample (8 for nearly all photos, 12 or 16 for some scanners).
    public var bitsPerSample: Int
    /// The SOF marker byte (0xC0 baseline, 0xC2 progressive, ...).
    public var frameMarker: UInt8

    public var isProgressive: Bool { [0xC2, 0xC6, 0xCA, 0xCE].contains(frameMarker) }

    public init(width: Int, height: Int, components: Int, bitsPerSample: Int, frameMarker: UInt8) {
        self.width = width
        self.height = height
        self.components = components
        self.bitsPerSample = bitsPerSample
        self.frameMarker = frameMarker
    }

    /// Whether the bytes start like a JPEG (the SOI marker followed by another marker).
    public static func looksLikeJPEG(_ data: Data) -> Bool {
        data.count >= 3 && data[data.startIndex] == 0xFF && data[data.startIndex + 1] == 0xD8
            && data[data.startIndex + 2] == 0xFF
    }

    /// Reads the frame header of a JPEG file.
    ///
    /// - Throws: `LabError` with code `jpeg_not_jpeg`, `jpeg_truncated`, `jpeg_corrupt` or
    ///   `jpeg_no_size`.
    public static func read(_ data: Data) throws -> JPEGInfo {
        try data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) throws -> JPEGInfo in
            try read(bytes: raw)
        }
    }

    private static func read(bytes: UnsafeRawBufferPointer) throws -> JPEGInfo {
        let count = bytes.count
        guard count >= 2, bytes[0] == 0xFF, bytes[1] == 0xD8 else { throw notJPEG }
        var position = 2
        while true {
            // Each segment starts with 0xFF; runs of extra 0xFF are allowed as fill bytes.
            guard position < count else { throw truncated }
            guard bytes[position] == 0xFF else { throw corrupt }
            while position < count && bytes[position] == 0xFF { position += 1 }
            guard position < count else { throw truncated }
            let marker = bytes[position]
            position += 1

            switch marker {
            case 0x00:
                throw corrupt
            case 0x01, 0xD0...0xD7:
                continue  // TEM and restart markers stand alone, with no length.
            case 0xD8:
                throw corrupt  // A second start-of-image outside any segment.
            case 0xD9, 0xDA:
                // End of image, or the compressed scan, before any frame header.
                throw LabError(.unprocessable, "jpeg_no_size",
                               "This JPEG file has no picture size in it. Save the picture again as JPEG or PNG and upload it again.")
            default:
                break
            }

            guard position + 2 <= count else { throw truncated }
            let length = Int(bytes[position]) << 8 | Int(bytes[position + 1])
            guard length >= 2 else { throw corrupt }

            if isFrameHeader(marker) {
                guard length >= 8 else { throw corrupt }
                guard position + 8 <= count else { throw truncated }
                let precision = Int(bytes[position + 2])
                let height = Int(bytes[position + 3]) << 8 | Int(bytes[position + 4])
                let width = Int(bytes[position + 5]) << 8 | Int(bytes[position + 6])
                let components = Int(bytes[position + 7])
                guard width > 0, components > 0 else { throw corrupt }
                guard height > 0 else {
                    // Height 0 means "given later in a DNL marker": rare, and not worth the risk.
                    throw LabError(.unprocessable, "jpeg_no_size",
                                   "This JPEG file does not say how tall the picture is. Save the picture again as JPEG or PNG and upload it again.")
                }
                return JPEGInfo(width: width, height: height, components: components,
                                bitsPerSample: precision, frameMarker: marker)
            }
            position += length
        }
    }

    /// SOF0-SOF15, leaving out the markers in that range that are not frame headers:
    /// DHT (0xC4), JPG (0xC8) and DAC (0xCC).
    private static func isFrameHeader(_ marker: UInt8) -> Bool {
        (0xC0...0xCF).contains(marker) && marker != 0xC4 && marker != 0xC8 && marker != 0xCC
    }

    private static var notJPEG: LabError {
        LabError(.unsupportedMedia, "jpeg_not_jpeg",
                 "This file is not a JPEG picture. Upload a JPEG or PNG file.")
    }
    private static var truncated: LabError {
        LabError(.unprocessable, "jpeg_truncated",
                 "This JPEG file is cut off: its header ends early. Upload the file again; if that does not help, save it again from the original.")
    }
    private static var corrupt: LabError {
        LabError(.unprocessable, "jpeg_corrupt",
                 "This JPEG file is damaged and cannot be read. Save the picture again from the original and upload it again.")
    }
}
