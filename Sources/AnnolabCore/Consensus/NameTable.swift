// Task, worker and label names turned into dense integer codes straight from their bytes.

import Foundation

/// Interns names given as bytes: the first name seen gets code 0, the next new one code 1, and
/// so on. An open-addressing hash table over one contiguous block of name bytes, so that a
/// million lookups make no String and no allocation.
///
/// ```swift
/// var workers = NameTable()
/// let code = bytes.withUnsafeBytes { workers.intern($0) }
/// workers.name(Int(code))              // the name as text again
/// ```
///
/// Two names share a code exactly when Swift's `String` calls them equal, as the dictionaries
/// of `AnswerCodebook` do: ASCII names by their bytes, other text by canonical equivalence
/// (its NFC form is the key), invalid UTF-8 after the replacement `String(decoding:)` makes.
/// A name keeps the spelling it had when first seen.
public struct NameTable: Sendable {
    public private(set) var count = 0
    /// False once any name is not plain ASCII; sorting and quoting then go through `String`.
    public private(set) var isASCII = true
    /// The keys of all names back to back; name `c` is `keys[keyStarts[c] ..< keyStarts[c + 1]]`.
    private var keys: [UInt8] = []
    private var keyStarts: [Int] = [0]
    /// Per name, the top 32 bits of its hash and its first 8 bytes: most names are short, so
    /// most lookups decide on these two numbers without comparing bytes.
    private var hashes: [UInt32] = []
    private var heads: [UInt64] = []
    /// Code + 1 of the name in each slot; 0 is an empty slot.
    private var slots: [Int32]
    private var hashedCount = 0
    /// Code + 1 of the name that is the number `n` written plainly ("0", "7", "1234", below
    /// `numberedLimit`), or 0. Such names (task ids, mostly, in order) are kept here instead of
    /// in the hash table: a look-up is one array read, and names met in order are stored in order.
    private var numbered: [Int32] = []
    private static let numberedLimit = 1 << 20
    /// First spellings that differ from their key (text that is not NFC, invalid UTF-8).
    private var spellings: [Int32: String] = [:]

    public init(expectedCount: Int = 8) {
        var capacity = 16
        while capacity < expectedCount * 2 { capacity *= 2 }
        slots = [Int32](repeating: 0, count: capacity)
    }

    /// The code of a name, giving it the next code when it is new.
    public mutating func intern(_ bytes: UnsafeRawBufferPointer) -> Int32 {
        if let number = Self.plainNumber(bytes) {
            if number < numbered.count && numbered[number] != 0 { return numbered[number] - 1 }
            return insertNumbered(bytes, number)
        }
        let probe = Self.probe(bytes)
        guard probe.ascii else { return internText(bytes) }
        let slot = find(bytes, probe)
        let entry = slots[slot]
        if entry != 0 { return entry - 1 }
        return insert(bytes, probe, at: slot, spelling: nil)
    }

    /// The code of a name, or nil when the table does not hold it.
    public func code(of bytes: UnsafeRawBufferPointer) -> Int32? {
        if let number = Self.plainNumber(bytes) {
            return number < numbered.count && numbered[number] != 0 ? numbered[number] - 1 : nil
        }
        let probe = Self.probe(bytes)
        if probe.ascii {
            let entry = slots[find(bytes, probe)]
            return entry != 0 ? entry - 1 : nil
        }
        let (key, _) = Self.textKey(bytes)
        return key.withUnsafeBytes { key in
            let entry = slots[find(key, Self.probe(key))]
            return entry != 0 ? entry - 1 : nil
        }
    }

    /// The name of a code as text, spelled as it was first seen.
    public func name(_ code: Int) -> String {
        if !spellings.isEmpty, let spelling = spellings[Int32(code)] { return spelling }
        return keys.withUnsafeBytes { String(decoding: $0[keyStarts[code]..<keyStarts[code + 1]], as: UTF8.self) }
    }

    /// All names in code order.
    public var names: [String] { (0..<count).map(name) }

    /// Lends the UTF-8 bytes of a name's first spelling.
    func withSpelling<Result>(_ code: Int, _ body: (UnsafeRawBufferPointer) -> Result) -> Result {
        if !spellings.isEmpty, var spelling = spellings[Int32(code)] {
            return spelling.withUTF8 { body(UnsafeRawBufferPointer($0)) }
        }
        return keys.withUnsafeBytes { body(UnsafeRawBufferPointer(rebasing: $0[keyStarts[code]..<keyStarts[code + 1]])) }
    }

