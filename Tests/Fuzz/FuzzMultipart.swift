// libFuzzer target: any body given to the streaming multipart reader, in any pieces, is read or refused, never a crash.
import AnnolabCore
import Foundation

/// The first byte chooses the piece size, the rest is the body under the boundary `B`: the same
/// parts must come out as when the whole body is read at once, and content never holds a delimiter.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let piece = Int(data[0]) % 64 + 1
    let body = Array(UnsafeBufferPointer(start: data + 1, count: size - 1))
    let whole = read(body, piece: max(1, body.count))
    let pieces = read(body, piece: piece)
    if whole.parts != pieces.parts || whole.accepted != pieces.accepted {
        fatalError("reading in pieces of \(piece) gave other parts than reading at once")
    }
    let delimiter = Array("\r\n--B".utf8)
    for part in whole.parts where part.count >= delimiter.count {
        for start in 0...(part.count - delimiter.count) where Array(part[start..<start + delimiter.count]) == delimiter {
            fatalError("a part's content holds a delimiter")
        }
    }
    return 0
}

private func read(_ body: [UInt8], piece: Int) -> (parts: [[UInt8]], accepted: Bool) {
    var reader = MultipartStream(boundary: "B")
    var parts: [[UInt8]] = []
    do {
        var offset = 0
        while offset < body.count {
            let end = min(body.count, offset + piece)
            try reader.feed(Array(body[offset..<end])) { event in
                switch event {
                case .part: parts.append([])
                case .content(let bytes):
                    guard !parts.isEmpty else { fatalError("content before any part") }
                    parts[parts.count - 1] += bytes
                case .end: break
                }
            }
            offset = end
        }
        try reader.finish()
        return (parts, true)
    } catch is LabError {
        return (parts, false)
    } catch {
        fatalError("the multipart reader threw something other than a LabError: \(error)")
    }
}
