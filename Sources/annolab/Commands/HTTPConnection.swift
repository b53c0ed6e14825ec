// A minimal HTTP/1.1 client over one keep-alive loopback connection, for the benchmarks.
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One keep-alive connection to 127.0.0.1 that sends a request and reads the whole response.
///
/// Small and blocking on purpose: each benchmark connection runs on its own thread, so the
/// load it makes is as close to many separate browsers as one process can be.
final class HTTPConnection {
    struct Reply {
        var status: Int
        var body: String
    }

    let port: Int
    private var socketFD: Int32 = -1
    private var buffer: [UInt8] = []

    init(port: Int) {
        self.port = port
    }

    func reconnect() {
        close()
    }

    func close() {
        if socketFD >= 0 { Glibc.close(socketFD) }
        socketFD = -1
        buffer.removeAll()
    }

    private func connect() throws {
        socketFD = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socketFD >= 0 else { throw CommandFailure(description: "No socket: errno \(errno)") }
        var one: Int32 = 1
        setsockopt(socketFD, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(socketFD, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard result == 0 else {
            close()
            throw CommandFailure(description: "Cannot connect to 127.0.0.1:\(port): errno \(errno)")
        }
    }

    func send(_ method: String, _ path: String, token: String? = nil, body: String? = nil) throws -> Reply {
        if socketFD < 0 { try connect() }
        var request = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        if let token { request += "Authorization: Bearer \(token)\r\n" }
        let bodyBytes = Array((body ?? "").utf8)
        if body != nil { request += "Content-Type: application/json\r\n" }
        request += "Content-Length: \(bodyBytes.count)\r\n\r\n"
        let bytes = Array(request.utf8) + bodyBytes
        var sent = 0
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBytes { Glibc.send(socketFD, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { close(); throw CommandFailure(description: "send failed") }
            sent += n
        }
        // Headers, then exactly Content-Length bytes of body.
        var headerEnd: Int?
        while headerEnd == nil {
            headerEnd = Self.find(buffer, [13, 10, 13, 10])
            if headerEnd == nil { try fill() }
        }
        let head = String(decoding: buffer[..<headerEnd!], as: UTF8.self)
        let lines = head.split(separator: "\r\n")
        guard let statusLine = lines.first, let status = Int(statusLine.split(separator: " ")[1]) else {
            close()
            throw CommandFailure(description: "Unreadable response")
        }
        var length = 0
        for line in lines.dropFirst() where line.lowercased().hasPrefix("content-length:") {
            length = Int(line.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)) ?? 0
        }
        let start = headerEnd! + 4
        while buffer.count < start + length { try fill() }
        let text = String(decoding: buffer[start..<(start + length)], as: UTF8.self)
        buffer.removeFirst(start + length)
        return Reply(status: status, body: text)
    }

    private func fill() throws {
        var chunk = [UInt8](repeating: 0, count: 65536)
        let n = chunk.withUnsafeMutableBytes { recv(socketFD, $0.baseAddress, $0.count, 0) }
        guard n > 0 else {
            close()
            throw CommandFailure(description: "connection closed")
        }
        buffer += chunk[..<n]
    }

    static func find(_ haystack: [UInt8], _ needle: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        for i in 0...(haystack.count - needle.count) where haystack[i] == needle[0] {
            if Array(haystack[i..<(i + needle.count)]) == needle { return i }
        }
        return nil
    }
}
