// libFuzzer target: any bytes given to the PNG reader (and the JPEG size reader) must decode or be refused, never crash.
//
// Inputs that start with the PNG signature are read as they are, and again with every chunk's
// CRC repaired, so mutations reach libpng's decoder instead of stopping at a checksum. Other
// inputs are turned into a well-formed PNG around the fuzzed bytes (a valid IHDR of any colour
// type, bit depth and interlacing, optional PLTE/tRNS/gAMA, and the rest as image data in a
// valid zlib stream), which exercises unfiltering, Adam7 and every conversion to RGBA8.
import AnnolabCore
import AnnolabMedia
import Foundation

/// A small pixel cap keeps each input cheap; the size checks before decoding are what is under test.
private let limits = PNGLimits(maxPixels: 1 << 20)
private let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = Array(UnsafeBufferPointer(start: data, count: size))
    _ = try? JPEGInfo.read(Data(input))
    if input.starts(with: signature) {
        check(input)
        check(repairingCRCs(input))
    } else {
        check(structuredPNG(input))
    }
    return 0
}

private func check(_ bytes: [UInt8]) {
    let upload = Data(bytes)
    let header: PNGHeader
    do {
        header = try PNGImage.readHeader(upload)
    } catch is LabError {
        // A file refused at the header must be refused by decode too.
        if (try? PNGImage.decode(upload, limits: limits)) != nil { fatalError("decode accepted a file whose header was refused") }
        return
    } catch {
        fatalError("not a LabError: \(error)")
    }
    do {
        let image = try PNGImage.decode(upload, limits: limits)
        if image.width != header.width || image.height != header.height || image.pixels.count != header.pixelCount * 4 {
            fatalError("decoded \(image.width)x\(image.height), header says \(header.width)x\(header.height)")
        }
        // What the lab writes, it reads back exactly.
        if header.pixelCount <= 4096 {
            let again = try PNGImage.decode(try PNGImage.encode(image), limits: limits)
            if again != image { fatalError("an encoded picture decoded differently") }
            _ = image.thumbnail(maxSide: 7)
            _ = try image.cropped(to: PixelRect(x: image.width / 2, y: image.height / 2, width: 5, height: 5))
        }
    } catch is LabError {
        return
    } catch {
        fatalError("not a LabError: \(error)")
    }
}

/// The same chunks with correct CRCs (stopping at the first chunk that runs past the end).
private func repairingCRCs(_ bytes: [UInt8]) -> [UInt8] {
    var out = bytes
    var position = 8
    while position + 12 <= out.count {
        let length = Int(out[position]) << 24 | Int(out[position + 1]) << 16 | Int(out[position + 2]) << 8 | Int(out[position + 3])
        let end = position + 8 + length
        guard length >= 0, end + 4 <= out.count else { break }
        let crc = ZipArchive.checksum(Data(out[(position + 4)..<end]))
        out.replaceSubrange(end..<(end + 4), with: be32(crc))
        position = end + 4
    }
    return out
}

/// A well-formed PNG built around fuzzed bytes.
private func structuredPNG(_ input: [UInt8]) -> [UInt8] {
    var bytes = input[...]
    func take() -> UInt8 { bytes.popFirst() ?? 0 }
    let formats: [(colour: UInt8, depth: UInt8)] = [(0, 1), (0, 2), (0, 4), (0, 8), (0, 16), (2, 8), (2, 16),
                                                      (3, 1), (3, 2), (3, 4), (3, 8), (4, 8), (4, 16), (6, 8), (6, 16)]
    let format = formats[Int(take()) % formats.count]
    let options = take()
    let width = 1 + Int(take() % 48), height = 1 + Int(take() % 48)
    var png = signature
    png += chunk("IHDR", be32(UInt32(width)) + be32(UInt32(height)) + [format.depth, format.colour, 0, 0, options & 1])
    if options & 2 != 0 { png += chunk("gAMA", be32(UInt32(take()) * 1000 + 10_000)) }
    if format.colour == 3 || options & 4 != 0 {
        let entries = Int(take()) + 1
        png += chunk("PLTE", (0..<(entries * 3)).map { _ in take() })
    }
    if options & 8 != 0 { png += chunk("tRNS", (0..<Int(take() % 9)).map { _ in take() }) }
    // The rest is the filtered image data, in a zlib stream of stored blocks.
    let raw = Array(bytes)
    var zlib: [UInt8] = [0x78, 0x01]
    var offset = 0
    repeat {
        let n = min(65_535, raw.count - offset)
        zlib += [offset + n == raw.count ? 1 : 0, UInt8(n & 0xFF), UInt8(n >> 8), UInt8(~n & 0xFF), UInt8((~n >> 8) & 0xFF)]
        zlib += raw[offset..<(offset + n)]
        offset += n
    } while offset < raw.count
    var a: UInt32 = 1, b: UInt32 = 0
    for byte in raw { a = (a + UInt32(byte)) % 65_521; b = (b + a) % 65_521 }
    zlib += be32(b << 16 | a)
    if options & 16 != 0 {
        // Split the data over two IDAT chunks, as streaming writers do.
        let half = zlib.count / 2
        png += chunk("IDAT", Array(zlib[..<half])) + chunk("IDAT", Array(zlib[half...]))
    } else {
        png += chunk("IDAT", zlib)
    }
    return png + chunk("IEND", [])
}

private func chunk(_ type: String, _ body: [UInt8]) -> [UInt8] {
    let typed = Array(type.utf8) + body
    return be32(UInt32(body.count)) + typed + be32(ZipArchive.checksum(Data(typed)))
}

private func be32(_ value: UInt32) -> [UInt8] {
    [UInt8(value >> 24), UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF)]
}

