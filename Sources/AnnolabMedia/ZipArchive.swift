// Unpacks the files of a client's ZIP upload in memory, holding every file to its declared size and checksum.

import AnnolabCore
import CZlib
import Foundation

/// Extraction of uploaded ZIP archives (stored and deflate entries).
///
/// `ZipListing` (in AnnolabCore) checks the table of contents first: names, methods, sizes,
/// compression ratio and the archive's limits. Each accepted file is then expanded with zlib's
/// raw inflate into a buffer of exactly its declared size: a file that expands to more (a
/// lying size, the core of a zip bomb) is stopped at that size and refused, so memory never
/// exceeds what the checked listing allowed. Every file's CRC-32 is checked.
///
/// ```swift
/// let contents = try ZipArchive.extract(upload)
/// for file in contents.files { try importer.add(file.name, file.data) }
/// for problem in contents.problems { report(problem.name, problem.error.message) }
/// ```
public enum ZipArchive {
    /// One extracted file: its safe relative path and its bytes.
    public struct File: Sendable, Equatable {
        public var name: String
        public var data: Data
        public init(name: String, data: Data) { self.name = name; self.data = data }
    }

    /// What came out of an archive: the good files, the parts left out on purpose, and the
    /// files refused, each with its reason.
    public struct Contents: Sendable {
        public var files: [File]
        public var skipped: [String]
        public var problems: [ZipEntryProblem]

        /// The files, or the first problem when any file was refused.
        public func requireAll() throws -> [File] {
            if let first = problems.first { throw first.error }
            return files
        }
    }

    /// Whether the bytes start like a ZIP archive (a local file header or an empty archive).
    public static func looksLikeZip(_ data: Data) -> Bool {
        data.count >= 4 && data.prefix(2).elementsEqual([0x50, 0x4B])
            && (data.dropFirst(2).prefix(2).elementsEqual([3, 4]) || data.dropFirst(2).prefix(2).elementsEqual([5, 6]))
    }

    /// Lists, checks and extracts every file of an archive.
    ///
    /// - Throws: the archive-level errors of `ZipListing.read` (`zip_not_zip`, `zip_corrupt`,
    ///   `zip_too_many_entries`, `zip_too_large`, ...). Per-file failures are in `problems`.
    public static func extract(_ archive: Data, limits: ZipLimits = ZipLimits()) throws -> Contents {
        let listing = try ZipListing.read(archive, limits: limits)
        var files: [File] = []
        var problems = listing.problems
        for entry in listing.entries {
            do {
                files.append(File(name: entry.name, data: try extract(entry, from: archive)))
            } catch let error as LabError {
                problems.append(ZipEntryProblem(name: entry.name, error: error))
            }
        }
        return Contents(files: files, skipped: listing.skipped, problems: problems)
    }

    /// Extracts one checked entry of `archive` (as listed by `ZipListing.read` on the same bytes).
    ///
    /// - Throws: `LabError` with code `zip_entry_corrupt`, `zip_entry_size_mismatch`,
    ///   `zip_entry_crc_mismatch` or `zip_entry_unsupported_method`.
    public static func extract(_ entry: ZipEntry, from archive: Data) throws -> Data {
        guard entry.dataOffset >= 0, entry.compressedSize >= 0, entry.uncompressedSize >= 0,
              entry.dataOffset <= archive.count, entry.compressedSize <= archive.count - entry.dataOffset
        else { throw ZipEntryFailure.corruptError(entry.name) }
        let start = archive.startIndex + entry.dataOffset
        let packed = archive[start..<(start + entry.compressedSize)]

        let data: Data
        switch entry.method {
        case 0:
            guard entry.compressedSize == entry.uncompressedSize else {
                throw ZipEntryFailure.sizeMismatchError(entry.name, declared: entry.uncompressedSize, bigger: entry.compressedSize > entry.uncompressedSize)
            }
            data = Data(packed)
        case 8:
            data = try inflate(packed, declaredSize: entry.uncompressedSize, name: entry.name)
        default:
            throw LabError(.unsupportedMedia, "zip_entry_unsupported_method",
                           "The file '\(entry.name)' in the ZIP is packed in a way Annolab cannot unpack (method \(entry.method)). Pack the files again with normal ZIP compression (deflate).")
        }
        guard checksum(data) == entry.crc32 else {
            throw LabError(.unprocessable, "zip_entry_crc_mismatch",
                           "The file '\(entry.name)' in the ZIP is damaged: its checksum does not match. Annolab left it out. Upload the archive again; if that does not help, pack the files again.")
        }
        return data
    }

