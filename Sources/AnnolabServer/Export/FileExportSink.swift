// Writing a streamed export to a file: into a hidden partial file first, renamed into place when complete.
import AnnolabCore
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// An ``ExportSink`` that writes to a file handle and counts the bytes.
///
/// ```swift
/// try await FileExportSink.write(file, to: URL(fileURLWithPath: "stills-coco.json"))
/// ```
public struct FileExportSink: ExportSink {
    public let handle: FileHandle
    public private(set) var byteCount = 0

    public init(handle: FileHandle) {
        self.handle = handle
    }

    public mutating func write(_ bytes: [UInt8]) async throws {
        try handle.write(contentsOf: bytes)
        byteCount += bytes.count
    }

    /// Writes `file` to `target` whole or not at all: the bytes go to a hidden partial file
    /// beside it, which is renamed over `target` only once everything is written (a failed or
    /// interrupted export leaves no half file under the wanted name). Returns the size.
    public static func write(_ file: ExportService.File, to target: URL) async throws -> Int {
        let files = FileManager.default
        let partial = target.deletingLastPathComponent()
            .appendingPathComponent(".\(target.lastPathComponent).\(UUID().uuidString.prefix(8)).partial")
        guard files.createFile(atPath: partial.path, contents: nil) else {
            throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: partial.path])
        }
        do {
            let handle = try FileHandle(forWritingTo: partial)
            var sink = FileExportSink(handle: handle)
            do {
                try await file.write(to: &sink)
                try handle.close()
            } catch {
                try? handle.close()
                throw error
            }
            // rename(2) replaces an existing file in one step.
            guard rename(partial.path, target.path) == 0 else {
                throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
            }
            return sink.byteCount
        } catch {
            try? files.removeItem(at: partial)
            throw error
        }
    }
}
