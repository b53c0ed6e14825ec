// A lab's backup file: one plain tar archive (database copy, media, speech) that `tar -tvf` lists.
import AnnolabCore
import CZlib
import Foundation

/// Writes and restores a lab's backup file.
///
/// The file is a POSIX tar archive, so anyone can look inside with `tar -tvf lab.tar`. It holds,
/// in this order:
///
/// 1. `annolab-backup.json`, the manifest: format version, the schema the database is at, when
///    it was made and what it holds. It comes first so that a restore refuses a backup it cannot
///    read before unpacking anything.
/// 2. `annolab.sqlite`, a copy made with SQLite's online backup API (see `LabStore.copyDatabase`).
/// 3. Every file of the data folder's `media/` and `speech/` folders (hidden, half-written files
///    left out).
/// 4. `annolab-backup-checksums.txt`, one line per file: CRC-32, size in bytes, path. It comes
///    last, so a file cut off anywhere lacks it.
///
/// Files are streamed a megabyte at a time, so a lab of any size backs up in little memory. The
/// backup is written under a hidden temporary name next to its target and renamed at the end:
/// a half-written backup never carries the finished name.
///
/// ```swift
/// let written = try LabBackup.write(dataFolder: data, to: out) { copy in
///     let facts = try LabStore.copyDatabase(in: data, to: copy)
///     return LabBackup.DatabaseFacts(migrations: facts.migrations, ...)
/// }
/// ```
public enum LabBackup {
    /// The version of this layout; a restore refuses a higher one.
    public static let formatVersion = 1
    public static let formatName = "annolab-backup"
    public static let manifestName = "annolab-backup.json"
    public static let checksumsName = "annolab-backup-checksums.txt"
    public static let databaseName = "annolab.sqlite"
    /// The data folder's folders that are backed up, besides the database.
    public static let folders = ["media", "speech"]

    /// What the database copy holds, told by the store that made it.
    public struct DatabaseFacts: Codable, Sendable, Equatable {
        /// The schema migrations applied to the copy, oldest first.
        public var migrations: [String]
        public var answers: Int
        public var users: Int
        public var projects: Int
        public var microtasks: Int

        public init(migrations: [String], answers: Int, users: Int, projects: Int, microtasks: Int) {
            self.migrations = migrations
            self.answers = answers
            self.users = users
            self.projects = projects
            self.microtasks = microtasks
        }
    }

    /// How much of the lab a backup holds.
    public struct Counts: Codable, Sendable, Equatable {
        public var answers: Int
        public var users: Int
        public var projects: Int
        public var microtasks: Int
        public var mediaFiles: Int
        public var speechFiles: Int
    }

    /// The first file of every backup.
    public struct Manifest: Codable, Sendable, Equatable {
        /// Always "annolab-backup".
        public var format: String
        public var formatVersion: Int
        /// When the database copy was made, UTC, ISO 8601.
        public var createdAt: String
        /// The last schema migration applied to the database copy.
        public var schemaVersion: String
        public var migrations: [String]
        public var counts: Counts
    }

    /// A finished backup file.
    public struct Written: Sendable {
        public var file: URL
        public var bytes: Int64
        public var manifest: Manifest
    }

    /// A finished restore.
    public struct Restored: Sendable {
        public var folder: URL
        /// The bytes of every file unpacked.
        public var bytes: Int64
        public var manifest: Manifest
    }

    // MARK: - Backup

