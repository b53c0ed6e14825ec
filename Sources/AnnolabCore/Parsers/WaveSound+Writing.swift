// Writing the header of a new WAV file for a clip, in the sample format of its source.

extension WaveSound {
    static func header(for format: WaveFormat, frameCount: Int, dataByteCount: Int) -> [UInt8] {
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
