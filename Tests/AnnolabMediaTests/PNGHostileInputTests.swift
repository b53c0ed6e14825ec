// Broken and hostile PNG uploads are refused with a clear error, never a crash.

import AnnolabCore
import Foundation
import Testing

@testable import AnnolabMedia

@Suite("Refusing broken and hostile PNG files")
struct PNGHostileInputTests {
    /// A small valid picture to break in different ways.
    static let good: [UInt8] = {
        var writer = TestPNGWriter(width: 64, height: 48, colourType: 2, bitDepth: 8, samples: [])
        writer.samples = (0..<(64 * 48 * 3)).map { UInt16($0 * 31 % 256) }
        return writer.png()
    }()

    func code(_ bytes: [UInt8], limits: PNGLimits = PNGLimits()) -> String? {
        do {
            _ = try PNGImage.decode(Data(bytes), limits: limits)
            return nil
        } catch let error as LabError {
            #expect(!error.message.isEmpty)
            return error.code.rawValue
        } catch {
            Issue.record("not a LabError: \(error)")
            return "?"
        }
    }

    @Test("the good picture itself decodes, so the failures below are caused by the damage")
    func goodDecodes() throws {
        #expect(code(Self.good) == nil)
    }

    @Test("an empty file is refused as empty")
    func emptyFile() {
        #expect(code([]) == "image_empty")
    }

    @Test("a file that is not a PNG is refused as not a PNG")
    func notPNG() {
        #expect(code(Array("name,label\nphoto.jpg,car\n".utf8)) == "png_not_png")
        #expect(code([0xFF, 0xD8, 0xFF, 0xE0, 0, 16]) == "png_not_png")
    }

    @Test("a PNG cut off anywhere is refused as cut off or damaged", arguments: [4, 8, 20, 32, 33, 40, 60, 200, 1000, 5000])
    func truncated(at length: Int) {
        let cut = Array(Self.good.prefix(length))
        let result = code(cut)
        #expect(result == "png_truncated", "cut at \(length) bytes gave \(result ?? "success")")
    }

    @Test("a PNG cut just before its end marker is either read whole or refused as cut off")
    func truncatedAtEnd() {
        let result = code(Array(Self.good.dropLast(12)))
        #expect(result == nil || result == "png_truncated")
    }

    @Test("a header claiming 100000 x 100000 pixels is refused before any memory is taken")
    func lyingHugeHeader() {
        let writer = TestPNGWriter(width: 1, height: 1, colourType: 2, bitDepth: 8, samples: [1, 2, 3])
        #expect(code(writer.png(declaredWidth: 100_000, declaredHeight: 100_000)) == "image_too_large")
    }

    @Test("a header claiming 5000 x 5000 pixels in a file of a few hundred bytes is refused as lying")
    func lyingSizeForTinyFile() {
        let writer = TestPNGWriter(width: 2, height: 2, colourType: 2, bitDepth: 8, samples: Array(repeating: 9, count: 12))
        #expect(code(writer.png(declaredWidth: 5000, declaredHeight: 5000)) == "png_size_mismatch")
    }

    @Test("a header that is larger than the data, within limits, is refused as cut off")
    func headerLargerThanData() {
        let writer = TestPNGWriter(width: 10, height: 10, colourType: 2, bitDepth: 8, samples: Array(repeating: 9, count: 300))
        #expect(code(writer.png(declaredWidth: 10, declaredHeight: 40)) == "png_truncated")
    }

    @Test("a picture over the lab's pixel limit is refused as too large")
    func overPixelLimit() {
        #expect(code(Self.good, limits: PNGLimits(maxPixels: 1000)) == "image_too_large")
    }

    @Test("a wrong checksum in the header is refused as damaged")
    func badHeaderCRC() {
        var bytes = Self.good
        bytes[29] ^= 0xFF
        #expect(code(bytes) == "png_corrupt")
    }

    @Test("a wrong checksum on the image data is refused as damaged")
    func badDataCRC() throws {
        var bytes = Self.good
        let idat = try #require(find("IDAT", in: bytes))
        let length = Int(bytes[idat - 4]) << 24 | Int(bytes[idat - 3]) << 16 | Int(bytes[idat - 2]) << 8 | Int(bytes[idat - 1])
        bytes[idat + 4 + length] ^= 0x55
        #expect(code(bytes) == "png_corrupt")
    }