    /// Writes a backup of `dataFolder` to `file`, replacing an older file of that name only once
    /// the new one is complete.
    ///
    /// `copyDatabase` is handed a path next to `file` and must put a consistent copy of the lab's
    /// database there; it runs before the media folders are read, so every media file the copy
    /// refers to is already on disk (imports write their files before the database row).
    public static func write(dataFolder: URL, to file: URL,
                             copyDatabase: (URL) throws -> DatabaseFacts) throws -> Written {
        let files = FileManager.default
        let directory = file.deletingLastPathComponent()
        var isFolder: ObjCBool = false
        guard files.fileExists(atPath: directory.path, isDirectory: &isFolder), isFolder.boolValue else {
            throw LabError(.notFound, "backup_folder_missing",
                           "The folder \(directory.path) does not exist. Make it first, or write the backup elsewhere.")
        }
        let token = UUID().uuidString.prefix(8)
        let partial = directory.appendingPathComponent(".\(file.lastPathComponent).partial-\(token)")
        let copy = directory.appendingPathComponent(".\(file.lastPathComponent).database-\(token)")
        defer {
            try? files.removeItem(at: partial)
            for suffix in ["", "-journal", "-wal", "-shm"] { try? files.removeItem(atPath: copy.path + suffix) }
        }
        let createdAt = Date()
        let facts = try copyDatabase(copy)
        let media = try listFiles(in: dataFolder, folder: "media")
        let speech = try listFiles(in: dataFolder, folder: "speech")
        let manifest = Manifest(
            format: formatName, formatVersion: formatVersion, createdAt: timestamp(createdAt),
            schemaVersion: facts.migrations.last ?? "", migrations: facts.migrations,
            counts: Counts(answers: facts.answers, users: facts.users, projects: facts.projects,
                           microtasks: facts.microtasks, mediaFiles: media.count, speechFiles: speech.count))

        guard files.createFile(atPath: partial.path, contents: nil),
              let handle = FileHandle(forWritingAtPath: partial.path) else {
            throw LabError(.internalFailure, "backup_write_failed",
                           "Cannot write in \(directory.path). Choose a folder you may write in.")
        }
        var tar = TarWriter(handle: handle)
        var sums: [(path: String, crc: UInt32, size: Int64)] = []
        do {
            defer { try? handle.close() }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            let manifestData = try encoder.encode(manifest) + Data("\n".utf8)
            try tar.add(name: manifestName, data: manifestData, modified: createdAt)
            sums.append((manifestName, crc32(manifestData), Int64(manifestData.count)))
            for entry in [ListedFile(path: databaseName, url: copy, size: try size(of: copy), modified: createdAt)] + media + speech {
                guard let source = FileHandle(forReadingAtPath: entry.url.path) else {
                    throw LabError(.internalFailure, "backup_read_failed",
                                   "Cannot read \(entry.url.path). Check that this account may read the whole data folder.")
                }
                defer { try? source.close() }
                let crc = try tar.add(name: entry.path, size: entry.size, modified: entry.modified, from: source)
                sums.append((entry.path, crc, entry.size))
            }
            let list = sums.map { String(format: "%08x", $0.crc) + " \($0.size) \($0.path)\n" }.joined()
            try tar.add(name: checksumsName, data: Data(list.utf8), modified: createdAt)
            try tar.finish()
            try handle.synchronize()
        } catch let error as LabError {
            throw error
        } catch {
            throw LabError(.internalFailure, "backup_write_failed",
                           "Cannot write the backup to \(directory.path): \(error.localizedDescription). Nothing was replaced.")
        }
        guard rename(partial.path, file.path) == 0 else {
            throw LabError(.internalFailure, "backup_write_failed",
                           "Cannot give the backup its name \(file.path): \(String(cString: strerror(errno))).")
        }
        syncFolder(directory)
        return Written(file: file, bytes: tar.bytes, manifest: manifest)
    }

    struct ListedFile {
        var path: String
        var url: URL
        var size: Int64
        var modified: Date
    }

