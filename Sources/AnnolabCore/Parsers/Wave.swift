// Reads uploaded WAV sound files, cuts clips out of them and reads their samples for checks.
import Foundation

/// How the samples of a WAV file are stored.
public struct WaveFormat: Sendable, Equatable {
    /// What one stored sample is.
    public enum SampleKind: String, Sendable, Equatable {
        /// 8-bit PCM: 0...255 with silence at 128.
        case unsignedInteger
        /// 16, 24 or 32-bit PCM, two's complement, little-endian.
        case signedInteger
        /// IEEE float, 32 or 64 bit, nominally -1...1.
        case float
    }

    public var sampleKind: SampleKind
    /// The format tag as written: 1 (PCM), 3 (IEEE float) or 0xFFFE (WAVE_FORMAT_EXTENSIBLE).
    public var formatTag: UInt16
    public var channelCount: Int
    /// Frames per second.
    public var sampleRate: Int
    /// Bits each sample takes in the file (8, 16, 24, 32 or 64).
    public var bitsPerSample: Int
    /// Bits that carry sound; fewer than ``bitsPerSample`` for e.g. 20-bit sound in 24-bit
    /// containers (always left-aligned, so reading the container gives the right level).
    public var validBitsPerSample: Int
    /// Bytes per frame: one sample of each channel.
    public var blockAlign: Int
    /// Which speakers the channels feed (extensible files only).
    public var channelMask: UInt32?

    public var isExtensible: Bool { formatTag == 0xFFFE }
    public var bytesPerSample: Int { bitsPerSample / 8 }

    public init(
        sampleKind: SampleKind, formatTag: UInt16, channelCount: Int, sampleRate: Int,
        bitsPerSample: Int, validBitsPerSample: Int, blockAlign: Int, channelMask: UInt32?
    ) {
        self.sampleKind = sampleKind
        self.formatTag = formatTag
        self.channelCount = channelCount
        self.sampleRate = sampleRate
        self.bitsPerSample = bitsPerSample
        self.validBitsPerSample = validBitsPerSample
        self.blockAlign = blockAlign
        self.channelMask = channelMask
    }
}

/// A WAV sound file, read without copying its samples.
///
/// Accepts RIFF/WAVE and RF64 files with PCM (8-bit unsigned; 16, 24, 32-bit signed) or IEEE
/// float (32, 64-bit) samples, plain or WAVE_FORMAT_EXTENSIBLE (PCM or float sub-format), any
/// channel count and sample rate. Chunks may come in any order; unknown chunks (LIST, fact,
/// bext, JUNK, ...) are skipped, respecting the pad byte after odd-sized chunks.
///
/// A data chunk that claims more bytes than the file holds is refused as cut off, except for
/// the streaming convention of writers that do not know the length in advance (`espeak-ng
/// --stdout`, ffmpeg into a pipe): a data size of 0, 0xFFFFFFFF or at least 0x7FFFF000, or
/// such a RIFF size, means the sound runs to the end of the file. A last partial frame is
/// dropped.
///
/// ```swift
/// let sound = try WaveSound(uploadBytes)
/// print(sound.duration)                          // 61.0
/// let clip = try sound.slice(from: 50, to: 61)   // a new WAV file of 11 s
/// ```
public struct WaveSound: Sendable {
    /// The whole file as uploaded; the samples are read from it in place.
    public let fileData: Data
    public let format: WaveFormat
    /// Where the first sample starts, counted in bytes from the start of ``fileData``.
    public let sampleDataOffset: Int
    /// Bytes of whole frames (``frameCount`` x ``WaveFormat/blockAlign``).
    public let sampleDataByteCount: Int
    public let frameCount: Int
    /// True when the header did not give the length (streaming convention) and the sound was
    /// taken to run to the end of the file.
    public let runsToEndOfFile: Bool
    /// True for an RF64 file (a WAV larger than 4 GB, or written as if it might be).
    public let isRF64: Bool

    /// Seconds of sound: frames divided by the sample rate.
    public var duration: Double { Double(frameCount) / Double(format.sampleRate) }

