// Reads a Label Studio task file, so that a team can move a project over with its media references.
//
// Format: Label Studio's "Import data" guide (labelstud.io/guide/tasks, "Basic Label Studio JSON
// format"): a task is an object whose "data" maps the labeling config's variables ($image,
// $audio, ...) to URLs or paths; a file holds one task or a list of them.
import Foundation

/// One media reference of a Label Studio task: a value of its `data` object.
///
/// ```swift
/// // "image": "/data/upload/3/6a3f0c1e-street.png"
/// media.key            // "image"
/// media.fileName       // "6a3f0c1e-street.png"
/// media.originalName   // "street.png"
/// media.kind           // .image
/// ```
public struct LabelStudioMedia: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable {
        case image, audio, video, subtitles, other
    }

    /// The key in `data`: `image`, `audio`, or whatever the labeling config named it.
    public var key: String
    /// The value as written: a URL, `/data/upload/1/6a3f0c1e-photo.png`,
    /// `/data/local-files/?d=images/photo.png`, or a bare file name.
    public var reference: String
    /// The file name the reference points to, percent-decoded: `6a3f0c1e-photo.png`.
    public var fileName: String
    /// The name the file had before it was uploaded to Label Studio: for `/data/upload/...`
    /// the hex prefix Label Studio adds (`6a3f0c1e-`) is taken off (`photo.png`); otherwise the
    /// same as ``fileName``. Match uploaded files against this first, then ``fileName``.
    public var originalName: String
    /// A guess from the file extension.
    public var kind: Kind

    public init(key: String, reference: String, fileName: String, originalName: String, kind: Kind) {
        self.key = key
        self.reference = reference
        self.fileName = fileName
        self.originalName = originalName
        self.kind = kind
    }

    /// Whether an upload with this name is the file the reference points to.
    ///
    /// Label Studio stores an uploaded file under a name made safe by Django's
    /// `get_valid_filename` (spaces become `_`, characters other than letters, digits, `_`,
    /// `-` and `.` are dropped): `street view.png` is stored as `<hex>-street_view.png`. So the
    /// upload's last path segment matches when it equals ``originalName`` or ``fileName``, as
    /// is or after that same clean-up.
    public func matches(uploadName: String) -> Bool {
        let last = uploadName.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? uploadName
        let candidates = [last, Self.djangoValidFileName(last)]
        return candidates.contains(originalName) || candidates.contains(fileName)
    }

    /// Django's `get_valid_filename`: trimmed, spaces to `_`, then only letters, digits, `_`, `-` and `.` kept.
    public static func djangoValidFileName(_ name: String) -> String {
        let spaced = name.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: " ", with: "_")
        // Python's \w: letters (categories L*), numbers (anything with a numeric value) and `_`.
        let letters: Set<Unicode.GeneralCategory> = [.uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter]
        return String(String.UnicodeScalarView(spaced.unicodeScalars.filter { scalar in
            scalar == "-" || scalar == "." || scalar == "_" || letters.contains(scalar.properties.generalCategory)
                || scalar.properties.numericType != nil
        }))
    }
}

/// One task of the file, in file order.
///
/// ```swift
/// let name = task.media("image")?.originalName   // match against the uploaded files
/// ```
public struct LabelStudioTask: Sendable, Hashable {
    /// The task's place in the file, from 1.
    public var position: Int
    /// Label Studio's task id, when the file has one (exports do).
    public var id: Int64?
    /// The media references, by key in key order; at least one.
    public var media: [LabelStudioMedia]

    /// The reference under `key` (e.g. `image`), or nil.
    public func media(_ key: String) -> LabelStudioMedia? {
        media.first { $0.key == key }
    }
}

/// Parses Label Studio task JSON: a list of tasks, or one task.
///
/// Every task needs a `data` object with at least one value that names a file: a URL
/// (`http`, `https`, `s3`, `gs`, `azure-blob`), a path starting with `/` (`/data/upload/...`,
/// `/data/local-files/?d=...`), or a name with a media extension (`photo.jpg`). Other values
/// (text, numbers, nested objects) are ignored. Annotations and predictions in the file are
/// ignored too: Annolab's operators label the media again.
///
/// Anything else is refused with a ``LabError`` of code `invalid_labelstudio` whose message
/// says what is wrong and where: not JSON, no tasks, a task without `data` (as in Label
/// Studio's JSON-MIN export), or a task without a media reference.
///
/// ```swift
/// let tasks = try LabelStudioImport.parse(fileBytes)
/// for task in tasks { print(task.media("image")?.originalName ?? "-") }
/// ```
public enum LabelStudioImport {
    /// More tasks than this in one file are refused; Annolab projects are imported in parts.
    public static let maximumTasks = 100_000

