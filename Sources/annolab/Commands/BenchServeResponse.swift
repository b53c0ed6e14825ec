// HTTP/1.1 responses read from a byte stream as it arrives, for the bench's event loop.

/// One response as the load generator needs it: the status and the body's bytes.
struct BenchResponse {
    var status: Int
    var body: [UInt8]
    /// The server said `Connection: close`: the connection must be opened again.
    var closes: Bool
}

/// Why a response could not be read.
struct BenchResponseError: Error, CustomStringConvertible {
    var description: String
}

/// Collects the bytes of one keep-alive connection and hands out whole responses.
///
/// Reads the status line and headers, then the body by `Content-Length` or by chunked
/// transfer encoding (a response without either has no body, as after 204 and 304). Incomplete
/// input returns nil and is read again when more bytes come: responses in the operator loop
/// are a few kilobytes, so reading a head twice costs less than keeping a resumable state.
struct ResponseReader {
    private var buffer: [UInt8] = []
    private var start = 0

    mutating func append(_ bytes: UnsafeRawBufferPointer) {
        if start > 0 && start == buffer.count {
            buffer.removeAll(keepingCapacity: true)
            start = 0
        } else if start > 65_536 {
            buffer.removeFirst(start)
            start = 0
        }
        buffer.append(contentsOf: bytes)
    }

    mutating func reset() {
        buffer.removeAll(keepingCapacity: true)
        start = 0
    }

    /// The next whole response received so far, or nil when more bytes are needed.
    mutating func next() throws -> BenchResponse? {
        guard let headEnd = Self.find(crlfcrlf, in: buffer, from: start) else {
            if buffer.count - start > 65_536 { throw BenchResponseError(description: "a response head longer than 64 KB") }
            return nil
        }
        let head = try Head(buffer[start..<headEnd])
        var position = headEnd + 4
        var body: [UInt8] = []
        if head.chunked {
            guard let (decoded, end) = try Self.chunks(buffer, from: position) else { return nil }
            body = decoded
            position = end
        } else if let length = head.length, length > 0 {
            guard buffer.count - position >= length else { return nil }
            body = Array(buffer[position..<(position + length)])
            position += length
        }
        start = position
        return BenchResponse(status: head.status, body: body, closes: head.closes)
    }

    /// What the head of a response says about its body, read byte by byte (the loop reads one
    /// head per request, so it must cost little next to the server's work).
    private struct Head {
        var status: Int
        var length: Int?
        var chunked = false
        var closes = false

        init(_ bytes: ArraySlice<UInt8>) throws {
            let first = bytes.startIndex
            guard bytes.count >= 12, bytes[first..<(first + 7)].elementsEqual(http1),
                  let status = Self.number(bytes[(first + 9)..<(first + 12)]) else {
                throw BenchResponseError(description: "an unreadable status line: \(String(decoding: bytes.prefix(80), as: UTF8.self))")
            }
            self.status = status
            var line = (ResponseReader.find(crlf, in: bytes, from: first) ?? bytes.endIndex) + 2
            while line < bytes.endIndex {
                let end = ResponseReader.find(crlf, in: bytes, from: line) ?? bytes.endIndex
                if let colon = bytes[line..<end].firstIndex(of: UInt8(ascii: ":")) {
                    let name = bytes[line..<colon]
                    var valueStart = colon + 1
                    while valueStart < end, bytes[valueStart] == 32 || bytes[valueStart] == 9 { valueStart += 1 }
                    let value = bytes[valueStart..<end]
                    if Self.same(name, contentLength) {
                        guard let length = Self.number(value) else {
                            throw BenchResponseError(description: "an unreadable Content-Length: \(String(decoding: value, as: UTF8.self))")
                        }
                        self.length = length
                    } else if Self.same(name, transferEncoding) {
                        chunked = Self.contains(value, chunkedToken)
                    } else if Self.same(name, connection) {
                        closes = Self.contains(value, closeToken)
                    }
                }
                line = end + 2
            }
        }

        /// Whether a header name is `lowercase`, in any case.
        private static func same(_ name: ArraySlice<UInt8>, _ lowercase: [UInt8]) -> Bool {
            guard name.count == lowercase.count else { return false }
            var i = name.startIndex
            for byte in lowercase {
                if name[i] | 0x20 != byte { return false }
                i += 1
            }
            return true
        }

