// Reading multipart/form-data uploads (RFC 7578): the files a client sends in one request.
import Foundation

/// The parts of a multipart/form-data body.
///
/// ```swift
/// let parts = try MultipartFormData.parse(body, contentType: "multipart/form-data; boundary=XyZ")
/// let files = parts.filter { $0.name == "file" }
/// ```
public enum MultipartFormData {
    public struct Part: Sendable, Equatable {
        public var name: String
        public var fileName: String?
        public var contentType: String?
        public var data: Data
    }

    /// The boundary named in a Content-Type header, or nil when it is not multipart/form-data.
    public static func boundary(in contentType: String) -> String? {
        let pieces = contentType.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
        guard pieces.first?.lowercased() == "multipart/form-data" else { return nil }
        for piece in pieces.dropFirst() where piece.lowercased().hasPrefix("boundary=") {
            var value = String(piece.dropFirst("boundary=".count))
            if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = String(value.dropFirst().dropLast()) }
            return (1...70).contains(value.utf8.count) ? value : nil
        }
        return nil
    }

    public static func parse(_ body: Data, contentType: String, maxParts: Int = 10_000) throws -> [Part] {
        guard let boundary = boundary(in: contentType) else {
            throw LabError(.unsupportedMedia, "not_multipart", "Send the files as multipart/form-data, each in a part named 'file'.")
        }
        let bytes = [UInt8](body)
        let delimiter = Array("--\(boundary)".utf8)
        var parts: [Part] = []
        guard var position = find(delimiter, in: bytes, from: 0) else {
            throw LabError(.badRequest, "multipart_broken", "The upload is cut off or not in the multipart form it says it is.")
        }
        position += delimiter.count
        while true {
            // After a delimiter: "--" ends the body, CRLF starts a part.
            if position + 2 <= bytes.count, bytes[position] == 45, bytes[position + 1] == 45 { return parts }
            guard position + 2 <= bytes.count, bytes[position] == 13, bytes[position + 1] == 10 else {
                throw LabError(.badRequest, "multipart_broken", "The upload is cut off or not in the multipart form it says it is.")
            }
            position += 2
            guard let headerEnd = find([13, 10, 13, 10], in: bytes, from: position) else {
                throw LabError(.badRequest, "multipart_broken", "A part of the upload has no end to its headers.")
            }
            let headers = String(decoding: bytes[position..<headerEnd], as: UTF8.self)
            let contentStart = headerEnd + 4
            guard let next = find([13, 10] + delimiter, in: bytes, from: contentStart) else {
                throw LabError(.badRequest, "multipart_broken", "The upload is cut off: a part has no end.")
            }
            var part = Part(name: "", fileName: nil, contentType: nil, data: Data(bytes[contentStart..<next]))
            for line in headers.split(separator: "\r\n") {
                let pair = line.split(separator: ":", maxSplits: 1)
                guard pair.count == 2 else { continue }
                let field = pair[0].trimmingCharacters(in: .whitespaces).lowercased()
                let value = pair[1].trimmingCharacters(in: .whitespaces)
                if field == "content-disposition" {
                    part.name = parameter("name", in: value) ?? ""
                    part.fileName = parameter("filename", in: value)
                } else if field == "content-type" {
                    part.contentType = value
                }
            }
            parts.append(part)
            guard parts.count <= maxParts else {
                throw LabError(.tooLarge, "too_many_parts", "The upload has more than \(maxParts) parts.")
            }
            position = next + 2 + delimiter.count
        }
    }

    public static func parameter(_ name: String, in value: String) -> String? {
        for piece in pieces(value).map({ $0.trimmingCharacters(in: .whitespaces) }) {
            let pair = piece.split(separator: "=", maxSplits: 1)
            guard pair.count == 2, pair[0].lowercased() == name else { continue }
            var text = String(pair[1])
            if text.hasPrefix("\""), text.hasSuffix("\""), text.count >= 2 {
                text = String(text.dropFirst().dropLast()).replacingOccurrences(of: "\\\"", with: "\"")
            }
            return text
        }
        return nil
    }

    /// A header value split at each `;` outside double quotes: a file name may hold `;`
    /// (`filename="news; late.mp4"`), and a backslash inside quotes keeps the next character.
    static func pieces(_ value: String) -> [Substring] {
        var pieces: [Substring] = []
        var start = value.startIndex, index = value.startIndex
        var quoted = false, escaped = false
        while index < value.endIndex {
            let character = value[index]
            if escaped {
                escaped = false
            } else if quoted && character == "\\" {
                escaped = true
            } else if character == "\"" {
                quoted.toggle()
            } else if character == ";" && !quoted {
                pieces.append(value[start..<index])
                start = value.index(after: index)
            }
            index = value.index(after: index)
        }
        pieces.append(value[start...])
        return pieces
    }

    static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard !needle.isEmpty, haystack.count >= needle.count, start <= haystack.count - needle.count else { return nil }
        let first = needle[0]
        var i = start
        let last = haystack.count - needle.count
        while i <= last {
            if haystack[i] == first {
                var j = 1
                while j < needle.count && haystack[i + j] == needle[j] { j += 1 }
                if j == needle.count { return i }
            }
            i += 1
        }
        return nil
    }
}
