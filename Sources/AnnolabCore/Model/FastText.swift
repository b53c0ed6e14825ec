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

    /// The calendar fields of a time in UTC, and its milliseconds: rounded to the nearest
    /// millisecond first, then cut to whole seconds, as Foundation's formatters do.
    private static func fields(_ date: Date) -> (tm: tm, milliseconds: Int) {
        let total = Int64((date.timeIntervalSince1970 * 1000).rounded())
        var seconds = time_t(total.floorDivided(by: 1000))
        let milliseconds = Int(total - Int64(seconds) * 1000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        return (parts, milliseconds)
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

    /// A JSON array of strings, escaped as JSON requires (quote, backslash, control characters);
    /// everything else, non-ASCII letters included, is written as it is.
    public static func jsonArray(_ strings: [String]) -> String {
        var out: [UInt8] = [UInt8(ascii: "[")]
        for (index, string) in strings.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            out.append(UInt8(ascii: "\""))
            for byte in string.utf8 {
                switch byte {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"):
                    out.append(UInt8(ascii: "\\"))
                    out.append(byte)
                case 0..<0x20:
                    out.append(contentsOf: Array("\\u00".utf8))
                    out.append(hexDigits[Int(byte >> 4)])
                    out.append(hexDigits[Int(byte & 0x0F)])
                default:
                    out.append(byte)
                }
            }
            out.append(UInt8(ascii: "\""))
        }
        out.append(UInt8(ascii: "]"))
        return String(decoding: out, as: UTF8.self)
    }
}

private extension Int64 {
    /// Division that rounds down, also for times before 1970.
    func floorDivided(by divisor: Int64) -> Int64 {
        let (quotient, remainder) = quotientAndRemainder(dividingBy: divisor)
        return remainder < 0 ? quotient - 1 : quotient
    }
}
