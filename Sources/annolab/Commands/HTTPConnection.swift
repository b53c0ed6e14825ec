// A minimal blocking HTTP/1.1 client over one keep-alive loopback connection, for the benchmarks' set-up.
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Opens a TCP connection to 127.0.0.1:`port` with Nagle's delay off (requests are small and
/// each waits for its answer, so a delayed segment would only add latency).
func openLoopbackSocket(port: Int) throws -> Int32 {
    let socketFD = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
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
        let failure = errno
        Glibc.close(socketFD)
        throw CommandFailure(description: "Cannot connect to 127.0.0.1:\(port): errno \(failure)")
    }
    return socketFD
}

/// One keep-alive connection to 127.0.0.1 that sends a request and waits for the whole response.
///
/// Blocking and simple: the benchmarks use it for set-up and health checks, where one request
/// at a time is all there is. The timed operator loop runs on ``LoadGenerator`` instead, one
/// thread for every connection, so the load generator costs little of the machine it measures.
final class HTTPConnection {
    struct Reply {
        var status: Int
        var body: String
    }

    let port: Int
    private var socketFD: Int32 = -1
    private var reader = ResponseReader()

    init(port: Int) {
        self.port = port
    }

    func reconnect() {
        close()
    }

    func close() {
        if socketFD >= 0 { Glibc.close(socketFD) }
        socketFD = -1
        reader.reset()
    }

    private func connect() throws {
        socketFD = try openLoopbackSocket(port: port)
        // A server that stops answering fails the request instead of hanging the benchmark.
        var timeout = timeval(tv_sec: 60, tv_usec: 0)
        setsockopt(socketFD, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
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
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            do {
                if let response = try reader.next() {
                    if response.closes { close() }
                    return Reply(status: response.status, body: String(decoding: response.body, as: UTF8.self))
                }
            } catch {
                close()
                throw CommandFailure(description: "Unreadable response: \(error)")
            }
            let n = chunk.withUnsafeMutableBytes { recv(socketFD, $0.baseAddress, $0.count, 0) }
            guard n > 0 else {
                close()
                throw CommandFailure(description: "connection closed")
            }
            chunk.withUnsafeBytes { reader.append(UnsafeRawBufferPointer(rebasing: $0[..<n])) }
        }
    }
}
