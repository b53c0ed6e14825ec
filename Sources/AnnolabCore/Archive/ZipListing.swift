// Lists and checks the files in an uploaded ZIP archive before a single byte is expanded.

import Foundation

/// The checked table of contents of a ZIP archive.
///
/// Reading goes: find the End of Central Directory record (in the last 65,557 bytes), follow
/// the ZIP64 records when the archive has them, read every central directory entry, check its
/// name, method, sizes and local header, and apply the `ZipLimits`. Problems that make the whole
/// archive unusable are thrown; problems with one file land in `problems`, so the client can be
/// told which files were left out and why.
///
/// ```swift
/// let listing = try ZipListing.read(upload)
/// for problem in listing.problems { print(problem.name, problem.error.message) }
/// ```
public struct ZipListing: Sendable {
    /// Files that passed every check, in archive order.
    public var entries: [ZipEntry]
    /// Names of folders and macOS system files that were left out on purpose.
    public var skipped: [String]
    /// Files that were refused, each with its reason.
    public var problems: [ZipEntryProblem]

    public init(entries: [ZipEntry], skipped: [String], problems: [ZipEntryProblem]) {
        self.entries = entries
        self.skipped = skipped
        self.problems = problems
    }

    /// Reads and checks the table of contents of `archive`.
    ///
    /// - Throws: `LabError` with code `zip_not_zip`, `zip_corrupt`, `zip_split_archive`,
    ///   `zip_too_many_entries`, `zip_too_large` or `zip_overlapping_entries`.
    public static func read(_ archive: Data, limits: ZipLimits = ZipLimits()) throws -> ZipListing {
        try archive.withUnsafeBytes { (raw: UnsafeRawBufferPointer) throws -> ZipListing in
            try read(bytes: ZipBytes(raw), limits: limits)
        }
    }

    /// Throws the first per-file problem, for callers that accept an archive only when it is whole.
    public func requireNoProblems() throws {
        if let first = problems.first { throw first.error }
    }

    // MARK: - Reading

    private static let eocdSignature: UInt32 = 0x0605_4B50
    private static let zip64LocatorSignature: UInt32 = 0x0706_4B50
    private static let zip64EOCDSignature: UInt32 = 0x0606_4B50
    private static let centralSignature: UInt32 = 0x0201_4B50
    private static let localSignature: UInt32 = 0x0403_4B50

    private struct Directory {
        var entryCount: Int
        var size: Int
        var offset: Int
        /// Where the central directory ends: the ZIP64 record or the EOCD record.
        var end: Int
    }

    private static func read(bytes: ZipBytes, limits: ZipLimits) throws -> ZipListing {
        let directory = try findDirectory(bytes)
        guard directory.entryCount <= limits.maxEntries else {
            throw LabError(.tooLarge, "zip_too_many_entries",
                           "This ZIP holds \(directory.entryCount) files; Annolab takes at most \(limits.maxEntries) in one upload. Split the files over several ZIP archives and upload them one by one.")
        }
        // Bytes in front of the archive (a self-extracting stub) shift every offset by the same amount.
        let shift = directory.end - directory.size - directory.offset
        guard shift >= 0 else { throw corrupt("its table of contents lies outside the file") }
        let start = directory.offset + shift
        // Every entry takes at least 46 bytes, so a count the directory cannot hold is a lie.
        guard directory.entryCount <= directory.size / 46 else {
            throw corrupt("its table of contents is shorter than the number of files it claims")
        }

        var entries: [ZipEntry] = []
        var skipped: [String] = []
        var problems: [ZipEntryProblem] = []
        var seenNames = Set<String>()
        var declaredTotal = 0
        var position = start
        entries.reserveCapacity(directory.entryCount)

        for _ in 0..<directory.entryCount {
            guard position + 46 <= directory.end, bytes.u32(position) == centralSignature else {
                throw corrupt("its table of contents is damaged")
            }
            let header = try CentralHeader(bytes, at: position, directoryEnd: directory.end)
            position = header.next

            let shown = ZipEntryName.display(header.name ?? ZipEntryName.decodeCP437(header.rawName))
            guard let decoded = header.name else {
                problems.append(ZipEntryProblem(name: shown, error: LabError(
                    .unprocessable, "zip_entry_bad_name",
                    "The name of the file '\(shown)' in the ZIP is not valid text. Annolab left it out. Rename the file and pack the archive again.")))
                continue
            }
            let safeName: String
            switch ZipEntryName.verdict(for: decoded) {
            case .skip:
                skipped.append(shown)
                continue
            case .refuse(let error):
                problems.append(ZipEntryProblem(name: shown, error: error))
                continue
            case .keep(let name):
                safeName = name
            }
            if header.isDirectoryByAttributes && header.uncompressedSize == 0 {
                skipped.append(shown)
                continue
            }
            switch check(header, name: shown, shift: shift, directoryStart: start, bytes: bytes, limits: limits) {
            case .failure(let error):
                problems.append(ZipEntryProblem(name: shown, error: error))
            case .success(let dataOffset):
                guard seenNames.insert(safeName).inserted else {
                    problems.append(ZipEntryProblem(name: shown, error: LabError(
                        .unprocessable, "zip_entry_duplicate",
                        "The ZIP holds two files named '\(shown)'. Annolab kept the first and left out the second. Rename one of them and upload it again.")))
                    continue
                }
                declaredTotal += header.uncompressedSize
                guard declaredTotal <= limits.maxTotalBytes else {
                    throw LabError(.tooLarge, "zip_too_large",
                                   "The files in this ZIP add up to more than \(megabytes(limits.maxTotalBytes)) when unpacked, the most Annolab takes in one upload. Split the files over several ZIP archives.")
                }
                entries.append(ZipEntry(
                    name: safeName, rawName: header.rawName, method: header.method, flags: header.flags,
                    crc32: header.crc32, compressedSize: header.compressedSize,
                    uncompressedSize: header.uncompressedSize,
                    localHeaderOffset: header.localHeaderOffset + shift, dataOffset: dataOffset))
            }
        }
        try refuseOverlaps(entries)
        return ZipListing(entries: entries, skipped: skipped, problems: problems)
    }

