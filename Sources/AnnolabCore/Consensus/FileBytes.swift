// A file's bytes for one pass of reading: mapped into memory when it is a regular file, read
// whole when it is a pipe or a device, and given back as soon as the reading is done.

import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Lends a file's bytes to a closure, without copying them into a `Data` or an array first.
///
/// ```swift
/// let answers = try FileBytes.withBytes(of: "answers.csv") { try AnswerFile.read($0) }
/// ```
///
/// A regular file is mapped read-only, so a 14 MB answer file costs no copy and its pages count
/// against memory only while the closure reads them; the mapping is removed before `withBytes`
/// returns, so that what follows (EM, the output) does not carry the file in its peak memory.
/// Pipes, `/dev/stdin` and other files without a size are read to the end into one buffer.
public enum FileBytes {
    /// Why a file could not be read, in the words the command line uses.
    public enum Failure: Error, Equatable {
        /// There is nothing at the path.
        case missing
        /// There is something, but it cannot be opened or read (a folder, no permission).
        case unreadable
    }

    public static func withBytes<Result>(of path: String, _ body: (UnsafeRawBufferPointer) throws -> Result) throws -> Result {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw errno == ENOENT || errno == ENOTDIR ? Failure.missing : Failure.unreadable }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw Failure.unreadable }
        let kind = status.st_mode & S_IFMT
        guard kind != S_IFDIR else { throw Failure.unreadable }
        if kind == S_IFREG && status.st_size > 0 {
            let size = Int(status.st_size)
            let address = mmap(nil, size, PROT_READ, MAP_PRIVATE, descriptor, 0)
            if let address, address != MAP_FAILED {
                defer { munmap(address, size) }
                // One pass from start to end: let the kernel read ahead generously.
                _ = madvise(address, size, MADV_SEQUENTIAL)
                return try body(UnsafeRawBufferPointer(start: address, count: size))
            }
        }
        return try readToEnd(descriptor, body)
    }

    /// Reads a descriptor to its end into one growing buffer (for pipes and devices, or when
    /// mapping fails).
    private static func readToEnd<Result>(_ descriptor: Int32, _ body: (UnsafeRawBufferPointer) throws -> Result) throws -> Result {
        var capacity = 1 << 16
        var buffer = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 16)
        defer { buffer.deallocate() }
        var count = 0
        while true {
            if count == capacity {
                let larger = UnsafeMutableRawPointer.allocate(byteCount: capacity * 2, alignment: 16)
                larger.copyMemory(from: buffer, byteCount: count)
                buffer.deallocate()
                buffer = larger
                capacity *= 2
            }
            let got = read(descriptor, buffer + count, capacity - count)
            if got > 0 {
                count += got
            } else if got == 0 {
                break
            } else if errno != EINTR {
                throw Failure.unreadable
            }
        }
        return try body(UnsafeRawBufferPointer(start: buffer, count: count))
    }
}
