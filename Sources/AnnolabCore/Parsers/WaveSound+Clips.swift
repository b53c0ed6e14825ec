// Cutting clips out of a WAV sound: a time range to frames, and frames to a new WAV file.
import Foundation

extension WaveSound {
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
}