    /// The name as a whole number, read the way `Int(String)` reads it (an optional sign, then
    /// ASCII digits, within Int's range), or nil.
    func integer(_ code: Int) -> Int? {
        guard spellings.isEmpty || spellings[Int32(code)] == nil else { return nil }
        return keys.withUnsafeBufferPointer { keys in
            Self.integer(UnsafeBufferPointer(rebasing: keys[keyStarts[code]..<keyStarts[code + 1]]))
        }
    }

    /// Whether the name of code `a` sorts before that of `b` as bytes (for ASCII names the
    /// same order as `String`'s `<`).
    func bytesPrecede(_ a: Int, _ b: Int) -> Bool {
        keys.withUnsafeBytes { keys in
            let left = UnsafeRawBufferPointer(rebasing: keys[keyStarts[a]..<keyStarts[a + 1]])
            let right = UnsafeRawBufferPointer(rebasing: keys[keyStarts[b]..<keyStarts[b + 1]])
            let shared = Swift.min(left.count, right.count)
            if shared > 0, let l = left.baseAddress, let r = right.baseAddress {
                let order = memcmp(l, r, shared)
                if order != 0 { return order < 0 }
            }
            return left.count < right.count
        }
    }

    /// A table of the same names, coded in the given order of old codes.
    func reordered(_ order: [Int]) -> NameTable {
        var table = NameTable(expectedCount: count)
        for old in order {
            keys.withUnsafeBytes { keys in
                let key = UnsafeRawBufferPointer(rebasing: keys[keyStarts[old]..<keyStarts[old + 1]])
                if let number = Self.plainNumber(key) {
                    _ = table.insertNumbered(key, number)
                } else {
                    let probe = Self.probe(key)
                    _ = table.insert(key, probe, at: table.find(key, probe), spelling: spellings[Int32(old)])
                }
            }
        }
        table.isASCII = isASCII
        return table
    }

    // MARK: - The hash table

    /// What a lookup needs to know of a key, found in one pass over its bytes.
    private struct Probe {
        var hash: UInt64
        /// The first 8 bytes, little-endian, zero beyond the end.
        var head: UInt64
        var ascii: Bool
    }

    private mutating func internText(_ bytes: UnsafeRawBufferPointer) -> Int32 {
        isASCII = false
        let (key, text) = Self.textKey(bytes)
        return key.withUnsafeBytes { key in
            let probe = Self.probe(key)
            let slot = find(key, probe)
            if slots[slot] != 0 { return slots[slot] - 1 }
            return insert(key, probe, at: slot, spelling: key.elementsEqual(text.utf8) ? nil : text)
        }
    }

    /// The slot holding the key, or the empty slot where it would go. The top 32 bits of the
    /// hash pick the first slot to look at.
    @inline(__always)
    private func find(_ key: UnsafeRawBufferPointer, _ probe: Probe) -> Int {
        let mask = slots.count - 1
        let check = UInt32(truncatingIfNeeded: probe.hash >> 32)
        var slot = Int(check) & mask
        while true {
            let entry = slots[slot]
            if entry == 0 { return slot }
            let code = Int(entry - 1)
            if hashes[code] == check && heads[code] == probe.head {
                let start = keyStarts[code], length = keyStarts[code + 1] - start
                if length == key.count && (length <= 8 || sameTail(start, key)) { return slot }
            }
            slot = (slot + 1) & mask
        }
    }

    /// Whether the stored key at `start` and `key` agree after their first 8 bytes.
    private func sameTail(_ start: Int, _ key: UnsafeRawBufferPointer) -> Bool {
        keys.withUnsafeBytes { keys in
            Self.equal(UnsafeRawBufferPointer(rebasing: keys[(start + 8)..<(start + key.count)]),
                       UnsafeRawBufferPointer(rebasing: key[8...]))
        }
    }

    private mutating func insert(_ key: UnsafeRawBufferPointer, _ probe: Probe, at slot: Int, spelling: String?) -> Int32 {
        let code = append(key, hash: UInt32(truncatingIfNeeded: probe.hash >> 32), head: probe.head)
        if let spelling { spellings[code] = spelling }
        slots[slot] = code + 1
        hashedCount += 1
        if hashedCount * 2 > slots.count { grow() }
        return code
    }