    /// Finds the End of Central Directory record, searching back over at most a maximal comment.
    private static func findDirectory(_ bytes: ZipBytes) throws -> Directory {
        let count = bytes.count
        guard count >= 22 else { throw notZip }
        let lowest = max(0, count - 65_557)
        var candidate = count - 22
        var exact: Int?, fitting: Int?
        // A comment may itself contain the signature; the record whose comment ends exactly at
        // the end of the file is the real one. Failing that, take the last one that fits
        // (some tools leave bytes after the archive).
        while candidate >= lowest && exact == nil {
            if bytes.u32(candidate) == eocdSignature {
                let end = candidate + 22 + Int(bytes.u16(candidate + 20))
                if end == count { exact = candidate } else if end < count && fitting == nil { fitting = candidate }
            }
            candidate -= 1
        }
        guard let eocd = exact ?? fitting else { throw notZip }

        let disk = bytes.u16(eocd + 4), directoryDisk = bytes.u16(eocd + 6)
        let onThisDisk = bytes.u16(eocd + 8), total = bytes.u16(eocd + 10)
        let size = bytes.u32(eocd + 12), offset = bytes.u32(eocd + 16)

        // A ZIP64 locator sits right before the EOCD record when the archive has ZIP64 records.
        if eocd >= 20, bytes.u32(eocd - 20) == zip64LocatorSignature {
            return try readZip64Directory(bytes, locator: eocd - 20)
        }
        if total == 0xFFFF || size == 0xFFFF_FFFF || offset == 0xFFFF_FFFF {
            throw corrupt("it says it is a ZIP64 archive but has no ZIP64 record")
        }
        guard disk == 0, directoryDisk == 0, onThisDisk == total else { throw splitArchive }
        return Directory(entryCount: Int(total), size: Int(size), offset: Int(offset), end: eocd)
    }

    private static func readZip64Directory(_ bytes: ZipBytes, locator: Int) throws -> Directory {
        let recordDisk = bytes.u32(locator + 4), diskCount = bytes.u32(locator + 16)
        guard recordDisk == 0, diskCount <= 1 else { throw splitArchive }
        // The record's offset may be shifted by a stub in front, like every other offset, so
        // look for it right before the locator first and use the stated offset only as a check.
        let stated = bytes.u64(locator + 8)
        var record = -1
        for guess in [locator - 56, stated.flatMap { Int(exactly: $0) } ?? -1] where guess >= 0 {
            if guess + 56 <= locator, bytes.u32(guess) == zip64EOCDSignature { record = guess; break }
        }
        guard record >= 0 else { throw corrupt("its ZIP64 record is missing") }
        let disk = bytes.u32(record + 16), directoryDisk = bytes.u32(record + 20)
        guard disk == 0, directoryDisk == 0 else { throw splitArchive }
        guard let onThisDisk = bytes.u64(record + 24).flatMap({ Int(exactly: $0) }),
              let total = bytes.u64(record + 32).flatMap({ Int(exactly: $0) }),
              let size = bytes.u64(record + 40).flatMap({ Int(exactly: $0) }),
              let offset = bytes.u64(record + 48).flatMap({ Int(exactly: $0) }),
              total >= 0, size >= 0, offset >= 0, size <= bytes.count, offset <= bytes.count
        else { throw corrupt("its ZIP64 record has impossible sizes") }
        guard onThisDisk == total else { throw splitArchive }
        return Directory(entryCount: total, size: size, offset: offset, end: record)
    }