    /// The regular files under `dataFolder/folder`, sorted, leaving out hidden names (files being
    /// written) and links.
    static func listFiles(in dataFolder: URL, folder: String) throws -> [ListedFile] {
        let files = FileManager.default
        let root = dataFolder.appendingPathComponent(folder, isDirectory: true)
        guard files.fileExists(atPath: root.path) else { return [] }
        guard let walk = files.enumerator(atPath: root.path) else {
            throw LabError(.internalFailure, "backup_read_failed", "Cannot read the folder \(root.path).")
        }
        var listed: [ListedFile] = []
        while let relative = walk.nextObject() as? String {
            guard !relative.split(separator: "/").contains(where: { $0.hasPrefix(".") }) else { continue }
            let url = root.appendingPathComponent(relative)
            // A file removed while we walk is simply not in this backup.
            guard let attributes = try? files.attributesOfItem(atPath: url.path),
                  attributes[.type] as? FileAttributeType == .typeRegular else { continue }
            let path = "\(folder)/\(relative)"
            guard isSafe(path) else {
                throw LabError(.internalFailure, "backup_odd_file_name",
                               "The file \(url.path) has a name a backup cannot hold (a line break or backslash). Rename or remove it, then back up again.")
            }
            listed.append(ListedFile(path: path, url: url, size: (attributes[.size] as? NSNumber)?.int64Value ?? 0,
                                     modified: attributes[.modificationDate] as? Date ?? Date()))
        }
        return listed.sorted { $0.path < $1.path }
    }

    // MARK: - Restore

