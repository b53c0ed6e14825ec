// A tiny seeded random generator, the same on every machine: for sample media, benchmarks and tests.
import Foundation

/// SplitMix64 (Steele, Lea and Flood, "Fast Splittable Pseudorandom Number Generators",
/// OOPSLA 2014): fast, tiny, and it gives the same numbers on every platform, which the lab's
/// sample media and benchmarks need to be repeatable. Not for anything secret.
///
/// ```swift
/// var random = SplitMix64(seed: 42)
/// let noise = random.signedUnit()     // -1 ..< 1
/// ```
public struct SplitMix64: Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1) from the top 53 bits.
    public mutating func nextUnit() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    /// Uniform in [-1, 1).
    public mutating func signedUnit() -> Double { Double(next() >> 11) / Double(1 << 52) - 1 }

    /// Uniform in 0..<bound (the modulo bias is negligible for the small bounds used here).
    public mutating func next(below bound: Int) -> Int { Int(next() % UInt64(bound)) }

    /// A whole number in `range`.
    public mutating func int(_ range: ClosedRange<Int>) -> Int {
        range.lowerBound + Int(next() % UInt64(range.count))
    }
}
