// Cuts a subtitle file into the small windows of cues that one subtitle-check microtask shows.

/// A few consecutive cues and the stretch of programme sound they belong to.
public struct SubtitleWindow: Sendable, Equatable {
    /// Positions in the cue array given to ``SubtitleWindows/make(from:maximumCues:maximumSpan:)``
    /// (0-based, so `cues[window.cueRange]` are this window's cues).
    public var cueRange: Range<Int>
    /// Seconds: the earliest start among the window's cues.
    public var start: Double
    /// Seconds: the latest end among the window's cues. Cut `start...end` from the programme's
    /// WAV for this window's sound (``WaveSound/slice(from:to:)``).
    public var end: Double

    public var span: Double { end - start }

    public init(cueRange: Range<Int>, start: Double, end: Double) {
        self.cueRange = cueRange
        self.start = start
        self.end = end
    }
}

/// Windows for the `subtitle-check` task: up to 4 consecutive cues, and no more than 30 s.
///
/// The rule, exactly: walk the cues in file order. A window starts with the next cue not yet
/// in a window. The following cue joins it when the window has fewer than `maximumCues`
/// cues and the window's span with that cue would be at most `maximumSpan`; otherwise a new
/// window starts with that cue. The span is the latest end minus the earliest start of the
/// window's cues (for cues in time order, the last cue's end minus the first cue's start),
/// compared to the millisecond so that 30.000 s counts as 30 s. A single cue longer than the
/// span limit still gets a window of its own; no cue is ever left out or split.
///
/// ```swift
/// let windows = try SubtitleWindows.make(from: file.cues)      // 100 cues of 3 s -> 25 windows
/// let sound = try programme.slice(from: windows[0].start, to: windows[0].end)
/// ```
public enum SubtitleWindows {
    public static let defaultMaximumCues = 4
    public static let defaultMaximumSpan = 30.0

    public static func make(
        from cues: [SubtitleCue],
        maximumCues: Int = defaultMaximumCues,
        maximumSpan: Double = defaultMaximumSpan
    ) throws -> [SubtitleWindow] {
        guard maximumCues >= 1, maximumSpan.isFinite, maximumSpan > 0 else {
            throw LabError(
                .unprocessable, "subtitle_windows_bad_settings",
                "A subtitle window must hold at least 1 cue and last more than 0 seconds (asked: \(maximumCues) cues, \(maximumSpan) s)."
            )
        }
        guard !cues.isEmpty else {
            throw LabError(
                .unprocessable, "subtitle_windows_no_cues",
                "There are no subtitles to cut into microtasks. Please upload a subtitle file that has subtitles."
            )
        }
        let spanLimit = milliseconds(maximumSpan)
        var windows: [SubtitleWindow] = []
        windows.reserveCapacity(cues.count / maximumCues + 1)
        var first = 0
        var start = cues[0].start, end = cues[0].end
        for position in 1..<cues.count {
            let cue = cues[position]
            let joinedStart = min(start, cue.start), joinedEnd = max(end, cue.end)
            let fits = position - first < maximumCues && milliseconds(joinedEnd - joinedStart) <= spanLimit
            if fits {
                start = joinedStart
                end = joinedEnd
            } else {
                windows.append(SubtitleWindow(cueRange: first..<position, start: start, end: end))
                first = position
                start = cue.start
                end = cue.end
            }
        }
        windows.append(SubtitleWindow(cueRange: first..<cues.count, start: start, end: end))
        return windows
    }

    private static func milliseconds(_ seconds: Double) -> Int64 {
        // Cue times are at most a few days; anything absurd saturates instead of trapping.
        let value = (seconds * 1000).rounded()
        return value >= 9e18 ? Int64.max : value <= -9e18 ? Int64.min : Int64(value)
    }
}
