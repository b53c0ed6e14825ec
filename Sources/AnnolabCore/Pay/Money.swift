// An amount of euros in whole cents: read and written as "15.50", never through floating point.
import Foundation

/// An amount in whole euro cents.
///
/// ```swift
/// let rate = Money("15.5")!      // 1550 cents
/// rate.description               // "15.50"
/// Money("15,50")                 // nil: write euros and cents with a point
/// ```
///
/// Encoded as a JSON string (`"15.50"`), so no client ever turns a wage into a float.
public struct Money: Sendable, Hashable, Codable, Comparable, CustomStringConvertible {
    public var cents: Int

    public init(cents: Int) {
        self.cents = cents
    }

    public static let zero = Money(cents: 0)

    /// Reads `15`, `15.5` or `15.50`: digits, then at most two decimals after a point.
    /// No sign, no spaces, no thousands separators, no comma: anything else is nil.
    public init?(_ text: String) {
        let bytes = Array(text.utf8)
        let point = bytes.firstIndex(of: UInt8(ascii: "."))
        let whole = bytes[..<(point ?? bytes.endIndex)]
        let fraction = point.map { bytes[($0 + 1)...] } ?? []
        func isDigits(_ part: ArraySlice<UInt8>) -> Bool {
            part.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
        }
        // Fifteen digits of euros is far beyond any wage or invoice, and safe from overflow.
        guard !whole.isEmpty, whole.count <= 15, isDigits(whole), isDigits(fraction),
              point == nil || (1...2).contains(fraction.count) else { return nil }
        func value(_ part: ArraySlice<UInt8>) -> Int {
            part.reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) }
        }
        let centsPart = fraction.count == 1 ? value(fraction) * 10 : value(fraction)
        self.cents = value(whole) * 100 + centsPart
    }

    /// Like ``init(_:)``, but throws a plain `invalid_money` error for a person to read.
    public static func parse(_ text: String, field: String = "amount") throws -> Money {
        guard let money = Money(text) else {
            throw LabError(.badRequest, "invalid_money",
                           "The \(field) \"\(text)\" is not an amount in euros. Write it with a point and at most two decimals, for example 15.50.")
        }
        return money
    }

    /// Euros with a point and exactly two decimals: `"15.50"`, `"0.05"`, `"-3.20"`.
    public var description: String {
        let size = cents.magnitude
        let rest = size % 100
        return (cents < 0 ? "-" : "") + "\(size / 100)." + (rest < 10 ? "0" : "") + "\(rest)"
    }

    public static func < (a: Money, b: Money) -> Bool { a.cents < b.cents }
    public static func + (a: Money, b: Money) -> Money { Money(cents: a.cents + b.cents) }
    public static func - (a: Money, b: Money) -> Money { Money(cents: a.cents - b.cents) }
    public static func += (a: inout Money, b: Money) { a.cents += b.cents }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let money = Money(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                                                    debugDescription: "\"\(text)\" is not an amount like \"15.50\""))
        }
        self = money
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

extension Money {
    /// `cents × numerator / denominator`, rounded half up to the cent, in exact integer
    /// arithmetic (half away from zero for a negative result). Traps only when the result
    /// would not fit in an `Int` of cents.
    static func scaled(cents: Int, by numerator: Int, over denominator: Int) -> Money {
        precondition(denominator > 0, "Money is never divided by zero or less")
        // Work on magnitudes so that "half up" means the same on both sides of zero.
        let product = cents.magnitude.multipliedFullWidth(by: numerator.magnitude)
        let divisor = UInt(denominator)
        let (quotient, remainder) = divisor.dividingFullWidth(product)
        let rounded = Int(remainder >= divisor - remainder ? quotient + 1 : quotient)
        return Money(cents: (cents < 0) != (numerator < 0) ? -rounded : rounded)
    }
}
