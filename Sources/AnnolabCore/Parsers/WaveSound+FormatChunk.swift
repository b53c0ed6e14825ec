// Reading a WAV file's fmt chunk into a WaveFormat, and refusing the formats the lab does not play.

extension WaveSound {
    /// The fixed tail of the extensible sub-format GUID (xxxxxxxx-0000-0010-8000-00AA00389B71)
    /// after its two-byte format code.
    static let extensibleGUIDTail: [UInt8] = [0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71]

    static func readFormat(_ raw: UnsafeRawBufferPointer, at body: Int, size: Int) throws -> WaveFormat {
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
}
