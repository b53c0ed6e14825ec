// Reads the boxes of a stored image-boxes answer quickly when it has the shape the lab stores, else through JSONDecoder.
import Foundation

/// The boxes of a stored answer body, exactly as `JSONDecoder` reads them into
/// ``AnswerBody`` (`boxes ?? []`), at a fraction of the cost for the bodies the lab writes.
///
/// A big export reads hundreds of thousands of answers; `JSONDecoder` spends most of an
/// export's time on them. The scanner takes only the canonical shape the server stores,
/// `{"boxes":[{"h":..,"label":"..","w":..,"x":..,"y":..},...]}` (keys in any order, each once,
/// JSON whitespace allowed), with ASCII labels without escapes and plain decimal numbers of at
/// most 15 digits, which it converts exactly (a whole number of at most 15 digits divided by a
/// power of ten is correctly rounded, as `strtod` rounds). Anything else, and anything it is not
/// sure of, goes to `JSONDecoder`, so the result is always the decoder's.
///
/// ```swift
/// let boxes = BoxAnswerScanner.boxes(in: body, decoder: decoder)   // nil: not a readable answer
/// ```
public enum BoxAnswerScanner {
    /// The answer's boxes; nil when the body is not a readable answer (the decoder refused it).
    public static func boxes(in body: Data, decoder: JSONDecoder) -> [LabeledBox]? {
        if let fast = canonicalBoxes(in: body) { return fast }
        return (try? decoder.decode(AnswerBody.self, from: body)).map { $0.boxes ?? [] }
    }

    /// The boxes when the body has the canonical shape; nil when it has not (then only
    /// `JSONDecoder` can say what it holds). Public so tests can see which path a body takes.
    public static func canonicalBoxes(in body: Data) -> [LabeledBox]? {
        body.withUnsafeBytes { raw in
            var scanner = Scanner(bytes: raw.bindMemory(to: UInt8.self))
            return scanner.answer()
        }
    }

    /// A one-pass reader over the body's bytes; every method returns nil ("not sure") at the
    /// first byte outside the canonical shape.
    private struct Scanner {
        let bytes: UnsafeBufferPointer<UInt8>
        var at = 0

        init(bytes: UnsafeBufferPointer<UInt8>) {
            self.bytes = bytes
        }

        /// The boxes, or nil when the body is not in the canonical shape.
        mutating func answer() -> [LabeledBox]? {
            guard take(UInt8(ascii: "{")), key() == "boxes", take(UInt8(ascii: ":")), take(UInt8(ascii: "[")) else { return nil }
            var boxes: [LabeledBox] = []
            if !take(UInt8(ascii: "]")) {
                repeat {
                    guard let box = box() else { return nil }
                    boxes.append(box)
                } while take(UInt8(ascii: ","))
                guard take(UInt8(ascii: "]")) else { return nil }
            }
            guard take(UInt8(ascii: "}")) else { return nil }
            skipSpace()
            return at == bytes.count ? boxes : nil
        }

        mutating func box() -> LabeledBox? {
            guard take(UInt8(ascii: "{")) else { return nil }
            var label: String?
            var x: Double?, y: Double?, w: Double?, h: Double?
            repeat {
                guard let name = key(), take(UInt8(ascii: ":")) else { return nil }
                skipSpace()
                switch name {
                case "label":
                    guard label == nil, let text = string() else { return nil }
                    label = text
                case "x":
                    guard x == nil, let value = number() else { return nil }
                    x = value
                case "y":
                    guard y == nil, let value = number() else { return nil }
                    y = value
                case "w":
                    guard w == nil, let value = number() else { return nil }
                    w = value
                case "h":
                    guard h == nil, let value = number() else { return nil }
                    h = value
                default:
                    return nil
                }
            } while take(UInt8(ascii: ","))
            guard take(UInt8(ascii: "}")), let label, let x, let y, let w, let h else { return nil }
            return LabeledBox(label: label, x: x, y: y, w: w, h: h)
        }

        /// A member name: a plain ASCII string (only the names above ever matter).
        mutating func key() -> String? {
            skipSpace()
            return string()
        }

        /// A string of printable ASCII without escapes.
        mutating func string() -> String? {
            guard at < bytes.count, bytes[at] == UInt8(ascii: "\"") else { return nil }
            let start = at + 1
            var end = start
            while end < bytes.count {
                let byte = bytes[end]
                if byte == UInt8(ascii: "\"") { break }
                guard byte >= 0x20, byte < 0x7F, byte != UInt8(ascii: "\\") else { return nil }
                end += 1
            }
            guard end < bytes.count else { return nil }
            at = end + 1
            return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
        }

        /// A JSON number without exponent and with at most 15 digits, exactly as `strtod` reads it.
        mutating func number() -> Double? {
            var negative = false
            if at < bytes.count, bytes[at] == UInt8(ascii: "-") {
                negative = true
                at += 1
            }
            var mantissa: UInt64 = 0
            var digits = 0
            var fraction = 0
            // JSON allows one leading zero only when it is the whole integer part.
            guard at < bytes.count, Self.isDigit(bytes[at]) else { return nil }
            if bytes[at] == UInt8(ascii: "0") {
                at += 1
                guard at >= bytes.count || !Self.isDigit(bytes[at]) else { return nil }
            } else {
                while at < bytes.count, Self.isDigit(bytes[at]) {
                    mantissa = mantissa * 10 + UInt64(bytes[at] - UInt8(ascii: "0"))
                    digits += 1
                    at += 1
                    guard digits <= 15 else { return nil }
                }
            }
            if at < bytes.count, bytes[at] == UInt8(ascii: ".") {
                at += 1
                guard at < bytes.count, Self.isDigit(bytes[at]) else { return nil }
                while at < bytes.count, Self.isDigit(bytes[at]) {
                    mantissa = mantissa * 10 + UInt64(bytes[at] - UInt8(ascii: "0"))
                    if mantissa > 0 { digits += 1 }
                    fraction += 1
                    at += 1
                    guard digits <= 15, fraction <= 22 else { return nil }
                }
            }
            if at < bytes.count, bytes[at] == UInt8(ascii: "e") || bytes[at] == UInt8(ascii: "E") { return nil }
            // "-0" is left to the decoder, whichever zero it makes of it.
            if negative && mantissa == 0 { return nil }
            // Both numbers are exact in a Double (mantissa < 2^53, 10^fraction for fraction <= 22),
            // so one IEEE division gives the correctly rounded value.
            let magnitude = fraction == 0 ? Double(mantissa) : Double(mantissa) / Self.powersOfTen[fraction]
            return negative ? -magnitude : magnitude
        }

        /// Skips JSON whitespace, then takes `byte` when it is next.
        mutating func take(_ byte: UInt8) -> Bool {
            skipSpace()
            guard at < bytes.count, bytes[at] == byte else { return false }
            at += 1
            return true
        }

        mutating func skipSpace() {
            while at < bytes.count {
                switch bytes[at] {
                case 0x20, 0x09, 0x0A, 0x0D: at += 1
                default: return
                }
            }
        }

        static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

        static let powersOfTen: [Double] = (0...22).map { exponent in
            var value = 1.0
            for _ in 0..<exponent { value *= 10 }
            return value
        }
    }
}
