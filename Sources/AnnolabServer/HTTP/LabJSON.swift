// JSON as the lab speaks it: ISO 8601 times in UTC, stable key order.
import Foundation

/// The lab's JSON encoder and decoder.
public enum LabJSON {
    public static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    /// `value` as JSON text, for a column that stores JSON (an item's meta, a gold answer's
    /// explanation): keys sorted, so the same value is always stored the same way.
    public static func text(_ value: some Encodable) throws -> String {
        String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    public static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }()
}
