// Derives a JSON Schema from a Decodable type by decoding it once and writing down what it asks for.
import Foundation

/// A `Decoder` that holds no data: it answers every question a type's `init(from:)` asks with a
/// harmless value and records the question: each key, its JSON type, and whether the type reads
/// it with `decode` (required) or `decodeIfPresent` (optional, `null` allowed).
///
/// ```swift
/// let schema = try SchemaDecoder.schema(of: AuthRoutes.LoginRequest.self)
/// // {"type":"object","properties":{"badge":{"type":["string","null"]}, ...}}
/// ```
///
/// So the API document says exactly what the routes read, and cannot drift from them: a field
/// added to a request type is in the document at once. Types whose decoding checks the value
/// (dates, money, enums) describe themselves through ``SchemaDescribed``; enums that are
/// `CaseIterable` with string raw values are described by their cases without any help.
struct SchemaDecoder: Decoder {
    let node: SchemaNode
    var codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    /// The schema of `type` as JSONDecoder reads it.
    static func schema<T: Decodable>(of type: T.Type) throws -> JSONSchema {
        try describe(type, codingPath: []).schema
    }

    /// The schema of `type` and a value of it made from harmless answers.
    static func describe<T: Decodable>(_ type: T.Type, codingPath: [any CodingKey]) throws -> (schema: JSONSchema, value: T) {
        if let described = T.self as? any SchemaDescribed.Type {
            return (described.jsonSchema, try sample(try described.schemaSample, as: T.self, codingPath: codingPath))
        }
        if let primitive = Self.primitive(T.self) {
            return (primitive.schema, try sample(primitive.value, as: T.self, codingPath: codingPath))
        }
        if let enumeration = T.self as? any CaseIterable.Type, let cases = Self.stringCases(enumeration) {
            return (.cases(cases.names), try sample(cases.first, as: T.self, codingPath: codingPath))
        }
        if let dictionary = T.self as? any SchemaDictionary.Type {
            let values = try dictionary.valueSchema(codingPath: codingPath)
            return (.dictionary(values), try sample(dictionary.emptyDictionary, as: T.self, codingPath: codingPath))
        }
        if let optional = T.self as? any SchemaOptional.Type {
            return (try optional.wrappedSchema(codingPath: codingPath).orNull,
                    try sample(optional.nullValue, as: T.self, codingPath: codingPath))
        }
        let node = SchemaNode()
        do {
            let value = try T(from: SchemaDecoder(node: node, codingPath: codingPath))
            return (node.schema, value)
        } catch let error as DecodingError {
            // A type that checks the value it reads needs to describe itself.
            throw SchemaDerivationError(type: "\(T.self)", path: codingPath.map(\.stringValue).joined(separator: "."),
                                        reason: "\(error)")
        }
    }

    /// A harmless value made for `type`, as that type; a sample of another type is a fault in
    /// the type's own description, reported like any other schema that cannot be derived.
    static func sample<T>(_ value: Any, as type: T.Type, codingPath: [any CodingKey]) throws -> T {
        guard let value = value as? T else {
            throw SchemaDerivationError(type: "\(T.self)", path: codingPath.map(\.stringValue).joined(separator: "."),
                                        reason: "its sample value is a \(Swift.type(of: value))")
        }
        return value
    }

    /// Types JSONDecoder reads as plain JSON values.
    static func primitive(_ type: Any.Type) -> (schema: JSONSchema, value: Any)? {
        switch type {
        case is String.Type: (.string, "")
        case is Bool.Type: (.boolean, false)
        case is Double.Type: (.number, 0.0)
        case is Float.Type: (.number, Float(0))
        case is Int.Type: (.integer, 0)
        case is Int64.Type: (.integer, Int64(0))
        case is Int32.Type: (bounded(Int64(Int32.min), Int64(Int32.max)), Int32(0))
        case is Int16.Type: (bounded(Int64(Int16.min), Int64(Int16.max)), Int16(0))
        case is Int8.Type: (bounded(Int64(Int8.min), Int64(Int8.max)), Int8(0))
        case is UInt.Type: (bounded(0, Int64.max), UInt(0))
        case is UInt64.Type: (bounded(0, Int64.max), UInt64(0))
        case is UInt32.Type: (bounded(0, Int64(UInt32.max)), UInt32(0))
        case is UInt16.Type: (bounded(0, Int64(UInt16.max)), UInt16(0))
        case is UInt8.Type: (bounded(0, Int64(UInt8.max)), UInt8(0))
        default: nil
        }
    }

    static func bounded(_ low: Int64, _ high: Int64) -> JSONSchema {
        var schema = JSONSchema.integer
        schema.minimum = low
        schema.maximum = high
        return schema
    }

    /// The raw values of an enum with string cases, and its first case.
    static func stringCases<E: CaseIterable>(_ type: E.Type) -> (names: [String], first: Any)? {
        let all = Array(type.allCases)
        let names = all.compactMap { ($0 as? any RawRepresentable)?.rawValue as? String }
        guard let first = all.first, names.count == all.count else { return nil }
        return (names, first)
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        node.isObject = true
        return KeyedDecodingContainer(KeyedSchemaContainer<Key>(node: node, codingPath: codingPath))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        UnkeyedSchemaContainer(node: node, codingPath: codingPath)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        SingleSchemaContainer(node: node, codingPath: codingPath)
    }
}

