// Reading the samples of a WAV sound, scaled to -1...1, for loudness and silence checks.

extension WaveSound {
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
}
