// The files of an archive export (YOLO labels, one per picture), produced one at a time in archive order.

/// The files of an export that is an archive, in the order they go into it. Each file's
/// contents are made only when it is written, so an archive of any size streams.
///
/// ```swift
/// var data = ExportBytes()
/// for n in 0..<files.fileCount {
///     data.removeAll()
///     let path = try files.file(at: n, into: &data)
/// }
/// ```
public protocol ExportFileSource {
    var fileCount: Int { get }
    /// Appends the contents of file `index` to `data` and returns its path in the archive.
    func file(at index: Int, into data: inout ExportBytes) throws -> String
}
