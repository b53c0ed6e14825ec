// A ZIP archive written entry by entry as it is made: stored entries, ZIP64 when the archive needs it.
import AnnolabCore
import CZlib
import Foundation

/// Writes a ZIP archive in one pass: each entry's local header and bytes as it is added, the
/// central directory at the end. Entries are stored (not compressed) with their CRC-32 and
/// sizes in the local header (each entry is whole in memory when added, so no data
/// descriptors are needed), names are UTF-8 (flag bit 11), and every entry carries the same
/// fixed time (2026-01-01 00:00), so the same files always give the same bytes.
///
/// The central directory waits in an ``ExportSpill`` when one is given (a project of a
/// million pictures has a directory of tens of megabytes), else in memory. ZIP64 records are
/// added only when the archive needs them (65,535 entries or more, or 4 GiB of data or
/// directory); smaller archives are exactly the classic format.
///
/// ```swift
/// var zip = ZipStreamWriter()
/// var out = ExportBytes()
/// try zip.add(name: "classes.txt", data: Array("car\n".utf8), into: &out)
/// while try zip.finish(into: &out) {}
/// ```
public struct ZipStreamWriter: Sendable {
    private var written: Int64 = 0
    private var entries: Int64 = 0
    private var central: [UInt8] = []
    private var centralSize: Int64 = 0
    private let spill: ExportSpill?
    private var directoryStart: Int64?
    private var directoryDone: Int64 = 0
    private var finished = false
    private var readBuffer: [UInt8] = []

    /// `spill`: where the central directory waits until the end (nil: in memory).
    public init(spill: ExportSpill? = nil) {
        self.spill = spill
    }

    // 2026-01-01 00:00 in DOS time and date.
    private static let dosTime: UInt16 = 0
    private static let dosDate = UInt16(((2026 - 1980) << 9) | (1 << 5) | 1)
    private static let max32 = Int64(UInt32.max)

    /// Appends one entry (local header, then the bytes) to `out`.
    public mutating func add(name: String, data: UnsafeRawBufferPointer, into out: inout ExportBytes) throws {
        precondition(directoryStart == nil, "an entry added after the archive was finished")
        guard Int64(data.count) < Self.max32 else {
            throw LabError(.tooLarge, "export_file_too_large",
                           "The file '\(name)' is larger than 4 GB and cannot be stored in this archive.")
        }
        let nameBytes = Array(name.utf8)
        let crc = Self.crc32(data)
        let size = UInt32(data.count)
        let offset = written
        var header = ExportBytes(capacity: 30 + nameBytes.count)
        header.le32(0x0403_4b50)
        header.le16(20)
        header.le16(0x0800)
        header.le16(0)
        header.le16(Self.dosTime)
        header.le16(Self.dosDate)
        header.le32(crc)
        header.le32(size)
        header.le32(size)
        header.le16(UInt16(truncatingIfNeeded: nameBytes.count))
        header.le16(0)
        header.append(contentsOf: nameBytes)
        out.append(contentsOf: header.bytes)
        out.bytes.append(contentsOf: data)
        written += Int64(header.count + data.count)

        // The central record; an offset past 4 GiB moves into a ZIP64 extra field.
        let needs64 = offset >= Self.max32
        var record = ExportBytes(capacity: 46 + nameBytes.count + 12)
        record.le32(0x0201_4b50)
        record.le16(needs64 ? 45 : 20)
        record.le16(needs64 ? 45 : 20)
        record.le16(0x0800)
        record.le16(0)
        record.le16(Self.dosTime)
        record.le16(Self.dosDate)
        record.le32(crc)
        record.le32(size)
        record.le32(size)
        record.le16(UInt16(truncatingIfNeeded: nameBytes.count))
        record.le16(needs64 ? 12 : 0)
        record.le16(0)
        record.le16(0)
        record.le16(0)
        record.le32(0)
        record.le32(needs64 ? UInt32.max : UInt32(offset))
        record.append(contentsOf: nameBytes)
        if needs64 {
            record.le16(0x0001)
            record.le16(8)
            record.le64(UInt64(offset))
        }
        centralSize += Int64(record.count)
        entries += 1
        if let spill { try spill.append(record.bytes) } else { central.append(contentsOf: record.bytes) }
    }

    public mutating func add(name: String, data: [UInt8], into out: inout ExportBytes) throws {
        try data.withUnsafeBytes { try add(name: name, data: $0, into: &out) }
    }

    /// Appends the next piece of the central directory and end records to `out`; false once
    /// the archive is complete. Call until it returns false.
    public mutating func finish(into out: inout ExportBytes) throws -> Bool {
        guard !finished else { return false }
        let directoryOffset = directoryStart ?? written
        directoryStart = directoryOffset
        if directoryDone < centralSize {
            if let spill {
                let count = Int(min(centralSize - directoryDone, 1 << 20))
                try spill.read(at: directoryDone, count: count, into: &readBuffer)
                out.append(contentsOf: readBuffer)
                directoryDone += Int64(count)
                written += Int64(count)
            } else {
                out.append(contentsOf: central)
                directoryDone = centralSize
                written += centralSize
                central = []
            }
            return true
        }
        let before = out.count
        if entries >= 0xFFFF || centralSize >= Self.max32 || directoryOffset >= Self.max32 {
            let record64 = written
            out.le32(0x0606_4b50)
            out.le64(44)
            out.le16(45)
            out.le16(45)
            out.le32(0)
            out.le32(0)
            out.le64(UInt64(entries))
            out.le64(UInt64(entries))
            out.le64(UInt64(centralSize))
            out.le64(UInt64(directoryOffset))
            out.le32(0x0706_4b50)
            out.le32(0)
            out.le64(UInt64(record64))
            out.le32(1)
        }
        out.le32(0x0605_4b50)
        out.le16(0)
        out.le16(0)
        out.le16(UInt16(min(entries, 0xFFFF)))
        out.le16(UInt16(min(entries, 0xFFFF)))
        out.le32(UInt32(min(centralSize, Self.max32)))
        out.le32(UInt32(min(directoryOffset, Self.max32)))
        out.le16(0)
        written += Int64(out.count - before)
        finished = true
        return true
    }

    /// Bytes of the archive handed out so far.
    public var size: Int64 { written }

    static func crc32(_ data: UnsafeRawBufferPointer) -> UInt32 {
        var crc = CZlib.crc32(0, nil, 0)
        var offset = 0
        while offset < data.count {
            let n = min(1 << 30, data.count - offset)
            crc = CZlib.crc32(crc, data.baseAddress!.assumingMemoryBound(to: Bytef.self) + offset, uInt(n))
            offset += n
        }
        return UInt32(crc)
    }
}

extension ExportBytes {
    /// Little-endian integers, as every ZIP field is.
    mutating func le16(_ value: UInt16) {
        append(byte: UInt8(truncatingIfNeeded: value))
        append(byte: UInt8(truncatingIfNeeded: value >> 8))
    }

    mutating func le32(_ value: UInt32) {
        for shift in stride(from: 0, to: 32, by: 8) { append(byte: UInt8(truncatingIfNeeded: value >> UInt32(shift))) }
    }

    mutating func le64(_ value: UInt64) {
        for shift in stride(from: 0, to: 64, by: 8) { append(byte: UInt8(truncatingIfNeeded: value >> UInt64(shift))) }
    }
}