    private mutating func insertNumbered(_ key: UnsafeRawBufferPointer, _ number: Int) -> Int32 {
        if number >= numbered.count {
            let size = Swift.min(Self.numberedLimit, Swift.max(number + 1, numbered.count * 2, 1024))
            numbered += repeatElement(0, count: size - numbered.count)
        }
        let code = append(key, hash: 0, head: 0)
        numbered[number] = code + 1
        return code
    }

    /// Gives the key the next code (the hash and head matter only for hashed names).
    private mutating func append(_ key: UnsafeRawBufferPointer, hash: UInt32, head: UInt64) -> Int32 {
        let code = Int32(count)
        keys.append(contentsOf: key)
        keyStarts.append(keys.count)
        hashes.append(hash)
        heads.append(head)
        count += 1
        return code
    }

    private mutating func grow() {
        let capacity = slots.count * 2
        let mask = capacity - 1
        var larger = [Int32](repeating: 0, count: capacity)
        for entry in slots where entry != 0 {
            var slot = Int(hashes[Int(entry - 1)]) & mask
            while larger[slot] != 0 { slot = (slot + 1) & mask }
            larger[slot] = entry
        }
        slots = larger
    }

    /// The number a name writes plainly: ASCII digits without a sign or a leading zero (or
    /// just "0"), below `numberedLimit`; nil for every other name.
    @inline(__always)
    private static func plainNumber(_ bytes: UnsafeRawBufferPointer) -> Int? {
        let n = bytes.count
        guard n >= 1 && n <= 7 else { return nil }
        let first = bytes[0]
        guard first >= UInt8(ascii: "0") && first <= UInt8(ascii: "9"), first != UInt8(ascii: "0") || n == 1 else { return nil }
        var value = 0
        for byte in bytes {
            let digit = Int(byte) &- Int(UInt8(ascii: "0"))
            guard digit >= 0 && digit <= 9 else { return nil }
            value = value &* 10 &+ digit
        }
        return value < numberedLimit ? value : nil
    }

    // MARK: - Bytes

    /// Hashes a key 8 bytes at a time, and notes its first 8 bytes and whether it is ASCII.
    @inline(__always)
    private static func probe(_ bytes: UnsafeRawBufferPointer) -> Probe {
        let n = bytes.count
        var h: UInt64 = 0x243F_6A88_85A3_08D3 &+ UInt64(n)
        var seen: UInt64 = 0, head: UInt64 = 0
        var i = 0
        while i + 8 <= n {
            let word = bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            if i == 0 { head = word }
            seen |= word
            h = (h ^ word) &* 0x9E37_79B9_7F4A_7C15
            h ^= h >> 29
            i += 8
        }
        var tail: UInt64 = 0, shift: UInt64 = 0
        while i < n {
            tail |= UInt64(bytes[i]) << shift
            shift += 8
            i += 1
        }
        if n < 8 { head = tail }
        seen |= tail
        h = (h ^ tail) &* 0xBF58_476D_1CE4_E5B9
        h ^= h >> 31
        h = h &* 0x94D0_49BB_1331_11EB
        return Probe(hash: h ^ (h >> 29), head: head, ascii: seen & 0x8080_8080_8080_8080 == 0)
    }

    /// Text that is not ASCII: its key is its NFC form, as `String` compares it.
    private static func textKey(_ bytes: UnsafeRawBufferPointer) -> (key: [UInt8], text: String) {
        let text = String(decoding: bytes, as: UTF8.self)
        return (Array(text.precomposedStringWithCanonicalMapping.utf8), text)
    }

    private static func equal(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Bool {
        guard a.count == b.count else { return false }
        guard let left = a.baseAddress, let right = b.baseAddress, a.count > 0 else { return true }
        return memcmp(left, right, a.count) == 0
    }

    /// `Int(String)`'s reading of ASCII bytes.
    static func integer(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        var i = 0
        var negative = false
        if let first = bytes.first, first == UInt8(ascii: "+") || first == UInt8(ascii: "-") {
            negative = first == UInt8(ascii: "-")
            i = 1
        }
        guard i < bytes.count else { return nil }
        // Accumulated as a negative number, so that Int.min fits.
        var value = 0
        while i < bytes.count {
            let digit = Int(bytes[i]) - Int(UInt8(ascii: "0"))
            guard (0...9).contains(digit) else { return nil }
            let (times, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (next, overflow2) = times.subtractingReportingOverflow(digit)
            guard !overflow1, !overflow2 else { return nil }
            value = next
            i += 1
        }
        if negative { return value }
        return value == Int.min ? nil : -value
    }
}
