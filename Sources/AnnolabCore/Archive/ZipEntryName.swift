// Reads the names of files in a ZIP archive and keeps them from pointing outside the upload.

/// The naming rules for files in an uploaded archive.
///
/// A name is turned into a safe relative path (`photos/cars/001.png`) or refused: no `..`
/// segment (with `/` or `\` as separator, since Windows tools write both), no absolute path, no
/// drive letter, no NUL or other control character. Folders, macOS `__MACOSX/` copies and `._`
/// resource files are skipped without complaint: they are not the client's data.
public enum ZipEntryName {
    /// What to do with one name.
    public enum Verdict: Sendable, Equatable {
        /// A file to extract, under this safe path.
        case keep(String)
        /// A folder or system file: left out, with no problem reported.
        case skip
        /// A name that is unsafe or unreadable.
        case refuse(LabError)
    }

    /// Checks a decoded name and gives its safe path.
    public static func verdict(for name: String) -> Verdict {
        let shown = display(name)
        if name.isEmpty {
            return .refuse(badName(shown, "has no name"))
        }
        if name.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
            return .refuse(badName(shown, "has a control character in its name"))
        }
        if name.hasSuffix("/") || name.hasSuffix("\\") {
            return .skip  // A folder entry: the files inside it carry their own full paths.
        }
        if name.hasPrefix("/") || name.hasPrefix("\\") || hasDriveLetter(name) {
            return .refuse(LabError(
                .unprocessable, "zip_entry_absolute_path",
                "The file '\(shown)' in the ZIP has an absolute path, which could write outside the upload. Annolab left it out. Pack the files again from their folder, so that paths start with a folder or file name."))
        }
        let segments = name.split(whereSeparator: { $0 == "/" || $0 == "\\" }).map(String.init)
        if segments.contains("..") {
            return .refuse(LabError(
                .unprocessable, "zip_entry_path_traversal",
                "The file '\(shown)' in the ZIP has '..' in its path, which points outside the upload. Annolab left it out. Pack the files again without '..' in their paths."))
        }
        let kept = segments.filter { $0 != "." }
        guard let last = kept.last else { return .skip }
        if kept.first == "__MACOSX" || last.hasPrefix("._") || last == ".DS_Store" {
            return .skip  // Copies and settings that macOS adds when it packs a folder.
        }
        return .keep(kept.joined(separator: "/"))
    }

    /// Decodes the stored bytes of a name.
    ///
    /// With flag bit 11 set the name is UTF-8 (and invalid UTF-8 gives `nil`). Without it the
    /// ZIP standard says CP437, but macOS and many Linux tools write UTF-8 without setting the
    /// flag, so a name that is valid UTF-8 is read as UTF-8 and only other bytes fall back to
    /// CP437. An Info-ZIP Unicode Path extra field wins when its checksum matches the name.
    public static func decode(_ raw: [UInt8], utf8Flag: Bool, unicodePath: String? = nil) -> String? {
        if let unicodePath { return unicodePath }
        if utf8Flag { return String(validating: raw, as: UTF8.self) }
        if raw.allSatisfy({ $0 < 0x80 }) || String(validating: raw, as: UTF8.self) != nil {
            return String(decoding: raw, as: UTF8.self)
        }
        return decodeCP437(raw)
    }

    /// Decodes IBM code page 437, the character set of DOS and of old ZIP tools.
    public static func decodeCP437(_ raw: [UInt8]) -> String {
        var result = String.UnicodeScalarView()
        for byte in raw {
            if byte < 0x80 {
                result.append(Unicode.Scalar(byte))
            } else {
                result.append(cp437High[Int(byte) - 0x80])
            }
        }
        return String(result)
    }

    /// A name made safe to show in a message: no control characters, not too long.
    public static func display(_ name: String) -> String {
        var cleaned = String(String.UnicodeScalarView(name.unicodeScalars.map {
            $0.value < 0x20 || $0.value == 0x7F ? "?" : $0
        }))
        if cleaned.count > 120 { cleaned = String(cleaned.prefix(117)) + "..." }
        return cleaned
    }

    private static func hasDriveLetter(_ name: String) -> Bool {
        let scalars = Array(name.unicodeScalars.prefix(2))
        guard scalars.count == 2, scalars[1] == ":" else { return false }
        return (65...90).contains(scalars[0].value) || (97...122).contains(scalars[0].value)
    }

    private static func badName(_ shown: String, _ what: String) -> LabError {
        LabError(.unprocessable, "zip_entry_bad_name",
                 "A file in the ZIP \(what) ('\(shown)'). Annolab left it out. Rename the file and pack the archive again.")
    }

    /// Code points for bytes 0x80-0xFF in CP437.
    private static let cp437High: [Unicode.Scalar] = Array((
        "ÇüéâäàåçêëèïîìÄÅ" + "ÉæÆôöòûùÿÖÜ¢£¥₧ƒ" + "áíóúñÑªº¿⌐¬½¼¡«»" + "░▒▓│┤╡╢╖╕╣║╗╝╜╛┐"
            + "└┴┬├─┼╞╟╚╔╩╦╠═╬╧" + "╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀" + "αßΓπΣσµτΦΘΩδ∞φε∩" + "≡±≥≤⌠⌡÷≈°∙·√ⁿ²■\u{00A0}"
    ).unicodeScalars)
}
