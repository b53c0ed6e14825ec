// Turns the bytes of an uploaded subtitle file into text, whatever encoding its author's tool used.
import Foundation

/// Text decoded from an upload, with the encoding that was detected.
///
/// ```swift
/// let decoded = try TextDecoding.decode(uploadBytes)
/// print(decoded.encoding)        // .windows1252 for an old Dutch .srt
/// let cues = try SubRip.parse(decoded.text)
/// ```
public struct DecodedText: Sendable, Equatable {
    /// The encodings a subtitle upload can arrive in.
    public enum Encoding: String, Sendable, Equatable, CaseIterable {
        case utf8 = "UTF-8"
        case utf16LittleEndian = "UTF-16LE"
        case utf16BigEndian = "UTF-16BE"
        case utf32LittleEndian = "UTF-32LE"
        case utf32BigEndian = "UTF-32BE"
        /// The Western European Windows code page, still written by older subtitle tools.
        case windows1252 = "windows-1252"
    }

    /// The text, without a byte order mark.
    public var text: String
    /// How the bytes were read.
    public var encoding: Encoding
    /// Whether the file started with a byte order mark (which told us the encoding).
    public var hadByteOrderMark: Bool

    public init(text: String, encoding: Encoding, hadByteOrderMark: Bool) {
        self.text = text
        self.encoding = encoding
        self.hadByteOrderMark = hadByteOrderMark
    }
}

/// Reads the bytes of a text upload (subtitles) into a `String`.
///
/// The rules, in order:
/// 1. A byte order mark decides: UTF-8 (EF BB BF), UTF-32 LE (FF FE 00 00), UTF-32 BE
///    (00 00 FE FF), UTF-16 LE (FF FE), UTF-16 BE (FE FF). Broken sequences after a mark
///    become U+FFFD, as players show them, so one bad character does not refuse a whole file.
/// 2. Without a mark, bytes that are valid UTF-8 are UTF-8.
/// 3. Without a mark, text whose first kilobyte has a zero in every second byte is UTF-16
///    without a mark (some tools write it); the zero's side tells the byte order.
/// 4. Anything else is Windows-1252, which can read every byte. Its five unassigned bytes
///    (0x81, 0x8D, 0x8F, 0x90, 0x9D) become the C1 control characters with the same number,
///    as the WHATWG Encoding Standard (and so every browser) decodes them: nothing is lost.
///
/// Text that still contains a NUL character is refused: it is binary data, not subtitles.
public enum TextDecoding {
    /// The largest text upload we read: far above any real subtitle file (a feature film is
    /// about 100 KB), and small enough that a hostile upload cannot exhaust memory.
    public static let maximumByteCount = 64 * 1024 * 1024

    /// Decodes `data`, detecting the encoding as described on ``TextDecoding``.
    public static func decode(_ data: Data) throws -> DecodedText {
        guard data.count <= maximumByteCount else {
            throw LabError(
                .unprocessable, "text_too_large",
                "The text file is \(data.count / (1024 * 1024)) MB, more than the \(maximumByteCount / (1024 * 1024)) MB a subtitle file can be. Please check that you chose the right file."
            )
        }
        let bytes = [UInt8](data)
        let decoded = decode(bytes: bytes)
        if decoded.text.utf8.contains(0) {
            throw LabError(
                .unprocessable, "text_binary_data",
                "This file contains binary data, not text, so it cannot be a subtitle file. Please upload the .srt or .vtt file itself."
            )
        }
        return decoded
    }

    private static func decode(bytes: [UInt8]) -> DecodedText {
        let count = bytes.count
        if count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF {
            return DecodedText(text: String(decoding: bytes[3...], as: UTF8.self), encoding: .utf8, hadByteOrderMark: true)
        }
        // UTF-32 LE shares its first two bytes with UTF-16 LE, so it is checked first.
        if count >= 4, bytes[0] == 0xFF, bytes[1] == 0xFE, bytes[2] == 0, bytes[3] == 0 {
            return DecodedText(text: utf32(bytes[4...], bigEndian: false), encoding: .utf32LittleEndian, hadByteOrderMark: true)
        }
        if count >= 4, bytes[0] == 0, bytes[1] == 0, bytes[2] == 0xFE, bytes[3] == 0xFF {
            return DecodedText(text: utf32(bytes[4...], bigEndian: true), encoding: .utf32BigEndian, hadByteOrderMark: true)
        }
        if count >= 2, bytes[0] == 0xFF, bytes[1] == 0xFE {
            return DecodedText(text: utf16(bytes[2...], bigEndian: false), encoding: .utf16LittleEndian, hadByteOrderMark: true)
        }
        if count >= 2, bytes[0] == 0xFE, bytes[1] == 0xFF {
            return DecodedText(text: utf16(bytes[2...], bigEndian: true), encoding: .utf16BigEndian, hadByteOrderMark: true)
        }
        if let text = String(validating: bytes, as: UTF8.self) {
            // Valid UTF-8 may still be UTF-16 without a mark: ASCII text in UTF-16 is valid UTF-8
            // full of NULs. Only then is the guess made.
            if bytes.contains(0), let bigEndian = looksLikeUTF16WithoutMark(bytes) {
                return DecodedText(
                    text: utf16(bytes[...], bigEndian: bigEndian),
                    encoding: bigEndian ? .utf16BigEndian : .utf16LittleEndian, hadByteOrderMark: false
                )
            }
            return DecodedText(text: text, encoding: .utf8, hadByteOrderMark: false)
        }
        if let bigEndian = looksLikeUTF16WithoutMark(bytes) {
            return DecodedText(
                text: utf16(bytes[...], bigEndian: bigEndian),
                encoding: bigEndian ? .utf16BigEndian : .utf16LittleEndian, hadByteOrderMark: false
            )
        }
        return DecodedText(text: windows1252(bytes), encoding: .windows1252, hadByteOrderMark: false)
    }

