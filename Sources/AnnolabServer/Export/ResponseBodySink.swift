// Writing a streamed export into an HTTP response body as it is made.
import AnnolabCore
import Hummingbird

/// An ``ExportSink`` over Hummingbird's response body writer: each chunk goes out as it is
/// made, and the writer waits while the client is slower than the export (back-pressure), so
/// a download of any size holds only a chunk or two in memory.
///
/// ```swift
/// Response(status: .ok, headers: headers, body: ResponseBody { writer in
///     try await ResponseBodySink.write(file, to: &writer)
/// })
/// ```
struct ResponseBodySink: ExportSink {
    var writer: any ResponseBodyWriter

    mutating func write(_ bytes: [UInt8]) async throws {
        try await writer.write(ByteBuffer(bytes: bytes))
    }

    /// Writes the whole file, then ends the body.
    static func write(_ file: ExportService.File, to writer: inout any ResponseBodyWriter) async throws {
        var sink = ResponseBodySink(writer: writer)
        try await file.write(to: &sink)
        try await sink.writer.finish(nil)
    }
}

extension ExportService.File {
    /// The file as a response body: one buffer when it is already in memory, else streamed.
    var responseBody: ResponseBody {
        switch body {
        case .data(let data):
            return ResponseBody(byteBuffer: ByteBuffer(bytes: data))
        case .pieces:
            let file = self
            return ResponseBody { writer in try await ResponseBodySink.write(file, to: &writer) }
        }
    }
}
