// Reading a subtitle's `start --> end` line and writing a time back for an error message.

extension SubtitleParsing {
    struct Timing {
        var start: Double
        var end: Double
        var settings: String
    }

    /// Reads `start --> end [settings]`; `range` is the trimmed line.
    static func readTiming(_ bytes: [UInt8], _ range: Range<Int>, lineNumber: Int, style: Style) throws -> Timing {
        func unreadable() -> LabError {
            LabError(
                .unprocessable, "subtitle_bad_time",
                "Line \(lineNumber) has a time that cannot be read: '\(quote(bytes, range))'. Times look like \(style.exampleRange)."
            )
        }
        guard let arrow = arrowPosition(bytes, range) else { throw unreadable() }
        let left = trim(bytes, range.lowerBound..<arrow)
        guard let start = readTime(bytes, left), start.next == left.upperBound else { throw unreadable() }
        var i = arrow + 3
        while i < range.upperBound, isSpace(bytes[i]) { i += 1 }
        guard let end = readTime(bytes, i..<range.upperBound) else { throw unreadable() }
        if end.next < range.upperBound, !isSpace(bytes[end.next]) { throw unreadable() }
        let settings = string(bytes, trim(bytes, end.next..<range.upperBound))
        if end.milliseconds < start.milliseconds {
            throw LabError(
                .unprocessable, "subtitle_end_before_start",
                "Line \(lineNumber): this subtitle ends at \(clock(end.milliseconds, style)) but starts later, at \(clock(start.milliseconds, style)). A subtitle must end after it starts. Please fix its times."
            )
        }
        return Timing(start: Double(start.milliseconds) / 1000, end: Double(end.milliseconds) / 1000, settings: settings)
    }

    /// Reads `[h:]m:s[(,|.)fraction]` at the start of `range`; the time in whole milliseconds
    /// (digits after the third are dropped) and where reading stopped.
    static func readTime(_ bytes: [UInt8], _ range: Range<Int>) -> (milliseconds: Int, next: Int)? {
        var i = range.lowerBound
        var groups: [(value: Int, digits: Int)] = []
        while groups.count < 3 {
            var value = 0, digits = 0
            while i < range.upperBound, isDigit(bytes[i]) {
                guard digits < 6 else { return nil }
                value = value * 10 + Int(bytes[i] - 0x30)
                digits += 1
                i += 1
            }
            guard digits > 0 else { return nil }
            groups.append((value, digits))
            guard i < range.upperBound, bytes[i] == 0x3A, groups.count < 3 else { break }
            i += 1
        }
        guard groups.count >= 2 else { return nil }
        let hours = groups.count == 3 ? groups[0] : (value: 0, digits: 1)
        let minutes = groups[groups.count - 2], seconds = groups[groups.count - 1]
        guard seconds.digits <= 2, seconds.value < 60 else { return nil }
        if groups.count == 3 {
            guard minutes.digits <= 2, minutes.value < 60 else { return nil }
        } else {
            guard minutes.digits <= 4 else { return nil }
        }
        var fraction = 0
        if i < range.upperBound, bytes[i] == 0x2C || bytes[i] == 0x2E {
            i += 1
            var digits = 0
            while i < range.upperBound, isDigit(bytes[i]) {
                guard digits < 9 else { return nil }
                if digits < 3 { fraction = fraction * 10 + Int(bytes[i] - 0x30) }
                digits += 1
                i += 1
            }
            guard digits > 0 else { return nil }
            for _ in min(digits, 3)..<3 { fraction *= 10 }
        }
        let total = ((hours.value * 60 + minutes.value) * 60 + seconds.value) * 1000 + fraction
        return (total, i)
    }

    static func clock(_ milliseconds: Int, _ style: Style) -> String {
        let ms = milliseconds % 1000, totalSeconds = milliseconds / 1000
        let s = totalSeconds % 60, m = (totalSeconds / 60) % 60, h = totalSeconds / 3600
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        let three = ms < 10 ? "00\(ms)" : ms < 100 ? "0\(ms)" : "\(ms)"
        return "\(two(h)):\(two(m)):\(two(s))\(style == .subRip ? "," : ".")\(three)"
    }

    /// A line as it can be shown in an error message: short, with control characters as '?'.
    static func quote(_ bytes: [UInt8], _ range: Range<Int>) -> String {
        let limit = 60
        let shown = range.count > limit ? range.lowerBound..<(range.lowerBound + limit) : range
        let text = String(String.UnicodeScalarView(
            string(bytes, shown).unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? "?" : $0 }
        ))
        return range.count > limit ? text + "..." : text
    }
}
