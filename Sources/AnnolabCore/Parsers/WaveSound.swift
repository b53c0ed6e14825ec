// A WAV sound file held in memory or mapped from disk, its header read and its samples left in place.
import Foundation

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
}