    @Test("garbage image data with a correct checksum is refused as damaged")
    func garbageIDAT() {
        var random = SplitMix64(seed: 99)
        let garbage = (0..<500).map { _ in UInt8(random.next() & 0xFF) }
        var bytes = Array(Self.good.prefix(33))
        bytes += TestPNGWriter.chunk("IDAT", garbage) + TestPNGWriter.chunk("IEND", [])
        #expect(code(bytes) == "png_corrupt")
    }

    @Test("impossible header values (bit depth 3, colour type 5, width 0) are refused as damaged")
    func impossibleHeader() {
        func png(depth: UInt8, colour: UInt8, width: UInt32 = 4) -> [UInt8] {
            let ihdr = be32(width) + be32(4) + [depth, colour, 0, 0, 0]
            return TestPNGWriter.signatureBytes + TestPNGWriter.chunk("IHDR", ihdr) + TestPNGWriter.chunk("IEND", [])
        }
        #expect(code(png(depth: 3, colour: 0)) == "png_corrupt")
        #expect(code(png(depth: 8, colour: 5)) == "png_corrupt")
        #expect(code(png(depth: 16, colour: 3)) == "png_corrupt")
        #expect(code(png(depth: 8, colour: 2, width: 0)) == "png_corrupt")
    }

    @Test("a PNG whose first chunk is not IHDR is refused as damaged")
    func missingIHDR() {
        let bytes = TestPNGWriter.signatureBytes + TestPNGWriter.chunk("IDAT", [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13])
            + TestPNGWriter.chunk("IEND", [])
        #expect(code(bytes) == "png_corrupt")
    }

    @Test("every single-byte change to a small PNG gives a picture or a LabError, never a crash")
    func everyByteFlipped() {
        let small: [UInt8] = {
            let writer = TestPNGWriter(width: 5, height: 4, colourType: 3, bitDepth: 2,
                                       samples: (0..<20).map { UInt16($0 % 4) }, interlaced: true,
                                       palette: [(0, 0, 0), (255, 0, 0), (0, 255, 0), (0, 0, 255)])
            return writer.png()
        }()
        var failures = 0
        for index in small.indices {
            var bytes = small
            bytes[index] ^= 0xA5
            if code(bytes, limits: PNGLimits(maxPixels: 10_000)) != nil { failures += 1 }
        }
        // Most changes break a checksum; every one of them was reported without crashing.
        #expect(failures > small.count / 2)
    }

    private func find(_ type: String, in bytes: [UInt8]) -> Int? {
        let pattern = Array(type.utf8)
        return (0...(bytes.count - 4)).first { Array(bytes[$0..<($0 + 4)]) == pattern }
    }
}

extension TestPNGWriter {
    static let signatureBytes: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
}

@Suite("Telling an upload's picture format and size")
struct ImageProbeTests {
    @Test("a PNG and a JPEG give their format and size without decoding")
    func pngAndJPEG() throws {
        let png = try ImageProbe.read(Data(PNGHostileInputTests.good))
        #expect(png == ImageProbe(format: .png, width: 64, height: 48))
        let jpeg: [UInt8] = [0xFF, 0xD8, 0xFF, 0xC0, 0, 11, 8, 0x07, 0xD0, 0x0B, 0xB8, 1, 1, 0x11, 0]
        #expect(try ImageProbe.read(Data(jpeg)) == ImageProbe(format: .jpeg, width: 3000, height: 2000))
    }

    @Test("other picture formats are refused by name, and an empty file as empty")
    func otherFormats() {
        func code(_ bytes: [UInt8]) -> (String?, String) {
            do {
                _ = try ImageProbe.read(Data(bytes))
                return (nil, "")
            } catch let error as LabError {
                return (error.code.rawValue, error.message)
            } catch {
                return ("?", "")
            }
        }
        #expect(code([]).0 == "image_empty")
        let gif = code(Array("GIF89a".utf8) + [1, 0, 1, 0])
        #expect(gif.0 == "image_unsupported_format" && gif.1.contains("GIF"))
        let webp = code(Array("RIFF".utf8) + [0, 0, 0, 0] + Array("WEBPVP8 ".utf8))
        #expect(webp.1.contains("WebP"))
        #expect(code(Array("<svg/>".utf8)).0 == "image_unsupported_format")
        #expect(code([0x89, 0x50, 0x4E]).0 == "png_truncated", "a cut-off PNG is a PNG problem")
        #expect(code([0xFF, 0xD8, 0xFF]).0 == "jpeg_truncated")
    }
}
