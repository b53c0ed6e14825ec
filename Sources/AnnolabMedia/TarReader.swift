// A tar reader that hands out a backup's entries one by one and refuses a cut-off or damaged archive.
import AnnolabCore
import Foundation

/// Reads the entries of a tar archive one by one, refusing one cut off or with a bad header.
struct TarReader {
    struct Entry {
        var name: String
        var size: Int64
        var type: UInt8
        /// Where the entry's header starts in the file.
        var offset: Int64
        var isFile: Bool { type == UInt8(ascii: "0") || type == 0 }
        var isDirectory: Bool { type == UInt8(ascii: "5") }
    }

    let handle: FileHandle
    private(set) var offset: Int64 = 0

    init(handle: FileHandle) { self.handle = handle }

    /// The next entry, or nil at the archive's end (an empty block).
    mutating func next() throws -> Entry? {
        var overrides: [String: String] = [:]
        while true {
            let start = offset
            let block = [UInt8](try read(exactly: 512))
            if block.allSatisfy({ $0 == 0 }) {
                // The end is two empty blocks; a file cut between them is cut all the same.
                guard try read(exactly: 512).allSatisfy({ $0 == 0 }) else {
                    throw LabBackup.damaged("an empty block is followed by data", at: start)
                }
                return nil
            }
            let stored = Self.number(block[148..<156])
            let sum = block.enumerated().reduce(Int64(0)) { $0 + Int64(148..<156 ~= $1.offset ? 32 : $1.element) }
            guard let stored, stored == sum else { throw LabBackup.damaged("a header's checksum does not match", at: start) }
            guard var size = Self.number(block[124..<136]) else { throw LabBackup.damaged("a header's size is unreadable", at: start) }
            let type = block[156]
            if type == UInt8(ascii: "x") || type == UInt8(ascii: "g") {
                guard size <= 1 << 20 else { throw LabBackup.damaged("an extended header is too large", at: start) }
                let records = try read(exactly: Int(size))
                try skipPadding(size)
                if type == UInt8(ascii: "x") { overrides = try Self.paxRecords(records, at: start) }
                continue
            }
            var name = Self.text(block[0..<100])
            let prefix = Self.text(block[345..<500])
            if !prefix.isEmpty { name = prefix + "/" + name }
            if let path = overrides["path"] { name = path }
            if let value = overrides["size"] {
                guard let parsed = Int64(value), parsed >= 0 else { throw LabBackup.damaged("an extended size is unreadable", at: start) }
                size = parsed
            }
            if type == UInt8(ascii: "5"), name.hasSuffix("/") { name.removeLast() }
            return Entry(name: name, size: size, type: type, offset: start)
        }
    }

    /// Streams an entry's bytes to `body` a megabyte at a time, then skips its padding.
    mutating func read(_ entry: Entry, into body: (Data) throws -> Void) throws {
        var left = entry.size
        while left > 0 {
            let chunk = try read(exactly: Int(min(Int64(TarWriter.chunk), left)))
            try body(chunk)
            left -= Int64(chunk.count)
        }
        try skipPadding(entry.size)
    }

    mutating func readAll(_ entry: Entry) throws -> Data {
        var all = Data()
        try read(entry) { all.append($0) }
        return all
    }

    private mutating func skipPadding(_ size: Int64) throws {
        let rest = Int((512 - size % 512) % 512)
        if rest > 0 { _ = try read(exactly: rest) }
    }

    private mutating func read(exactly count: Int) throws -> Data {
        var data = Data()
        while data.count < count {
            guard let chunk = try handle.read(upToCount: count - data.count), !chunk.isEmpty else {
                throw LabError(.unprocessable, "backup_truncated",
                               "The backup file ends early, at byte \(offset + Int64(data.count)): it was cut off while being written or copied. Nothing was restored; use another backup.")
            }
            data.append(chunk)
        }
        offset += Int64(count)
        return data
    }

    /// An octal field, NUL- or space-terminated.
    static func number(_ field: ArraySlice<UInt8>) -> Int64? {
        let digits = field.drop { $0 == 32 }.prefix { $0 != 0 && $0 != 32 }
        guard !digits.isEmpty || field.allSatisfy({ $0 == 0 }) else { return nil }
        var value: Int64 = 0
        for digit in digits {
            guard (48...55).contains(digit), value < Int64.max >> 3 else { return nil }
            value = value * 8 + Int64(digit - 48)
        }
        return value
    }

    static func text(_ field: ArraySlice<UInt8>) -> String {
        String(decoding: field.prefix { $0 != 0 }, as: UTF8.self)
    }

    static func paxRecords(_ data: Data, at offset: Int64) throws -> [String: String] {
        var records: [String: String] = [:]
        var bytes = [UInt8](data)[...]
        while !bytes.isEmpty {
            let start = bytes.startIndex
            guard let space = bytes.firstIndex(of: UInt8(ascii: " ")),
                  let length = Int(String(decoding: bytes[start..<space], as: UTF8.self)),
                  length > space - start + 1, length <= bytes.count, bytes[start + length - 1] == UInt8(ascii: "\n"),
                  let equals = bytes[(space + 1)...].firstIndex(of: UInt8(ascii: "=")), equals < start + length
            else { throw LabBackup.damaged("an extended header is unreadable", at: offset) }
            records[String(decoding: bytes[(space + 1)..<equals], as: UTF8.self)] =
                String(decoding: bytes[(equals + 1)..<(start + length - 1)], as: UTF8.self)
            bytes = bytes[(start + length)...]
        }
        return records
    }
}
