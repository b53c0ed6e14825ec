// A subtitle's plain text: styling tags removed and HTML entities decoded.
import Foundation

extension SubtitleParsing {
    /// The text a viewer reads; see ``SubtitleCue/plainText``.
    public static func plainText(_ text: String) -> String {
        let bytes = Array(text.utf8)
        var lines: [String] = []
        var out: [UInt8] = []
        var i = 0
        func finishLine() {
            let line = String(decoding: out, as: UTF8.self).trimmingCharacters(in: .whitespaces)
            if !line.isEmpty { lines.append(line) }
            out.removeAll(keepingCapacity: true)
        }
        while i < bytes.count {
            let byte = bytes[i]
            if byte == 0x0A {
                finishLine()
                i += 1
            } else if byte == 0x3C, i + 1 < bytes.count, isTagStart(bytes[i + 1]),
                      let close = firstIndex(of: 0x3E, in: bytes, from: i + 1) {
                i = close + 1
            } else if byte == 0x7B, i + 1 < bytes.count, bytes[i + 1] == 0x5C,
                      let close = firstIndex(of: 0x7D, in: bytes, from: i + 1) {
                i = close + 1
            } else if byte == 0x26, let entity = readEntity(bytes, at: i) {
                out.append(contentsOf: entity.replacement)
                i = entity.next
            } else {
                out.append(byte)
                i += 1
            }
        }
        finishLine()
        return lines.joined(separator: "\n")
    }

    private static func isTagStart(_ byte: UInt8) -> Bool {
        (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || isDigit(byte) || byte == 0x2F
    }

    /// The closing byte on the same line, so a stray '<' cannot swallow the rest of the cue.
    private static func firstIndex(of target: UInt8, in bytes: [UInt8], from start: Int) -> Int? {
        var j = start
        while j < bytes.count, bytes[j] != 0x0A {
            if bytes[j] == target { return j }
            j += 1
        }
        return nil
    }

    private static let namedEntities: [String: String] = [
        "amp": "&", "lt": "<", "gt": ">", "nbsp": "\u{00A0}", "quot": "\"", "apos": "'",
        "lrm": "\u{200E}", "rlm": "\u{200F}",
    ]

    private static func readEntity(_ bytes: [UInt8], at start: Int) -> (replacement: [UInt8], next: Int)? {
        var j = start + 1
        while j < bytes.count, j - start <= 10, bytes[j] != 0x3B {
            let b = bytes[j]
            guard isDigit(b) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == 0x23 else { return nil }
            j += 1
        }
        guard j < bytes.count, bytes[j] == 0x3B, j > start + 1 else { return nil }
        let name = String(decoding: bytes[(start + 1)..<j], as: UTF8.self)
        if let named = namedEntities[name] { return (Array(named.utf8), j + 1) }
        if name.hasPrefix("#") {
            let digits = name.dropFirst()
            let value = digits.first == "x" || digits.first == "X"
                ? UInt32(digits.dropFirst(), radix: 16) : UInt32(digits, radix: 10)
            if let value, value != 0, let scalar = Unicode.Scalar(value) {
                return (Array(String(scalar).utf8), j + 1)
            }
        }
        return nil
    }
}
