// CSV records read straight from bytes, with no String or array per field: the fast side of
// `CrowdCSV`, for answer files of a million rows.
//
// It reads exactly what `CrowdCSV.parse` reads (RFC 4180 read leniently: CRLF or LF line ends,
// a UTF-8 byte order mark, quoted fields with commas, doubled quotes and line breaks inside,
// blank lines skipped), with the same line numbers and the same error for a quote that is
// never closed. The tests hold the two readers against each other.

/// Walks CSV bytes one record at a time; the fields of the current record are spans of the
/// input, so that reading a field costs nothing until somebody looks at its bytes.
///
/// ```swift
/// let scanner = CrowdCSVScanner(bytes)
/// while try scanner.next() {
///     let first = scanner.field(0)          // an UnsafeRawBufferPointer into `bytes`
///     print(scanner.recordLine, scanner.fieldCount, String(decoding: first, as: UTF8.self))
/// }
/// ```
///
/// The bytes must stay valid while the scanner is used, and a field's bytes only until the
/// next call to `next()`.
final class CrowdCSVScanner {
    /// Where a field's bytes are: the input, or the scratch space when it had to be unescaped
    /// (a doubled quote inside, or text after the closing quote).
    private struct Span {
        var start: Int
        var count: Int
        var inScratch: Bool
    }

    private let base: UnsafePointer<UInt8>
    private let end: Int
    private var position: Int
    /// The line of the next byte: 1-based, counting record ends and line breaks inside quotes.
    private var line = 1
    /// The line the current record starts on (the header is line 1).
    private(set) var recordLine = 1
    private(set) var fieldCount = 0
    private var spans: UnsafeMutablePointer<Span>
    private var spanCapacity = 16
    private var scratch: UnsafeMutablePointer<UInt8>
    private var scratchCount = 0
    private var scratchCapacity = 256
    /// An empty input still needs an address to point at.
    nonisolated(unsafe) private static let nothing: UnsafeMutablePointer<UInt8> = .allocate(capacity: 1)

    init(_ bytes: UnsafeRawBufferPointer) {
        if let address = bytes.baseAddress, bytes.count > 0 {
            base = UnsafePointer(address.assumingMemoryBound(to: UInt8.self))
            end = bytes.count
        } else {
            base = UnsafePointer(Self.nothing)
            end = 0
        }
        position = end >= 3 && base[0] == 0xEF && base[1] == 0xBB && base[2] == 0xBF ? 3 : 0
        spans = .allocate(capacity: spanCapacity)
        scratch = .allocate(capacity: scratchCapacity)
    }

    deinit {
        spans.deallocate()
        scratch.deallocate()
    }

    /// The bytes of field `index` of the current record (0 ..< fieldCount).
    func field(_ index: Int) -> UnsafeRawBufferPointer {
        let span = spans[index]
        let start = span.inScratch ? UnsafePointer(scratch) + span.start : base + span.start
        return UnsafeRawBufferPointer(start: start, count: span.count)
    }

    /// Whether field `index` is a span of the input, which stays valid after the next record.
    func isInInput(_ index: Int) -> Bool { !spans[index].inScratch }

    /// The current record's fields as text, the way `CrowdCSV` gives them.
    func record() -> CrowdCSV.Record {
        CrowdCSV.Record(line: recordLine, fields: (0..<fieldCount).map { String(decoding: field($0), as: UTF8.self) })
    }

    /// Reads on to the end to see whether a quote is left open. `CrowdCSV` reads the whole file
    /// before it looks at any record, so that error comes before any error found in a record.
    func openQuoteError() -> LabError? {
        do {
            while try next() {}
            return nil
        } catch {
            return error as? LabError
        }
    }

