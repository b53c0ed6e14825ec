// A nameless scratch file for streamed exports: what must wait for a later pass goes to disk, not to memory.
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An append-only scratch file that exists only while this object does.
///
/// It is created with `mkstemp` and unlinked at once, so it has no name: nothing is left behind
/// when the export ends, fails or the process dies, and no backup ever sees it. Appends are
/// buffered; ``read(at:count:into:)`` reads back any range already appended.
///
/// One export uses it from one task at a time (it moves from the store's reader to the
/// response writer), hence `@unchecked Sendable`.
///
/// ```swift
/// let spill = try ExportSpill(folder: store.folder)
/// let offset = spill.size
/// try spill.append(record)
/// var back: [UInt8] = []
/// try spill.read(at: offset, count: record.count, into: &back)
/// ```
public final class ExportSpill: @unchecked Sendable {
    private let descriptor: Int32
    private var pending: [UInt8] = []
    private var written: Int64 = 0
    private let flushAt = 1 << 20

    /// Opens a fresh scratch file in `folder` (the lab's own folder: that is where its disk space is).
    /// Errors are `POSIXError`s, so a full disk is recognised as one.
    public init(folder: URL) throws {
        var template = Array((folder.path + "/.export-spill-XXXXXX").utf8CString)
        let descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard descriptor >= 0 else { throw Self.posixError() }
        template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
        self.descriptor = descriptor
        pending.reserveCapacity(flushAt)
    }

    deinit { close(descriptor) }

    /// Bytes appended so far: the offset the next append starts at.
    public var size: Int64 { written + Int64(pending.count) }

    public func append(_ bytes: some Collection<UInt8>) throws {
        pending.append(contentsOf: bytes)
        if pending.count >= flushAt { try flush() }
    }

    /// Writes the buffered bytes to the file.
    public func flush() throws {
        var done = 0
        while done < pending.count {
            let n = pending.withUnsafeBytes { raw in
                pwrite(descriptor, raw.baseAddress! + done, raw.count - done, off_t(written) + off_t(done))
            }
            if n < 0 {
                if errno == EINTR { continue }
                throw Self.posixError()
            }
            done += n
        }
        written += Int64(done)
        pending.removeAll(keepingCapacity: true)
    }

    /// Replaces `buffer`'s contents with `count` bytes from `offset`.
    public func read(at offset: Int64, count: Int, into buffer: inout [UInt8]) throws {
        precondition(offset >= 0 && offset + Int64(count) <= size, "a spill read past what was appended")
        if offset + Int64(count) > written { try flush() }
        buffer.removeAll(keepingCapacity: true)
        guard count > 0 else { return }
        buffer.append(contentsOf: repeatElement(0, count: count))
        var done = 0
        while done < count {
            let n = buffer.withUnsafeMutableBytes { raw in
                pread(descriptor, raw.baseAddress! + done, count - done, off_t(offset) + off_t(done))
            }
            if n < 0 {
                if errno == EINTR { continue }
                throw Self.posixError()
            }
            guard n > 0 else { throw POSIXError(.EIO) }
            done += n
        }
    }

    private static func posixError() -> POSIXError {
        POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
    }
}
