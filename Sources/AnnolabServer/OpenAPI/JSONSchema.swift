// A JSON Schema (the 2020-12 dialect of OpenAPI 3.1), as far as the lab's API document needs one.
import Foundation

/// One JSON Schema: a value's type, an object's properties, an array's items, an enum's cases.
///
/// ```swift
/// var schema = JSONSchema.object(["name": .string], required: ["name"])
/// schema.description = "A person in the lab."
/// ```
///
/// Most schemas in the document are derived from the Swift types the routes decode
/// (``SchemaDecoder``); the rest are written with these same values, never as `[String: Any]`.
struct JSONSchema: Encodable, Equatable, Sendable {
    /// The JSON types a value may have; more than one when it may also be `null`.
    var types: [String]?
    var ref: String?
    var format: String?
    var description: String?
    var properties: [String: JSONSchema]?
    var required: [String]?
    /// False: no other keys. A schema: what the values of any other key look like (a dictionary).
    var additionalProperties: Additional?
    var items: Box?
    var enumValues: [String]?
    var constValue: Bool?
    var anyOf: [JSONSchema]?
    var minimum: Int64?
    var maximum: Int64?
    var exclusiveMinimum: Int64?
    var minLength: Int?
    var maxLength: Int?
    var minItems: Int?
    var maxItems: Int?
    var pattern: String?
    var contentMediaType: String?

    /// An array's item schema, boxed because a value type cannot hold itself.
    struct Box: Encodable, Equatable, Sendable {
        var schema: [JSONSchema]
        init(_ schema: JSONSchema) { self.schema = [schema] }
        var value: JSONSchema { schema[0] }
        func encode(to encoder: any Encoder) throws { try schema[0].encode(to: encoder) }
    }

    /// `additionalProperties`: either `false` or the schema of the other keys' values.
    enum Additional: Encodable, Equatable, Sendable {
        case forbidden
        case values(Box)
        func encode(to encoder: any Encoder) throws {
            switch self {
            case .forbidden:
                var container = encoder.singleValueContainer()
                try container.encode(false)
            case .values(let box): try box.encode(to: encoder)
            }
        }
    }

    init(types: [String]? = nil, format: String? = nil, description: String? = nil) {
        self.types = types
        self.format = format
        self.description = description
    }

    static let string = JSONSchema(types: ["string"])
    static let boolean = JSONSchema(types: ["boolean"])
    static let number = JSONSchema(types: ["number"])
    /// Swift's `Int` and `Int64`: whole numbers that fit in 64 bits (a larger one is refused).
    static var integer: JSONSchema {
        var schema = JSONSchema(types: ["integer"], format: "int64")
        schema.minimum = Int64.min
        schema.maximum = Int64.max
        return schema
    }
    /// An id of something stored: a positive whole number.
    static var id: JSONSchema {
        var schema = JSONSchema(types: ["integer"], format: "int64")
        schema.minimum = 1
        schema.maximum = Int64.max
        return schema
    }
    /// A time as the lab writes it: ISO 8601 in UTC.
    static let dateTime = JSONSchema(types: ["string"], format: "date-time")
    /// Any JSON value at all.
    static let anything = JSONSchema()

    static func reference(_ name: String) -> JSONSchema {
        var schema = JSONSchema()
        schema.ref = "#/components/schemas/\(name)"
        return schema
    }

    static func array(_ items: JSONSchema) -> JSONSchema {
        var schema = JSONSchema(types: ["array"])
        schema.items = Box(items)
        return schema
    }

    static func cases(_ values: [String]) -> JSONSchema {
        var schema = JSONSchema(types: ["string"])
        schema.enumValues = values
        return schema
    }

    /// An object with these properties; those in `required` are always there.
    static func object(_ properties: [String: JSONSchema], required: [String] = []) -> JSONSchema {
        var schema = JSONSchema(types: ["object"])
        schema.properties = properties
        schema.required = required.isEmpty ? nil : required.sorted()
        return schema
    }

