// Builds the subtitle and WAV files the parser and chunking tests upload, byte by byte.
import AnnolabCore
import Foundation
@testable import AnnolabCore

/// Test uploads, written here rather than stored, so each test shows what it feeds in.
enum ParserFixtures {
    // MARK: Subtitles

    /// `count` back-to-back cues of `seconds` each, numbered, as an SRT file.
    static func contiguousSRT(count: Int, seconds: Int = 3) -> String {
        var text = ""
        for i in 0..<count {
            text += "\(i + 1)\n\(srtTime(i * seconds * 1000)) --> \(srtTime((i + 1) * seconds * 1000))\nCue \(i + 1)\n\n"
        }
        return text
    }

    /// The same cues as WebVTT, with identifiers.
    static func contiguousVTT(count: Int, seconds: Int = 3) -> String {
        var text = "WEBVTT\n\n"
        for i in 0..<count {
            text += "cue-\(i + 1)\n\(vttTime(i * seconds * 1000)) --> \(vttTime((i + 1) * seconds * 1000))\nCue \(i + 1)\n\n"
        }
        return text
    }

    static func srtTime(_ ms: Int) -> String {
        String(format: "%02d:%02d:%02d,%03d", ms / 3_600_000, ms / 60_000 % 60, ms / 1000 % 60, ms % 1000)
    }

    static func vttTime(_ ms: Int) -> String {
        String(format: "%02d:%02d:%02d.%03d", ms / 3_600_000, ms / 60_000 % 60, ms / 1000 % 60, ms % 1000)
    }

    static func utf16(_ text: String, bigEndian: Bool, byteOrderMark: Bool = true) -> Data {
        var bytes: [UInt8] = byteOrderMark ? (bigEndian ? [0xFE, 0xFF] : [0xFF, 0xFE]) : []
        for unit in text.utf16 {
            let high = UInt8(unit >> 8), low = UInt8(unit & 0xFF)
            bytes += bigEndian ? [high, low] : [low, high]
        }
        return Data(bytes)
    }

