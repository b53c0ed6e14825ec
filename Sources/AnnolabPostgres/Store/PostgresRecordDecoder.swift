// Reading the lab's records from PostgreSQL rows by their column names, as GRDB reads them from SQLite's.
import AnnolabCore
import Foundation
import PostgresNIO

/// Decodes one of the store's `Codable` records (``User``, ``Project``, ...) from a PostgreSQL row: each
/// property from the column of the same name. Numbers, text, booleans and times are read as PostgreSQL
/// sent them; a property of any other type (a list, a nested value) is JSON text in its column, as GRDB
/// writes it in SQLite and `annolab migrate` copies it.
struct PostgresRecordDecoder: Decoder {
    let row: PostgresRandomAccessRow
    var codingPath: [any CodingKey] = []
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    init(_ row: PostgresRow) {
        self.row = row.makeRandomAccess()
    }

    static func decode<T: Decodable>(_ type: T.Type, from row: PostgresRow) throws -> T {
        try T(from: PostgresRecordDecoder(row))
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        KeyedDecodingContainer(Columns<Key>(row: row))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        throw DecodingError.typeMismatch([Any].self, .init(codingPath: codingPath, debugDescription: "A row is read by column names."))
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        guard row.count == 1 else {
            throw DecodingError.typeMismatch(Any.self, .init(codingPath: codingPath, debugDescription: "A single value needs a row of one column."))
        }
        return CellDecoder(cell: row[0])
    }

    struct Columns<Key: CodingKey>: KeyedDecodingContainerProtocol {
        let row: PostgresRandomAccessRow
        var codingPath: [any CodingKey] { [] }
        var allKeys: [Key] { (0..<row.count).compactMap { Key(stringValue: row[$0].columnName) } }

        func contains(_ key: Key) -> Bool { row.contains(key.stringValue) }

        func cell(_ key: Key) throws -> PostgresCell {
            guard row.contains(key.stringValue) else {
                throw DecodingError.keyNotFound(key, .init(codingPath: [key], debugDescription: "The row has no column \(key.stringValue)."))
            }
            return row[key.stringValue]
        }

        func decodeNil(forKey key: Key) throws -> Bool { try cell(key).bytes == nil }

        func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
            try CellDecoder(cell: cell(key)).decode(type)
        }

        func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
            throw DecodingError.typeMismatch(type, .init(codingPath: [key], debugDescription: "A nested value is read as JSON text."))
        }

        func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
            throw DecodingError.typeMismatch([Any].self, .init(codingPath: [key], debugDescription: "A list is read as JSON text."))
        }

        func superDecoder() throws -> any Decoder { throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "Not used.")) }
        func superDecoder(forKey key: Key) throws -> any Decoder { try superDecoder() }
    }
}

/// One column's value: a number, text, boolean or time as PostgreSQL sent it, or JSON text for anything else.
struct CellDecoder: Decoder, SingleValueDecodingContainer {
    let cell: PostgresCell
    var codingPath: [any CodingKey] = []
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    /// As GRDB reads a nested value from its JSON text.
    static let json: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dataDecodingStrategy = .base64
        decoder.dateDecodingStrategy = .millisecondsSince1970
        decoder.nonConformingFloatDecodingStrategy = .throw
        return decoder
    }()

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        throw NeedsJSON()
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer { throw NeedsJSON() }
    func singleValueContainer() throws -> any SingleValueDecodingContainer { self }

    /// A value that is not one column's plain value: it is read from the column's JSON text.
    struct NeedsJSON: Error {}

    func decodeNil() -> Bool { cell.bytes == nil }
    func decode(_ type: Bool.Type) throws -> Bool { try cell.decode(Bool.self) }
    func decode(_ type: String.Type) throws -> String { try cell.decode(String.self) }
    func decode(_ type: Double.Type) throws -> Double {
        if let value = try? cell.decode(Double.self) { return value }
        return Double(try cell.decode(Int64.self))
    }
    func decode(_ type: Float.Type) throws -> Float { Float(try decode(Double.self)) }
    func decode(_ type: Int.Type) throws -> Int { Int(try cell.decode(Int64.self)) }
    func decode(_ type: Int8.Type) throws -> Int8 { try Int8(exactly: cell.decode(Int64.self)).unwrap(cell) }
    func decode(_ type: Int16.Type) throws -> Int16 { try Int16(exactly: cell.decode(Int64.self)).unwrap(cell) }
    func decode(_ type: Int32.Type) throws -> Int32 { try Int32(exactly: cell.decode(Int64.self)).unwrap(cell) }
    func decode(_ type: Int64.Type) throws -> Int64 { try cell.decode(Int64.self) }
    func decode(_ type: UInt.Type) throws -> UInt { try UInt(exactly: cell.decode(Int64.self)).unwrap(cell) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try UInt8(exactly: cell.decode(Int64.self)).unwrap(cell) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try UInt16(exactly: cell.decode(Int64.self)).unwrap(cell) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try UInt32(exactly: cell.decode(Int64.self)).unwrap(cell) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try UInt64(exactly: cell.decode(Int64.self)).unwrap(cell) }

    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        if type == Date.self { return try cell.decode(Date.self) as! T }
        if let optional = type as? any OptionalDecodable.Type, cell.bytes == nil { return optional.nullValue as! T }
        do {
            return try T(from: self)
        } catch is NeedsJSON {
            return try Self.json.decode(T.self, from: Data(cell.decode(String.self).utf8))
        }
    }
}

/// `Optional<T>.none`, for a NULL column read into an optional property.
protocol OptionalDecodable { static var nullValue: Self { get } }
extension Optional: OptionalDecodable {
    static var nullValue: Self { nil }
}

extension Optional {
    func unwrap(_ cell: PostgresCell) throws -> Wrapped {
        guard let self else {
            throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "The column \(cell.columnName) holds a number out of range."))
        }
        return self
    }
}