    /// An object whose keys are free and whose values all look like `values`.
    static func dictionary(_ values: JSONSchema) -> JSONSchema {
        var schema = JSONSchema(types: ["object"])
        schema.additionalProperties = .values(Box(values))
        return schema
    }

    /// The same schema, also allowing `null`.
    var orNull: JSONSchema {
        if let types, enumValues == nil {
            var copy = self
            if !types.contains("null") { copy.types = types + ["null"] }
            return copy
        }
        if anyOf?.contains(.null) == true { return self }
        // An enum lists its values, so null is another option beside it.
        return JSONSchema.either([self, .null])
    }

    static let null = JSONSchema(types: ["null"])

    static func either(_ options: [JSONSchema]) -> JSONSchema {
        var schema = JSONSchema()
        schema.anyOf = options
        return schema
    }

    /// The same schema with a description.
    func described(_ text: String) -> JSONSchema {
        var copy = self
        copy.description = text
        return copy
    }

    /// An object that has exactly the properties listed: a response the server writes says
    /// everything it sends, so that a key added without being described is found.
    var closed: JSONSchema {
        var copy = self
        if let properties {
            copy.properties = properties.mapValues(\.closed)
            if copy.additionalProperties == nil { copy.additionalProperties = .forbidden }
        }
        if case .values(let box)? = additionalProperties { copy.additionalProperties = .values(Box(box.value.closed)) }
        if let items { copy.items = Box(items.value.closed) }
        copy.anyOf = anyOf?.map(\.closed)
        return copy
    }

    /// As Swift's synthesized encoders write it: an optional property that is nil is left out,
    /// never written as `null`.
    var leftOutWhenNil: JSONSchema {
        var copy = self
        if let types, types.count > 1 { copy.types = types.filter { $0 != "null" } }
        if let options = anyOf, options.contains(.null) {
            let rest = options.filter { $0 != .null }
            copy = rest.count == 1 ? rest[0] : JSONSchema.either(rest)
            copy.description = description ?? copy.description
        }
        copy.properties = copy.properties?.mapValues(\.leftOutWhenNil)
        if case .values(let box)? = copy.additionalProperties {
            copy.additionalProperties = .values(Box(box.value.leftOutWhenNil))
        }
        if let items = copy.items { copy.items = Box(items.value.leftOutWhenNil) }
        return copy
    }

    enum CodingKeys: String, CodingKey {
        case types = "type", ref = "$ref", format, description, properties, required, additionalProperties, items
        case enumValues = "enum", constValue = "const", anyOf, minimum, maximum, exclusiveMinimum
        case minLength, maxLength, minItems, maxItems, pattern, contentMediaType
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        if let types {
            if types.count == 1 { try c.encode(types[0], forKey: .types) } else { try c.encode(types, forKey: .types) }
        }
        try c.encodeIfPresent(ref, forKey: .ref)
        try c.encodeIfPresent(format, forKey: .format)
        try c.encodeIfPresent(description, forKey: .description)
        try c.encodeIfPresent(properties, forKey: .properties)
        try c.encodeIfPresent(required, forKey: .required)
        try c.encodeIfPresent(additionalProperties, forKey: .additionalProperties)
        try c.encodeIfPresent(items, forKey: .items)
        try c.encodeIfPresent(enumValues, forKey: .enumValues)
        try c.encodeIfPresent(constValue, forKey: .constValue)
        try c.encodeIfPresent(anyOf, forKey: .anyOf)
        try c.encodeIfPresent(minimum, forKey: .minimum)
        try c.encodeIfPresent(maximum, forKey: .maximum)
        try c.encodeIfPresent(exclusiveMinimum, forKey: .exclusiveMinimum)
        try c.encodeIfPresent(minLength, forKey: .minLength)
        try c.encodeIfPresent(maxLength, forKey: .maxLength)
        try c.encodeIfPresent(minItems, forKey: .minItems)
        try c.encodeIfPresent(maxItems, forKey: .maxItems)
        try c.encodeIfPresent(pattern, forKey: .pattern)
        try c.encodeIfPresent(contentMediaType, forKey: .contentMediaType)
    }
}