/// A type or value whose shape could not be derived; the message names the type and the path.
struct SchemaDerivationError: Error, CustomStringConvertible {
    var type: String
    var path: String
    var reason: String
    var description: String {
        "The schema of \(type) at '\(path)' could not be derived (\(reason)). Give the type a SchemaDescribed conformance."
    }
}

/// What one level of a type asked for while it was decoded. Nested containers are nodes of
/// their own, read after they are handed out, so their schemas are taken when asked for.
final class SchemaNode {
    enum Part {
        case schema(JSONSchema)
        case node(SchemaNode)

        var schema: JSONSchema {
            switch self {
            case .schema(let schema): schema
            case .node(let node): node.schema
            }
        }
    }

    var isObject = false
    var properties: [String: Part] = [:]
    var required: Set<String> = []
    var items: Part?
    var single: JSONSchema?

    var schema: JSONSchema {
        if let single { return single }
        if let items { return .array(items.schema) }
        if isObject { return .object(properties.mapValues(\.schema), required: Array(required)) }
        return .anything
    }
}

/// The keys of an object: each `decode` is a required property, each `decodeIfPresent` an optional one.
struct KeyedSchemaContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let node: SchemaNode
    var codingPath: [any CodingKey]
    var allKeys: [Key] { [] }

    func contains(_ key: Key) -> Bool { true }
    func decodeNil(forKey key: Key) throws -> Bool { false }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        let (schema, value) = try SchemaDecoder.describe(type, codingPath: codingPath + [key])
        node.properties[key.stringValue] = .schema(schema)
        node.required.insert(key.stringValue)
        return value
    }

    func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
        let (schema, _) = try SchemaDecoder.describe(type, codingPath: codingPath + [key])
        node.properties[key.stringValue] = .schema(schema.orNull)
        return nil
    }

    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try decode(Wrapped<Bool>.self, forKey: key).value }
    func decode(_ type: String.Type, forKey key: Key) throws -> String { try decode(Wrapped<String>.self, forKey: key).value }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try decode(Wrapped<Double>.self, forKey: key).value }
    func decode(_ type: Float.Type, forKey key: Key) throws -> Float { try decode(Wrapped<Float>.self, forKey: key).value }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try decode(Wrapped<Int>.self, forKey: key).value }
    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try decode(Wrapped<Int8>.self, forKey: key).value }
    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try decode(Wrapped<Int16>.self, forKey: key).value }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try decode(Wrapped<Int32>.self, forKey: key).value }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try decode(Wrapped<Int64>.self, forKey: key).value }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try decode(Wrapped<UInt>.self, forKey: key).value }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try decode(Wrapped<UInt8>.self, forKey: key).value }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try decode(Wrapped<UInt16>.self, forKey: key).value }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try decode(Wrapped<UInt32>.self, forKey: key).value }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try decode(Wrapped<UInt64>.self, forKey: key).value }

    func decodeIfPresent(_ type: Bool.Type, forKey key: Key) throws -> Bool? { try decodeIfPresent(Wrapped<Bool>.self, forKey: key)?.value }
    func decodeIfPresent(_ type: String.Type, forKey key: Key) throws -> String? { try decodeIfPresent(Wrapped<String>.self, forKey: key)?.value }
    func decodeIfPresent(_ type: Double.Type, forKey key: Key) throws -> Double? { try decodeIfPresent(Wrapped<Double>.self, forKey: key)?.value }
    func decodeIfPresent(_ type: Float.Type, forKey key: Key) throws -> Float? { try decodeIfPresent(Wrapped<Float>.self, forKey: key)?.value }
    func decodeIfPresent(_ type: Int.Type, forKey key: Key) throws -> Int? { try decodeIfPresent(Wrapped<Int>.self, forKey: key)?.value }
    func decodeIfPresent(_ type: Int8.Type, forKey key: Key) throws -> Int8? { try decodeIfPresent(Wrapped<Int8>.self, forKey: key)?.value }
    func decodeIfPresent(_ type: Int16.Type, forKey key: Key) throws -> Int16? { try decodeIfPresent(Wrapped<Int16>.self, forKey: key)?.value }
    func decodeIfPresent(_ type: Int32.Type, forKey key: Key) throws -> Int32? { try decodeIfPresent(Wrapped<Int32>.self, forKey: key)?.value }
    func decodeIfPresent(_ type: Int64.Type, forKey key: Key) throws -> Int64? { try decodeIfPresent(Wrapped<Int64>.self, forKey: key)?.value }
    func decodeIfPresent(_ type: UInt.Type, forKey key: Key) throws -> UInt? { try decodeIfPresent(Wrapped<UInt>.self, forKey: key)?.value }
    func decodeIfPresent(_ type: UInt8.Type, forKey key: Key) throws -> UInt8? { try decodeIfPresent(Wrapped<UInt8>.self, forKey: key)?.value }
    func decodeIfPresent(_ type: UInt16.Type, forKey key: Key) throws -> UInt16? { try decodeIfPresent(Wrapped<UInt16>.self, forKey: key)?.value }
    func decodeIfPresent(_ type: UInt32.Type, forKey key: Key) throws -> UInt32? { try decodeIfPresent(Wrapped<UInt32>.self, forKey: key)?.value }
    func decodeIfPresent(_ type: UInt64.Type, forKey key: Key) throws -> UInt64? { try decodeIfPresent(Wrapped<UInt64>.self, forKey: key)?.value }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
        let child = SchemaNode()
        child.isObject = true
        node.properties[key.stringValue] = .node(child)
        node.required.insert(key.stringValue)
        return KeyedDecodingContainer(KeyedSchemaContainer<NestedKey>(node: child, codingPath: codingPath + [key]))
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        let child = SchemaNode()
        node.properties[key.stringValue] = .node(child)
        node.required.insert(key.stringValue)
        return UnkeyedSchemaContainer(node: child, codingPath: codingPath + [key])
    }

    func superDecoder() throws -> any Decoder { SchemaDecoder(node: node, codingPath: codingPath) }

    func superDecoder(forKey key: Key) throws -> any Decoder {
        let child = SchemaNode()
        node.properties[key.stringValue] = .node(child)
        node.required.insert(key.stringValue)
        return SchemaDecoder(node: child, codingPath: codingPath + [key])
    }
}

