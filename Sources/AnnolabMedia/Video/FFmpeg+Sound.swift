// The sound of a programme for listening work, and a subtitle track taken out of it as WebVTT.
import AnnolabCore
import Foundation

extension FFmpeg {
    /// Writes the first sound stream as a 16 kHz mono 16-bit WAV: the format the lab's windows,
    /// clips and waveforms already use, and small (about 115 MB for four hours).
    public func sound(of source: URL, to target: URL) async throws {
        try await writeAtomically(target, what: "the sound", format: "wav", arguments: Self.quiet + [
            "-i", Self.fileArgument(source), "-map", "0:a:0", "-vn", "-sn", "-dn", "-map_metadata", "-1",
            "-ac", "1", "-ar", "16000", "-c:a", "pcm_s16le",
        ])
    }

    /// Writes the subtitle track with ffprobe's stream index `stream` as WebVTT, the format the
    /// lab's subtitle checks and the browser's captions read.
    public func subtitleTrack(of source: URL, stream: Int, to target: URL) async throws {
        try await writeAtomically(target, what: "the subtitles", format: "webvtt", arguments: Self.quiet + [
            "-i", Self.fileArgument(source), "-map", "0:\(stream)", "-c:s", "webvtt",
        ])
    }
}
