// An archive export as pieces: each file of the source zipped as it is made, then the directory.
import AnnolabCore

/// Zips an ``ExportFileSource`` one file at a time with ``ZipStreamWriter``, so a download
/// or a file receives the archive as it is made.
///
/// ```swift
/// var pieces = ZipPieces(files: try YOLOFiles(images: images, classes: classes), spill: spill)
/// try await pieces.write(to: &sink)
/// ```
public struct ZipPieces<Files: ExportFileSource>: ExportPieces {
    public let files: Files
    private var zip: ZipStreamWriter
    private var next = 0
    private var data = ExportBytes(capacity: 4096)

    /// `spill`: where the central directory waits (see ``ZipStreamWriter``).
    public init(files: Files, spill: ExportSpill? = nil) {
        self.files = files
        zip = ZipStreamWriter(spill: spill)
    }

    public mutating func writeNext(into out: inout ExportBytes) throws -> Bool {
        guard next < files.fileCount else { return try zip.finish(into: &out) }
        data.removeAll()
        let name = try files.file(at: next, into: &data)
        try zip.add(name: name, data: data.bytes, into: &out)
        next += 1
        return true
    }
}

extension ZipPieces: Sendable where Files: Sendable {}
