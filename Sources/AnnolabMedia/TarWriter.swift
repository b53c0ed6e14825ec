// A POSIX (ustar) tar writer that streams a backup's entries into a file.
import AnnolabCore
import CZlib
import Foundation

/// Writes POSIX (ustar) tar entries, with a pax header for a name or size ustar cannot hold.
struct TarWriter {
    let handle: FileHandle
    private(set) var bytes: Int64 = 0
    static let chunk = 1 << 20

    init(handle: FileHandle) { self.handle = handle }

    mutating func add(name: String, data: Data, modified: Date) throws {
        try header(name: name, size: Int64(data.count), modified: modified)
        try emit(data)
        try pad(Int64(data.count))
    }

    /// Streams exactly `size` bytes of `source` into an entry and returns their CRC-32.
    mutating func add(name: String, size: Int64, modified: Date, from source: FileHandle) throws -> UInt32 {
        try header(name: name, size: size, modified: modified)
        var crc = CZlib.crc32(0, nil, 0)
        var left = size
        while left > 0 {
            guard let chunk = try source.read(upToCount: Int(min(Int64(Self.chunk), left))), !chunk.isEmpty else {
                throw LabError(.internalFailure, "backup_read_failed",
                               "The file \(name) became shorter while it was being backed up. Back up again.")
            }
            crc = LabBackup.update(crc, chunk)
            try emit(chunk)
            left -= Int64(chunk.count)
        }
        try pad(size)
        return UInt32(crc)
    }

    /// The end of the archive: two empty blocks.
    mutating func finish() throws {
        try emit(Data(count: 1024))
    }

    private mutating func header(name: String, size: Int64, modified: Date) throws {
        let path = Array(name.utf8)
        var shortName = path
        var prefix: [UInt8] = []
        var pax: [(String, String)] = []
        if path.count > 100 {
            // ustar keeps up to 155 bytes before a '/' apart from the last 100.
            if let slash = path.indices.last(where: { path[$0] == UInt8(ascii: "/") && $0 <= 155 && path.count - $0 - 1 <= 100 && $0 > 0 }) {
                prefix = Array(path[..<slash])
                shortName = Array(path[(slash + 1)...])
            } else {
                pax.append(("path", name))
                shortName = Array(path.suffix(100))
            }
        }
        let largest: Int64 = 0o77777777777
        if size > largest { pax.append(("size", String(size))) }
        if !pax.isEmpty {
            let records = Data(pax.map(Self.paxRecord).joined().utf8)
            try emit(Self.block(name: Array("PaxHeader/entry".utf8), prefix: [], size: Int64(records.count),
                                modified: modified, type: UInt8(ascii: "x")))
            try emit(records)
            try pad(Int64(records.count))
        }
        try emit(Self.block(name: shortName, prefix: prefix, size: size > largest ? 0 : size, modified: modified,
                            type: UInt8(ascii: "0")))
    }

    /// "LENGTH key=value\n", where LENGTH counts the whole record, its own digits included.
    static func paxRecord(_ record: (key: String, value: String)) -> String {
        let body = " \(record.key)=\(record.value)\n"
        var length = body.utf8.count + String(body.utf8.count).count
        if String(length).count > String(body.utf8.count).count { length += 1 }
        return "\(length)\(body)"
    }

    static func block(name: [UInt8], prefix: [UInt8], size: Int64, modified: Date, type: UInt8) -> Data {
        var block = [UInt8](repeating: 0, count: 512)
        func put(_ bytes: [UInt8], at offset: Int) { for (i, byte) in bytes.enumerated() { block[offset + i] = byte } }
        func octal(_ value: Int64, width: Int, at offset: Int) {
            let digits = String(value, radix: 8)
            put(Array((String(repeating: "0", count: max(0, width - 1 - digits.count)) + digits).utf8), at: offset)
        }
        put(Array(name.prefix(100)), at: 0)
        octal(0o644, width: 8, at: 100)
        octal(0, width: 8, at: 108)
        octal(0, width: 8, at: 116)
        octal(size, width: 12, at: 124)
        octal(max(0, Int64(modified.timeIntervalSince1970)), width: 12, at: 136)
        put(Array("        ".utf8), at: 148)
        block[156] = type
        put(Array("ustar\u{0}00".utf8), at: 257)
        put(Array(prefix.prefix(155)), at: 345)
        let sum = block.reduce(0) { $0 + Int64($1) }
        octal(sum, width: 7, at: 148)   // six digits, NUL, space
        block[154] = 0
        return Data(block)
    }

    private mutating func pad(_ size: Int64) throws {
        let rest = Int((512 - size % 512) % 512)
        if rest > 0 { try emit(Data(count: rest)) }
    }

    private mutating func emit(_ data: Data) throws {
        try handle.write(contentsOf: data)
        bytes += Int64(data.count)
    }
}
