// Receives a multipart upload as it arrives, each file straight to disk, so memory stays flat.
import AnnolabCore
import AnnolabMedia
import AnnolabStore
import Foundation
import Hummingbird
import NIOCore

/// The files of one upload, on disk in the lab's incoming folder.
struct ReceivedUpload {
    struct File {
        var name: String
        var url: URL
        var size: Int
    }

    var files: [File] = []

    /// Removes whatever the import did not take.
    func discard() {
        for file in files { try? FileManager.default.removeItem(at: file.url) }
    }
}

/// Parses `multipart/form-data` while the body arrives (``MultipartStream``), writing each part
/// named `file` to its own file. A programme of a gigabyte passes through a few buffers of
/// memory; the request is refused as soon as it grows past the upload limit, and a body that
/// ends before its closing boundary is refused whole.
enum UploadReceiver {
    static func receive(_ body: RequestBody, boundary: String, into folder: URL, maxBytes: Int) async throws -> ReceivedUpload {
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            throw PartState.writeFailure(error)
        }
        let state = PartState(folder: folder)
        var reader = MultipartStream(boundary: boundary)
        var total = 0
        do {
            for try await buffer in body {
                total += buffer.readableBytes
                guard total <= maxBytes else { throw ClientRoutes.tooLarge(maxBytes) }
                try reader.feed(Array(buffer.readableBytesView)) { event in
                    switch event {
                    case .part(let headers): state.start(headers)
                    case .content(let bytes): state.body(bytes)
                    case .end: state.complete()
                    }
                    if let problem = state.problem { throw problem }
                }
            }
            try reader.finish()
        } catch {
            state.discardAll()
            throw error
        }
        return ReceivedUpload(files: state.files)
    }
}

/// The part being received and the files received so far.
final class PartState {
    let folder: URL
    var files: [ReceivedUpload.File] = []
    var problem: LabError?
    private var handle: FileHandle?
    private var current: ReceivedUpload.File?

    init(folder: URL) { self.folder = folder }

    /// A part named `file` with a file name goes to a file of its own; any other part is ignored.
    func start(_ headers: [(name: String, value: String)]) {
        let disposition = headers.first { $0.name == "content-disposition" }?.value ?? ""
        guard MultipartFormData.parameter("name", in: disposition) == "file" else { return }
        guard let fileName = MultipartFormData.parameter("filename", in: disposition), !fileName.isEmpty else {
            problem = LabError(.badRequest, "file_name_missing", "Send each file in a part named 'file', with its file name.")
            return
        }
        let ext = (fileName as NSString).pathExtension.lowercased().filter { $0.isLetter || $0.isNumber }
        let url = folder.appendingPathComponent("upload-\(UUID().uuidString.lowercased())" + (ext.isEmpty ? "" : ".\(ext.prefix(8))"))
        guard FileManager.default.createFile(atPath: url.path, contents: nil) else {
            problem = Self.writeFailure(POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO))
            return
        }
        let opened: FileHandle
        do {
            opened = try FileHandle(forWritingTo: url)
        } catch {
            problem = Self.writeFailure(error)
            return
        }
        handle = opened
        current = ReceivedUpload.File(name: fileName, url: url, size: 0)
    }

    /// Bytes waiting to be written, a megabyte at a time.
    private var pending: [UInt8] = []
    static let flushBytes = 1 << 20

    func body(_ bytes: ArraySlice<UInt8>) {
        guard problem == nil, current != nil else { return }
        current?.size += bytes.count
        pending.append(contentsOf: bytes)
        if pending.count >= Self.flushBytes { flush() }
    }

    private func flush() {
        guard !pending.isEmpty, let handle else { return }
        do {
            try pending.withUnsafeBytes { try handle.write(contentsOf: $0) }
        } catch {
            problem = Self.writeFailure(error)
        }
        pending.removeAll(keepingCapacity: true)
    }

    func complete() {
        flush()
        try? handle?.close()
        if problem == nil, let current { files.append(current) }
        handle = nil
        current = nil
    }

    /// A full disk is 503 `storage_full` (nothing stored, try again later), as for answers; any
    /// other failure to write the upload is the lab's, said plainly.
    static func writeFailure(_ error: any Error) -> LabError {
        if let cause = StorageFailure.cause(of: error) { return StorageFailure.labError(cause) }
        return LabError(.internalFailure, "media_write_failed", "The upload could not be saved on the server. Please try again.")
    }

    func discardAll() {
        try? handle?.close()
        if let current { try? FileManager.default.removeItem(at: current.url) }
        for file in files { try? FileManager.default.removeItem(at: file.url) }
    }
}