    /// Moves to the next record that is not blank; false at the end of the input.
    func next() throws -> Bool {
        var pos = position
        var line = self.line
        defer {
            position = pos
            self.line = line
        }
        let base = self.base, end = self.end
        while pos < end {
            recordLine = line
            fieldCount = 0
            scratchCount = 0
            var recordEnded = false
            while !recordEnded {
                var span: Span
                if pos < end && base[pos] == UInt8(ascii: "\"") {
                    let quoteLine = line
                    pos += 1
                    var segment = pos
                    var unescaped = false
                    let scratchStart = scratchCount
                    while true {
                        guard pos < end else {
                            throw LabError(.unprocessable, .csvOpenQuote,
                                           "Line \(quoteLine) opens a quoted field that is never closed. Add the closing \" mark.")
                        }
                        let byte = base[pos]
                        if byte == UInt8(ascii: "\"") {
                            guard pos + 1 < end && base[pos + 1] == UInt8(ascii: "\"") else { break }
                            // A doubled quote: keep one, and go on after the second.
                            appendScratch(base + segment, count: pos + 1 - segment)
                            unescaped = true
                            pos += 2
                            segment = pos
                            continue
                        }
                        if byte == UInt8(ascii: "\n") { line += 1 }
                        pos += 1
                    }
                    let contentEnd = pos
                    pos += 1
                    // Text after the closing quote is kept as it is, quotes included, as spreadsheets do.
                    let tail = pos
                    pos = Self.fieldEnd(base, from: pos, end: end)
                    if unescaped || pos > tail {
                        appendScratch(base + segment, count: contentEnd - segment)
                        appendScratch(base + tail, count: pos - tail)
                        span = Span(start: scratchStart, count: scratchCount - scratchStart, inScratch: true)
                    } else {
                        span = Span(start: segment, count: contentEnd - segment, inScratch: false)
                    }
                } else {
                    let start = pos
                    pos = Self.fieldEnd(base, from: pos, end: end)
                    span = Span(start: start, count: pos - start, inScratch: false)
                }
                appendSpan(span)
                if pos >= end {
                    recordEnded = true
                } else {
                    let delimiter = base[pos]
                    pos += 1
                    if delimiter != UInt8(ascii: ",") {
                        if delimiter == UInt8(ascii: "\r") && pos < end && base[pos] == UInt8(ascii: "\n") { pos += 1 }
                        line += 1
                        recordEnded = true
                    }
                }
            }
            if fieldCount == 1 && Self.isBlank(field(0)) { continue }
            return true
        }
        return false
    }

    /// The position of the comma or line end that ends an unquoted field (or the end).
    @inline(__always)
    private static func fieldEnd(_ base: UnsafePointer<UInt8>, from start: Int, end: Int) -> Int {
        var pos = start
        while pos < end {
            let byte = base[pos]
            // Everything above the comma (digits, letters, UTF-8) is text; below it, only the
            // comma and the two line ends end a field.
            if byte > UInt8(ascii: ",") || (byte != UInt8(ascii: ",") && byte != UInt8(ascii: "\n") && byte != UInt8(ascii: "\r")) {
                pos += 1
            } else {
                break
            }
        }
        return pos
    }

    /// A record of one empty or all-white field is a blank line, as `CrowdCSV` sees it.
    private static func isBlank(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var ascii = true
        for byte in bytes {
            if byte >= 0x80 { ascii = false; break }
            guard byte == UInt8(ascii: " ") || (0x09...0x0D).contains(byte) else { return false }
        }
        return ascii || String(decoding: bytes, as: UTF8.self).allSatisfy(\.isWhitespace)
    }

    private func appendSpan(_ span: Span) {
        if fieldCount == spanCapacity {
            let larger = UnsafeMutablePointer<Span>.allocate(capacity: spanCapacity * 2)
            larger.moveInitialize(from: spans, count: fieldCount)
            spans.deallocate()
            spans = larger
            spanCapacity *= 2
        }
        (spans + fieldCount).initialize(to: span)
        fieldCount += 1
    }

    private func appendScratch(_ bytes: UnsafePointer<UInt8>, count: Int) {
        guard count > 0 else { return }
        if scratchCount + count > scratchCapacity {
            var capacity = scratchCapacity * 2
            while scratchCount + count > capacity { capacity *= 2 }
            let larger = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
            larger.update(from: scratch, count: scratchCount)
            scratch.deallocate()
            scratch = larger
            scratchCapacity = capacity
        }
        (scratch + scratchCount).update(from: bytes, count: count)
        scratchCount += count
    }
}
