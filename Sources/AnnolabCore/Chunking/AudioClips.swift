// Cuts a programme's sound into the short clips that audio-tags microtasks play.

/// One clip of sound: a stretch of the programme an operator listens to.
public struct AudioClip: Sendable, Equatable {
    /// 0-based position among the clips.
    public var index: Int
    /// Seconds from the start of the sound.
    public var start: Double
    /// Seconds from the start of the sound.
    public var end: Double

    public var duration: Double { end - start }

    public init(index: Int, start: Double, end: Double) {
        self.index = index
        self.start = start
        self.end = end
    }
}

/// Clips for the `audio-tags` task: 10 s each by default, no overlap, and no clip so short
/// that an operator cannot tell what it is.
///
/// The rule, exactly: clip `i` starts at `i x (length - overlap)` and lasts `length`. The
/// last clip ends at the end of the sound. When the sound left after a full clip (the part
/// no clip has covered yet) would be shorter than `shortestLastPiece`, that clip is stretched
/// to the end of the sound instead of starting a new one. So with the defaults:
/// 60 s gives 6 clips; 61 s gives 6 clips, the last from 50 to 61 s; 1.5 s gives one clip of
/// 1.5 s; 0 s is refused. Times are `Double(i) x step`, never running sums, so boundaries are
/// exact for whole and half seconds.
///
/// ```swift
/// let sound = try WaveSound(upload)
/// for clip in try AudioClips.make(duration: sound.duration) {
///     let wav = try sound.slice(from: clip.start, to: clip.end)
/// }
/// ```
public enum AudioClips {
    public static let defaultLength = 10.0
    public static let defaultOverlap = 0.0
    public static let defaultShortestLastPiece = 2.0
    /// A bound on the work a hostile duration (say a year of sound at 1 Hz) can cause.
    public static let maximumClipCount = 1_000_000

    public static func make(
        duration: Double,
        length: Double = defaultLength,
        overlap: Double = defaultOverlap,
        shortestLastPiece: Double = defaultShortestLastPiece
    ) throws -> [AudioClip] {
        guard length.isFinite, length > 0, overlap.isFinite, overlap >= 0, overlap < length,
              shortestLastPiece.isFinite, shortestLastPiece >= 0 else {
            throw LabError(
                .unprocessable, "audio_clips_bad_settings",
                "Clips must last more than 0 seconds and overlap by less than their length (asked: \(length) s long, \(overlap) s overlap, last piece at least \(shortestLastPiece) s)."
            )
        }
        guard duration.isFinite, duration > 0 else {
            throw LabError(
                .unprocessable, "audio_no_sound",
                "This sound file lasts 0 seconds, so there is nothing to listen to. Please upload the file with the programme's sound."
            )
        }
        let step = length - overlap
        guard (duration / step).rounded(.up) <= Double(maximumClipCount) else {
            throw LabError(
                .unprocessable, "audio_too_many_clips",
                "This sound would make more than \(maximumClipCount) clips. Please choose longer clips or upload a shorter sound."
            )
        }
        var clips: [AudioClip] = []
        var index = 0
        while true {
            let start = Double(index) * step
            let end = start + length
            if end >= duration || duration - end < shortestLastPiece {
                clips.append(AudioClip(index: index, start: start, end: duration))
                return clips
            }
            clips.append(AudioClip(index: index, start: start, end: end))
            index += 1
        }
    }

    /// Clips for a whole WAV file.
    public static func make(
        for sound: WaveSound,
        length: Double = defaultLength,
        overlap: Double = defaultOverlap,
        shortestLastPiece: Double = defaultShortestLastPiece
    ) throws -> [AudioClip] {
        try make(duration: sound.duration, length: length, overlap: overlap, shortestLastPiece: shortestLastPiece)
    }
}