    /// Unpacks the backup `file` into the new folder `target`, which must not exist or be empty.
    ///
    /// Everything is unpacked into a hidden folder next to `target` and moved into place only
    /// when every file matched its checksum and `checkDatabase` (given the unpacked database)
    /// passed; on any failure that folder is removed, so nothing half-written is left.
    /// `accept` sees the manifest before anything is unpacked and may refuse it (a schema this
    /// Annolab does not know).
    public static func restore(from file: URL, into target: URL,
                               accept: (Manifest) throws -> Void,
                               checkDatabase: (URL) throws -> DatabaseFacts) throws -> Restored {
        let files = FileManager.default
        try requireEmpty(target)
        guard let handle = FileHandle(forReadingAtPath: file.path) else {
            throw LabError(.notFound, "backup_not_found", "Cannot read the backup file \(file.path). Check its name.")
        }
        defer { try? handle.close() }
        let parent = target.deletingLastPathComponent()
        let staging = parent.appendingPathComponent(".\(target.lastPathComponent).restoring-\(UUID().uuidString.prefix(8))")
        do {
            try files.createDirectory(at: staging, withIntermediateDirectories: true)
        } catch {
            throw LabError(.internalFailure, "restore_write_failed",
                           "Cannot make a folder in \(parent.path): \(error.localizedDescription). Choose a folder you may write in.")
        }
        defer { try? files.removeItem(at: staging) }

        var tar = TarReader(handle: handle)
        guard let first = try? tar.next(), first.name == manifestName, first.isFile, first.size <= 1 << 20 else {
            throw LabError(.unprocessable, "backup_not_a_backup",
                           "\(file.path) is not an Annolab backup (or it is cut off at its very start): it does not begin with \(manifestName). Nothing was restored.")
        }
        let manifestData = try tar.readAll(first)
        guard let manifest = try? JSONDecoder().decode(Manifest.self, from: manifestData), manifest.format == formatName else {
            throw LabError(.unprocessable, "backup_not_a_backup",
                           "\(file.path) is not an Annolab backup: its \(manifestName) cannot be read. Nothing was restored.")
        }
        guard manifest.formatVersion <= formatVersion else {
            throw LabError(.unprocessable, "backup_too_new",
                           "This backup was made by a newer Annolab (backup format \(manifest.formatVersion)). Update Annolab to restore it; nothing was restored.")
        }
        try accept(manifest)

        var unpacked: [String: (crc: UInt32, size: Int64)] = [manifestName: (crc32(manifestData), Int64(manifestData.count))]
        var bytes = Int64(manifestData.count)
        var checksums: Data?
        while let entry = try tar.next() {
            guard checksums == nil else { throw damaged("a file follows the list of checksums", at: entry.offset) }
            guard isSafe(entry.name) else {
                throw LabError(.unprocessable, "backup_unsafe_path",
                               "The backup holds a file named '\(entry.name)', which would land outside the lab's folder. Nothing was restored; this file was not made by annolab backup.")
            }
            guard entry.isFile || entry.isDirectory else {
                throw LabError(.unprocessable, "backup_unsafe_path",
                               "The backup holds '\(entry.name)', which is a link or a device, never written by annolab backup. Nothing was restored.")
            }
            if entry.isDirectory { continue }
            if entry.name == checksumsName {
                guard entry.size <= 64 << 20 else { throw damaged("its list of checksums is too large", at: entry.offset) }
                checksums = try tar.readAll(entry)
                continue
            }
            guard entry.name == databaseName || folders.contains(where: { entry.name.hasPrefix($0 + "/") }) else {
                throw LabError(.unprocessable, "backup_unexpected_file",
                               "The backup holds '\(entry.name)', which is not part of a lab. Nothing was restored; this file was not made by annolab backup.")
            }
            guard unpacked[entry.name] == nil else { throw damaged("'\(entry.name)' is in it twice", at: entry.offset) }
            let destination = staging.appendingPathComponent(entry.name)
            unpacked[entry.name] = (try unpack(entry, from: &tar, to: destination), entry.size)
            bytes += entry.size
        }
        guard let checksums else {
            throw LabError(.unprocessable, "backup_incomplete",
                           "The backup file is incomplete: its list of checksums at the end is missing. Nothing was restored; use another backup.")
        }
        try verify(unpacked, against: checksums)
        let mediaFiles = unpacked.keys.filter { $0.hasPrefix("media/") }.count
        let speechFiles = unpacked.keys.filter { $0.hasPrefix("speech/") }.count
        guard unpacked[databaseName] != nil, mediaFiles == manifest.counts.mediaFiles,
              speechFiles == manifest.counts.speechFiles else {
            throw LabError(.unprocessable, "backup_incomplete",
                           "The backup file does not hold what its manifest lists. Nothing was restored; use another backup.")
        }
        let facts = try checkDatabase(staging.appendingPathComponent(databaseName))
        guard facts.answers == manifest.counts.answers, facts.migrations == manifest.migrations else {
            throw LabError(.unprocessable, "backup_incomplete",
                           "The database in the backup does not match its manifest. Nothing was restored; use another backup.")
        }
        syncFolder(staging)
        // rename(2) replaces an empty folder and refuses a non-empty one, so a folder filled
        // meanwhile is never overwritten.
        guard rename(staging.path, target.path) == 0 else {
            let reason = errno == ENOTEMPTY || errno == EEXIST ? "it is no longer empty" : String(cString: strerror(errno))
            throw LabError(.conflict, "restore_target_not_empty",
                           "Cannot move the restored lab into \(target.path): \(reason). Nothing was changed.")
        }
        syncFolder(parent)
        return Restored(folder: target, bytes: bytes, manifest: manifest)
    }