    /// Reads the header of a WAV file held in memory.
    public init(_ data: Data) throws {
        let layout = try data.withUnsafeBytes { try Self.readLayout($0) }
        fileData = data
        format = layout.format
        sampleDataOffset = layout.dataOffset
        frameCount = layout.dataByteCount / layout.format.blockAlign
        sampleDataByteCount = frameCount * layout.format.blockAlign
        runsToEndOfFile = layout.runsToEnd
        isRF64 = layout.isRF64
    }

    /// Reads a WAV file from disk, mapped into memory rather than read, so an hour of sound
    /// costs no more memory than the clips cut from it.
    public init(contentsOf url: URL) throws {
        try self.init(Data(contentsOf: url, options: .mappedIfSafe))
    }

    // MARK: Cutting clips

    /// The frames from `start` to `end` seconds, each rounded to the nearest frame. An end past
    /// the sound is cut back to its end, so a window that runs a little longer than the
    /// programme's sound still gets what there is.
    public func frameRange(from start: Double, to end: Double) throws -> Range<Int> {
        guard start.isFinite, end.isFinite, start >= 0, end > start else {
            throw LabError(
                .unprocessable, "wave_slice_bad_range",
                "A piece of sound from \(start) s to \(end) s cannot be cut: the end must come after the start, and neither may be negative."
            )
        }
        let rate = Double(format.sampleRate)
        let first = start < duration ? Int((start * rate).rounded()) : frameCount
        let last = min(frameCount, Int((min(end, duration) * rate).rounded()))
        guard first < last else {
            throw LabError(
                .unprocessable, .waveSliceOutsideSound,
                "The piece from \(start) s to \(end) s lies outside the sound, which lasts \(duration) s. Please check that the subtitles belong to this sound file."
            )
        }
        return first..<last
    }

    /// A new WAV file with the sound from `start` to `end` seconds (see ``frameRange(from:to:)``).
    public func slice(from start: Double, to end: Double) throws -> Data {
        try slice(frames: frameRange(from: start, to: end))
    }

    /// A new, plain RIFF WAV file holding exactly `frames` (cut back to the frames there are).
    ///
    /// The sample format is kept. Plain input gives a plain header (16-byte fmt for PCM;
    /// 18-byte fmt and a fact chunk for float, as the format asks of non-PCM data). Extensible
    /// input keeps its extensible header, so the channel mask and valid bits survive. RF64
    /// input gives a plain RIFF file, since a clip is far below 4 GB.
    public func slice(frames: Range<Int>) throws -> Data {
        let lower = min(max(frames.lowerBound, 0), frameCount)
        let upper = min(max(frames.upperBound, lower), frameCount)
        let byteCount = (upper - lower) * format.blockAlign
        var header = Self.header(for: format, frameCount: upper - lower, dataByteCount: byteCount)
        guard header.count + byteCount + 1 <= Int(UInt32.max) else {
            throw LabError(
                .unprocessable, "wave_slice_too_large",
                "A piece of \(byteCount) bytes of sound is too large for one WAV file (at most 4 GB). Please cut shorter pieces."
            )
        }
        var out = Data(capacity: header.count + byteCount + 1)
        out.append(contentsOf: header)
        header.removeAll()
        let from = fileData.startIndex + sampleDataOffset + lower * format.blockAlign
        out.append(fileData[from..<(from + byteCount)])
        if byteCount % 2 == 1 { out.append(0) }
        return out
    }

    // MARK: Reading samples

