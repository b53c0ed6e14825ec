// Builds ZIP archives byte by byte for tests, including the broken and hostile ones no normal tool makes.
// Used by the ZIP listing (AnnolabCore) and extraction (AnnolabMedia) tests alike.

/// One file in a test archive; every header field can be set to a lie.
struct TestZipEntry {
    var name: [UInt8]
    var packed: [UInt8]
    var method: UInt16 = 0
    var flags: UInt16 = 0
    var crc: UInt32
    var compressedSize: UInt32
    var uncompressedSize: UInt32
    /// Unix mode in the upper 16 bits, as Info-ZIP writes it.
    var externalAttributes: UInt32 = 0o100644 << 16
    /// Host 3 (Unix), version 3.0.
    var madeBy: UInt16 = 0x031E
    var centralExtra: [UInt8] = []
    /// The name in the local header, when it should differ from the central one.
    var localName: [UInt8]?
    /// Where the central directory says the local header is, when it should lie.
    var localOffsetOverride: UInt32?

    static func stored(_ name: String, _ data: [UInt8]) -> TestZipEntry {
        TestZipEntry(name: Array(name.utf8), packed: data, crc: zipCRC32(data),
                     compressedSize: UInt32(data.count), uncompressedSize: UInt32(data.count))
    }

    static func folder(_ name: String) -> TestZipEntry {
        var entry = stored(name, [])
        entry.externalAttributes = 0o040755 << 16
        return entry
    }
}

struct TestZipBuilder {
    var entries: [TestZipEntry]
    var comment: [UInt8] = []
    /// Bytes before the archive, like the program of a self-extracting archive.
    var prefix: [UInt8] = []
    /// Write ZIP64 end records (and ZIP64 sizes in every entry).
    var zip64 = false
    /// Claim a different number of entries than there are.
    var entryCountOverride: UInt16?

    init(_ entries: [TestZipEntry]) { self.entries = entries }

    func bytes() -> [UInt8] {
        var out: [UInt8] = []
        var offsets: [UInt32] = []
        for entry in entries {
            offsets.append(UInt32(out.count))
            let name = entry.localName ?? entry.name
            out += zipLE32(0x0403_4B50) + zipLE16(20) + zipLE16(entry.flags) + zipLE16(entry.method) + zipLE16(0) + zipLE16(0x5A21)
            out += zipLE32(entry.crc) + zipLE32(entry.compressedSize) + zipLE32(entry.uncompressedSize)
            out += zipLE16(UInt16(name.count)) + zipLE16(0) + name + entry.packed
        }
        let directoryStart = UInt32(out.count)
        for (entry, offset) in zip(entries, offsets) {
            var extra = entry.centralExtra
            var compressed = entry.compressedSize, uncompressed = entry.uncompressedSize
            var localOffset = entry.localOffsetOverride ?? offset
            if zip64 {
                extra += zipLE16(0x0001) + zipLE16(24) + zipLE64(UInt64(uncompressed)) + zipLE64(UInt64(compressed)) + zipLE64(UInt64(localOffset))
                compressed = 0xFFFF_FFFF; uncompressed = 0xFFFF_FFFF; localOffset = 0xFFFF_FFFF
            }
            out += zipLE32(0x0201_4B50) + zipLE16(entry.madeBy) + zipLE16(zip64 ? 45 : 20) + zipLE16(entry.flags) + zipLE16(entry.method)
            out += zipLE16(0) + zipLE16(0x5A21) + zipLE32(entry.crc) + zipLE32(compressed) + zipLE32(uncompressed)
            out += zipLE16(UInt16(entry.name.count)) + zipLE16(UInt16(extra.count)) + zipLE16(0) + zipLE16(0) + zipLE16(0)
            out += zipLE32(entry.externalAttributes) + zipLE32(localOffset) + entry.name + extra
        }
        let directorySize = UInt32(out.count) - directoryStart
        let count = entryCountOverride ?? UInt16(entries.count)
        if zip64 {
            let recordStart = UInt64(out.count)
            out += zipLE32(0x0606_4B50) + zipLE64(44) + zipLE16(45) + zipLE16(45) + zipLE32(0) + zipLE32(0)
            out += zipLE64(UInt64(count)) + zipLE64(UInt64(count)) + zipLE64(UInt64(directorySize)) + zipLE64(UInt64(directoryStart))
            out += zipLE32(0x0706_4B50) + zipLE32(0) + zipLE64(recordStart) + zipLE32(1)
            out += zipLE32(0x0605_4B50) + zipLE16(0) + zipLE16(0) + zipLE16(0xFFFF) + zipLE16(0xFFFF)
            out += zipLE32(0xFFFF_FFFF) + zipLE32(0xFFFF_FFFF) + zipLE16(UInt16(comment.count)) + comment
        } else {
            out += zipLE32(0x0605_4B50) + zipLE16(0) + zipLE16(0) + zipLE16(count) + zipLE16(count)
            out += zipLE32(directorySize) + zipLE32(directoryStart) + zipLE16(UInt16(comment.count)) + comment
        }
        return prefix + out
    }
}

func zipLE16(_ v: UInt16) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8)] }
func zipLE32(_ v: UInt32) -> [UInt8] { zipLE16(UInt16(v & 0xFFFF)) + zipLE16(UInt16(v >> 16)) }
func zipLE64(_ v: UInt64) -> [UInt8] { zipLE32(UInt32(v & 0xFFFF_FFFF)) + zipLE32(UInt32(v >> 32)) }

func zipCRC32(_ bytes: [UInt8]) -> UInt32 {
    var crc: UInt32 = 0xFFFF_FFFF
    for byte in bytes {
        crc ^= UInt32(byte)
        for _ in 0..<8 { crc = crc & 1 != 0 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
    }
    return ~crc
}