/// A primitive read through the generic path, so that every key is recorded in one place.
private struct Wrapped<Value: Decodable>: Decodable {
    var value: Value
    init(from decoder: any Decoder) throws {
        value = try decoder.singleValueContainer().decode(Value.self)
    }
}

/// The items of an array: the first item read gives the schema of every item.
struct UnkeyedSchemaContainer: UnkeyedDecodingContainer {
    let node: SchemaNode
    var codingPath: [any CodingKey]
    var count: Int? { nil }
    var currentIndex = 0
    var isAtEnd: Bool { currentIndex > 0 }

    init(node: SchemaNode, codingPath: [any CodingKey]) {
        self.node = node
        self.codingPath = codingPath
        if node.items == nil { node.items = .schema(.anything) }
    }

    mutating func decodeNil() throws -> Bool { false }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
        let (schema, value) = try SchemaDecoder.describe(type, codingPath: codingPath)
        node.items = .schema(schema)
        currentIndex += 1
        return value
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
        let child = SchemaNode()
        child.isObject = true
        node.items = .node(child)
        currentIndex += 1
        return KeyedDecodingContainer(KeyedSchemaContainer<NestedKey>(node: child, codingPath: codingPath))
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        let child = SchemaNode()
        node.items = .node(child)
        currentIndex += 1
        return UnkeyedSchemaContainer(node: child, codingPath: codingPath)
    }

    mutating func superDecoder() throws -> any Decoder {
        let child = SchemaNode()
        node.items = .node(child)
        currentIndex += 1
        return SchemaDecoder(node: child, codingPath: codingPath)
    }
}

/// A single value: a primitive, or a type that reads itself from one value.
struct SingleSchemaContainer: SingleValueDecodingContainer {
    let node: SchemaNode
    var codingPath: [any CodingKey]

    func decodeNil() -> Bool { false }

    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        let (schema, value) = try SchemaDecoder.describe(type, codingPath: codingPath)
        node.single = schema
        return value
    }

    func decode(_ type: Bool.Type) throws -> Bool { try decodePrimitive(type) }
    func decode(_ type: String.Type) throws -> String { try decodePrimitive(type) }
    func decode(_ type: Double.Type) throws -> Double { try decodePrimitive(type) }
    func decode(_ type: Float.Type) throws -> Float { try decodePrimitive(type) }
    func decode(_ type: Int.Type) throws -> Int { try decodePrimitive(type) }
    func decode(_ type: Int8.Type) throws -> Int8 { try decodePrimitive(type) }
    func decode(_ type: Int16.Type) throws -> Int16 { try decodePrimitive(type) }
    func decode(_ type: Int32.Type) throws -> Int32 { try decodePrimitive(type) }
    func decode(_ type: Int64.Type) throws -> Int64 { try decodePrimitive(type) }
    func decode(_ type: UInt.Type) throws -> UInt { try decodePrimitive(type) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try decodePrimitive(type) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try decodePrimitive(type) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try decodePrimitive(type) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try decodePrimitive(type) }

    private func decodePrimitive<T>(_ type: T.Type) throws -> T {
        guard let primitive = SchemaDecoder.primitive(type) else {
            throw SchemaDerivationError(type: "\(T.self)", path: codingPath.map(\.stringValue).joined(separator: "."),
                                        reason: "it is not a plain JSON value")
        }
        node.single = primitive.schema
        return try SchemaDecoder.sample(primitive.value, as: type, codingPath: codingPath)
    }
}