    /// Calls `body` once per frame in `frames` (cut back to the frames there are) with one
    /// sample per channel, scaled to -1...1. Float samples outside that range are clamped and
    /// NaN reads as 0, so a damaged file cannot poison a loudness check.
    public func forEachFrame(in frames: Range<Int>, _ body: (UnsafeBufferPointer<Float>) throws -> Void) rethrows {
        let lower = min(max(frames.lowerBound, 0), frameCount)
        let upper = min(max(frames.upperBound, lower), frameCount)
        guard lower < upper else { return }
        let channels = format.channelCount, width = format.bytesPerSample, kind = format.sampleKind
        var values = [Float](repeating: 0, count: channels)
        try fileData.withUnsafeBytes { raw in
            try values.withUnsafeMutableBufferPointer { frame in
                var offset = sampleDataOffset + lower * format.blockAlign
                for _ in lower..<upper {
                    for channel in 0..<channels {
                        frame[channel] = Self.sample(raw, at: offset + channel * width, width: width, kind: kind)
                    }
                    try body(UnsafeBufferPointer(frame))
                    offset += format.blockAlign
                }
            }
        }
    }

    /// One sample, scaled to -1...1; 0 for a frame or channel that does not exist.
    public func sample(frame: Int, channel: Int) -> Float {
        guard frame >= 0, frame < frameCount, channel >= 0, channel < format.channelCount else { return 0 }
        let offset = sampleDataOffset + frame * format.blockAlign + channel * format.bytesPerSample
        return fileData.withUnsafeBytes { Self.sample($0, at: offset, width: format.bytesPerSample, kind: format.sampleKind) }
    }

    /// The root mean square level over all channels of `frames` (all frames when `nil`):
    /// 0 for digital silence, about 0.707 for a full-scale sine.
    public func rootMeanSquare(frames: Range<Int>? = nil) -> Double {
        var sum = 0.0, count = 0
        forEachFrame(in: frames ?? 0..<frameCount) { frame in
            for value in frame { sum += Double(value) * Double(value) }
            count += frame.count
        }
        return count == 0 ? 0 : (sum / Double(count)).squareRoot()
    }

    private static func sample(_ raw: UnsafeRawBufferPointer, at offset: Int, width: Int, kind: WaveFormat.SampleKind) -> Float {
        switch (kind, width) {
        case (.unsignedInteger, _):
            return (Float(raw[offset]) - 128) / 128
        case (.signedInteger, 2):
            return Float(Int16(bitPattern: UInt16(raw[offset]) | UInt16(raw[offset + 1]) << 8)) / 32768
        case (.signedInteger, 3):
            let bits = UInt32(raw[offset]) << 8 | UInt32(raw[offset + 1]) << 16 | UInt32(raw[offset + 2]) << 24
            return Float(Int32(bitPattern: bits) >> 8) / 8_388_608
        case (.signedInteger, _):
            return Float(Int32(bitPattern: readUInt32(raw, offset))) / 2_147_483_648
        case (.float, 4):
            return clamped(Float(bitPattern: readUInt32(raw, offset)))
        case (.float, _):
            let bits = UInt64(readUInt32(raw, offset)) | UInt64(readUInt32(raw, offset + 4)) << 32
            return clamped(Float(Double(bitPattern: bits)))
        }
    }

    private static func clamped(_ value: Float) -> Float {
        value.isNaN ? 0 : min(max(value, -1), 1)
    }

    // MARK: Reading the header

    private struct Layout {
        var format: WaveFormat
        var dataOffset: Int
        var dataByteCount: Int
        var runsToEnd: Bool
        var isRF64: Bool
    }

    /// Sizes that mean "not known when the header was written".
    private static func isStreamingSize(_ size: UInt32) -> Bool {
        size == 0 || size >= 0x7FFF_F000
    }

