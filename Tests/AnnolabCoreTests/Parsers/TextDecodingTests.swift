// Subtitle uploads arrive in every encoding old and new tools write; each must read as the same text.
import Foundation
import Testing
@testable import AnnolabCore

@Suite("Reading the text of a subtitle upload")
struct TextDecodingTests {
    let dutch = "Één café, één idee: “Dat is €5,-” — ‘zo’ gezegd… België"

    @Test("UTF-8 without a byte order mark reads as UTF-8")
    func plainUTF8() throws {
        let decoded = try TextDecoding.decode(Data(dutch.utf8))
        #expect(decoded.text == dutch)
        #expect(decoded.encoding == .utf8)
        #expect(!decoded.hadByteOrderMark)
    }

    @Test("UTF-8 with a byte order mark loses the mark")
    func utf8WithMark() throws {
        let decoded = try TextDecoding.decode(Data([0xEF, 0xBB, 0xBF] + Array(dutch.utf8)))
        #expect(decoded.text == dutch)
        #expect(decoded.encoding == .utf8)
        #expect(decoded.hadByteOrderMark)
    }

    @Test("UTF-16 and UTF-32 with a mark read in both byte orders", arguments: [
        DecodedText.Encoding.utf16LittleEndian, .utf16BigEndian, .utf32LittleEndian, .utf32BigEndian,
    ])
    func wideEncodings(_ encoding: DecodedText.Encoding) throws {
        let text = dutch + " 🎬"   // a character outside the BMP, so UTF-16 needs a surrogate pair
        let bytes: Data
        switch encoding {
        case .utf16LittleEndian: bytes = ParserFixtures.utf16(text, bigEndian: false)
        case .utf16BigEndian: bytes = ParserFixtures.utf16(text, bigEndian: true)
        case .utf32LittleEndian: bytes = ParserFixtures.utf32(text, bigEndian: false)
        default: bytes = ParserFixtures.utf32(text, bigEndian: true)
        }
        let decoded = try TextDecoding.decode(bytes)
        #expect(decoded.text == text)
        #expect(decoded.encoding == encoding)
        #expect(decoded.hadByteOrderMark)
    }

    @Test("UTF-16 without a mark is recognised by its zero bytes")
    func utf16WithoutMark() throws {
        let text = "1\n00:00:01,000 --> 00:00:02,000\nHallo\n"
        let little = try TextDecoding.decode(ParserFixtures.utf16(text, bigEndian: false, byteOrderMark: false))
        #expect(little.text == text)
        #expect(little.encoding == .utf16LittleEndian)
        #expect(!little.hadByteOrderMark)
        let big = try TextDecoding.decode(ParserFixtures.utf16(text, bigEndian: true, byteOrderMark: false))
        #expect(big.text == text)
        #expect(big.encoding == .utf16BigEndian)
    }

    @Test("bytes that are not UTF-8 are read as Windows-1252, as old Dutch and French subtitles are written")
    func windows1252() throws {
        // "Één café: “€5” ‘ë’…" in Windows-1252.
        let bytes: [UInt8] = [0xC9, 0xE9, 0x6E, 0x20, 0x63, 0x61, 0x66, 0xE9, 0x3A, 0x20, 0x93, 0x80, 0x35, 0x94, 0x20, 0x91, 0xEB, 0x92, 0x85]
        let decoded = try TextDecoding.decode(Data(bytes))
        #expect(decoded.encoding == .windows1252)
        #expect(decoded.text == "Één café: “€5” ‘ë’…")
    }

    @Test("every Windows-1252 byte from 0x80 to 0x9F has its own character; the five unassigned keep their number")
    func windows1252Table() throws {
        let decoded = try TextDecoding.decode(Data((0x80...0x9F).map { UInt8($0) }))
        let scalars = decoded.text.unicodeScalars.map(\.value)
        #expect(scalars == [
            0x20AC, 0x81, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x8D, 0x017D, 0x8F,
            0x90, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x9D, 0x017E, 0x0178,
        ])
        let latin = try TextDecoding.decode(Data([0xA0, 0xE9, 0xFF]))
        #expect(latin.text == "\u{A0}éÿ")
    }

    @Test("a broken character after a UTF-16 mark shows as a replacement, not a refusal")
    func brokenUTF16() throws {
        // "Hi", then a lone high surrogate, then a cut-off last byte.
        let decoded = try TextDecoding.decode(Data([0xFF, 0xFE, 0x48, 0x00, 0x69, 0x00, 0x00, 0xD8, 0x41]))
        #expect(decoded.text == "Hi\u{FFFD}\u{FFFD}")
    }

    @Test("binary data is refused as not being text")
    func binary() {
        let error = #expect(throws: LabError.self) {
            try TextDecoding.decode(Data([0x50, 0x4B, 0x03, 0x04, 0x00, 0x00, 0x14, 0x00, 0xFF, 0x00, 0x01]))
        }
        #expect(error?.code == "text_binary_data")
        #expect(error?.kind == .unprocessable)
    }
}
