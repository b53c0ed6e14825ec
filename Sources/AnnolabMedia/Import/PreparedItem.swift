// What an uploaded file becomes before it is stored: media files to write and microtasks to make.
import AnnolabCore
import Foundation

/// One uploaded file, checked and cut into microtasks, not yet stored.
public struct PreparedItem: Sendable {
    /// A file to write under the item's media folder (the original, tiles, clips).
    public struct MediaFile: Sendable {
        public var name: String
        public var data: Data
    }

    /// A microtask to create for this item.
    public struct PreparedMicrotask: Sendable {
        public var payload: MicrotaskPayload
        public var estimatedSeconds: Int
    }

    /// The file's name as uploaded (inside an archive: `archive.zip/folder/name.png`).
    public var fileName: String
    public var mediaType: String
    public var byteCount: Int
    /// The folder name under `media/<project>/` that holds this item's files.
    public var folder: String
    public var files: [MediaFile]
    public var microtasks: [PreparedMicrotask]
    /// Facts about the media: size, duration, encoding, cue count.
    public var meta: [String: String]
}

/// A file refused whole, with the reason in plain words.
public struct RejectedFile: Sendable, Codable, Equatable {
    public var file: String
    public var reason: String
    public var code: String

    public init(file: String, reason: String, code: String) {
        self.file = file
        self.reason = reason
        self.code = code
    }
}

/// The limits on what an upload may hold.
public struct ImportLimits: Sendable {
    /// The largest single file, archives included, in bytes.
    public var maxFileBytes: Int = 512 << 20
    /// Pictures larger than this many pixels are refused before decoding.
    public var maxImagePixels: Int = 100_000_000
    public var zip = ZipLimits()

    public init() {}
}
