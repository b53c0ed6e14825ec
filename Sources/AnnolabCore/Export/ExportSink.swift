// Where a streamed export goes (a file, an HTTP response, memory) and how its pieces reach it.
import Foundation

/// A destination for an export's bytes, handed over in chunks of a few hundred kilobytes.
///
/// ```swift
/// var sink = ExportDataSink()
/// var pieces = COCOExport().pieces(SortedImages(images), labels: labels)
/// try await pieces.write(to: &sink)
/// ```
public protocol ExportSink {
    mutating func write(_ bytes: [UInt8]) async throws
}

/// Keeps everything in memory: for small exports and for tests.
public struct ExportDataSink: ExportSink, Sendable {
    public var data = Data()

    public init() {}

    public mutating func write(_ bytes: [UInt8]) async throws {
        data.append(contentsOf: bytes)
    }
}

/// An export produced one piece at a time (an image's annotations, one file of an archive), so
/// that it can be written as it is made and never has to be whole in memory.
public protocol ExportPieces {
    /// Appends the next piece to `out`; false once there is nothing left to write.
    mutating func writeNext(into out: inout ExportBytes) throws -> Bool
}

extension ExportPieces {
    /// Writes every piece to `sink`, handing over about `chunk` bytes at a time. Stops early
    /// when the task is cancelled (a download the client gave up on).
    public mutating func write<Sink: ExportSink>(to sink: inout Sink, chunk: Int = 256 << 10) async throws {
        var out = ExportBytes(capacity: chunk + chunk / 2)
        while try writeNext(into: &out) {
            if out.count >= chunk {
                try Task.checkCancellation()
                try await sink.write(out.bytes)
                out.removeAll()
            }
        }
        if !out.isEmpty { try await sink.write(out.bytes) }
    }

    /// Every piece in one buffer.
    public mutating func collect() throws -> [UInt8] {
        var out = ExportBytes()
        while try writeNext(into: &out) {}
        return out.bytes
    }
}
