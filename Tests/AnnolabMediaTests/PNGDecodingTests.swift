// Every kind of PNG a client may upload decodes to the same RGBA pixels.

import AnnolabCore
import Foundation
import Testing

@testable import AnnolabMedia

/// One way of storing a picture in a PNG file.
struct PNGVariant: Sendable, CustomTestStringConvertible {
    var colourType: Int
    var bitDepth: Int
    var interlaced: Bool
    var withTransparency = false
    var width = 13
    var height = 11

    var testDescription: String {
        let kind = [0: "grey", 2: "RGB", 3: "palette", 4: "grey+alpha", 6: "RGBA"][colourType]!
        return "\(kind) \(bitDepth)-bit\(withTransparency ? " with tRNS" : "")\(interlaced ? ", interlaced" : "") \(width)x\(height)"
    }

    static let all: [PNGVariant] = {
        var variants: [PNGVariant] = []
        let depths = [0: [1, 2, 4, 8, 16], 2: [8, 16], 3: [1, 2, 4, 8], 4: [8, 16], 6: [8, 16]]
        for colour in [0, 2, 3, 4, 6] {
            for depth in depths[colour]! {
                for interlaced in [false, true] {
                    variants.append(PNGVariant(colourType: colour, bitDepth: depth, interlaced: interlaced))
                }
            }
        }
        for (colour, depth) in [(0, 1), (0, 4), (0, 8), (0, 16), (2, 8), (2, 16), (3, 2), (3, 8)] {
            variants.append(PNGVariant(colourType: colour, bitDepth: depth, interlaced: depth == 8, withTransparency: true))
        }
        // Sizes smaller than an Adam7 block leave some passes empty.
        variants.append(PNGVariant(colourType: 2, bitDepth: 8, interlaced: true, width: 1, height: 1))
        variants.append(PNGVariant(colourType: 0, bitDepth: 1, interlaced: true, width: 3, height: 2))
        variants.append(PNGVariant(colourType: 6, bitDepth: 8, interlaced: true, width: 33, height: 17))
        return variants
    }()
}

/// A picture stored in a given variant, with the RGBA every correct decoder must produce.
struct ExpectedPicture {
    var file: [UInt8]
    var rgba: [UInt8]
    /// How far a channel may differ: 16-bit samples are rounded to 8 bits.
    var tolerance: Int

    init(_ variant: PNGVariant) {
        let levels = 1 << variant.bitDepth
        var writer = TestPNGWriter(width: variant.width, height: variant.height, colourType: variant.colourType,
                                   bitDepth: variant.bitDepth, samples: [], interlaced: variant.interlaced)
        let channels = writer.channels
        var samples: [UInt16] = []
        for y in 0..<variant.height {
            for x in 0..<variant.width {
                for c in 0..<channels {
                    let spread = variant.bitDepth == 16 ? (x * 4099 + y * 771 + c * 12_345) : (x * 7 + y * 13 + c * 5)
                    var value = spread % levels
                    // Keep alpha away from 0 so colours stay comparable; one pixel is fully transparent.
                    if (variant.colourType == 4 && c == 1) || (variant.colourType == 6 && c == 3) {
                        value = (x == 0 && y == 0) ? 0 : levels - 1 - (value % (levels / 2))
                    }
                    samples.append(UInt16(value))
                }
            }
        }
        writer.samples = samples
        let maxSample = Double(levels - 1)
        func eight(_ v: UInt16) -> UInt8 { UInt8((Double(v) * 255 / maxSample).rounded()) }

        var palette: [(UInt8, UInt8, UInt8)] = []
        var paletteAlpha: [UInt8] = []
        if variant.colourType == 3 {
            for i in 0..<levels {
                let red = UInt8(i * 37 % 256), green = UInt8(255 - i * 11 % 256), blue = UInt8(i * 101 % 256)
                palette.append((red, green, blue))
            }
            writer.palette = palette
            if variant.withTransparency {
                paletteAlpha = (0..<min(levels, 3)).map { [0, 128, 200][$0] }
                writer.transparency = paletteAlpha
            }
        }
        // tRNS for grey and RGB names one colour that is fully transparent.
        var transparentSample: [UInt16]?
        if variant.withTransparency && (variant.colourType == 0 || variant.colourType == 2) {
            transparentSample = Array(samples[(1 * variant.width + 1) * channels..<((1 * variant.width + 1) * channels + channels)])
            writer.transparency = transparentSample!.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
        }

        var rgba: [UInt8] = []
        for p in 0..<(variant.width * variant.height) {
            let s = Array(samples[(p * channels)..<(p * channels + channels)])
            switch variant.colourType {
            case 0: rgba += [eight(s[0]), eight(s[0]), eight(s[0]), 255]
            case 2: rgba += [eight(s[0]), eight(s[1]), eight(s[2]), 255]
            case 3:
                let entry = palette[Int(s[0])]
                rgba += [entry.0, entry.1, entry.2, Int(s[0]) < paletteAlpha.count ? paletteAlpha[Int(s[0])] : 255]
            case 4: rgba += [eight(s[0]), eight(s[0]), eight(s[0]), eight(s[1])]
            default: rgba += [eight(s[0]), eight(s[1]), eight(s[2]), eight(s[3])]
            }
            if let transparentSample, s == transparentSample { rgba[rgba.count - 1] = 0 }
        }
        file = writer.png()
        self.rgba = rgba
        tolerance = variant.bitDepth == 16 ? 1 : 0
    }
}

