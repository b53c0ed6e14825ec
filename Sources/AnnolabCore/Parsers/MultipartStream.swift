// Reading multipart/form-data as it arrives, piece by piece, for uploads too large to hold in memory.
import Foundation

/// A streaming reader of `multipart/form-data` (RFC 7578): feed it the body in pieces of any size
/// with ``feed(_:)``; it calls back with each part's headers, its bytes in order, and its end.
///
/// Unlike ``MultipartFormData/parse(_:contentType:maxParts:)`` it keeps no more than one piece and
/// a boundary's length of the body, so a programme of a gigabyte passes through a few buffers.
/// Any byte may appear in a part's content; header lines are read as UTF-8 (browsers send file
/// names that way) and must fit in 16 KB. ``finish()`` says whether the closing boundary came:
/// a body cut off anywhere before it is broken, never a shorter upload.
///
/// ```swift
/// var reader = MultipartStream(boundary: "XyZ")
/// try reader.feed(Array(piece)) { event in ... }
/// try reader.finish()
/// ```
public struct MultipartStream: Sendable {
    /// What the reader found in the body, in order.
    public enum Event {
        /// A part begins: its headers, names in lower case.
        case part([(name: String, value: String)])
        /// The next bytes of the current part's content.
        case content(ArraySlice<UInt8>)
        /// The current part ended.
        case end
    }

    enum State: Sendable {
        case preamble, afterDelimiter, headers, content, done
    }

    /// `--boundary`, as it opens the body.
    let opening: [UInt8]
    /// `\r\n--boundary`, as it ends each part's content.
    let delimiter: [UInt8]
    var state = State.preamble
    /// True until the first byte of the body was seen not to open it with the boundary.
    var atStart = true
    var pending: [UInt8] = []
    public private(set) var parts = 0
    public var maxParts = 10_000
    static let maxHeaderBytes = 16 << 10

    public init(boundary: String) {
        opening = Array("--\(boundary)".utf8)
        delimiter = [13, 10] + opening
    }

    static func broken(_ message: String) -> LabError {
        LabError(.badRequest, "multipart_broken", message)
    }

    public mutating func feed(_ bytes: [UInt8], _ emit: (Event) throws -> Void) throws {
        pending += bytes
        var position = 0
        defer { pending.removeFirst(position) }
        while true {
            switch state {
            case .preamble:
                // The body may begin with the opening boundary (only at its very first byte) or
                // with a preamble and a delimiter.
                if atStart {
                    let available = min(opening.count, pending.count - position)
                    guard pending[position..<position + available].elementsEqual(opening[..<available]) else {
                        atStart = false
                        continue
                    }
                    guard available == opening.count else { return }
                    position += opening.count
                    atStart = false
                    state = .afterDelimiter
                    continue
                }
                guard let found = Self.find(delimiter, in: pending, from: position) else {
                    position = max(position, pending.count - delimiter.count + 1)
                    return
                }
                position = found + delimiter.count
                state = .afterDelimiter
            case .afterDelimiter:
                guard pending.count - position >= 2 else { return }
                if pending[position] == 45, pending[position + 1] == 45 {
                    position = pending.count
                    state = .done
                    return
                }
                // Transport padding (spaces, tabs) may follow a delimiter before its line end.
                var end = position
                while end < pending.count, pending[end] == 32 || pending[end] == 9 { end += 1 }
                guard pending.count - end >= 2 else { return }
                guard pending[end] == 13, pending[end + 1] == 10 else {
                    throw Self.broken("The upload is not in the multipart form it says it is.")
                }
                position = end + 2
                state = .headers
            case .headers:
                guard pending.count - position >= 2 else { return }
                // A part without headers starts its content at once, after an empty line.
                if pending[position] == 13, pending[position + 1] == 10 {
                    position += 2
                    parts += 1
                    try checkParts()
                    try emit(.part([]))
                    state = .content
                    continue
                }
                guard let end = Self.find([13, 10, 13, 10], in: pending, from: position) else {
                    if pending.count - position > Self.maxHeaderBytes { throw Self.broken("A part of the upload has headers that never end.") }
                    return
                }
                guard end - position <= Self.maxHeaderBytes else { throw Self.broken("A part of the upload has headers that never end.") }
                let text = String(decoding: pending[position..<end], as: UTF8.self)
                position = end + 4
                parts += 1
                try checkParts()
                try emit(.part(try Self.headers(text)))
                state = .content
            case .content:
                if let found = Self.find(delimiter, in: pending, from: position) {
                    if found > position { try emit(.content(pending[position..<found])) }
                    try emit(.end)
                    position = found + delimiter.count
                    state = .afterDelimiter
                    continue
                }
                // Keep what could be the start of a delimiter cut in two by the piece's end.
                let safe = max(position, pending.count - delimiter.count + 1)
                if safe > position { try emit(.content(pending[position..<safe])) }
                position = safe
                return
            case .done:
                position = pending.count
                return
            }
        }
    }

    /// Throws unless the closing boundary came: the body is whole.
    public func finish() throws {
        guard case .done = state else {
            throw Self.broken(parts == 0 ? "The upload has no parts: send the files as multipart/form-data."
                                         : "The upload is cut off: it ends before its last part is complete.")
        }
    }

    func checkParts() throws {
        guard parts <= maxParts else { throw LabError(.tooLarge, "too_many_parts", "The upload has more than \(maxParts) parts.") }
    }

    /// The header lines of a part. A name must be an HTTP token (visible ASCII, no separators);
    /// values may hold UTF-8, as browsers write file names.
    static func headers(_ text: String) throws -> [(name: String, value: String)] {
        try text.split(separator: "\r\n").compactMap { line in
            let pair = line.split(separator: ":", maxSplits: 1)
            guard pair.count == 2 else { return nil }
            let name = pair[0].trimmingCharacters(in: .whitespaces)
            guard !name.isEmpty, name.unicodeScalars.allSatisfy({ $0.value > 32 && $0.value < 127 && !"()<>@,;:\\\"/[]?={}".unicodeScalars.contains($0) }) else {
                throw broken("A part of the upload has a header whose name is not plain text.")
            }
            return (name.lowercased(), pair[1].trimmingCharacters(in: .whitespaces))
        }
    }

    /// The first place of `needle` in `haystack` at or after `start`: a scan for its first byte,
    /// then a comparison, which is fast for a boundary in binary content.
    static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard let first = needle.first, haystack.count - start >= needle.count else { return nil }
        let last = haystack.count - needle.count
        var index = start
        return haystack.withUnsafeBufferPointer { hay in
            needle.withUnsafeBufferPointer { need in
                while index <= last {
                    guard hay[index] == first else {
                        index += 1
                        continue
                    }
                    var matched = 1
                    while matched < need.count, hay[index + matched] == need[matched] { matched += 1 }
                    if matched == need.count { return index }
                    index += 1
                }
                return nil
            }
        }
    }
}
