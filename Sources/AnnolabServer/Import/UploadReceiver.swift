// Receives a multipart upload as it arrives, each file straight to disk, so memory stays flat.
import AnnolabCore
import AnnolabMedia
import Foundation
import Hummingbird
import MultipartKit
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

/// Parses `multipart/form-data` with multipart-kit's streaming parser while the body arrives,
/// writing each part named `file` to its own file. A programme of a gigabyte passes through a
/// few buffers of memory; the request is refused as soon as it grows past the upload limit.
enum UploadReceiver {
    static func receive(_ body: RequestBody, boundary: String, into folder: URL, maxBytes: Int) async throws -> ReceivedUpload {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let state = PartState(folder: folder)
        let parser = MultipartParser(boundary: boundary)
        parser.onHeader = { field, value in state.header(field, value) }
        parser.onBody = { buffer in state.body(&buffer) }
        parser.onPartComplete = { state.complete() }
        var total = 0
        do {
            for try await buffer in body {
                total += buffer.readableBytes
                guard total <= maxBytes else { throw ClientRoutes.tooLarge(maxBytes) }
                do {
                    try parser.execute(buffer)
                } catch {
                    throw LabError(.badRequest, "multipart_broken", "The upload is cut off or not in the multipart form it says it is.")
                }
                if let problem = state.problem { throw problem }
            }
            guard state.finishedCleanly else {
                throw LabError(.badRequest, "multipart_broken", "The upload is cut off: a part has no end.")
            }
        } catch {
            state.discardAll()
            throw error
        }
        return ReceivedUpload(files: state.files)
    }
}

/// The part being received and the files received so far.
private final class PartState {
    let folder: URL
    var files: [ReceivedUpload.File] = []
    var problem: LabError?
    private var headers: [(String, String)] = []
    private var handle: FileHandle?
    private var current: ReceivedUpload.File?
    private var started = false
    private var isFile = false
    private var partsSeen = 0

    init(folder: URL) { self.folder = folder }

    /// True when the last part was closed (multipart-kit reports each part's end).
    var finishedCleanly: Bool { partsSeen > 0 && !started }

    func header(_ field: String, _ value: String) {
        headers.append((field.lowercased(), value))
    }

    /// The first body bytes decide what the part is: a file named `file`, or a field to ignore.
    private func start() {
        started = true
        let disposition = headers.first { $0.0 == "content-disposition" }?.1 ?? ""
        let name = MultipartFormData.parameter("name", in: disposition)
        guard name == "file" else { return }
        guard let fileName = MultipartFormData.parameter("filename", in: disposition), !fileName.isEmpty else {
            problem = LabError(.badRequest, "file_name_missing", "Send each file in a part named 'file', with its file name.")
            return
        }
        let ext = (fileName as NSString).pathExtension.lowercased().filter { $0.isLetter || $0.isNumber }
        let url = folder.appendingPathComponent("upload-\(UUID().uuidString.lowercased())" + (ext.isEmpty ? "" : ".\(ext.prefix(8))"))
        guard FileManager.default.createFile(atPath: url.path, contents: nil), let opened = try? FileHandle(forWritingTo: url) else {
            problem = LabError(.internalFailure, "media_write_failed", "The upload could not be saved on the server. Please try again.")
            return
        }
        isFile = true
        handle = opened
        current = ReceivedUpload.File(name: fileName, url: url, size: 0)
    }

    /// Bytes waiting to be written: the parser hands over short pieces (it splits the body at
    /// every byte that could start a boundary, one in 256 of a video's), so they are gathered
    /// and written a megabyte at a time.
    private var pending: [UInt8] = []
    static let flushBytes = 1 << 20

    func body(_ buffer: inout ByteBuffer) {
        if !started { start() }
        guard problem == nil, isFile else { return }
        current?.size += buffer.readableBytes
        buffer.withUnsafeReadableBytes { pending.append(contentsOf: $0) }
        if pending.count >= Self.flushBytes { flush() }
    }

    private func flush() {
        guard !pending.isEmpty, let handle else { return }
        do {
            try pending.withUnsafeBytes { try handle.write(contentsOf: $0) }
        } catch {
            problem = LabError(.internalFailure, "media_write_failed", "The upload could not be saved on the server. Please try again.")
        }
        pending.removeAll(keepingCapacity: true)
    }

    func complete() {
        if !started { start() }
        flush()
        try? handle?.close()
        if problem == nil, let current { files.append(current) }
        handle = nil
        current = nil
        headers = []
        started = false
        isFile = false
        partsSeen += 1
        if partsSeen > 10_000 { problem = LabError(.tooLarge, "too_many_parts", "The upload has more than 10000 parts.") }
    }

    func discardAll() {
        try? handle?.close()
        if let current { try? FileManager.default.removeItem(at: current.url) }
        for file in files { try? FileManager.default.removeItem(at: file.url) }
    }
}
