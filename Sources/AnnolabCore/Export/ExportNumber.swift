// Numbers and times spelled the same on every machine, whatever its locale.
import Foundation

/// Writes numbers with a decimal point and a fixed number of decimals, never in a locale's
/// style (no `0,5`, no thousands separators, no exponent).
///
/// ```swift
/// ExportNumber.fixed(0.5, places: 6)     // "0.500000"
/// ExportNumber.trimmed(12.50, places: 2) // "12.5"
/// ExportNumber.timestamp(3725.5)         // "01:02:05.500"
/// ```
public enum ExportNumber {
    /// `value` rounded half away from zero to `places` decimals, all decimals written.
    /// A value that is not finite is written as 0; `-0` is written as `0`.
    public static func fixed(_ value: Double, places: Int) -> String {
        let places = max(0, min(places, 12))
        guard value.isFinite else { return places == 0 ? "0" : "0." + String(repeating: "0", count: places) }
        var scale: Double = 1
        for _ in 0..<places { scale *= 10 }
        let scaled = (abs(value) * scale).rounded()
        // Beyond 2^63 a Double has no decimals left to write; such sizes never occur in exports.
        guard scaled < 9.2e18 else { return value < 0 ? "-\(abs(value))" : "\(value)" }
        let units = UInt64(scaled)
        let factor = UInt64(scale)
        let whole = String(units / factor)
        let negative = value < 0 && units > 0
        guard places > 0 else { return (negative ? "-" : "") + whole }
        let fraction = String(units % factor)
        let padded = String(repeating: "0", count: places - fraction.count) + fraction
        return (negative ? "-" : "") + whole + "." + padded
    }

    /// As ``fixed(_:places:)`` but without trailing zeros, and without the point when nothing
    /// is left after it.
    public static func trimmed(_ value: Double, places: Int) -> String {
        var text = fixed(value, places: places)
        guard text.contains(".") else { return text }
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text
    }

    /// Seconds as a WebVTT timestamp `HH:MM:SS.mmm` (hours grow past two digits when needed).
    /// Negative or not-finite times are written as zero.
    public static func timestamp(_ seconds: Double) -> String {
        let milliseconds = seconds.isFinite && seconds > 0 ? Int64((seconds * 1000).rounded()) : 0
        let ms = milliseconds % 1000, totalSeconds = milliseconds / 1000
        let s = totalSeconds % 60, m = (totalSeconds / 60) % 60, h = totalSeconds / 3600
        return pad(h, 2) + ":" + pad(m, 2) + ":" + pad(s, 2) + "." + pad(ms, 3)
    }

    /// A moment as ISO 8601 in UTC with milliseconds: `2026-03-01T09:15:00.250Z`.
    public static func isoTimestamp(_ date: Date) -> String {
        let milliseconds = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
        var days = milliseconds / 86_400_000
        var rest = milliseconds % 86_400_000
        if rest < 0 { rest += 86_400_000; days -= 1 }
        // Civil date from days since 1970-01-01 (Howard Hinnant, "chrono-Compatible Low-Level
        // Date Algorithms", days_from_civil inverse).
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        let ms = rest % 1000, totalSeconds = rest / 1000
        return pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2) + "T"
            + pad(totalSeconds / 3600, 2) + ":" + pad((totalSeconds / 60) % 60, 2) + ":"
            + pad(totalSeconds % 60, 2) + "." + pad(ms, 3) + "Z"
    }

    private static func pad(_ value: Int64, _ width: Int) -> String {
        let text = String(value)
        return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
    }
}