    /// Raw-inflates `packed` into exactly `declaredSize` bytes; more or fewer is an error.
    private static func inflate(_ packed: Data, declaredSize: Int, name: String) throws -> Data {
        var output = [UInt8](repeating: 0, count: declaredSize)
        var scratch = [UInt8](repeating: 0, count: 64)
        let chunk = 1 << 30  // zlib counts in 32-bit units: feed it at most 1 GiB at a time.

        var stream = z_stream()
        guard inflateInit2_(&stream, -15, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw LabError(.internalFailure, "zip_inflate_unavailable",
                           "Annolab could not start unpacking the ZIP. Try again; if it keeps failing, tell the lab's admin.")
        }
        defer { inflateEnd(&stream) }

        let outcome: ZipEntryFailure? = packed.withUnsafeBytes { input in
            output.withUnsafeMutableBytes { out in
                scratch.withUnsafeMutableBytes { spare in
                    let inBase = input.baseAddress?.assumingMemoryBound(to: Bytef.self)
                    let outBase = out.baseAddress?.assumingMemoryBound(to: Bytef.self)
                    var fed = 0, handedOut = 0
                    var overflowing = false  // true once the declared size is full
                    while true {
                        if stream.avail_in == 0 && fed < input.count, let inBase {
                            let n = min(chunk, input.count - fed)
                            stream.next_in = UnsafeMutablePointer(mutating: inBase + fed)
                            stream.avail_in = uInt(n)
                            fed += n
                        }
                        if stream.avail_out == 0 {
                            if handedOut < declaredSize, let outBase {
                                let n = min(chunk, declaredSize - handedOut)
                                stream.next_out = outBase + handedOut
                                stream.avail_out = uInt(n)
                                handedOut += n
                            } else {
                                // The declared size is full: anything more proves the size was a lie.
                                overflowing = true
                                stream.next_out = spare.baseAddress!.assumingMemoryBound(to: Bytef.self)
                                stream.avail_out = uInt(spare.count)
                            }
                        }
                        let inBefore = stream.avail_in, outBefore = stream.avail_out
                        let status = CZlib.inflate(&stream, Z_NO_FLUSH)
                        if overflowing && stream.avail_out < uInt(spare.count) {
                            return .sizeMismatch(name, declared: declaredSize, bigger: true)
                        }
                        switch status {
                        case Z_STREAM_END:
                            return Int(stream.total_out) == declaredSize
                                ? nil : .sizeMismatch(name, declared: declaredSize, bigger: false)
                        case Z_OK, Z_BUF_ERROR:
                            let madeProgress = stream.avail_in != inBefore || stream.avail_out != outBefore
                            if stream.avail_in == 0 && fed >= input.count && !madeProgress {
                                return .corrupt(name)  // The packed bytes end before the file does.
                            }
                            if !madeProgress && stream.avail_out != 0 && stream.avail_in != 0 {
                                return .corrupt(name)
                            }
                        default:
                            return .corrupt(name)
                        }
                    }
                }
            }
        }
        if let outcome { throw outcome.error }
        return Data(output)
    }

    /// CRC-32 (the one of ZIP and PNG) of the bytes, by zlib, in chunks that fit its counters.
    public static func checksum(_ data: Data) -> UInt32 {
        data.withUnsafeBytes { raw in
            var crc = crc32(0, nil, 0)
            var offset = 0
            while offset < raw.count {
                let n = min(1 << 30, raw.count - offset)
                crc = crc32(crc, raw.baseAddress!.assumingMemoryBound(to: Bytef.self) + offset, uInt(n))
                offset += n
            }
            return UInt32(crc)
        }
    }
}

/// The ways one entry can fail while expanding, turned into plain sentences.
private enum ZipEntryFailure {
    case corrupt(String)
    case sizeMismatch(String, declared: Int, bigger: Bool)

    var error: LabError {
        switch self {
        case .corrupt(let name):
            return LabError(.unprocessable, "zip_entry_corrupt",
                            "The file '\(name)' in the ZIP is damaged and cannot be unpacked. Annolab left it out. Upload the archive again; if that does not help, pack the files again.")
        case .sizeMismatch(let name, let declared, let bigger):
            return LabError(.unprocessable, "zip_entry_size_mismatch",
                            "The file '\(name)' in the ZIP unpacks to \(bigger ? "more" : "less") than the \(declared) bytes the archive says. Annolab left it out, because a wrong size can be a trick to overload the server. Pack the files again with a normal ZIP tool.")
        }
    }

    static func corruptError(_ name: String) -> LabError { ZipEntryFailure.corrupt(name).error }
    static func sizeMismatchError(_ name: String, declared: Int, bigger: Bool) -> LabError {
        ZipEntryFailure.sizeMismatch(name, declared: declared, bigger: bigger).error
    }
}
