// Types that check the value they read say their own schema: dates, times, money, decimals.
import AnnolabCore
import AnnolabStore
import Foundation

/// A type that describes its own JSON form, because its `init(from:)` refuses a made-up value
/// (a date must be a real date) or because JSONDecoder reads it in a special way (a `Date`).
///
/// ```swift
/// extension Money: SchemaDescribed {
///     static var jsonSchema: JSONSchema { .money }
///     static var schemaSample: Money { .zero }
/// }
/// ```
protocol SchemaDescribed {
    static var jsonSchema: JSONSchema { get }
    /// Any valid value, handed to the type being described in place of real data; a type that
    /// can only make one through a failable initialiser throws when it does not get one.
    static var schemaSample: Self { get throws }
}

extension JSONSchema {
    /// `YYYY-MM-DD`, a real date.
    static var calendarDate: JSONSchema {
        var schema = JSONSchema(types: ["string"], format: "date")
        schema.pattern = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
        return schema
    }

    /// Euros as text with a point and at most two decimals: `"15.50"`, never a float.
    static var money: JSONSchema {
        var schema = JSONSchema(types: ["string"], description: "Euros with a point and at most two decimals, e.g. 15.50.")
        schema.pattern = "^[0-9]{1,15}(\\.[0-9]{1,2})?$"
        return schema
    }
}

extension Date: SchemaDescribed {
    /// The lab's JSON coder writes and reads times as ISO 8601 in UTC.
    static var jsonSchema: JSONSchema { .dateTime }
    static var schemaSample: Date { Date(timeIntervalSince1970: 0) }
}

extension Decimal: SchemaDescribed {
    static var jsonSchema: JSONSchema { .number }
    static var schemaSample: Decimal { 0 }
}

extension CalendarDate: SchemaDescribed {
    static var jsonSchema: JSONSchema { .calendarDate }
    static var schemaSample: CalendarDate {
        get throws {
            guard let date = CalendarDate(year: 2026, month: 3, day: 1) else {
                throw SchemaDerivationError(type: "CalendarDate", path: "", reason: "2026-03-01 is not taken as a date")
            }
            return date
        }
    }
}

extension Money: SchemaDescribed {
    static var jsonSchema: JSONSchema { .money }
    static var schemaSample: Money { .zero }
}

/// `[String: V]`: JSONDecoder reads it as an object with any keys, so its values give the schema.
protocol SchemaDictionary {
    static func valueSchema(codingPath: [any CodingKey]) throws -> JSONSchema
    static var emptyDictionary: Self { get }
}

extension Dictionary: SchemaDictionary where Key == String, Value: Decodable {
    static func valueSchema(codingPath: [any CodingKey]) throws -> JSONSchema {
        try SchemaDecoder.describe(Value.self, codingPath: codingPath).schema
    }
    static var emptyDictionary: Self { [:] }
}

/// `T?` read with `decode` (not `decodeIfPresent`): the key must be there, its value may be `null`.
protocol SchemaOptional {
    static func wrappedSchema(codingPath: [any CodingKey]) throws -> JSONSchema
    static var nullValue: Self { get }
}

extension Optional: SchemaOptional where Wrapped: Decodable {
    static func wrappedSchema(codingPath: [any CodingKey]) throws -> JSONSchema {
        try SchemaDecoder.describe(Wrapped.self, codingPath: codingPath).schema
    }
    static var nullValue: Self { nil }
}