    /// Checks one entry's method, sizes and local header; gives where its packed bytes begin.
    private static func check(_ header: CentralHeader, name: String, shift: Int, directoryStart: Int,
                              bytes: ZipBytes, limits: ZipLimits) -> Result<Int, LabError> {
        if header.isSymlink {
            return .failure(LabError(.unprocessable, "zip_entry_symlink",
                                     "The file '\(name)' in the ZIP is a link to another file, not a file itself. Annolab left it out. Pack the real file instead."))
        }
        if header.flags & 0x0001 != 0 || header.method == 99 {
            return .failure(LabError(.unprocessable, "zip_entry_encrypted",
                                     "The file '\(name)' in the ZIP is protected with a password. Annolab cannot open it. Pack the files again without a password."))
        }
        guard header.method == 0 || header.method == 8 else {
            return .failure(LabError(.unsupportedMedia, "zip_entry_unsupported_method",
                                     "The file '\(name)' in the ZIP is packed in a way Annolab cannot unpack (method \(header.method)). Pack the files again with normal ZIP compression (deflate)."))
        }
        guard header.compressedSize >= 0, header.uncompressedSize >= 0 else {
            return .failure(corruptEntry(name))
        }
        if header.uncompressedSize > limits.maxEntryBytes {
            return .failure(LabError(.tooLarge, "zip_entry_too_large",
                                     "The file '\(name)' in the ZIP is \(megabytes(header.uncompressedSize)) when unpacked; one file may be at most \(megabytes(limits.maxEntryBytes)). Make the file smaller or upload it on its own."))
        }
        if header.method == 0 && header.compressedSize != header.uncompressedSize {
            return .failure(corruptEntry(name))
        }
        if header.uncompressedSize >= limits.ratioCheckFromBytes,
           Double(header.uncompressedSize) > Double(max(header.compressedSize, 1)) * limits.maxCompressionRatio {
            return .failure(LabError(.unprocessable, "zip_entry_too_compressed",
                                     "The file '\(name)' in the ZIP would grow more than \(Int(limits.maxCompressionRatio)) times when unpacked. Files like that can overload the server, so Annolab left it out. If the file is real data, upload it on its own without a ZIP."))
        }
        // The local header repeats the name; its extra field may differ in length from the central one.
        let local = header.localHeaderOffset + shift
        guard local >= 0, local + 30 <= directoryStart, bytes.u32(local) == localSignature else {
            return .failure(corruptEntry(name))
        }
        let nameLength = Int(bytes.u16(local + 26)), extraLength = Int(bytes.u16(local + 28))
        let dataOffset = local + 30 + nameLength + extraLength
        guard dataOffset <= directoryStart, header.compressedSize <= directoryStart - dataOffset,
              bytes.slice(local + 30, nameLength) == header.rawName
        else { return .failure(corruptEntry(name)) }
        return .success(dataOffset)
    }

    /// Refuses archives whose entries share packed bytes: the trick behind the densest zip bombs.
    private static func refuseOverlaps(_ entries: [ZipEntry]) throws {
        let ordered = entries.sorted { $0.localHeaderOffset < $1.localHeaderOffset }
        for (earlier, later) in zip(ordered, ordered.dropFirst())
        where earlier.dataOffset + earlier.compressedSize > later.localHeaderOffset {
            throw LabError(.unprocessable, "zip_overlapping_entries",
                           "The files '\(ZipEntryName.display(earlier.name))' and '\(ZipEntryName.display(later.name))' in this ZIP share the same packed bytes. That is a trick to overload servers, so Annolab refuses the archive. Pack the files again with a normal ZIP tool.")
        }
    }

    private static func megabytes(_ bytes: Int) -> String {
        bytes >= 1 << 30 && bytes % (1 << 30) == 0 ? "\(bytes >> 30) GB" : "\((bytes + (1 << 20) - 1) >> 20) MB"
    }

    static var notZip: LabError {
        LabError(.unsupportedMedia, "zip_not_zip",
                 "This file is not a ZIP archive, or its end is missing. Upload a ZIP made with a normal ZIP tool, or upload the files one by one.")
    }
    static var splitArchive: LabError {
        LabError(.unsupportedMedia, "zip_split_archive",
                 "This ZIP is one part of an archive split over several files. Annolab takes whole archives only. Pack the files again into one ZIP.")
    }
    static func corrupt(_ what: String) -> LabError {
        LabError(.unprocessable, "zip_corrupt",
                 "This ZIP archive is damaged: \(what). Upload it again; if that does not help, pack the files again.")
    }
    static func corruptEntry(_ name: String) -> LabError {
        LabError(.unprocessable, "zip_entry_corrupt",
                 "The file '\(name)' in the ZIP is damaged. Annolab left it out. Pack the files again and upload the archive again.")
    }
}

