// Timecodes as exports of programmes write them: HH:MM:SS.mmm, and frame numbers.

/// Times in a programme as editing tools read them.
public enum Timecode {
    /// `HH:MM:SS.mmm` (hours may pass 99); negative times are written as zero.
    public static func text(_ seconds: Double) -> String {
        let total = Int((max(0, seconds) * 1000).rounded())
        let hours = total / 3_600_000, minutes = total / 60_000 % 60, secs = total / 1000 % 60, millis = total % 1000
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        let ms = millis < 10 ? "00\(millis)" : millis < 100 ? "0\(millis)" : "\(millis)"
        return "\(two(hours)):\(two(minutes)):\(two(secs)).\(ms)"
    }

    /// The frame shown at `seconds`, counted from 0, at `frameRate` frames a second.
    public static func frame(_ seconds: Double, frameRate: Double) -> Int {
        guard frameRate > 0, seconds.isFinite else { return 0 }
        return Int((max(0, seconds) * frameRate).rounded())
    }
}
