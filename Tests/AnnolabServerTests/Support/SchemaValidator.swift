// A small JSON Schema (2020-12) validator for the keywords the lab's committed schemas use, and a JSON value to check.
import Foundation

/// Any JSON value, read with JSONDecoder so that true is never a number and 1 never true.
enum JSONValue: Codable, Equatable, Sendable {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int.self) {
            self = .int(value)
        } else if let value = try? container.decode(Double.self) {
            self = .double(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .int(let value): try container.encode(value)
        case .double(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }

    static func decode(_ data: Data) throws -> JSONValue { try JSONDecoder().decode(JSONValue.self, from: data) }
    func data() throws -> Data { try JSONEncoder().encode(self) }

    subscript(key: String) -> JSONValue? {
        get { if case .object(let object) = self { object[key] } else { nil } }
        set {
            guard case .object(var object) = self else { return }
            object[key] = newValue
            self = .object(object)
        }
    }

    var number: Double? {
        switch self {
        case .int(let value): Double(value)
        case .double(let value): value
        default: nil
        }
    }

    /// The paths (keys and array indices) of every object inside, this one included.
    func objectPaths(_ here: [String] = []) -> [[String]] {
        switch self {
        case .object(let object):
            return [here] + object.keys.sorted().flatMap { object[$0]?.objectPaths(here + [$0]) ?? [] }
        case .array(let array):
            return array.indices.flatMap { array[$0].objectPaths(here + [String($0)]) }
        default:
            return []
        }
    }

    /// The path of every key of every object inside.
    func keyPaths() -> [[String]] {
        objectPaths().flatMap { path -> [[String]] in
            guard case .object(let object)? = value(at: path) else { return [] }
            return object.keys.sorted().map { path + [$0] }
        }
    }

    func value(at path: [String]) -> JSONValue? {
        guard let first = path.first else { return self }
        switch self {
        case .object(let object): return object[first]?.value(at: Array(path.dropFirst()))
        case .array(let array):
            guard let index = Int(first), array.indices.contains(index) else { return nil }
            return array[index].value(at: Array(path.dropFirst()))
        default: return nil
        }
    }

    /// A copy with the object at `path` changed.
    func updating(_ path: [String], _ change: (inout JSONValue) -> Void) -> JSONValue {
        guard let first = path.first else {
            var copy = self
            change(&copy)
            return copy
        }
        switch self {
        case .object(var object):
            object[first] = object[first]?.updating(Array(path.dropFirst()), change)
            return .object(object)
        case .array(var array):
            if let index = Int(first), array.indices.contains(index) {
                array[index] = array[index].updating(Array(path.dropFirst()), change)
            }
            return .array(array)
        default:
            return self
        }
    }

    /// A copy without the key at the end of `path`.
    func removing(_ path: [String]) -> JSONValue {
        guard let key = path.last else { return self }
        return updating(Array(path.dropLast())) { $0[key] = nil }
    }
}

/// Checks a JSON value against a schema, with the keywords in ``keywords`` only. A schema that
/// uses another keyword is reported by ``unknownKeywords(_:)`` rather than silently passed.
struct SchemaValidator {
    static let keywords: Set<String> = [
        "$schema", "$id", "$defs", "$ref", "title", "description", "type", "properties", "required",
        "additionalProperties", "items", "const", "enum", "minimum", "maximum", "minLength", "pattern",
    ]
    let root: JSONValue

    init(_ data: Data) throws {
        root = try JSONValue.decode(data)
    }

    /// Every way `value` breaks the schema, each with the path where; empty when it meets it.
    func errors(_ value: JSONValue) -> [String] {
        var found: [String] = []
        check(value, against: root, at: "$", into: &found)
        return found
    }

    private func check(_ value: JSONValue, against schema: JSONValue, at path: String, into found: inout [String]) {
        guard case .object(let rules) = schema else { return }
        if case .string(let reference)? = rules["$ref"] {
            let name = reference.replacingOccurrences(of: "#/$defs/", with: "")
            guard let target = root["$defs"]?[name] else {
                found.append("\(path): no definition \(reference)")
                return
            }
            check(value, against: target, at: path, into: &found)
        }
        if let type = rules["type"] {
            let allowed: [String] = switch type {
            case .string(let one): [one]
            case .array(let many): many.compactMap { if case .string(let name) = $0 { name } else { nil } }
            default: []
            }
            if !allowed.contains(where: { Self.isOfType(value, $0) }) {
                found.append("\(path): \(value) is not \(allowed.joined(separator: " or "))")
                return
            }
        }
        if let constant = rules["const"], constant != value {
            found.append("\(path): \(value) is not \(constant)")
        }
        if case .array(let options)? = rules["enum"], !options.contains(value) {
            found.append("\(path): \(value) is not one of \(options)")
        }
        if let minimum = rules["minimum"]?.number, let number = value.number, number < minimum {
            found.append("\(path): \(number) is below \(minimum)")
        }
        if let maximum = rules["maximum"]?.number, let number = value.number, number > maximum {
            found.append("\(path): \(number) is above \(maximum)")
        }
        if case .string(let text) = value {
            if let least = rules["minLength"]?.number, Double(text.count) < least {
                found.append("\(path): '\(text)' is shorter than \(least)")
            }
            if case .string(let pattern)? = rules["pattern"] {
                let matches = (try? Regex(pattern)).map { text.firstMatch(of: $0) != nil } ?? false
                if !matches { found.append("\(path): '\(text)' does not match \(pattern)") }
            }
        }
        if case .object(let object) = value {
            let properties: [String: JSONValue] = if case .object(let listed)? = rules["properties"] { listed } else { [:] }
            if case .array(let required)? = rules["required"] {
                for case .string(let key) in required where object[key] == nil {
                    found.append("\(path): '\(key)' is missing")
                }
            }
            for (key, member) in object {
                if let property = properties[key] {
                    check(member, against: property, at: "\(path).\(key)", into: &found)
                } else if rules["additionalProperties"] == .bool(false) {
                    found.append("\(path): '\(key)' is not allowed")
                }
            }
        }
        if case .array(let elements) = value, let items = rules["items"] {
            for (index, element) in elements.enumerated() {
                check(element, against: items, at: "\(path)[\(index)]", into: &found)
            }
        }
    }

    private static func isOfType(_ value: JSONValue, _ type: String) -> Bool {
        switch (type, value) {
        case ("null", .null), ("boolean", .bool), ("integer", .int), ("number", .int), ("number", .double),
             ("string", .string), ("array", .array), ("object", .object): true
        default: false
        }
    }

    /// The subschemas of `schema`: its properties, items and definitions.
    private static func subschemas(_ schema: JSONValue) -> [(String, JSONValue)] {
        var found: [(String, JSONValue)] = []
        for group in ["properties", "$defs"] {
            if case .object(let members)? = schema[group] {
                found += members.sorted { $0.key < $1.key }.map { ("\(group).\($0.key)", $0.value) }
            }
        }
        if let items = schema["items"] { found.append(("items", items)) }
        return found
    }

    /// Keywords the validator does not check, and object schemas that let a stray field through.
    static func unknownKeywords(_ schema: JSONValue, at path: String = "$") -> [String] {
        guard case .object(let rules) = schema else { return ["\(path) is not a schema"] }
        var found = rules.keys.filter { !keywords.contains($0) }.map { "\(path).\($0)" }
        if rules["properties"] != nil, rules["additionalProperties"] != .bool(false) {
            found.append("\(path) lets stray fields through")
        }
        for (name, sub) in subschemas(schema) {
            found += unknownKeywords(sub, at: "\(path).\(name)")
        }
        return found
    }

    /// Properties (at any depth) with no `description` in words.
    static func propertiesWithoutDescription(_ schema: JSONValue, at path: String = "$") -> [String] {
        var found: [String] = []
        if case .object(let properties)? = schema["properties"] {
            for (key, property) in properties.sorted(by: { $0.key < $1.key }) {
                if case .string(let words)? = property["description"], !words.isEmpty { continue }
                found.append("\(path).\(key)")
            }
        }
        for (name, sub) in subschemas(schema) {
            found += propertiesWithoutDescription(sub, at: "\(path).\(name)")
        }
        return found
    }
}