    private static func readLayout(_ raw: UnsafeRawBufferPointer) throws -> Layout {
        let fileSize = raw.count
        guard fileSize >= 12 else {
            throw LabError(
                .unprocessable, "wave_too_short",
                "The sound file is only \(fileSize) bytes, too short to be a WAV file. Please upload the whole file again."
            )
        }
        let magic = fourCC(raw, 0)
        if magic == "RIFX" || magic == "FFIR" {
            throw LabError(
                .unprocessable, "wave_big_endian",
                "This WAV file stores its numbers big-endian (RIFX), which Annolab does not read. Please export it again as a standard PCM WAV."
            )
        }
        guard magic == "RIFF" || magic == "RF64", fourCC(raw, 8) == "WAVE" else {
            throw LabError(
                .unprocessable, "wave_not_riff",
                "This is not a WAV file: it does not start with RIFF...WAVE. Please upload a .wav file (PCM or float)."
            )
        }
        let isRF64 = magic == "RF64"
        let riffIsStreaming = isStreamingSize(readUInt32(raw, 4))

        var format: WaveFormat?
        var data: (offset: Int, byteCount: Int, runsToEnd: Bool)?
        var ds64DataSize: UInt64?
        var position = 12
        while position + 8 <= fileSize, format == nil || data == nil {
            let id = fourCC(raw, position)
            let declared = readUInt32(raw, position + 4)
            let body = position + 8
            let available = fileSize - body
            var size = Int(declared)

            if id == "data" {
                if data != nil {
                    // A second data chunk is not sound we play; skip it like any other chunk.
                    guard size <= available else { throw chunkTooLong(id, at: position, size: size, available: available) }
                } else {
                    var claimed = UInt64(declared)
                    var streaming = declared == 0 || (isStreamingSize(declared) || riffIsStreaming) && UInt64(declared) > UInt64(available)
                    if isRF64, declared == 0xFFFF_FFFF, let fromDS64 = ds64DataSize {
                        claimed = fromDS64
                        streaming = false
                    }
                    if streaming {
                        data = (body, available, true)
                        break
                    }
                    guard claimed <= UInt64(available) else {
                        throw LabError(
                            .unprocessable, "wave_cut_off",
                            "The sound file is cut off: its header promises \(claimed) bytes of sound, but only \(available) are there. The upload was probably interrupted; please upload the whole file again."
                        )
                    }
                    size = Int(claimed)
                    data = (body, size, false)
                }
            } else if id == "fmt " {
                guard size <= available else {
                    throw LabError(
                        .unprocessable, "wave_fmt_cut_off",
                        "The sound file is cut off inside its header (the fmt chunk needs \(size) bytes, \(available) are there). Please upload the whole file again."
                    )
                }
                if format == nil { format = try readFormat(raw, at: body, size: size) }
            } else if id == "ds64", isRF64 {
                guard size >= 24, size <= available else {
                    throw LabError(
                        .unprocessable, "wave_bad_ds64",
                        "This RF64 sound file has a damaged size table (ds64 chunk). Please export it again."
                    )
                }
                ds64DataSize = UInt64(readUInt32(raw, body + 8)) | UInt64(readUInt32(raw, body + 12)) << 32
            } else {
                guard size <= available else { throw chunkTooLong(id, at: position, size: size, available: available) }
            }
            // Chunks are padded to an even length; the pad byte may be missing at the very end.
            position = body + size + (size & 1)
        }

        guard let format else {
            throw LabError(
                .unprocessable, "wave_no_fmt",
                "This WAV file has no format description (fmt chunk) before its sound, so it cannot be played. Please export it again as PCM WAV."
            )
        }
        guard let data else {
            throw LabError(
                .unprocessable, "wave_no_data",
                "This WAV file holds no sound (it has no data chunk). Please check that you chose the right file."
            )
        }
        return Layout(format: format, dataOffset: data.offset, dataByteCount: data.byteCount, runsToEnd: data.runsToEnd, isRF64: isRF64)
    }

    private static func chunkTooLong(_ id: String, at position: Int, size: Int, available: Int) -> LabError {
        LabError(
            .unprocessable, "wave_chunk_too_long",
            "The sound file is damaged or cut off: its '\(id)' part at byte \(position) claims \(size) bytes, but only \(available) follow. Please upload the whole file again."
        )
    }

    /// The fixed tail of the extensible sub-format GUID (xxxxxxxx-0000-0010-8000-00AA00389B71)
    /// after its two-byte format code.
    private static let extensibleGUIDTail: [UInt8] = [0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71]

