// Hex digests and timestamps written without Foundation's formatters, for the operator loop.
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Text the lab writes on every request: a token's digest in hex, a time in ISO 8601 or in the
/// store's own format. Foundation's formatters go through ICU and `String(format:)`, which cost
/// more than the rest of a request; these write the same characters directly.
public enum FastText {
    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// Lower-case hex of the bytes, two digits each.
    public static func hex<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        var out: [UInt8] = []
        out.reserveCapacity(64)
        for byte in bytes {
            out.append(hexDigits[Int(byte >> 4)])
            out.append(hexDigits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The calendar fields of a time in UTC, and its milliseconds (truncated, as the store's formatter does).
    private static func fields(_ date: Date) -> (tm: tm, milliseconds: Int) {
        let interval = date.timeIntervalSince1970
        var seconds = time_t(interval.rounded(.down))
        var milliseconds = Int(((interval - Double(seconds)) * 1000).rounded(.down))
        if milliseconds >= 1000 {
            seconds += 1
            milliseconds -= 1000
        }
        var parts = tm()
        gmtime_r(&seconds, &parts)
        return (parts, max(0, milliseconds))
    }

    private static func append(_ value: Int, width: Int, to out: inout [UInt8]) {
        var digits = [UInt8](repeating: UInt8(ascii: "0"), count: width)
        var rest = value
        for index in stride(from: width - 1, through: 0, by: -1) {
            digits[index] = UInt8(ascii: "0") + UInt8(rest % 10)
            rest /= 10
        }
        out += digits
    }

    private static func date(_ parts: tm, separator: UInt8, into out: inout [UInt8]) {
        append(Int(parts.tm_year) + 1900, width: 4, to: &out)
        out.append(UInt8(ascii: "-"))
        append(Int(parts.tm_mon) + 1, width: 2, to: &out)
        out.append(UInt8(ascii: "-"))
        append(Int(parts.tm_mday), width: 2, to: &out)
        out.append(separator)
        append(Int(parts.tm_hour), width: 2, to: &out)
        out.append(UInt8(ascii: ":"))
        append(Int(parts.tm_min), width: 2, to: &out)
        out.append(UInt8(ascii: ":"))
        append(Int(parts.tm_sec), width: 2, to: &out)
    }

    /// `2026-12-06T19:10:00Z`: ISO 8601 in UTC, whole seconds, as `ISO8601DateFormatter` writes it.
    public static func internetTime(_ date: Date) -> String {
        let (parts, _) = fields(date)
        var out: [UInt8] = []
        out.reserveCapacity(20)
        Self.date(parts, separator: UInt8(ascii: "T"), into: &out)
        out.append(UInt8(ascii: "Z"))
        return String(decoding: out, as: UTF8.self)
    }

    /// `2026-12-06 19:10:00.123`: the form GRDB stores a `Date` in (UTC, milliseconds).
    public static func storeTime(_ date: Date) -> String {
        let (parts, milliseconds) = fields(date)
        var out: [UInt8] = []
        out.reserveCapacity(23)
        Self.date(parts, separator: UInt8(ascii: " "), into: &out)
        out.append(UInt8(ascii: "."))
        append(milliseconds, width: 3, to: &out)
        return String(decoding: out, as: UTF8.self)
    }
}
