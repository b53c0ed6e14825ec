// The bytes an export writes, appended straight to a buffer: JSON strings, whole numbers and fixed decimals.
import Foundation

/// A byte buffer that export writers append to, with the spellings the exports use:
/// ``appendJSONString(_:)`` escapes as ``ExportJSON`` does, ``appendFixed(_:places:)`` and
/// ``appendTrimmed(_:places:)`` give exactly ``ExportNumber/fixed(_:places:)`` and
/// ``ExportNumber/trimmed(_:places:)``.
///
/// Writing a million COCO annotations through `String` and dictionaries costs seconds; the
/// same bytes appended here cost a fraction of that, so streamed exports keep to it.
///
/// ```swift
/// var out = ExportBytes()
/// out.append("{\"score\":")
/// out.appendTrimmed(0.93456, places: 4)   // 0.9346
/// out.append("}")
/// ```
public struct ExportBytes: Sendable {
    public var bytes: [UInt8]

    public init(capacity: Int = 1 << 16) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    public var count: Int { bytes.count }
    public var isEmpty: Bool { bytes.isEmpty }

    /// Empties the buffer and keeps its memory for the next piece.
    public mutating func removeAll() { bytes.removeAll(keepingCapacity: true) }

    public mutating func append(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    public mutating func append(_ text: String) {
        bytes.append(contentsOf: text.utf8)
    }

    public mutating func append(byte: UInt8) {
        bytes.append(byte)
    }

    public mutating func append(contentsOf other: some Sequence<UInt8>) {
        bytes.append(contentsOf: other)
    }

    /// A whole number in decimal, as `String(value)` spells it.
    public mutating func appendInt(_ value: Int64) {
        if value < 0 {
            bytes.append(UInt8(ascii: "-"))
            appendDigits(value.magnitude)
        } else {
            appendDigits(UInt64(value))
        }
    }

    public mutating func appendInt(_ value: Int) { appendInt(Int64(value)) }

    /// The decimal digits of `value`, at least `minimumDigits` of them (zero-padded on the left).
    mutating func appendDigits(_ value: UInt64, minimumDigits: Int = 1) {
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        var rest = value
        withUnsafeMutableBytes(of: &digits) { buffer in
            repeat {
                buffer[19 - count] = UInt8(ascii: "0") + UInt8(rest % 10)
                rest /= 10
                count += 1
            } while rest > 0
            while count < min(minimumDigits, 20) {
                buffer[19 - count] = UInt8(ascii: "0")
                count += 1
            }
            bytes.append(contentsOf: buffer[(20 - count)...])
        }
    }

    /// `value` rounded half away from zero to `places` decimals, all decimals written:
    /// byte for byte what ``ExportNumber/fixed(_:places:)`` returns.
    public mutating func appendFixed(_ value: Double, places requested: Int) {
        let places = max(0, min(requested, 12))
        guard value.isFinite else {
            bytes.append(UInt8(ascii: "0"))
            if places > 0 {
                bytes.append(UInt8(ascii: "."))
                for _ in 0..<places { bytes.append(UInt8(ascii: "0")) }
            }
            return
        }
        var scale: Double = 1
        for _ in 0..<places { scale *= 10 }
        let scaled = (abs(value) * scale).rounded()
        guard scaled < 9.2e18 else {
            append(ExportNumber.fixed(value, places: requested))
            return
        }
        let units = UInt64(scaled)
        let factor = UInt64(scale)
        if value < 0 && units > 0 { bytes.append(UInt8(ascii: "-")) }
        appendDigits(units / factor)
        guard places > 0 else { return }
        bytes.append(UInt8(ascii: "."))
        appendDigits(units % factor, minimumDigits: places)
    }

    /// As ``appendFixed(_:places:)`` without trailing zeros, and without the point when nothing
    /// is left after it: what ``ExportNumber/trimmed(_:places:)`` returns.
    public mutating func appendTrimmed(_ value: Double, places: Int) {
        let start = bytes.count
        appendFixed(value, places: places)
        guard bytes[start...].contains(UInt8(ascii: ".")) else { return }
        while bytes.last == UInt8(ascii: "0") { bytes.removeLast() }
        if bytes.last == UInt8(ascii: ".") { bytes.removeLast() }
    }

    /// `text` as a JSON string in quotes: quote, backslash and control characters escaped,
    /// U+2028 and U+2029 too (they end a line in JavaScript); everything else as UTF-8.
    public mutating func appendJSONString(_ text: String) {
        bytes.append(UInt8(ascii: "\""))
        var utf8 = text.utf8.makeIterator()
        var pending: UInt8?
        while let byte = pending ?? utf8.next() {
            pending = nil
            switch byte {
            case UInt8(ascii: "\""): append("\\\"")
            case UInt8(ascii: "\\"): append("\\\\")
            case 0x0A: append("\\n")
            case 0x0D: append("\\r")
            case 0x09: append("\\t")
            case 0x08: append("\\b")
            case 0x0C: append("\\f")
            case 0x00..<0x20, 0x7F:
                append("\\u00")
                bytes.append(Self.hex[Int(byte >> 4)])
                bytes.append(Self.hex[Int(byte & 0xF)])
            case 0xE2:
                // U+2028 and U+2029 are E2 80 A8 and E2 80 A9 in UTF-8.
                guard let second = utf8.next() else { bytes.append(byte); break }
                guard second == 0x80, let third = utf8.next() else {
                    bytes.append(byte)
                    pending = second
                    break
                }
                if third == 0xA8 || third == 0xA9 {
                    append(third == 0xA8 ? "\\u2028" : "\\u2029")
                } else {
                    bytes.append(contentsOf: [byte, second, third])
                }
            default:
                bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    static let hex: [UInt8] = Array("0123456789abcdef".utf8)
}