    private static func readFormat(_ raw: UnsafeRawBufferPointer, at body: Int, size: Int) throws -> WaveFormat {
        guard size >= 16 else {
            throw LabError(
                .unprocessable, "wave_fmt_too_short",
                "This WAV file's format description is \(size) bytes; it must be at least 16. The file is damaged; please export it again."
            )
        }
        let tag = readUInt16(raw, body)
        let channels = Int(readUInt16(raw, body + 2))
        let rate = Int(readUInt32(raw, body + 4))
        let blockAlign = Int(readUInt16(raw, body + 12))
        let bits = Int(readUInt16(raw, body + 14))
        guard channels > 0 else {
            throw LabError(
                .unprocessable, "wave_no_channels",
                "This WAV file says it has 0 sound channels, so there is nothing to hear. The file is damaged; please export it again."
            )
        }
        guard rate > 0 else {
            throw LabError(
                .unprocessable, "wave_no_sample_rate",
                "This WAV file says its sample rate is 0, so its length cannot be known. The file is damaged; please export it again."
            )
        }

        var code = tag, validBits = bits, containerBits = bits
        var channelMask: UInt32?
        if tag == 0xFFFE {
            guard size >= 40 else {
                throw LabError(
                    .unprocessable, "wave_extensible_too_short",
                    "This WAV file uses the extensible format, but its description is \(size) bytes instead of at least 40. The file is damaged; please export it again."
                )
            }
            validBits = Int(readUInt16(raw, body + 18))
            channelMask = readUInt32(raw, body + 20)
            code = readUInt16(raw, body + 24)
            let tail = (0..<14).map { raw[body + 26 + $0] }
            guard tail == extensibleGUIDTail else {
                throw LabError(
                    .unprocessable, "wave_unsupported_format",
                    "This WAV uses a kind of sound data Annolab does not know (an extensible sub-format that is not PCM or float). Please upload PCM or float WAV."
                )
            }
            guard containerBits % 8 == 0 else { throw unsupportedDepth(bits, float: code == 3) }
            if validBits == 0 || validBits > containerBits { validBits = containerBits }
        } else {
            // Plain PCM with e.g. 12 or 20 bits keeps them in whole bytes, left-aligned.
            containerBits = (bits + 7) / 8 * 8
        }

        let kind: WaveFormat.SampleKind
        switch code {
        case 1:
            guard (8...32).contains(containerBits) else { throw unsupportedDepth(bits, float: false) }
            kind = containerBits == 8 ? .unsignedInteger : .signedInteger
        case 3:
            guard containerBits == 32 || containerBits == 64 else { throw unsupportedDepth(bits, float: true) }
            kind = .float
        default:
            let name = compressedFormatNames[code].map { ", \($0)" } ?? ""
            throw LabError(
                .unprocessable, "wave_compressed_audio",
                "This WAV uses compressed audio (format 0x\(hex(code))\(name)). Please upload PCM or float WAV."
            )
        }
        let expected = channels * containerBits / 8
        guard blockAlign == expected else {
            throw LabError(
                .unprocessable, "wave_block_align_mismatch",
                "This WAV file's header does not add up: \(channels) channel(s) of \(containerBits)-bit samples take \(expected) bytes per frame, but it says \(blockAlign). The file is damaged or was written by a faulty tool; please export it again."
            )
        }
        return WaveFormat(
            sampleKind: kind, formatTag: tag, channelCount: channels, sampleRate: rate,
            bitsPerSample: containerBits, validBitsPerSample: min(validBits, containerBits), blockAlign: blockAlign,
            channelMask: channelMask
        )
    }

    private static func unsupportedDepth(_ bits: Int, float: Bool) -> LabError {
        LabError(
            .unprocessable, "wave_unsupported_bit_depth",
            float
                ? "This WAV stores \(bits)-bit float samples; Annolab reads 32 or 64-bit float. Please export it as 16-bit PCM or 32-bit float WAV."
                : "This WAV stores \(bits)-bit samples; Annolab reads 8, 16, 24 or 32-bit PCM. Please export it as 16-bit PCM WAV."
        )
    }