/// One central directory file header, with its ZIP64 sizes resolved.
private struct CentralHeader {
    var rawName: [UInt8]
    var name: String?
    var method: UInt16
    var flags: UInt16
    var crc32: UInt32
    var compressedSize: Int
    var uncompressedSize: Int
    var localHeaderOffset: Int
    var isSymlink: Bool
    var isDirectoryByAttributes: Bool
    /// Where the next header starts.
    var next: Int

    init(_ bytes: ZipBytes, at position: Int, directoryEnd: Int) throws {
        let madeBy = bytes.u16(position + 4)
        flags = bytes.u16(position + 8)
        method = bytes.u16(position + 10)
        crc32 = bytes.u32(position + 16)
        var compressed = UInt64(bytes.u32(position + 20))
        var uncompressed = UInt64(bytes.u32(position + 24))
        let nameLength = Int(bytes.u16(position + 28))
        let extraLength = Int(bytes.u16(position + 30))
        let commentLength = Int(bytes.u16(position + 32))
        let externalAttributes = bytes.u32(position + 38)
        var offset = UInt64(bytes.u32(position + 42))
        next = position + 46 + nameLength + extraLength + commentLength
        guard next <= directoryEnd else { throw ZipListing.corrupt("its table of contents is cut off") }
        rawName = bytes.slice(position + 46, nameLength)

        var unicodePath: String?
        var extra = position + 46 + nameLength
        let extraEnd = extra + extraLength
        while extra + 4 <= extraEnd {
            let id = bytes.u16(extra), length = Int(bytes.u16(extra + 2))
            let body = extra + 4
            guard body + length <= extraEnd else { break }
            if id == 0x0001 {
                // ZIP64 sizes appear only for the fields that are saturated, in this order.
                var field = body
                func take(_ value: inout UInt64) {
                    guard value == 0xFFFF_FFFF, field + 8 <= body + length, let wide = bytes.u64(field) else { return }
                    value = wide
                    field += 8
                }
                take(&uncompressed)
                take(&compressed)
                take(&offset)
            } else if id == 0x7075, length >= 5, bytes.slice(body, 1) == [1],
                      bytes.u32(body + 1) == ZipCRC32.checksum(rawName) {
                unicodePath = String(validating: bytes.slice(body + 5, length - 5), as: UTF8.self)
            }
            extra = body + length
        }
        name = ZipEntryName.decode(rawName, utf8Flag: flags & 0x0800 != 0, unicodePath: unicodePath)

        // Sizes beyond Int are impossible in memory; -1 marks them for the size checks.
        compressedSize = Int(exactly: compressed) ?? -1
        uncompressedSize = Int(exactly: uncompressed) ?? -1
        localHeaderOffset = Int(exactly: offset) ?? -1
        if localHeaderOffset < 0 { throw ZipListing.corrupt("a file's position is impossible") }

        // Unix tools keep the file mode in the upper half of the external attributes.
        let host = madeBy >> 8
        let mode = externalAttributes >> 16
        isSymlink = host == 3 && mode & 0o170000 == 0o120000
        isDirectoryByAttributes = (host == 3 && mode & 0o170000 == 0o040000)
            || (host == 0 && externalAttributes & 0x10 != 0)
    }
}

/// Bounds-checked little-endian reads from an archive in memory; reads past the end give 0.
private struct ZipBytes {
    let raw: UnsafeRawBufferPointer
    init(_ raw: UnsafeRawBufferPointer) { self.raw = raw }

    var count: Int { raw.count }

    func u16(_ at: Int) -> UInt16 {
        guard at >= 0, at + 2 <= raw.count else { return 0 }
        return UInt16(raw[at]) | UInt16(raw[at + 1]) << 8
    }
    func u32(_ at: Int) -> UInt32 {
        guard at >= 0, at + 4 <= raw.count else { return 0 }
        return UInt32(u16(at)) | UInt32(u16(at + 2)) << 16
    }
    func u64(_ at: Int) -> UInt64? {
        guard at >= 0, at + 8 <= raw.count else { return nil }
        return UInt64(u32(at)) | UInt64(u32(at + 4)) << 32
    }
    func slice(_ at: Int, _ length: Int) -> [UInt8] {
        guard at >= 0, length >= 0, at + length <= raw.count else { return [] }
        return Array(raw[at..<(at + length)])
    }
}

/// CRC-32 (the ZIP polynomial), only for checking Unicode Path extra fields against raw names.
enum ZipCRC32 {
    private static let table: [UInt32] = (0..<256).map { n -> UInt32 in
        var c = UInt32(n)
        for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    static func checksum(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes { crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
        return crc ^ 0xFFFF_FFFF
    }
}
