// Writing the lab's records into PostgreSQL rows: each property into the column of its name.
import Foundation
import PostgresNIO

/// The columns of one of the store's `Codable` records and their values, as GRDB writes them in SQLite:
/// numbers, text, booleans and times as themselves, anything else as JSON text. A property that is nil
/// is left out, so the column takes its default (an id, for one, is given by the database).
struct PostgresRecordEncoder: Encoder {
    /// One column's value.
    enum Value {
        case text(String), integer(Int64), real(Double), boolean(Bool), time(Date), null
    }

    final class Collected {
        var columns: [(name: String, value: Value)] = []
        /// Whether a nil property is written as NULL (to replace a row whole) rather than left out.
        var includeNulls = false
    }

    let collected = Collected()
    var codingPath: [any CodingKey] = []
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    /// As GRDB writes a nested value: JSON with sorted keys.
    static let json: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dataEncodingStrategy = .base64
        encoder.dateEncodingStrategy = .millisecondsSince1970
        encoder.nonConformingFloatEncodingStrategy = .throw
        encoder.outputFormatting = .sortedKeys
        return encoder
    }()

    static func columns(of record: some Encodable, includeNulls: Bool = false) throws -> [(name: String, value: Value)] {
        let encoder = PostgresRecordEncoder()
        encoder.collected.includeNulls = includeNulls
        try record.encode(to: encoder)
        return encoder.collected.columns
    }

    /// Inserts the record, or replaces every other column of the row with the same `key` columns: what
    /// GRDB's `save` does for a record keyed by its own columns.
    static func upsert(_ record: some Encodable, into table: String, key: [String]) throws -> PostgresQuery {
        let columns = try Self.columns(of: record, includeNulls: true)
        var bindings = PostgresBindings(capacity: columns.count)
        for column in columns { try column.value.bind(into: &bindings) }
        let names = columns.map { "\"\($0.name)\"" }.joined(separator: ", ")
        let places = columns.indices.map { "$\($0 + 1)" }.joined(separator: ", ")
        let updates = columns.map(\.name).filter { !key.contains($0) }.map { "\"\($0)\" = excluded.\"\($0)\"" }
        let conflict = key.map { "\"\($0)\"" }.joined(separator: ", ")
        let action = updates.isEmpty ? "DO NOTHING" : "DO UPDATE SET " + updates.joined(separator: ", ")
        return PostgresQuery(unsafeSQL: "INSERT INTO \"\(table)\" (\(names)) VALUES (\(places)) ON CONFLICT (\(conflict)) \(action)",
                             binds: bindings)
    }

    /// `INSERT INTO "table" (...) VALUES (...)`, with `suffix` after it (such as `RETURNING "id"`).
    static func insert(_ record: some Encodable, into table: String, suffix: String = "") throws -> PostgresQuery {
        let columns = try Self.columns(of: record)
        var bindings = PostgresBindings(capacity: columns.count)
        for column in columns { try column.value.bind(into: &bindings) }
        let names = columns.map { "\"\($0.name)\"" }.joined(separator: ", ")
        let places = (1...max(columns.count, 1)).prefix(columns.count).map { "$\($0)" }.joined(separator: ", ")
        return PostgresQuery(unsafeSQL: "INSERT INTO \"\(table)\" (\(names)) VALUES (\(places)) \(suffix)", binds: bindings)
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        KeyedEncodingContainer(Columns<Key>(collected: collected))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        preconditionFailure("A record is written as named columns.")
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        preconditionFailure("A record is written as named columns.")
    }

    struct Columns<Key: CodingKey>: KeyedEncodingContainerProtocol {
        let collected: Collected
        var codingPath: [any CodingKey] { [] }

        mutating func encodeNil(forKey key: Key) throws { collected.columns.append((key.stringValue, .null)) }

        mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
            collected.columns.append((key.stringValue, try Value.of(value)))
        }

        mutating func encodeIfPresent<T: Encodable>(_ value: T?, forKey key: Key) throws {
            if let value { try encode(value, forKey: key) } else if collected.includeNulls { try encodeNil(forKey: key) }
        }
        mutating func encodeIfPresent(_ value: Bool?, forKey key: Key) throws { try nullable(value, key) }
        mutating func encodeIfPresent(_ value: String?, forKey key: Key) throws { try nullable(value, key) }
        mutating func encodeIfPresent(_ value: Double?, forKey key: Key) throws { try nullable(value, key) }
        mutating func encodeIfPresent(_ value: Float?, forKey key: Key) throws { try nullable(value.map(Double.init), key) }
        mutating func encodeIfPresent(_ value: Int?, forKey key: Key) throws { try nullable(value, key) }
        mutating func encodeIfPresent(_ value: Int8?, forKey key: Key) throws { try nullable(value.map(Int.init), key) }
        mutating func encodeIfPresent(_ value: Int16?, forKey key: Key) throws { try nullable(value.map(Int.init), key) }
        mutating func encodeIfPresent(_ value: Int32?, forKey key: Key) throws { try nullable(value.map(Int.init), key) }
        mutating func encodeIfPresent(_ value: Int64?, forKey key: Key) throws { try nullable(value, key) }
        mutating func encodeIfPresent(_ value: UInt?, forKey key: Key) throws { try nullable(value.map { Int64($0) }, key) }
        mutating func encodeIfPresent(_ value: UInt8?, forKey key: Key) throws { try nullable(value.map(Int.init), key) }
        mutating func encodeIfPresent(_ value: UInt16?, forKey key: Key) throws { try nullable(value.map(Int.init), key) }
        mutating func encodeIfPresent(_ value: UInt32?, forKey key: Key) throws { try nullable(value.map { Int64($0) }, key) }
        mutating func encodeIfPresent(_ value: UInt64?, forKey key: Key) throws { try nullable(value.map { Int64($0) }, key) }

        private mutating func nullable<T: Encodable>(_ value: T?, _ key: Key) throws {
            if let value { try encode(value, forKey: key) } else if collected.includeNulls { try encodeNil(forKey: key) }
        }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
            preconditionFailure("A nested value is written as JSON text.")
        }

        mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
            preconditionFailure("A list is written as JSON text.")
        }

        mutating func superEncoder() -> any Encoder { preconditionFailure("Not used.") }
        mutating func superEncoder(forKey key: Key) -> any Encoder { preconditionFailure("Not used.") }
    }
}

extension PostgresRecordEncoder.Value {
    /// The column value of one property: a plain value, an enum's raw value, or JSON text.
    static func of<T: Encodable>(_ value: T) throws -> Self {
        switch value {
        case let value as String: return .text(value)
        case let value as Int: return .integer(Int64(value))
        case let value as Int64: return .integer(value)
        case let value as Int32: return .integer(Int64(value))
        case let value as Double: return .real(value)
        case let value as Bool: return .boolean(value)
        case let value as Date: return .time(value)
        case let value as any RawRepresentable:
            if let raw = value.rawValue as? String { return .text(raw) }
            if let raw = value.rawValue as? Int { return .integer(Int64(raw)) }
        default:
            break
        }
        return .text(String(decoding: try PostgresRecordEncoder.json.encode(value), as: UTF8.self))
    }

    func bind(into bindings: inout PostgresBindings) throws {
        switch self {
        case .text(let value): bindings.append(value)
        case .integer(let value): bindings.append(value)
        case .real(let value): bindings.append(value)
        case .boolean(let value): bindings.append(value)
        case .time(let value): bindings.append(value)
        case .null: bindings.appendNull()
        }
    }
}
