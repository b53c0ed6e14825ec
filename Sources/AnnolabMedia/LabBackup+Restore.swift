// Restoring a lab from its backup file, checked entry by entry and moved into place only when all of it is sound.
import AnnolabCore
import CZlib
import Foundation

extension LabBackup {
    /// A finished restore.
    public struct Restored: Sendable {
        public var folder: URL
        /// The bytes of every file unpacked.
        public var bytes: Int64
        public var manifest: Manifest
    }

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
}