        private static func contains(_ value: ArraySlice<UInt8>, _ lowercase: [UInt8]) -> Bool {
            guard value.count >= lowercase.count else { return false }
            for start in value.startIndex...(value.endIndex - lowercase.count)
            where same(value[start..<(start + lowercase.count)], lowercase) {
                return true
            }
            return false
        }

        /// Decimal digits, trailing spaces allowed; nil when there are none or something else.
        private static func number(_ digits: ArraySlice<UInt8>) -> Int? {
            var value = 0, seen = 0
            for byte in digits {
                if byte >= 48 && byte <= 57 {
                    guard seen < 18 else { return nil }
                    value = value * 10 + Int(byte - 48)
                    seen += 1
                } else if byte == 32 || byte == 9 {
                    continue
                } else {
                    return nil
                }
            }
            return seen > 0 ? value : nil
        }
    }

    /// A chunked body from `position`: the bytes and where the response ends, or nil when incomplete.
    private static func chunks(_ buffer: [UInt8], from position: Int) throws -> ([UInt8], Int)? {
        var body: [UInt8] = []
        var position = position
        while true {
            guard let lineEnd = find(crlf, in: buffer, from: position) else { return nil }
            let sizeText = String(decoding: buffer[position..<lineEnd], as: UTF8.self)
            let digits = sizeText.prefix { $0 != ";" }.filter { $0 != " " && $0 != "\t" }
            guard let size = Int(digits, radix: 16), size >= 0 else {
                throw BenchResponseError(description: "an unreadable chunk size: \(sizeText.prefix(20))")
            }
            position = lineEnd + 2
            if size == 0 {
                // Trailers, if any, end with an empty line.
                while true {
                    guard let end = find(crlf, in: buffer, from: position) else { return nil }
                    let empty = end == position
                    position = end + 2
                    if empty { return (body, position) }
                }
            }
            guard buffer.count - position >= size + 2 else { return nil }
            body += buffer[position..<(position + size)]
            position += size + 2
        }
    }

    /// Where `needle` first starts in `haystack` at or after `from`.
    static func find<Bytes: RandomAccessCollection<UInt8>>(_ needle: [UInt8], in haystack: Bytes, from: Int) -> Int?
    where Bytes.Index == Int {
        guard let first = needle.first, haystack.endIndex - from >= needle.count else { return nil }
        var i = from
        let last = haystack.endIndex - needle.count
        outer: while i <= last {
            if haystack[i] == first {
                for j in 1..<needle.count where haystack[i + j] != needle[j] {
                    i += 1
                    continue outer
                }
                return i
            }
            i += 1
        }
        return nil
    }
}

private let crlf: [UInt8] = [13, 10]
private let crlfcrlf: [UInt8] = [13, 10, 13, 10]
private let http1 = Array("HTTP/1.".utf8)
private let contentLength = Array("content-length".utf8)
private let transferEncoding = Array("transfer-encoding".utf8)
private let connection = Array("connection".utf8)
private let chunkedToken = Array("chunked".utf8)
private let closeToken = Array("close".utf8)

/// Values picked out of the small JSON bodies of the operator loop without decoding them whole.
enum BodyField {
    private static let assignmentKey = Array(#""assignment":"#.utf8)
    private static let idKey = Array(#""id":"#.utf8)

    /// The assignment id in a `next` answer: the first `"id":N` after `"assignment":`.
    static func assignmentId(in body: [UInt8]) -> Int? {
        guard let object = ResponseReader.find(assignmentKey, in: body, from: 0),
              let key = ResponseReader.find(idKey, in: body, from: object) else { return nil }
        var value = 0, i = key + idKey.count, digits = 0
        while i < body.count, body[i] >= 48, body[i] <= 57, digits < 18 {
            value = value * 10 + Int(body[i] - 48)
            i += 1
            digits += 1
        }
        return digits > 0 ? value : nil
    }

    /// A string value `"name":"..."` (without escapes, as tokens are).
    static func string(_ name: String, in body: [UInt8]) -> [UInt8]? {
        let key = Array("\"\(name)\":\"".utf8)
        guard let found = ResponseReader.find(key, in: body, from: 0) else { return nil }
        let from = found + key.count
        guard let end = body[from...].firstIndex(of: UInt8(ascii: "\"")) else { return nil }
        return Array(body[from..<end])
    }
}
