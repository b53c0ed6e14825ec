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

    /// What the head of a response says about its body.
    private struct Head {
        var status: Int
        var length: Int?
        var chunked = false
        var closes = false

        init(_ bytes: ArraySlice<UInt8>) throws {
            let text = String(decoding: bytes, as: UTF8.self)
            var lines = text.split(separator: "\r\n", omittingEmptySubsequences: false)[...]
            let statusLine = lines.popFirst() ?? ""
            let parts = statusLine.split(separator: " ", maxSplits: 2)
            guard parts.count >= 2, parts[0].hasPrefix("HTTP/1."), let status = Int(parts[1]) else {
                throw BenchResponseError(description: "an unreadable status line: \(statusLine.prefix(80))")
            }
            self.status = status
            for line in lines {
                guard let colon = line.firstIndex(of: ":") else { continue }
                let name = line[..<colon].lowercased()
                let value = line[line.index(after: colon)...].trimmingSpaces().lowercased()
                switch name {
                case "content-length":
                    guard let length = Int(value), length >= 0 else {
                        throw BenchResponseError(description: "an unreadable Content-Length: \(value)")
                    }
                    self.length = length
                case "transfer-encoding": chunked = value.contains("chunked")
                case "connection": closes = value.contains("close")
                default: break
                }
            }
        }
    }

    /// A chunked body from `position`: the bytes and where the response ends, or nil when incomplete.
    private static func chunks(_ buffer: [UInt8], from position: Int) throws -> ([UInt8], Int)? {
        var body: [UInt8] = []
        var position = position
        while true {
            guard let lineEnd = find(crlf, in: buffer, from: position) else { return nil }
            let sizeText = String(decoding: buffer[position..<lineEnd], as: UTF8.self)
                .split(separator: ";").first.map(String.init) ?? ""
            guard let size = Int(sizeText.trimmingSpaces(), radix: 16), size >= 0 else {
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

    private static func find(_ needle: [UInt8], in haystack: [UInt8], from: Int) -> Int? {
        guard haystack.count - from >= needle.count else { return nil }
        var i = from
        let last = haystack.count - needle.count
        while i <= last {
            if haystack[i] == needle[0] {
                var match = true
                for j in 1..<needle.count where haystack[i + j] != needle[j] {
                    match = false
                    break
                }
                if match { return i }
            }
            i += 1
        }
        return nil
    }
}

private let crlf: [UInt8] = [13, 10]
private let crlfcrlf: [UInt8] = [13, 10, 13, 10]

extension StringProtocol {
    func trimmingSpaces() -> String {
        String(drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}

/// Values picked out of the small JSON bodies of the operator loop without decoding them whole.
enum BodyField {
    /// The assignment id in a `next` answer: the first `"id":N` after `"assignment":`.
    static func assignmentId(in body: [UInt8]) -> Int? {
        guard let object = find(Array(#""assignment":"#.utf8), in: body, from: 0),
              let key = find(Array(#""id":"#.utf8), in: body, from: object) else { return nil }
        var value = 0, i = key + 5, digits = 0
        while i < body.count, body[i] >= 48, body[i] <= 57 {
            value = value * 10 + Int(body[i] - 48)
            i += 1
            digits += 1
        }
        return digits > 0 ? value : nil
    }

    /// A string value `"name":"..."` (without escapes, as tokens are).
    static func string(_ name: String, in body: [UInt8]) -> [UInt8]? {
        guard let key = find(Array("\"\(name)\":\"".utf8), in: body, from: 0) else { return nil }
        let from = key + name.utf8.count + 4
        guard let end = body[from...].firstIndex(of: UInt8(ascii: "\"")) else { return nil }
        return Array(body[from..<end])
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8], from: Int) -> Int? {
        guard haystack.count >= needle.count, from <= haystack.count - needle.count else { return nil }
        for i in from...(haystack.count - needle.count) where haystack[i] == needle[0] {
            if haystack[i..<(i + needle.count)].elementsEqual(needle) { return i }
        }
        return nil
    }
}
