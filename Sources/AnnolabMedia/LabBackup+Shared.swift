// The small helpers the backup, the restore and the tar reader share: safe paths, damage errors, CRC-32, durable renames.
import AnnolabCore
import CZlib
import Foundation

extension LabBackup {
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