    private static let compressedFormatNames: [UInt16: String] = [
        0x0000: "unknown", 0x0002: "Microsoft ADPCM", 0x0006: "A-law", 0x0007: "mu-law",
        0x0011: "IMA ADPCM", 0x0031: "GSM 6.10", 0x0040: "G.721 ADPCM", 0x0050: "MPEG audio",
        0x0055: "MP3", 0x0092: "Dolby AC-3", 0x00FF: "AAC", 0x0160: "Windows Media Audio",
        0x0161: "Windows Media Audio", 0x0162: "Windows Media Audio Pro", 0x1610: "AAC",
        0x2000: "Dolby AC-3", 0x2001: "DTS", 0x674F: "Ogg Vorbis", 0x6750: "Ogg Vorbis",
        0x6751: "Ogg Vorbis", 0xF1AC: "FLAC",
    ]

    private static func hex(_ value: UInt16) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: 4 - digits.count) + digits
    }

    private static func fourCC(_ raw: UnsafeRawBufferPointer, _ offset: Int) -> String {
        String(decoding: (0..<4).map { raw[offset + $0] }.map { $0 >= 0x20 && $0 < 0x7F ? $0 : 0x3F }, as: UTF8.self)
    }

    private static func readUInt16(_ raw: UnsafeRawBufferPointer, _ offset: Int) -> UInt16 {
        UInt16(raw[offset]) | UInt16(raw[offset + 1]) << 8
    }

    private static func readUInt32(_ raw: UnsafeRawBufferPointer, _ offset: Int) -> UInt32 {
        UInt32(raw[offset]) | UInt32(raw[offset + 1]) << 8 | UInt32(raw[offset + 2]) << 16 | UInt32(raw[offset + 3]) << 24
    }

    // MARK: Writing a header

    private static func header(for format: WaveFormat, frameCount: Int, dataByteCount: Int) -> [UInt8] {
        var fmt: [UInt8] = []
        func put16(_ value: Int, into bytes: inout [UInt8]) {
            bytes.append(UInt8(truncatingIfNeeded: value))
            bytes.append(UInt8(truncatingIfNeeded: value >> 8))
        }
        func put32(_ value: Int, into bytes: inout [UInt8]) {
            for shift in stride(from: 0, through: 24, by: 8) { bytes.append(UInt8(truncatingIfNeeded: value >> shift)) }
        }
        let isFloat = format.sampleKind == .float
        let code = isFloat ? 3 : 1
        put16(format.isExtensible ? 0xFFFE : code, into: &fmt)
        put16(format.channelCount, into: &fmt)
        put32(format.sampleRate, into: &fmt)
        put32(format.sampleRate * format.blockAlign, into: &fmt)
        put16(format.blockAlign, into: &fmt)
        // A plain header says the bits that carry sound (e.g. 12) and readers round up to whole
        // bytes; an extensible one says the container and gives the valid bits separately.
        put16(format.isExtensible ? format.bitsPerSample : format.validBitsPerSample, into: &fmt)
        if format.isExtensible {
            put16(22, into: &fmt)
            put16(format.validBitsPerSample, into: &fmt)
            put32(Int(format.channelMask ?? 0), into: &fmt)
            put16(code, into: &fmt)
            fmt.append(contentsOf: extensibleGUIDTail)
        } else if isFloat {
            put16(0, into: &fmt)
        }

        var out: [UInt8] = Array("RIFF".utf8)
        let factSize = isFloat ? 12 : 0
        let padded = dataByteCount + (dataByteCount & 1)
        put32(4 + 8 + fmt.count + factSize + 8 + padded, into: &out)
        out.append(contentsOf: Array("WAVEfmt ".utf8))
        put32(fmt.count, into: &out)
        out.append(contentsOf: fmt)
        if isFloat {
            // Non-PCM data should say its length in frames.
            out.append(contentsOf: Array("fact".utf8))
            put32(4, into: &out)
            put32(frameCount, into: &out)
        }
        out.append(contentsOf: Array("data".utf8))
        put32(dataByteCount, into: &out)
        return out
    }
}
