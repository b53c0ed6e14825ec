// Writing a ZIP archive of export files (stored, not compressed): every unzip reads it.
import AnnolabCore
import Foundation

/// Packs files into a ZIP archive, each entry stored as it is with its CRC-32, in the order
/// given. Names use forward slashes; a fixed timestamp keeps archives of the same files identical.
/// The bytes are ``ZipStreamWriter``'s, which writes large archives as they are made.
///
/// ```swift
/// let zip = ZipWriter.archive([("classes.txt", Data("car\n".utf8))])
/// ```
public enum ZipWriter {
    public static func archive(_ files: [(name: String, data: Data)]) -> Data {
        var zip = ZipStreamWriter()
        var out = ExportBytes(capacity: files.reduce(0) { $0 + $1.data.count + 100 + 2 * $1.name.utf8.count } + 100)
        for file in files {
            // Every entry here is an export file far below the 4 GB an entry may hold.
            try? file.data.withUnsafeBytes { try zip.add(name: file.name, data: $0, into: &out) }
        }
        while (try? zip.finish(into: &out)) == true {}
        return Data(out.bytes)
    }
}