/// Compares decoded pixels with the expected ones; colour is not compared where alpha is 0.
func pixelsMatch(_ actual: [UInt8], _ expected: [UInt8], tolerance: Int) -> (ok: Bool, firstDifference: String) {
    guard actual.count == expected.count else { return (false, "sizes \(actual.count) and \(expected.count)") }
    for p in stride(from: 0, to: expected.count, by: 4) {
        let alpha = Int(expected[p + 3])
        let channels = alpha == 0 ? [3] : [0, 1, 2, 3]
        for c in channels where abs(Int(actual[p + c]) - Int(expected[p + c])) > tolerance {
            return (false, "pixel \(p / 4): got \(Array(actual[p..<(p + 4)])), expected \(Array(expected[p..<(p + 4)]))")
        }
    }
    return (true, "")
}

@Suite("Decoding the PNG files clients upload")
struct PNGDecodingTests {
    @Test("every bit depth, palette, grey, alpha, tRNS and interlaced PNG decodes to the right pixels",
          arguments: PNGVariant.all)
    func decodesVariant(_ variant: PNGVariant) throws {
        let expected = ExpectedPicture(variant)
        let header = try PNGImage.readHeader(Data(expected.file))
        #expect(header.width == variant.width && header.height == variant.height)
        #expect(header.bitDepth == variant.bitDepth && header.colourType == variant.colourType)
        #expect(header.isInterlaced == variant.interlaced)

        let image = try PNGImage.decode(Data(expected.file))
        #expect(image.width == variant.width && image.height == variant.height)
        let result = pixelsMatch(image.pixels, expected.rgba, tolerance: expected.tolerance)
        #expect(result.ok, "\(result.firstDifference)")
    }

    @Test("image data split over many IDAT chunks decodes the same as one chunk")
    func splitIDAT() throws {
        let variant = PNGVariant(colourType: 2, bitDepth: 8, interlaced: false, width: 40, height: 30)
        let expected = ExpectedPicture(variant)
        var writer = TestPNGWriter(width: 40, height: 30, colourType: 2, bitDepth: 8, samples: [])
        for p in stride(from: 0, to: expected.rgba.count, by: 4) {
            for c in 0..<3 { writer.samples.append(UInt16(expected.rgba[p + c])) }
        }
        writer.idatChunkSize = 7
        let image = try PNGImage.decode(Data(writer.png()))
        #expect(image.pixels == expected.rgba)
    }

    @Test("a picture the lab encodes decodes to exactly the same pixels, with and without transparency")
    func roundTrip() throws {
        var opaque = RGBAImage(width: 37, height: 19, fill: RGBA(10, 20, 30))
        opaque.fill(PixelRect(x: 5, y: 3, width: 10, height: 7), with: RGBA(250, 128, 1))
        let opaquePNG = try PNGImage.encode(opaque)
        #expect(try PNGImage.readHeader(opaquePNG).colourType == 2, "an opaque picture is stored without alpha")
        #expect(try PNGImage.decode(opaquePNG) == opaque)

        var seeThrough = opaque
        seeThrough[0, 0] = RGBA(1, 2, 3, 0)
        seeThrough[36, 18] = RGBA(200, 100, 50, 77)
        let seeThroughPNG = try PNGImage.encode(seeThrough)
        #expect(try PNGImage.readHeader(seeThroughPNG).colourType == 6)
        let decoded = try PNGImage.decode(seeThroughPNG)
        #expect(decoded[36, 18] == RGBA(200, 100, 50, 77))
        #expect(decoded[0, 0].a == 0)
        #expect(decoded[20, 10] == seeThrough[20, 10])
    }

    @Test("the header gives the size without decoding, even for a picture too large to decode")
    func headerOfHugePicture() throws {
        let writer = TestPNGWriter(width: 1, height: 1, colourType: 0, bitDepth: 8, samples: [0])
        let file = Data(writer.png(declaredWidth: 100_000, declaredHeight: 100_000))
        let header = try PNGImage.readHeader(file)
        #expect(header.width == 100_000 && header.height == 100_000)
        #expect(header.pixelCount == 10_000_000_000)
    }
}
