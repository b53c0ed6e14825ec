// A JPEG's size is read from its frame header, and broken or hostile JPEG headers are refused plainly.

import Foundation
import Testing

@testable import AnnolabCore

/// Builds the marker structure of a JPEG; no real image data is needed to read the size.
func jpegBytes(frame: UInt8 = 0xC0, width: Int = 4000, height: Int = 3000, before: [[UInt8]] = [], scan: Bool = true) -> [UInt8] {
    func segment(_ marker: UInt8, _ body: [UInt8]) -> [UInt8] {
        [0xFF, marker, UInt8((body.count + 2) >> 8), UInt8((body.count + 2) & 0xFF)] + body
    }
    var bytes: [UInt8] = [0xFF, 0xD8]
    bytes += segment(0xE0, Array("JFIF".utf8) + [0, 1, 1, 0, 0, 1, 0, 1, 0, 0])
    for extra in before { bytes += extra }
    bytes += segment(0xDB, [0] + Array(repeating: 1, count: 64))
    bytes += segment(frame, [8, UInt8(height >> 8), UInt8(height & 0xFF), UInt8(width >> 8), UInt8(width & 0xFF), 3,
                             1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1])
    if scan { bytes += segment(0xDA, [3, 1, 0, 2, 0x11, 3, 0x11, 0, 63, 0]) + [0x12, 0x34, 0xFF, 0xD9] }
    return bytes
}

@Suite("Reading the size of an uploaded JPEG")
struct JPEGInfoTests {
    func code(_ bytes: [UInt8]) -> String? {
        do {
            _ = try JPEGInfo.read(Data(bytes))
            return nil
        } catch let error as LabError {
            return error.code.rawValue
        } catch {
            return "?"
        }
    }

    @Test("a baseline JPEG of 4000 x 3000 says so")
    func baseline() throws {
        let info = try JPEGInfo.read(Data(jpegBytes()))
        #expect(info.width == 4000 && info.height == 3000 && info.components == 3 && info.bitsPerSample == 8)
        #expect(!info.isProgressive)
        #expect(JPEGInfo.looksLikeJPEG(Data(jpegBytes())))
    }

    @Test("progressive, extended and lossless frames all give their size", arguments: [0xC1, 0xC2, 0xC3, 0xC5, 0xC7, 0xC9, 0xCB, 0xCF] as [UInt8])
    func otherFrames(marker: UInt8) throws {
        let info = try JPEGInfo.read(Data(jpegBytes(frame: marker, width: 2049, height: 17)))
        #expect(info.width == 2049 && info.height == 17 && info.frameMarker == marker)
        #expect(info.isProgressive == [0xC2, 0xC6, 0xCA, 0xCE].contains(marker))
    }

    @Test("Huffman and arithmetic tables (C4, CC) and JPG (C8) are not taken for frame headers")
    func tablesAreNotFrames() throws {
        let lookalike: [UInt8] = [8, 0x00, 0x10, 0x00, 0x20, 3, 0, 0, 0]
        let dht = [0xFF, 0xC4, 0, UInt8(lookalike.count + 2)] + lookalike
        let dac = [0xFF, 0xCC, 0, UInt8(lookalike.count + 2)] + lookalike
        let jpg = [0xFF, 0xC8, 0, UInt8(lookalike.count + 2)] + lookalike
        let info = try JPEGInfo.read(Data(jpegBytes(width: 640, height: 480, before: [dht, dac, jpg])))
        #expect(info.width == 640 && info.height == 480)
    }

    @Test("fill bytes, restart markers and a large EXIF block before the frame are stepped over")
    func fillAndExif() throws {
        let exif: [UInt8] = [0xFF, 0xE1, 0xFF, 0xFF] + Array(repeating: 0xFF, count: 0xFFFD)
        let info = try JPEGInfo.read(Data(jpegBytes(width: 123, height: 456, before: [[0xFF, 0xFF, 0xFF], [0xFF, 0xD3], exif])))
        #expect(info.width == 123 && info.height == 456)
    }

    @Test("a JPEG cut off anywhere in its header is refused as cut off")
    func truncated() {
        let full = jpegBytes()
        let frameAt = full.firstIndex(of: 0xC0)!
        for length in [2, 3, 4, 10, 21, frameAt, frameAt + 2, frameAt + 5, frameAt + 8] {
            #expect(code(Array(full.prefix(length))) == "jpeg_truncated", "cut at \(length)")
        }
    }

    @Test("an empty file or another format is refused as not a JPEG")
    func notJPEG() {
        #expect(code([]) == "jpeg_not_jpeg")
        #expect(code([0xFF]) == "jpeg_not_jpeg")
        #expect(code([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) == "jpeg_not_jpeg")
        #expect(!JPEGInfo.looksLikeJPEG(Data([0x89, 0x50, 0x4E])))
    }

    @Test("a scan before any frame header, or a height of 0, means the size is unknown")
    func noSize() {
        var scanFirst: [UInt8] = [0xFF, 0xD8, 0xFF, 0xDA, 0, 4, 1, 2]
        #expect(code(scanFirst) == "jpeg_no_size")
        scanFirst = [0xFF, 0xD8, 0xFF, 0xD9]
        #expect(code(scanFirst) == "jpeg_no_size")
        #expect(code(jpegBytes(width: 100, height: 0)) == "jpeg_no_size")
    }

    @Test("bytes that are not markers, or impossible segment lengths, are refused as damaged")
    func corrupt() {
        #expect(code([0xFF, 0xD8, 0x00, 0x11]) == "jpeg_corrupt")
        #expect(code([0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x01]) == "jpeg_corrupt")
        #expect(code([0xFF, 0xD8, 0xFF, 0x00]) == "jpeg_corrupt")
        #expect(code(jpegBytes(width: 0, height: 10)) == "jpeg_corrupt")
    }

    @Test("every single-byte change and every cut gives a size or a LabError, never a crash or a hang")
    func everyChange() {
        let full = jpegBytes()
        for index in full.indices {
            var broken = full
            broken[index] ^= 0x5A
            _ = code(broken)
            _ = code(Array(full.prefix(index)))
        }
    }
}
