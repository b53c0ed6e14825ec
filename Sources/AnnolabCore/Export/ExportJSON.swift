// A small JSON value with one fixed way of writing it, so that exports are byte-for-byte repeatable.
import Foundation

/// A JSON value as the exports write it: object keys sorted, numbers in a fixed
/// locale-independent form, no escaped slashes, UTF-8.
///
/// Foundation's encoders are not used for output because their number spelling and key order
/// are theirs to change; here `ExportJSON.fixed(0.5, places: 4)` is always `0.5`.
///
/// ```swift
/// let value: ExportJSON = .object(["id": .int(1), "score": .fixed(0.93456, places: 4)])
/// value.text()   // {"id":1,"score":0.9346}
/// ```
public enum ExportJSON: Sendable, Hashable {
    case null
    case bool(Bool)
    case int(Int64)
    /// A number already spelled as JSON (see ``fixed(_:places:)`` and ``double(_:)``).
    case number(String)
    case string(String)
    case array([ExportJSON])
    case object([String: ExportJSON])

    /// A number rounded to `places` decimals, trailing zeros dropped (`12.50` is written `12.5`).
    public static func fixed(_ value: Double, places: Int) -> ExportJSON {
        .number(ExportNumber.trimmed(value, places: places))
    }

    /// A number in Swift's shortest round-trip spelling (`0.1`, `1e-05`), for values read from
    /// JSON that must come back unchanged; not-finite values become `null`.
    public static func double(_ value: Double) -> ExportJSON {
        guard value.isFinite else { return .null }
        if value == value.rounded(), abs(value) < 1e15 { return .int(Int64(value)) }
        return .number("\(value)")
    }

    public static func int(_ value: Int) -> ExportJSON { .int(Int64(value)) }

    /// The value on one line, with no spaces.
    public func text() -> String {
        var out = ExportBytes(capacity: 256)
        write(to: &out)
        return String(decoding: out.bytes, as: UTF8.self)
    }

    /// The value as UTF-8 bytes, followed by a newline (files end with one).
    public func data() -> Data {
        var out = ExportBytes(capacity: 256)
        write(to: &out)
        out.append(byte: UInt8(ascii: "\n"))
        return Data(out.bytes)
    }

    /// Appends the value's bytes; streamed exports write their pieces the same way.
    public func write(to out: inout ExportBytes) {
        switch self {
        case .null: out.append("null")
        case .bool(let value): out.append(value ? "true" : "false")
        case .int(let value): out.appendInt(value)
        case .number(let text): out.append(text)
        case .string(let text): out.appendJSONString(text)
        case .array(let items):
            out.append("[")
            for (n, item) in items.enumerated() {
                if n > 0 { out.append(",") }
                item.write(to: &out)
            }
            out.append("]")
        case .object(let members):
            out.append("{")
            for (n, key) in members.keys.sorted(by: Self.keyOrder).enumerated() {
                if n > 0 { out.append(",") }
                out.appendJSONString(key)
                out.append(":")
                members[key]!.write(to: &out)
            }
            out.append("}")
        }
    }

    /// Keys in the order of their UTF-8 bytes, the order `sort_keys` gives in most languages.
    static func keyOrder(_ a: String, _ b: String) -> Bool {
        a.utf8.lexicographicallyPrecedes(b.utf8)
    }
}

extension ExportJSON: Decodable {
    /// Reads any JSON value; numbers that are whole and fit in 64 bits stay integers.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int64.self) {
            self = .int(value)
        } else if let value = try? container.decode(Double.self) {
            self = .double(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([ExportJSON].self) {
            self = .array(value)
        } else if let value = try? container.decode([String: ExportJSON].self) {
            self = .object(value)
        } else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "Not a JSON value.")
        }
    }

    /// Parses JSON text; nil when it is not JSON (a UTF-8 byte order mark is skipped).
    public static func parse(_ data: Data) -> ExportJSON? {
        var bytes = data
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
        return try? JSONDecoder().decode(ExportJSON.self, from: Data(bytes))
    }

    /// The members of an object, or nil.
    public var objectValue: [String: ExportJSON]? {
        if case .object(let members) = self { return members }
        return nil
    }

    /// The items of an array, or nil.
    public var arrayValue: [ExportJSON]? {
        if case .array(let items) = self { return items }
        return nil
    }

    /// The text of a string, or nil.
    public var stringValue: String? {
        if case .string(let text) = self { return text }
        return nil
    }
}
