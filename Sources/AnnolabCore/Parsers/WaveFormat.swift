// How the samples of a WAV file are stored: sample kind, channels, rate and bit depth.

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