    /// Returns the byte order when the first kilobyte has a zero in every second byte and
    /// text in the others; `nil` when it does not look like UTF-16.
    private static func looksLikeUTF16WithoutMark(_ bytes: [UInt8]) -> Bool? {
        let sample = min(bytes.count, 1024) & ~1
        guard sample >= 4 else { return nil }
        var evenZeros = 0, oddZeros = 0
        for i in stride(from: 0, to: sample, by: 2) {
            if bytes[i] == 0 { evenZeros += 1 }
            if bytes[i + 1] == 0 { oddZeros += 1 }
        }
        let pairs = sample / 2
        if oddZeros == pairs && evenZeros == 0 { return false }
        if evenZeros == pairs && oddZeros == 0 { return true }
        return nil
    }

    private static func utf16(_ bytes: ArraySlice<UInt8>, bigEndian: Bool) -> String {
        var units: [UInt16] = []
        units.reserveCapacity(bytes.count / 2)
        var i = bytes.startIndex
        while i + 1 < bytes.endIndex {
            let first = UInt16(bytes[i]), second = UInt16(bytes[i + 1])
            units.append(bigEndian ? first << 8 | second : second << 8 | first)
            i += 2
        }
        var text = String(decoding: units, as: UTF16.self)
        // A lone last byte means the file was cut off mid-character.
        if i < bytes.endIndex { text.append("\u{FFFD}") }
        return text
    }

    private static func utf32(_ bytes: ArraySlice<UInt8>, bigEndian: Bool) -> String {
        var scalars = String.UnicodeScalarView()
        var i = bytes.startIndex
        while i + 3 < bytes.endIndex {
            let b0 = UInt32(bytes[i]), b1 = UInt32(bytes[i + 1]), b2 = UInt32(bytes[i + 2]), b3 = UInt32(bytes[i + 3])
            let value = bigEndian ? b0 << 24 | b1 << 16 | b2 << 8 | b3 : b3 << 24 | b2 << 16 | b1 << 8 | b0
            // Surrogates and values above U+10FFFF are not characters.
            scalars.append(Unicode.Scalar(value) ?? "\u{FFFD}")
            i += 4
        }
        if i < bytes.endIndex { scalars.append("\u{FFFD}") }
        return String(scalars)
    }

    /// Windows-1252 differs from Latin-1 only in 0x80...0x9F; those 32 bytes are listed here.
    /// The five unassigned ones keep their own number (C1 controls), as browsers do.
    private static let windows1252High: [Unicode.Scalar] = [
        "\u{20AC}", "\u{0081}", "\u{201A}", "\u{0192}", "\u{201E}", "\u{2026}", "\u{2020}", "\u{2021}",
        "\u{02C6}", "\u{2030}", "\u{0160}", "\u{2039}", "\u{0152}", "\u{008D}", "\u{017D}", "\u{008F}",
        "\u{0090}", "\u{2018}", "\u{2019}", "\u{201C}", "\u{201D}", "\u{2022}", "\u{2013}", "\u{2014}",
        "\u{02DC}", "\u{2122}", "\u{0161}", "\u{203A}", "\u{0153}", "\u{009D}", "\u{017E}", "\u{0178}",
    ]

    private static func windows1252(_ bytes: [UInt8]) -> String {
        var scalars = String.UnicodeScalarView()
        scalars.reserveCapacity(bytes.count)
        for byte in bytes {
            if byte >= 0x80 && byte <= 0x9F {
                scalars.append(windows1252High[Int(byte - 0x80)])
            } else {
                scalars.append(Unicode.Scalar(byte))
            }
        }
        return String(scalars)
    }
}
