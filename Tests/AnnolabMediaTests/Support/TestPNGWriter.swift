// An independent PNG writer for tests: every colour type, bit depth and Adam7, plus ways to break a file on purpose.

import Foundation

/// Writes PNG files byte by byte, without libpng, so the decoder is checked against a second
/// implementation. Compression uses deflate "stored" blocks: valid, simple, and large.
struct TestPNGWriter {
    var width: Int
    var height: Int
    /// 0 grey, 2 RGB, 3 palette, 4 grey + alpha, 6 RGBA.
    var colourType: Int
    var bitDepth: Int
    /// Samples row by row, `channels` per pixel, each 0 ..< 2^bitDepth (palette: the index).
    var samples: [UInt16]
    var interlaced = false
    var palette: [(UInt8, UInt8, UInt8)] = []
    /// The raw body of a tRNS chunk, when wanted.
    var transparency: [UInt8]?
    /// Split the compressed data over IDAT chunks of at most this many bytes.
    var idatChunkSize = 1 << 20

    var channels: Int { [0: 1, 2: 3, 3: 1, 4: 2, 6: 4][colourType]! }

    func png(declaredWidth: Int? = nil, declaredHeight: Int? = nil) -> [UInt8] {
        var out: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        var ihdr: [UInt8] = []
        ihdr += be32(UInt32(declaredWidth ?? width)) + be32(UInt32(declaredHeight ?? height))
        ihdr += [UInt8(bitDepth), UInt8(colourType), 0, 0, interlaced ? 1 : 0]
        out += Self.chunk("IHDR", ihdr)
        if colourType == 3 {
            out += Self.chunk("PLTE", palette.flatMap { [$0.0, $0.1, $0.2] })
        }
        if let transparency { out += Self.chunk("tRNS", transparency) }
        let compressed = Self.zlibStored(rawScanlines())
        var offset = 0
        repeat {
            let end = min(compressed.count, offset + idatChunkSize)
            out += Self.chunk("IDAT", Array(compressed[offset..<end]))
            offset = end
        } while offset < compressed.count
        out += Self.chunk("IEND", [])
        return out
    }

    /// Filtered (filter type 0) scanlines, per Adam7 pass when interlaced.
    func rawScanlines() -> [UInt8] {
        guard interlaced else { return scanlines(xs: Array(0..<width), ys: Array(0..<height)) }
        let passes = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]
        var raw: [UInt8] = []
        for (x0, y0, dx, dy) in passes {
            let xs = Array(stride(from: x0, to: width, by: dx)), ys = Array(stride(from: y0, to: height, by: dy))
            if xs.isEmpty || ys.isEmpty { continue }  // An empty pass has no rows at all.
            raw += scanlines(xs: xs, ys: ys)
        }
        return raw
    }

    private func scanlines(xs: [Int], ys: [Int]) -> [UInt8] {
        var raw: [UInt8] = []
        for y in ys {
            raw.append(0)
            var bits: UInt32 = 0, count = 0
            for x in xs {
                for c in 0..<channels {
                    let sample = samples[(y * width + x) * channels + c]
                    if bitDepth == 16 {
                        raw += [UInt8(sample >> 8), UInt8(sample & 0xFF)]
                    } else if bitDepth == 8 {
                        raw.append(UInt8(sample))
                    } else {
                        bits = bits << UInt32(bitDepth) | UInt32(sample)
                        count += bitDepth
                        if count == 8 { raw.append(UInt8(bits)); bits = 0; count = 0 }
                    }
                }
            }
            if count > 0 { raw.append(UInt8(bits << UInt32(8 - count))) }
        }
        return raw
    }

    static func chunk(_ type: String, _ body: [UInt8]) -> [UInt8] {
        let typeBytes = Array(type.utf8)
        return be32(UInt32(body.count)) + typeBytes + body + be32(crc(typeBytes + body))
    }

    static func zlibStored(_ data: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [0x78, 0x01]
        var offset = 0
        repeat {
            let n = min(65_535, data.count - offset)
            let last = offset + n == data.count
            out.append(last ? 1 : 0)
            out += [UInt8(n & 0xFF), UInt8(n >> 8), UInt8(~n & 0xFF), UInt8((~n >> 8) & 0xFF)]
            out += data[offset..<(offset + n)]
            offset += n
        } while offset < data.count
        var a: UInt32 = 1, b: UInt32 = 0
        for byte in data { a = (a + UInt32(byte)) % 65_521; b = (b + a) % 65_521 }
        return out + be32(b << 16 | a)
    }

    static func crc(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 != 0 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }
}

func be32(_ value: UInt32) -> [UInt8] {
    [UInt8(value >> 24), UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF)]
}