    static func utf32(_ text: String, bigEndian: Bool) -> Data {
        var bytes: [UInt8] = bigEndian ? [0, 0, 0xFE, 0xFF] : [0xFF, 0xFE, 0, 0]
        for scalar in text.unicodeScalars {
            let v = scalar.value
            let le = [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v >> 16 & 0xFF), UInt8(v >> 24)]
            bytes += bigEndian ? le.reversed() : le
        }
        return Data(bytes)
    }

    // MARK: Sound

    /// A sine of `amplitude` at `frequency` Hz in every channel (channel c at amplitude / (c + 1),
    /// so tests can tell channels apart), encoded as `kind` samples of `bits` bits.
    static func sineSamples(
        frames: Int, channels: Int, sampleRate: Int, bits: Int, kind: WaveFormat.SampleKind,
        frequency: Double = 440, amplitude: Double = 0.5
    ) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(frames * channels * bits / 8)
        for frame in 0..<frames {
            let phase = sin(2 * Double.pi * frequency * Double(frame) / Double(sampleRate))
            for channel in 0..<channels {
                append(amplitude / Double(channel + 1) * phase, bits: bits, kind: kind, to: &bytes)
            }
        }
        return bytes
    }

    static func encode(_ value: Double, bits: Int, kind: WaveFormat.SampleKind) -> [UInt8] {
        var bytes: [UInt8] = []
        append(value, bits: bits, kind: kind, to: &bytes)
        return bytes
    }

    /// Appends one sample as the WAV format stores it (little-endian).
    static func append(_ value: Double, bits: Int, kind: WaveFormat.SampleKind, to bytes: inout [UInt8]) {
        let pattern: UInt64
        switch (kind, bits) {
        case (.unsignedInteger, _):
            pattern = UInt64(max(0, min(255, (value * 128 + 128).rounded())))
        case (.float, 32):
            pattern = UInt64(Float(value).bitPattern)
        case (.float, _):
            pattern = value.bitPattern
        case (.signedInteger, _):
            let scale = Double(1 << (bits - 1))
            pattern = UInt64(bitPattern: Int64(max(-scale, min(scale - 1, (value * scale).rounded()))))
        }
        for byte in 0..<(bits / 8) { bytes.append(UInt8(truncatingIfNeeded: pattern >> (8 * UInt64(byte)))) }
    }

    static func littleEndian(_ value: UInt64, bytes: Int) -> [UInt8] {
        (0..<bytes).map { UInt8(truncatingIfNeeded: value >> (8 * UInt64($0))) }
    }

    static func chunk(_ id: String, _ body: [UInt8], declaredSize: UInt32? = nil) -> [UInt8] {
        var bytes = Array(id.utf8)
        bytes += littleEndian(UInt64(declaredSize ?? UInt32(body.count)), bytes: 4)
        bytes += body
        if body.count % 2 == 1 { bytes.append(0) }
        return bytes
    }

    /// A WAV file, described field by field so that tests can also write broken ones.
    struct Wave {
        var kind: WaveFormat.SampleKind = .signedInteger
        var channels = 1
        var sampleRate = 8000
        var bits = 16
        var extensible = false
        var validBits: Int?
        var channelMask: UInt32 = 0
        var formatTagOverride: UInt16?
        var channelsOverride: Int?
        var blockAlignOverride: Int?
        var fmtBodyLength: Int?
        /// A last change to the fmt body, for fields the other settings do not reach.
        var fmtBodyOverride: (@Sendable ([UInt8]) -> [UInt8])?
        var frames = 800
        var samples: [UInt8]?
        var chunksBeforeFmt: [[UInt8]] = []
        var chunksBeforeData: [[UInt8]] = []
        var chunksAfterData: [[UInt8]] = []
        var dataSizeOverride: UInt32?
        var riffSizeOverride: UInt32?
        var magic = "RIFF"

        var sampleBytes: [UInt8] {
            samples ?? sineSamples(frames: frames, channels: channels, sampleRate: sampleRate, bits: bits, kind: kind)
        }

        var fmtBody: [UInt8] {
            let code: UInt16 = kind == .float ? 3 : 1
            var body: [UInt8] = []
            body += littleEndian(UInt64(formatTagOverride ?? (extensible ? 0xFFFE : code)), bytes: 2)
            body += littleEndian(UInt64(channelsOverride ?? channels), bytes: 2)
            body += littleEndian(UInt64(sampleRate), bytes: 4)
            body += littleEndian(UInt64(sampleRate * channels * bits / 8), bytes: 4)
            body += littleEndian(UInt64(blockAlignOverride ?? channels * bits / 8), bytes: 2)
            body += littleEndian(UInt64(bits), bytes: 2)
            if extensible {
                body += littleEndian(22, bytes: 2)
                body += littleEndian(UInt64(validBits ?? bits), bytes: 2)
                body += littleEndian(UInt64(channelMask), bytes: 4)
                body += littleEndian(UInt64(code), bytes: 2)
                body += [0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71]
            }
            if let fmtBodyLength { body = Array(body.prefix(fmtBodyLength)) }
            return fmtBodyOverride?(body) ?? body
        }

        var data: Data {
            var body: [UInt8] = Array("WAVE".utf8)
            chunksBeforeFmt.forEach { body += $0 }
            body += chunk("fmt ", fmtBody)
            chunksBeforeData.forEach { body += $0 }
            body += chunk("data", sampleBytes, declaredSize: dataSizeOverride)
            chunksAfterData.forEach { body += $0 }
            var bytes = Array(magic.utf8)
            bytes += littleEndian(UInt64(riffSizeOverride ?? UInt32(body.count)), bytes: 4)
            bytes += body
            return Data(bytes)
        }
    }

    /// A plain 16-bit mono WAV of `seconds` of quiet sine at `sampleRate`.
    static func monoWAV(seconds: Double, sampleRate: Int = 8000) -> Data {
        Wave(sampleRate: sampleRate, frames: Int((seconds * Double(sampleRate)).rounded())).data
    }
}

/// Runs command-line tools (sox, espeak-ng) for the tests that compare with them.
enum ParserTools {
    static func path(of tool: String) -> String? {
        for directory in ["/usr/bin", "/usr/local/bin", "/bin"] {
            let candidate = directory + "/" + tool
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    static let hasSox = path(of: "sox") != nil
    static let hasEspeak = path(of: "espeak-ng") != nil

    /// Runs `tool` with `arguments` and returns what it wrote to standard output (a pipe, as
    /// when a tool streams into the lab's upload).
    /// With `errorOutput`, returns standard error instead (where sox prints its statistics).
    @discardableResult
    static func run(_ tool: String, _ arguments: [String], errorOutput: Bool = false) throws -> Data {
        let process = ChildProcess()
        process.executableURL = URL(fileURLWithPath: path(of: tool) ?? tool)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = errorOutput ? FileHandle.nullDevice : pipe
        process.standardError = errorOutput ? pipe : FileHandle.nullDevice
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw LabError(.internalFailure, "tool_failed", "\(tool) \(arguments.joined(separator: " ")) exited with \(process.terminationStatus)")
        }
        return output
    }

    static func temporaryFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("annolab-parsers-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
