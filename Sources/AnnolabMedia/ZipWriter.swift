// Writing a ZIP archive of export files (stored, not compressed): every unzip reads it.
import Foundation

/// Packs files into a ZIP archive, each entry stored as it is with its CRC-32, in the order
/// given. Names use forward slashes; a fixed timestamp keeps archives of the same files identical.
///
/// ```swift
/// let zip = ZipWriter.archive([("classes.txt", Data("car\n".utf8))])
/// ```
public enum ZipWriter {
    public static func archive(_ files: [(name: String, data: Data)]) -> Data {
        var out = Data()
        var central = Data()
        func le16(_ v: Int) -> Data { withUnsafeBytes(of: UInt16(truncatingIfNeeded: v).littleEndian) { Data($0) } }
        func le32(_ v: UInt32) -> Data { withUnsafeBytes(of: v.littleEndian) { Data($0) } }
        // 2026-01-01 00:00 in DOS time and date.
        let time = 0, date = ((2026 - 1980) << 9) | (1 << 5) | 1
        for file in files {
            let name = Data(file.name.utf8)
            let crc = ZipArchive.checksum(file.data)
            let size = UInt32(file.data.count)
            let offset = UInt32(out.count)
            // Bit 11: the name is UTF-8.
            out += le32(0x04034b50) + le16(20) + le16(0x0800) + le16(0) + le16(time) + le16(date)
            out += le32(crc) + le32(size) + le32(size) + le16(name.count) + le16(0) + name + file.data
            central += le32(0x02014b50) + le16(20) + le16(20) + le16(0x0800) + le16(0) + le16(time) + le16(date)
            central += le32(crc) + le32(size) + le32(size) + le16(name.count) + le16(0) + le16(0) + le16(0) + le16(0)
            central += le32(0) + le32(offset) + name
        }
        let centralOffset = UInt32(out.count)
        out += central
        out += le32(0x06054b50) + le16(0) + le16(0) + le16(files.count) + le16(files.count)
        out += le32(UInt32(central.count)) + le32(centralOffset) + le16(0)
        return out
    }
}
