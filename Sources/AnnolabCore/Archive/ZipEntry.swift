// One file inside an uploaded ZIP archive, and a problem found with one file.

/// A file in a ZIP archive that passed every check and can be extracted.
public struct ZipEntry: Sendable, Hashable {
    /// The safe relative path, with `/` between folders (never `..`, never absolute).
    public var name: String
    /// The name exactly as stored in the archive.
    public var rawName: [UInt8]
    /// 0 = stored, 8 = deflate; no other method gets this far.
    public var method: UInt16
    public var flags: UInt16
    /// The CRC-32 the archive declares for the expanded bytes.
    public var crc32: UInt32
    public var compressedSize: Int
    /// The expanded size the archive declares; extraction holds the archive to it.
    public var uncompressedSize: Int
    public var localHeaderOffset: Int
    /// Where the packed bytes begin, counted from the start of the archive.
    public var dataOffset: Int

    public init(name: String, rawName: [UInt8], method: UInt16, flags: UInt16, crc32: UInt32,
                compressedSize: Int, uncompressedSize: Int, localHeaderOffset: Int, dataOffset: Int) {
        self.name = name
        self.rawName = rawName
        self.method = method
        self.flags = flags
        self.crc32 = crc32
        self.compressedSize = compressedSize
        self.uncompressedSize = uncompressedSize
        self.localHeaderOffset = localHeaderOffset
        self.dataOffset = dataOffset
    }

    public var isStored: Bool { method == 0 }
    public var isDeflated: Bool { method == 8 }
}

/// A file in an archive that was refused, with the reason in plain words.
///
/// The rest of the archive can still be used: the client sees which files were left out and why.
public struct ZipEntryProblem: Sendable, Equatable, CustomStringConvertible {
    /// The file's name as well as it could be read, for showing to a person.
    public var name: String
    public var error: LabError

    public init(name: String, error: LabError) {
        self.name = name
        self.error = error
    }

    public var description: String { error.message }
}
