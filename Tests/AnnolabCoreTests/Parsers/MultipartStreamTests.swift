// The streaming multipart reader: the same parts whatever the pieces, and cut-off bodies refused.
import AnnolabCore
import Foundation
import Testing

@Suite("Multipart uploads read as they arrive")
struct MultipartStreamTests {
    /// Reads a body fed in pieces of `size` bytes: each part's headers and content, and whether it was whole.
    static func read(_ body: [UInt8], boundary: String, piece size: Int) throws -> [(headers: [String: String], content: [UInt8])] {
        var reader = MultipartStream(boundary: boundary)
        var parts: [(headers: [String: String], content: [UInt8])] = []
        var offset = 0
        while offset < body.count {
            let end = min(body.count, offset + size)
            try reader.feed(Array(body[offset..<end])) { event in
                switch event {
                case .part(let headers): parts.append((Dictionary(headers.map { ($0.name, $0.value) }, uniquingKeysWith: { a, _ in a }), []))
                case .content(let bytes): parts[parts.count - 1].content += bytes
                case .end: break
                }
            }
            offset = end
        }
        try reader.finish()
        return parts
    }

    static let boundary = "AnnolabBoundary7MA4YWxk"
    /// Content full of what could start a boundary: line ends, dashes, the boundary without its line end.
    static let tricky: [UInt8] = Array("\r\n\r\n--\r\n-\(boundary)\r\n--Annolab\r".utf8) + (0...255).map { UInt8($0) } + [13, 10, 45]

    static func body(_ files: [(String, [UInt8])], preamble: String = "", epilogue: String = "") -> [UInt8] {
        var body = Array(preamble.utf8)
        for (name, content) in files {
            body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\(name)\"\r\nContent-Type: application/octet-stream\r\n\r\n".utf8)
            body += content + [13, 10]
        }
        return body + Array("--\(boundary)--\r\n\(epilogue)".utf8)
    }

    @Test("the same parts and bytes come out whatever the size of the pieces, 1 byte to all at once")
    func piecesOfAnySize() throws {
        let body = Self.body([("één.wav", Self.tricky), ("empty.srt", []), ("b.png", Array(repeating: 13, count: 3000))],
                             preamble: "This is a preamble.\r\n", epilogue: "and an epilogue")
        for size in [1, 2, 3, 7, 26, 27, 28, 64, 1000, body.count] {
            let parts = try Self.read(body, boundary: Self.boundary, piece: size)
            #expect(parts.count == 3, "pieces of \(size)")
            #expect(parts.map(\.content) == [Self.tricky, [], Array(repeating: 13, count: 3000)], "pieces of \(size)")
            #expect(parts.first?.headers["content-disposition"]?.contains("filename=\"één.wav\"") == true, "UTF-8 file names stay")
        }
    }

    @Test("a body cut off anywhere before its closing boundary is broken, never a shorter upload")
    func cutOffBodies() throws {
        let body = Self.body([("a.wav", Self.tricky), ("b.wav", Array("second".utf8))])
        let closing = body.count - ("--\(Self.boundary)--\r\n".utf8.count)
        for cut in stride(from: 0, to: closing + Self.boundary.count + 3, by: 1) {
            #expect(throws: LabError.self, "cut at \(cut) of \(body.count)") {
                _ = try Self.read(Array(body[..<cut]), boundary: Self.boundary, piece: 5)
            }
        }
        #expect(try Self.read(body, boundary: Self.boundary, piece: 5).count == 2)
    }

    @Test("a header name that is not plain ASCII text is refused; one without a colon is skipped")
    func headerNames() throws {
        var body = Array("--\(Self.boundary)\r\n".utf8) + [0xC3, 0xA9] + Array("tiquette: 1\r\n\r\nx\r\n--\(Self.boundary)--".utf8)
        let error = #expect(throws: LabError.self) { _ = try Self.read(body, boundary: Self.boundary, piece: 4) }
        #expect(error?.code.rawValue == "multipart_broken")
        body = Array("--\(Self.boundary)\r\nno colon here\r\nContent-Type: text/plain\r\n\r\nx\r\n--\(Self.boundary)--".utf8)
        let parts = try Self.read(body, boundary: Self.boundary, piece: 4)
        #expect(parts.count == 1 && parts[0].headers == ["content-type": "text/plain"] && parts[0].content == Array("x".utf8))
    }

    @Test("headers that never end are refused before they fill memory; a body without parts is broken")
    func endlessHeadersAndEmptyBodies() throws {
        let endless = Array("--\(Self.boundary)\r\nX-Long: ".utf8) + Array(repeating: 65, count: 20_000)
        #expect(throws: LabError.self) { _ = try Self.read(endless, boundary: Self.boundary, piece: 512) }
        #expect(throws: LabError.self) { _ = try Self.read([], boundary: Self.boundary, piece: 1) }
        #expect(throws: LabError.self) { _ = try Self.read(Array("no boundary at all".utf8), boundary: Self.boundary, piece: 3) }
    }

    @Test("a file name keeps a ';' and an escaped quote inside its quotes")
    func fileNamesWithSemicolons() {
        let disposition = #"form-data; name="file"; filename="news $(touch PWNED) ; rm -rf \"x\".mp4""#
        #expect(MultipartFormData.parameter("filename", in: disposition) == #"news $(touch PWNED) ; rm -rf "x".mp4"#)
        #expect(MultipartFormData.parameter("name", in: disposition) == "file")
        #expect(MultipartFormData.parameter("filename", in: #"form-data; name="file"; filename=plain.srt"#) == "plain.srt")
    }
}
