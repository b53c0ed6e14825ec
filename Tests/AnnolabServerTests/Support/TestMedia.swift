// Media made by the tests themselves: pictures, subtitles, sound, archives, and broken versions of them.
import AnnolabMedia
import CZlib
import Foundation

enum TestMedia {
    /// A PNG of the given size with a simple pattern.
    static func png(width: Int, height: Int) throws -> Data {
        var pixels = [UInt8](repeating: 255, count: width * height * 4)
        for y in stride(from: 0, to: height, by: 7) {
            for x in 0..<width { pixels[(y * width + x) * 4] = UInt8(x % 256) }
        }
        return try PNGImage.encode(try RGBAImage(width: width, height: height, pixels: pixels))
    }

    /// The same PNG with other dimensions in its IHDR chunk, and that chunk's checksum made right.
    static func withSize(_ png: Data, width: UInt32, height: UInt32) -> Data {
        var bytes = [UInt8](png)
        bytes.replaceSubrange(16..<24, with: [UInt8](be32(width) + be32(height)))
        let crc = UInt32(bytes[12..<29].withUnsafeBufferPointer { crc32(0, $0.baseAddress, uInt($0.count)) })
        bytes.replaceSubrange(29..<33, with: [UInt8](be32(crc)))
        return Data(bytes)
    }

    static func be32(_ v: UInt32) -> Data { withUnsafeBytes(of: v.bigEndian) { Data($0) } }

    /// `count` contiguous cues of `seconds` each, as SRT.
    static func srt(cues count: Int, seconds: Double = 3) -> Data {
        var text = ""
        for n in 0..<count {
            text += "\(n + 1)\n\(time(Double(n) * seconds, ",")) --> \(time(Double(n + 1) * seconds, ","))\nCue number \(n + 1)\n\n"
        }
        return Data(text.utf8)
    }

    static func vtt(cues count: Int, seconds: Double = 3) -> Data {
        var text = "WEBVTT\n\n"
        for n in 0..<count {
            text += "\(time(Double(n) * seconds, ".")) --> \(time(Double(n + 1) * seconds, "."))\nCue number \(n + 1)\n\n"
        }
        return Data(text.utf8)
    }

    static func time(_ seconds: Double, _ separator: String) -> String {
        let ms = Int((seconds * 1000).rounded())
        return String(format: "%02d:%02d:%02d%@%03d", ms / 3_600_000, ms / 60_000 % 60, ms / 1000 % 60, separator, ms % 1000)
    }

    /// A 16-bit mono PCM WAV of a 440 Hz tone.
    static func wav(seconds: Double, rate: Int = 8000) -> Data {
        let frames = Int(seconds * Double(rate))
        var samples = Data(capacity: frames * 2)
        for n in 0..<frames {
            let value = Int16(8000 * sin(2 * Double.pi * 440 * Double(n) / Double(rate)))
            withUnsafeBytes(of: value.littleEndian) { samples.append(contentsOf: $0) }
        }
        return wavHeader(dataBytes: UInt32(samples.count), rate: rate) + samples
    }

    static func wavHeader(dataBytes: UInt32, rate: Int, riffBytes: UInt32? = nil) -> Data {
        var out = Data("RIFF".utf8)
        out += le32(riffBytes ?? (36 + dataBytes)) + Data("WAVEfmt ".utf8) + le32(16) + le16(1) + le16(1)
        out += le32(UInt32(rate)) + le32(UInt32(rate * 2)) + le16(2) + le16(16) + Data("data".utf8) + le32(dataBytes)
        return out
    }

    static func le16(_ v: UInt16) -> Data { withUnsafeBytes(of: v.littleEndian) { Data($0) } }
    static func le32(_ v: UInt32) -> Data { withUnsafeBytes(of: v.littleEndian) { Data($0) } }

    /// A ZIP archive; entries are deflated with zlib unless `stored`.
    static func zip(_ entries: [(name: String, data: Data, stored: Bool)], lieAboutSize: UInt32? = nil) -> Data {
        var out = Data(), directory = Data()
        for entry in entries {
            let packed = entry.stored ? entry.data : deflate(entry.data)
            let crc = UInt32(entry.data.withUnsafeBytes { crc32(0, $0.bindMemory(to: UInt8.self).baseAddress, uInt($0.count)) })
            let method: UInt16 = entry.stored ? 0 : 8
            let size = lieAboutSize ?? UInt32(entry.data.count)
            let name = Data(entry.name.utf8)
            let offset = UInt32(out.count)
            out += le32(0x0403_4B50) + le16(20) + le16(0x0800) + le16(method) + le16(0) + le16(0x5A21)
            out += le32(crc) + le32(UInt32(packed.count)) + le32(size) + le16(UInt16(name.count)) + le16(0) + name + packed
            directory += le32(0x0201_4B50) + le16(0x031E) + le16(20) + le16(0x0800) + le16(method) + le16(0) + le16(0x5A21)
            directory += le32(crc) + le32(UInt32(packed.count)) + le32(size) + le16(UInt16(name.count)) + le16(0) + le16(0)
            directory += le16(0) + le16(0) + le32(0o100644 << 16) + le32(offset) + name
        }
        let start = UInt32(out.count)
        out += directory
        out += le32(0x0605_4B50) + le16(0) + le16(0) + le16(UInt16(entries.count)) + le16(UInt16(entries.count))
        out += le32(UInt32(directory.count)) + le32(start) + le16(0)
        return out
    }

    /// Raw deflate (no zlib header), as ZIP stores it.
    static func deflate(_ data: Data) -> Data {
        var stream = z_stream()
        deflateInit2_(&stream, Z_BEST_COMPRESSION, Z_DEFLATED, -15, 9, Z_DEFAULT_STRATEGY, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        defer { deflateEnd(&stream) }
        var input = [UInt8](data)
        var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, uLong(input.count))) + 64)
        let produced: Int = input.withUnsafeMutableBufferPointer { inBuffer in
            output.withUnsafeMutableBufferPointer { outBuffer in
                stream.next_in = inBuffer.baseAddress
                stream.avail_in = uInt(inBuffer.count)
                stream.next_out = outBuffer.baseAddress
                stream.avail_out = uInt(outBuffer.count)
                CZlib.deflate(&stream, Z_FINISH)
                return outBuffer.count - Int(stream.avail_out)
            }
        }
        return Data(output[..<produced])
    }

    /// A multipart/form-data body with one part named `file` per file.
    static func multipart(_ files: [(name: String, data: Data)], boundary: String = "annolab-test-boundary") -> Data {
        var body = Data()
        for file in files {
            body += Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\(file.name)\"\r\nContent-Type: application/octet-stream\r\n\r\n".utf8)
            body += file.data + Data("\r\n".utf8)
        }
        body += Data("--\(boundary)--\r\n".utf8)
        return body
    }
}
