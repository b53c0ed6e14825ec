// Names of the files inside an export archive, made from the names the client uploaded.

/// Turns upload names into safe paths inside an export archive and catches two uploads that
/// would be written to the same path.
///
/// A path keeps the upload's folders (`cars/001.png` -> `labels/cars/001.txt`) so that a
/// label file sits where training tools look for it next to its image. `..`, `.`, empty
/// segments and a leading `/` are dropped and `\` counts as a folder separator, so no path
/// points outside the archive.
///
/// ```swift
/// var paths = ExportPath.Registry()
/// try paths.claim("labels/" + ExportPath.replacingExtension(of: "cars/001.png", with: "txt"), for: "cars/001.png")
/// ```
public enum ExportPath {
    /// The upload name as a relative path with safe segments only (`image` when nothing is left).
    public static func safe(_ name: String) -> String {
        let segments = name.split(whereSeparator: { $0 == "/" || $0 == "\\" })
            .map { String($0.unicodeScalars.filter { $0.value >= 0x20 && $0.value != 0x7F }) }
            .filter { !$0.isEmpty && $0 != "." && $0 != ".." }
        return segments.isEmpty ? "image" : segments.joined(separator: "/")
    }

    /// The last segment of the safe path: `cars/001.png` -> `001.png`.
    public static func lastComponent(_ name: String) -> String {
        let path = safe(name)
        return path.split(separator: "/").last.map(String.init) ?? path
    }

    /// The folder part of the safe path, or nil: `cars/001.png` -> `cars`.
    public static func folder(_ name: String) -> String? {
        let path = safe(name)
        guard let slash = path.lastIndex(of: "/") else { return nil }
        return String(path[..<slash])
    }

    /// The safe path with its last extension replaced: `cars/001.png` -> `cars/001.txt`.
    /// A name without an extension (or a dot file such as `.hidden`) gets the extension added.
    public static func replacingExtension(of name: String, with newExtension: String) -> String {
        let path = safe(name)
        let slash = path.lastIndex(of: "/").map { path.index(after: $0) } ?? path.startIndex
        let last = path[slash...]
        if let dot = last.lastIndex(of: "."), dot != last.startIndex {
            return String(path[..<dot]) + "." + newExtension
        }
        return path + "." + newExtension
    }

    /// The paths handed out so far in one export, to refuse a second file on the same path.
    public struct Registry: Sendable {
        private var owners: [String: String] = [:]

        public init() {}

        /// Records that `path` holds the export of `upload`; throws when another upload has it.
        public mutating func claim(_ path: String, for upload: String) throws {
            // Case-insensitive, because a ZIP unpacked on macOS or Windows would merge the two.
            let key = path.lowercased()
            if let owner = owners[key], owner != upload {
                throw LabError(
                    .conflict, "export_name_clash",
                    "The files '\(owner)' and '\(upload)' would both be written as '\(path)' in this export, so one would overwrite the other. Rename one of them and upload it again, or choose an export format with a single file, such as COCO JSON.")
            }
            owners[key] = upload
        }
    }
}

/// Text for XML element content and attribute values.
///
/// ```swift
/// XMLText.escape("Tom & Jerry <3")   // "Tom &amp; Jerry &lt;3"
/// ```
public enum XMLText {
    /// Escapes `& < > " '` and leaves out characters XML 1.0 does not allow (control
    /// characters other than tab, line feed and carriage return, and U+FFFE, U+FFFF).
    public static func escape(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            default:
                let v = scalar.value
                let allowed = v == 0x09 || v == 0x0A || v == 0x0D || (v >= 0x20 && v != 0xFFFE && v != 0xFFFF)
                if allowed { out.unicodeScalars.append(scalar) }
            }
        }
        return out
    }
}
