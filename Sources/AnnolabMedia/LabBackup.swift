// Writing a lab's backup file: one plain tar archive (database copy, media, speech) that `tar -tvf` lists.
import AnnolabCore
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

    /// A finished backup file.
    public struct Written: Sendable {
        public var file: URL
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
}