    /// Refuses a target that is a file or a folder with anything in it.
    static func requireEmpty(_ target: URL) throws {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: target.path, isDirectory: &isFolder) else { return }
        let contents = isFolder.boolValue ? (try? FileManager.default.contentsOfDirectory(atPath: target.path)) : nil
        guard let contents, contents.isEmpty else {
            throw LabError(.conflict, "restore_target_not_empty",
                           "\(target.path) is not an empty folder. Restore into a new or empty folder; nothing was changed.")
        }
    }

    /// Streams one entry into a new file, returning its CRC-32.
    static func unpack(_ entry: TarReader.Entry, from tar: inout TarReader, to destination: URL) throws -> UInt32 {
        let files = FileManager.default
        guard (try? files.createDirectory(at: destination.deletingLastPathComponent(), withIntermediateDirectories: true)) != nil,
              files.createFile(atPath: destination.path, contents: nil),
              let out = FileHandle(forWritingAtPath: destination.path) else {
            throw LabError(.internalFailure, "restore_write_failed",
                           "Cannot write \(destination.path). Check the free space and that you may write there.")
        }
        defer { try? out.close() }
        var crc = CZlib.crc32(0, nil, 0)
        do {
            try tar.read(entry) { chunk in
                crc = update(crc, chunk)
                try out.write(contentsOf: chunk)
            }
            try out.synchronize()
        } catch let error as LabError {
            throw error
        } catch {
            throw LabError(.internalFailure, "restore_write_failed",
                           "Cannot write \(destination.path): \(error.localizedDescription). Nothing was restored.")
        }
        return UInt32(crc)
    }

    /// Holds every unpacked file to the checksum list, and the list to the files.
    static func verify(_ unpacked: [String: (crc: UInt32, size: Int64)], against list: Data) throws {
        var listed: [String: (crc: UInt32, size: Int64)] = [:]
        for line in String(decoding: list, as: UTF8.self).split(separator: "\n") {
            let parts = line.split(separator: " ", maxSplits: 2)
            guard parts.count == 3, let crc = UInt32(parts[0], radix: 16), let size = Int64(parts[1]) else {
                throw LabError(.unprocessable, "backup_damaged",
                               "The backup's list of checksums is damaged. Nothing was restored; use another backup.")
            }
            listed[String(parts[2])] = (crc, size)
        }
        for (path, file) in unpacked.sorted(by: { $0.key < $1.key }) {
            guard let expected = listed[path] else {
                throw LabError(.unprocessable, "backup_damaged",
                               "The backup holds '\(path)', which its list of checksums does not name. Nothing was restored; use another backup.")
            }
            guard expected.crc == file.crc, expected.size == file.size else {
                throw LabError(.unprocessable, "backup_checksum_mismatch",
                               "The file '\(path)' in the backup is damaged: its checksum does not match. Nothing was restored; use another backup.")
            }
        }
        if let missing = listed.keys.sorted().first(where: { unpacked[$0] == nil }) {
            throw LabError(.unprocessable, "backup_incomplete",
                           "The backup misses '\(missing)', which its list of checksums names. Nothing was restored; use another backup.")
        }
    }

    // MARK: - Shared

    /// A relative path with no `..`, `.`, empty part, leading `/`, backslash or control character.
    static func isSafe(_ path: String) -> Bool {
        guard !path.isEmpty, !path.hasPrefix("/"),
              !path.unicodeScalars.contains(where: { $0 == "\\" || $0.value < 0x20 || $0.value == 0x7F }) else { return false }
        return path.split(separator: "/", omittingEmptySubsequences: false).allSatisfy { !$0.isEmpty && $0 != "." && $0 != ".." }
    }

    static func damaged(_ what: String, at offset: Int64) -> LabError {
        LabError(.unprocessable, "backup_damaged",
                 "The backup file is damaged at byte \(offset): \(what). Nothing was restored; use another backup.")
    }

    static func crc32(_ data: Data) -> UInt32 { UInt32(update(CZlib.crc32(0, nil, 0), data)) }

    static func update(_ crc: uLong, _ data: Data) -> uLong {
        data.withUnsafeBytes { raw in
            CZlib.crc32(crc, raw.bindMemory(to: Bytef.self).baseAddress, uInt(raw.count))
        }
    }

    static func size(of file: URL) throws -> Int64 {
        let attributes = try FileManager.default.attributesOfItem(atPath: file.path)
        return (attributes[.size] as? NSNumber)?.int64Value ?? 0
    }

    static func timestamp(_ date: Date) -> String {
        let format = ISO8601DateFormatter()
        format.timeZone = TimeZone(identifier: "UTC")
        return format.string(from: date)
    }

    /// Makes a rename in `folder` durable.
    static func syncFolder(_ folder: URL) {
        let descriptor = open(folder.path, O_RDONLY)
        guard descriptor >= 0 else { return }
        fsync(descriptor)
        close(descriptor)
    }
}

// MARK: - Tar

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
