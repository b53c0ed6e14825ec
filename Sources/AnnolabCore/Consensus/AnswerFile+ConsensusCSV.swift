// Consensus labels written as CSV bytes straight from the codes: the output side of the fast
// path of `annolab aggregate`, byte for byte what `ConsensusTable.csv` writes.

import Foundation

extension AnswerFile {
    /// `task,label,confidence` with a header line, sorted by task (as numbers when every task id
    /// is one, else as text), confidence with 4 decimals: the bytes `ConsensusTable.csv` gives
    /// for the same rows, built in one buffer for one write.
    ///
    /// ```swift
    /// try FileHandle.standardOutput.write(contentsOf: file.consensusCSV(consensus))
    /// ```
    public func consensusCSV(_ consensus: CategoricalConsensus) -> [UInt8] {
        let K = consensus.labelCount
        let labelFields = (0..<labels.count).map { Self.csvField(labels, $0) }
        var out: [UInt8] = []
        // A row is about 20 bytes; one estimate saves most of the regrowing.
        out.reserveCapacity(24 + tasks.count * 24)
        out.append(contentsOf: "task,label,confidence\n".utf8)
        consensus.labels.withUnsafeBufferPointer { chosen in
            consensus.probabilities.withUnsafeBufferPointer { probabilities in
                for t in taskOrder() {
                    let task = Int(t)
                    appendField(tasks, task, to: &out)
                    out.append(UInt8(ascii: ","))
                    let label = Int(chosen[task])
                    var confidence = 0.0
                    if label >= 0 {
                        out.append(contentsOf: labelFields[label])
                        confidence = probabilities[task * K + label]
                    }
                    out.append(UInt8(ascii: ","))
                    FourDecimals.append(confidence, to: &out)
                    out.append(UInt8(ascii: "\n"))
                }
            }
        }
        return out
    }

    /// Task codes in the order of `ConsensusTable.sortedByTask`.
    func taskOrder() -> [Int32] {
        let count = tasks.count
        var values: [Int] = []
        values.reserveCapacity(count)
        for t in 0..<count {
            guard let value = tasks.integer(t) else { break }
            values.append(value)
        }
        let codes = (0..<Int32(count))
        if values.count == count {
            // Most files list tasks in order already: then there is nothing to sort.
            if zip(values, values.dropFirst()).allSatisfy({ $0 < $1 }) { return Array(codes) }
            return codes.sorted { a, b in
                let (x, y) = (values[Int(a)], values[Int(b)])
                return x != y ? x < y : tasks.bytesPrecede(Int(a), Int(b))
            }
        }
        if tasks.isASCII { return codes.sorted { tasks.bytesPrecede(Int($0), Int($1)) } }
        let names = tasks.names
        return codes.sorted { names[Int($0)] < names[Int($1)] }
    }

    /// A name as a CSV field, quoted the way `CrowdCSV.escape` quotes it.
    static func csvField(_ names: NameTable, _ code: Int) -> [UInt8] {
        var out: [UInt8] = []
        appendField(names, code, to: &out)
        return out
    }

    private static func appendField(_ names: NameTable, _ code: Int, to out: inout [UInt8]) {
        names.withSpelling(code) { bytes in
            var plain = true, ascii = true
            for byte in bytes {
                if byte == UInt8(ascii: ",") || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") {
                    plain = false
                }
                if byte >= 0x80 { ascii = false }
            }
            if plain {
                out.append(contentsOf: bytes)
            } else if ascii {
                out.append(UInt8(ascii: "\""))
                for byte in bytes {
                    if byte == UInt8(ascii: "\"") { out.append(byte) }
                    out.append(byte)
                }
                out.append(UInt8(ascii: "\""))
            } else {
                // Text with a quote and combining marks is quoted by Characters; leave it to CrowdCSV.
                out.append(contentsOf: CrowdCSV.escape(String(decoding: bytes, as: UTF8.self)).utf8)
            }
        }
    }

    private func appendField(_ names: NameTable, _ code: Int, to out: inout [UInt8]) {
        Self.appendField(names, code, to: &out)
    }
}

/// Writes a number with exactly four decimals, as `String(format: "%.4f", x)` writes it, without
/// going through Foundation's formatter (about a microsecond a number).
enum FourDecimals {
    /// Probabilities (0 through 1) are written here; anything else goes to `String(format:)`.
    static func append(_ x: Double, to out: inout [UInt8]) {
        guard x.sign == .plus, x <= 1 else {   // NaN and negative numbers, -0 included
            out.append(contentsOf: String(format: "%.4f", x).utf8)
            return
        }
        let scaled = roundedTenThousandths(x)
        out.append(UInt8(ascii: "0") + UInt8(scaled / 10_000))
        out.append(UInt8(ascii: "."))
        let fraction = scaled % 10_000
        out.append(UInt8(ascii: "0") + UInt8(fraction / 1000))
        out.append(UInt8(ascii: "0") + UInt8(fraction / 100 % 10))
        out.append(UInt8(ascii: "0") + UInt8(fraction / 10 % 10))
        out.append(UInt8(ascii: "0") + UInt8(fraction % 10))
    }

    /// x times 10,000 rounded to a whole number from x's exact binary value, halves to even, as
    /// glibc's printf rounds. x = m / 2^s exactly, so x * 10^4 = m * 625 / 2^(s - 4), and
    /// m * 625 < 2^63 fits a UInt64.
    static func roundedTenThousandths(_ x: Double) -> UInt64 {
        guard x > 0 else { return 0 }
        let m: UInt64, s: Int
        if x.exponentBitPattern == 0 {
            m = x.significandBitPattern
            s = 1074
        } else {
            m = x.significandBitPattern | (1 << 52)
            s = 1075 - Int(x.exponentBitPattern)
        }
        let n = m * 625
        let shift = s - 4   // at least 48 for x <= 1
        if shift > 64 { return 0 }   // x * 10^4 is below one half
        if shift == 64 { return n > 1 << 63 ? 1 : 0 }
        let whole = n >> UInt64(shift)
        let rest = n & ((1 << UInt64(shift)) - 1)
        let half: UInt64 = 1 << UInt64(shift - 1)
        return rest > half || (rest == half && whole & 1 == 1) ? whole + 1 : whole
    }
}