    public static func parse(_ data: Data) throws -> [LabelStudioTask] {
        guard let root = ExportJSON.parse(data) else {
            throw invalid("This file is not valid JSON. Export the tasks from Label Studio with the JSON format and upload that file.")
        }
        let items: [ExportJSON]
        switch root {
        case .array(let list): items = list
        case .object: items = [root]
        default:
            throw invalid("This file holds a single value, not Label Studio tasks. A task file is a list of tasks, each with a \"data\" object.")
        }
        guard !items.isEmpty else {
            throw invalid("This file has no tasks in it. Export at least one task from Label Studio.")
        }
        guard items.count <= maximumTasks else {
            throw invalid("This file has \(items.count) tasks; at most \(maximumTasks) can be imported at once. Split the file and import the parts.")
        }
        return try items.enumerated().map { n, item in try task(item, position: n + 1) }
    }

    private static func task(_ item: ExportJSON, position: Int) throws -> LabelStudioTask {
        guard let fields = item.objectValue else {
            throw invalid("Task \(position) is not an object. Each task must look like {\"data\": {\"image\": \"...\"}}.")
        }
        guard let data = fields["data"]?.objectValue else {
            throw invalid("Task \(position) has no \"data\" object, so Annolab cannot tell which file it points to. If this is a JSON-MIN export, export the tasks again with the JSON format.")
        }
        var id: Int64?
        if case .int(let value)? = fields["id"] { id = value }
        var media: [LabelStudioMedia] = []
        for key in data.keys.sorted(by: ExportJSON.keyOrder) {
            guard let value = data[key]?.stringValue, let reference = reference(key: key, value: value) else { continue }
            media.append(reference)
        }
        guard !media.isEmpty else {
            throw invalid("Task \(position) has no image or sound file in its \"data\" (such as \"image\": \"https://.../photo.jpg\"). Annolab imports tasks that point to media files.")
        }
        return LabelStudioTask(position: position, id: id, media: media)
    }

    private static let mediaKinds: [String: LabelStudioMedia.Kind] = {
        var kinds: [String: LabelStudioMedia.Kind] = [:]
        for ext in ["png", "jpg", "jpeg", "gif", "webp", "bmp", "tif", "tiff"] { kinds[ext] = .image }
        for ext in ["wav", "mp3", "ogg", "oga", "flac", "m4a", "aac", "opus", "wave"] { kinds[ext] = .audio }
        for ext in ["mp4", "webm", "mov", "mkv", "avi"] { kinds[ext] = .video }
        for ext in ["srt", "vtt"] { kinds[ext] = .subtitles }
        return kinds
    }()

    /// A data value as a media reference, or nil when it does not name a file.
    static func reference(key: String, value raw: String) -> LabelStudioMedia? {
        let value = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !value.isEmpty, value.count <= 4096, !value.contains("\n") else { return nil }
        let lower = value.lowercased()
        let isURL = ["http://", "https://", "s3://", "gs://", "azure-blob://"].contains { lower.hasPrefix($0) }
        let isPath = value.hasPrefix("/")

        // The path part: no scheme and host, no query or fragment; local-files keep the name in ?d=.
        var path = value
        if isURL, let schemeEnd = value.range(of: "://") {
            let rest = value[schemeEnd.upperBound...]
            path = rest.firstIndex(of: "/").map { String(rest[$0...]) } ?? ""
        }
        var query = ""
        if let mark = path.firstIndex(of: "?") {
            query = String(path[path.index(after: mark)...])
            path = String(path[..<mark])
        }
        if let hash = path.firstIndex(of: "#") { path = String(path[..<hash]) }
        if path.hasPrefix("/data/local-files"), let d = queryValue("d", in: query) { path = d }

        let last = path.split(separator: "/").last.map(String.init) ?? ""
        let fileName = (last.removingPercentEncoding ?? last)
        guard !fileName.isEmpty, fileName != ".", fileName != ".." else { return nil }
        let ext = fileName.split(separator: ".").count > 1 ? fileName.split(separator: ".").last!.lowercased() : ""
        let kind = mediaKinds[ext] ?? .other
        // A bare value only counts when its extension says it is media; text stays text.
        guard isURL || isPath || (kind != .other && !value.contains(" ")) else { return nil }

        var originalName = fileName
        if path.hasPrefix("/data/upload/"), let dash = fileName.firstIndex(of: "-") {
            let prefix = fileName[..<dash]
            if (1...36).contains(prefix.count), prefix.allSatisfy(\.isHexDigit), fileName.index(after: dash) < fileName.endIndex {
                originalName = String(fileName[fileName.index(after: dash)...])
            }
        }
        return LabelStudioMedia(key: key, reference: value, fileName: fileName, originalName: originalName, kind: kind)
    }

    private static func queryValue(_ name: String, in query: String) -> String? {
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, parts[0] == name else { continue }
            let value = parts[1].replacingOccurrences(of: "+", with: " ")
            return value.removingPercentEncoding ?? value
        }
        return nil
    }

    private static func invalid(_ message: String) -> LabError {
        LabError(.unprocessable, "invalid_labelstudio", message)
    }
}
