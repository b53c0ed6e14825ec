// PNG files written by ImageMagick, in the variants clients' tools produce, decode like ImageMagick reads them.

import AnnolabCore
import Foundation
import Testing

@testable import AnnolabMedia

/// Whether the real ImageMagick `convert` is on PATH (not a stand-in).
let imageMagickInstalled: Bool = {
    let folder = FileManager.default.temporaryDirectory
    let out = folder.appendingPathComponent("annolab-im-version-\(UUID().uuidString).txt")
    defer { try? FileManager.default.removeItem(at: out) }
    guard run("sh", ["-c", "convert -version > '\(out.path)' 2>&1"], in: folder) == 0,
          let text = try? String(contentsOf: out, encoding: .utf8) else { return false }
    return text.contains("ImageMagick")
}()

/// One way of asking ImageMagick to write a PNG, and the PNG format it must produce.
struct MagickVariant: Sendable, CustomTestStringConvertible {
    var name: String
    var options: [String]
    var output: String
    var colourType: Int
    var bitDepth: Int
    /// Allowed difference per channel: 16-bit and gamma handling may round differently.
    var tolerance: Int = 1
    var testDescription: String { name }

    static let alphaAcross = ["-alpha", "set", "-channel", "A", "-fx", "0.3+0.7*i/w", "+channel"]
    static let alphaDown = ["-alpha", "set", "-channel", "A", "-fx", "0.3+0.7*j/h", "+channel"]

    static let all: [MagickVariant] = [
        MagickVariant(name: "RGB 8-bit", options: [], output: "PNG24:", colourType: 2, bitDepth: 8),
        MagickVariant(name: "RGBA 8-bit", options: alphaAcross, output: "PNG32:", colourType: 6, bitDepth: 8),
        MagickVariant(name: "RGB 16-bit", options: ["-depth", "16"], output: "PNG48:", colourType: 2, bitDepth: 16),
        MagickVariant(name: "RGBA 16-bit", options: ["-depth", "16"] + alphaDown, output: "PNG64:", colourType: 6, bitDepth: 16),
        MagickVariant(name: "palette 8-bit", options: ["-colors", "200"], output: "PNG8:", colourType: 3, bitDepth: 8),
        MagickVariant(name: "palette 2-bit", options: ["-colors", "4", "-define", "png:bit-depth=2"], output: "PNG8:", colourType: 3, bitDepth: 2),
        MagickVariant(name: "grey 8-bit", options: ["-colorspace", "Gray", "-depth", "8"], output: "PNG:", colourType: 0, bitDepth: 8),
        MagickVariant(name: "grey 16-bit", options: ["-colorspace", "Gray", "-depth", "16"], output: "PNG:", colourType: 0, bitDepth: 16),
        MagickVariant(name: "black and white 1-bit", options: ["-colorspace", "Gray", "-threshold", "50%", "-type", "Bilevel"], output: "PNG:", colourType: 0, bitDepth: 1),
        MagickVariant(name: "grey + alpha 8-bit", options: ["-colorspace", "Gray"] + alphaAcross + ["-type", "GrayscaleAlpha", "-depth", "8"], output: "PNG:", colourType: 4, bitDepth: 8),
        MagickVariant(name: "grey + alpha 16-bit", options: ["-colorspace", "Gray"] + alphaAcross + ["-type", "GrayscaleAlpha"], output: "PNG:", colourType: 4, bitDepth: 16),
        MagickVariant(name: "RGB 8-bit interlaced", options: ["-interlace", "PNG"], output: "PNG24:", colourType: 2, bitDepth: 8),
        MagickVariant(name: "RGBA 16-bit interlaced", options: ["-interlace", "PNG", "-depth", "16"] + alphaDown, output: "PNG64:", colourType: 6, bitDepth: 16),
        MagickVariant(name: "grey 16-bit interlaced", options: ["-interlace", "PNG", "-colorspace", "Gray", "-depth", "16"], output: "PNG:", colourType: 0, bitDepth: 16),
        MagickVariant(name: "palette interlaced", options: ["-interlace", "PNG", "-colors", "16"], output: "PNG8:", colourType: 3, bitDepth: 8),
    ]
}

@Suite("Decoding PNG files made by ImageMagick",
       .enabled(if: imageMagickInstalled, "ImageMagick is not installed: apt-get install -y imagemagick"))
struct ImageMagickPNGTests {
    @Test("each ImageMagick PNG variant decodes to the pixels ImageMagick itself reads", arguments: MagickVariant.all)
    func variant(_ variant: MagickVariant) throws {
        let folder = try scratchFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let source = ["-size", "67x45", "gradient:#ff2000-#0030ff", "(", "-size", "67x45", "gradient:#00ff00-#000000", "-rotate", "90", "-resize", "67x45!", ")",
                      "-compose", "plus", "-composite"]
        let made = run("convert", source + variant.options + ["\(variant.output)picture.png"], in: folder)
        try #require(made == 0, "convert could not make the \(variant.name) file")
        let dumped = run("sh", ["-c", "convert picture.png -depth 8 rgba:pixels.rgba"], in: folder)
        try #require(dumped == 0)

        let file = try Data(contentsOf: folder.appendingPathComponent("picture.png"))
        let reference = [UInt8](try Data(contentsOf: folder.appendingPathComponent("pixels.rgba")))
        let image = try PNGImage.decode(file)
        #expect(image.width == 67 && image.height == 45)
        let result = pixelsMatch(image.pixels, reference, tolerance: variant.tolerance)
        #expect(result.ok, "\(variant.name): \(result.firstDifference)")
        let header = try PNGImage.readHeader(file)
        #expect(header.colourType == variant.colourType && header.bitDepth == variant.bitDepth,
                "ImageMagick wrote colour type \(header.colourType), \(header.bitDepth)-bit")
        #expect(header.isInterlaced == variant.name.contains("interlaced"))
    }

    @Test("a JPEG from ImageMagick reports its size through JPEGInfo")
    func jpegSize() throws {
        let folder = try scratchFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        for (options, name) in [([String](), "baseline.jpg"), (["-interlace", "JPEG"], "progressive.jpg")] {
            try #require(run("convert", ["-size", "2050x30", "gradient:red-blue"] + options + [name], in: folder) == 0)
            let info = try JPEGInfo.read(try Data(contentsOf: folder.appendingPathComponent(name)))
            #expect(info.width == 2050 && info.height == 30)
            #expect(info.isProgressive == (name == "progressive.jpg"))
        }
    }
}
