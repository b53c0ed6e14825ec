// Turns uploaded files into items and microtasks by the chunking rules of each task kind.
import AnnolabCore
import Foundation

/// Checks uploaded files and cuts them into microtasks, without touching the database.
///
/// Each file is taken whole or refused whole. ZIP archives are opened (within the limits)
/// and each file inside is treated like an upload of its own. A subtitle file takes the
/// programme's WAV with the same name from the same upload, if there is one.
///
/// ```swift
/// let preparer = ItemPreparer(projectId: 7, kind: .audioTags, labels: ["music", "speech"], template: template)
/// let result = preparer.prepare([("evening-news.wav", data)])
/// ```
public struct ItemPreparer: Sendable {
    public var projectId: Int64
    public var kind: TaskKind
    public var labels: [String]
    public var template: TaskTemplate?
    public var limits: ImportLimits
    /// The limits the subtitle rules hold each cue of a subtitle file to.
    public var subtitleRules: SubtitleRuleSettings

    public init(projectId: Int64, kind: TaskKind, labels: [String], template: TaskTemplate?, limits: ImportLimits = ImportLimits(),
                subtitleRules: SubtitleRuleSettings = SubtitleRuleSettings()) {
        self.projectId = projectId
        self.kind = kind
        self.labels = labels
        self.template = template
        self.limits = limits
        self.subtitleRules = subtitleRules
    }

    /// The key of an item's `meta` that holds what the subtitle rules found in its file
    /// (a ``SubtitleRuleSummary`` as JSON), for the client's project page.
    public static let ruleFindingsKey = "ruleFindings"

    public struct Result: Sendable {
        public var items: [PreparedItem] = []
        public var rejected: [RejectedFile] = []
        /// Programmes (video or compressed sound) found among the files or inside archives:
        /// they are probed and prepared by ffmpeg, not here.
        public var programmes: [(name: String, data: Data)] = []
        /// Subtitle files whose base name is a programme's, by that base name: they go with it.
        public var programmeSubtitles: [String: (name: String, data: Data)] = [:]
    }

    enum FileKind: String { case png, jpeg, srt, vtt, wav, zip, programme }

    /// The extensions of programmes: video, and sound that is not WAV.
    public static let programmeExtensions: Set<String> = ["mp4", "m4v", "mov", "mkv", "webm", "mp3", "m4a", "aac", "ogg", "oga",
                                                         "opus", "flac"]

    public static func isProgramme(_ name: String) -> Bool {
        programmeExtensions.contains((name as NSString).pathExtension.lowercased())
    }

    static func fileKind(_ name: String) -> FileKind? {
        switch (name as NSString).pathExtension.lowercased() {
        case "png": .png
        case "jpg", "jpeg": .jpeg
        case "srt": .srt
        case "vtt", "webvtt": .vtt
        case "wav", "wave": .wav
        case "zip": .zip
        case let other where programmeExtensions.contains(other): .programme
        default: nil
        }
    }

    /// - Parameter programmeNames: names of programmes uploaded beside these files (kept on disk
    ///   by the caller), so that their subtitle files go with them.
    public func prepare(_ uploads: [(name: String, data: Data)], programmeNames: [String] = []) -> Result {
        var result = Result()
        // Open archives first, so that their files join the others.
        var files: [(name: String, data: Data)] = []
        for upload in uploads {
            let name = Self.cleanName(upload.name)
            if upload.data.count > limits.maxFileBytes {
                result.rejected.append(RejectedFile(file: name, reason: "The file is larger than \(limits.maxFileBytes >> 20) MB.", code: "file_too_large"))
            } else if Self.fileKind(name) == .zip {
                do {
                    let contents = try ZipArchive.extract(upload.data, limits: limits.zip)
                    for problem in contents.problems {
                        result.rejected.append(RejectedFile(file: "\(name)/\(problem.name)", reason: problem.error.message,
                                                            code: problem.error.code.rawValue))
                    }
                    files += contents.files.map { (name: "\(name)/\($0.name)", data: $0.data) }
                    if contents.files.isEmpty && contents.problems.isEmpty {
                        result.rejected.append(RejectedFile(file: name, reason: "The archive holds no files to label.", code: "zip_empty"))
                    }
                } catch let error as LabError {
                    result.rejected.append(RejectedFile(file: name, reason: error.message, code: error.code.rawValue))
                } catch {
                    result.rejected.append(RejectedFile(file: name, reason: "The archive could not be opened.", code: "zip_corrupt"))
                }
            } else {
                files.append((name: name, data: upload.data))
            }
        }
        // Programmes go to ffmpeg; in a subtitle check, each takes the subtitle file of its name.
        result.programmes = files.filter { Self.fileKind($0.name) == .programme }
        files.removeAll { Self.fileKind($0.name) == .programme }
        if kind == .subtitleCheck {
            let bases = Set((programmeNames + result.programmes.map(\.name)).map(Self.pairingKey))
            for file in files where [.srt, .vtt].contains(Self.fileKind(file.name)) && bases.contains(Self.pairingKey(file.name)) {
                result.programmeSubtitles[Self.pairingKey(file.name)] = file
            }
            let taken = Set(result.programmeSubtitles.values.map(\.name))
            files.removeAll { taken.contains($0.name) }
        }
        // A subtitle project pairs each subtitle file with the WAV of the same name.
        var companions: [String: (name: String, data: Data)] = [:]
        if kind == .subtitleCheck {
            let subtitleBases = Set(files.filter { [.srt, .vtt].contains(Self.fileKind($0.name)) }.map { Self.baseName($0.name) })
            for file in files where Self.fileKind(file.name) == .wav && subtitleBases.contains(Self.baseName(file.name)) {
                companions[Self.baseName(file.name)] = file
            }
        }
        let paired = Set(companions.values.map(\.name))
        for file in files {
            if paired.contains(file.name) { continue }
            do {
                result.items.append(try prepareOne(name: file.name, data: file.data,
                                                   companion: companions[Self.baseName(file.name)]))
            } catch {
                let refusal = (error as? LabError) ?? LabError(.unprocessable, "file_unreadable", "The file could not be read.")
                result.rejected.append(RejectedFile(file: file.name, reason: refusal.message, code: refusal.code.rawValue))
                if kind == .subtitleCheck, [.srt, .vtt].contains(Self.fileKind(file.name)),
                   let companion = companions.removeValue(forKey: Self.baseName(file.name)) {
                    // The sound goes with its subtitles: refused together, so nothing is half imported.
                    result.rejected.append(RejectedFile(
                        file: companion.name, reason: "Not imported, because its subtitle file \(file.name) was refused.",
                        code: "subtitles_refused"))
                }
            }
        }
        return result
    }

    /// What pairs a programme with its subtitles: the name without its extension, folders inside
    /// an archive included (`news.zip/news.mp4` goes with `news.zip/news.srt`), in lower case.
    public static func pairingKey(_ name: String) -> String { baseName(name) }

    static func baseName(_ name: String) -> String {
        ((name as NSString).deletingPathExtension as String).lowercased()
    }

    /// The name as it will be shown: no folders above the upload, no control characters.
    public static func cleanName(_ name: String) -> String {
        let last = name.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? "file"
        let cleaned = String(last.unicodeScalars.filter { $0.value >= 0x20 && $0.value != 0x7F }.map(Character.init))
        return cleaned.isEmpty ? "file" : String(cleaned.prefix(200))
    }

    func refuse(_ code: LabError.Code, _ message: String) -> LabError {
        LabError(.unprocessable, code, message)
    }

    func prepareOne(name: String, data: Data, companion: (name: String, data: Data)?) throws -> PreparedItem {
        guard !data.isEmpty else { throw refuse("file_empty", "The file is empty.") }
        guard let fileKind = Self.fileKind(name) else {
            throw refuse("unsupported_file_type", "Files like this cannot be labelled here. \(accepted)")
        }
        let folder = UUID().uuidString.lowercased()
        switch (kind, fileKind) {
        case (.imageBoxes, .png), (.imageBoxes, .jpeg), (.choice, .png), (.choice, .jpeg), (.imageBoxVerify, .png):
            return try prepareImage(name: name, data: data, fileKind: fileKind, folder: folder)
        case (.subtitleCheck, .srt), (.subtitleCheck, .vtt):
            return try prepareSubtitles(name: name, data: data, companion: companion, folder: folder)
        case (.subtitleCheck, .wav):
            throw refuse("wav_without_subtitles",
                         "A sound file needs a subtitle file with the same name in the same upload (for example news.srt with news.wav).")
        case (.audioTags, .wav):
            return try prepareSound(name: name, data: data, folder: folder)
        default:
            throw refuse("wrong_file_for_project", "This project cannot use this kind of file. \(accepted)")
        }
    }

    var accepted: String {
        switch kind {
        case .imageBoxes, .imageBoxVerify: "Upload pictures (PNG or JPEG), or a ZIP of them."
        case .choice: "Upload pictures (PNG or JPEG) to choose about, or a ZIP of them."
        case .subtitleCheck:
            "Upload subtitles (SRT or WebVTT), each with the programme (video, or sound as WAV) of the same name if you have it."
        case .audioTags: "Upload sound (WAV, MP3, M4A, Ogg, Opus, FLAC) or programmes (MP4, MOV, MKV, WebM), or a ZIP of them."
        case .thumbnailChoice, .frameBoxes: "Upload programmes as video (MP4, MOV, MKV or WebM), or a ZIP of them."
        }
    }

    func url(_ folder: String, _ file: String) -> String {
        "/media/\(projectId)/\(folder)/\(file)"
    }

    var seconds: Int { template?.estimatedSeconds ?? 20 }

    func prepareImage(name: String, data: Data, fileKind: FileKind, folder: String) throws -> PreparedItem {
        let probe = try ImageProbe.read(data)
        guard probe.width > 0, probe.height > 0, probe.width * probe.height <= limits.maxImagePixels else {
            throw refuse("image_too_large", "The picture is \(probe.width) by \(probe.height) pixels; at most \(limits.maxImagePixels / 1_000_000) million pixels fit.")
        }
        let original = fileKind == .png ? "original.png" : "original.jpg"
        var files = [PreparedItem.MediaFile(name: original, data: data)]
        var microtasks: [PreparedItem.PreparedMicrotask] = []
        let tiling = template?.tiling?.rule ?? ImageTiling()
        let tiles = kind == .imageBoxes ? tiling.tiles(width: probe.width, height: probe.height) : []
        if fileKind == .png {
            // Decoding checks the whole picture, not just its header.
            let image = try PNGImage.decode(data, limits: PNGLimits(maxPixels: limits.maxImagePixels))
            if !tiles.isEmpty {
                for (tile, png) in try PNGImage.encodeTiles(of: image, tiling: tiling) {
                    let file = "tile-\(tile.row)-\(tile.column).png"
                    files.append(.init(name: file, data: png))
                    microtasks.append(.init(payload: MicrotaskPayload(
                        image: .init(url: url(folder, file), width: tile.rect.width, height: tile.rect.height),
                        tile: .init(x: tile.rect.x, y: tile.rect.y, imageWidth: probe.width, imageHeight: probe.height),
                        sourceFile: name), estimatedSeconds: seconds))
                }
            }
        } else if !tiles.isEmpty {
            throw refuse("jpeg_too_large_to_tile",
                         "This JPEG is \(probe.width) by \(probe.height) pixels. Pictures over 2048 pixels are cut into tiles, which works for PNG only. Please upload it as PNG.")
        }
        if microtasks.isEmpty {
            microtasks.append(.init(payload: MicrotaskPayload(
                image: .init(url: url(folder, original), width: probe.width, height: probe.height),
                options: kind == .choice ? labels : nil, sourceFile: name), estimatedSeconds: seconds))
        }
        return PreparedItem(fileName: name, mediaType: fileKind == .png ? "image/png" : "image/jpeg", byteCount: data.count,
                            folder: folder, files: files, microtasks: microtasks,
                            meta: ["width": "\(probe.width)", "height": "\(probe.height)", "tiles": "\(tiles.count)"])
    }

    func prepareSubtitles(name: String, data: Data, companion: (name: String, data: Data)?, folder: String) throws -> PreparedItem {
        let subtitles = try SubtitleFile.parse(data, fileName: name)
        let settings = template?.subtitles
        let windows = try SubtitleWindows.make(from: subtitles.cues, maximumCues: settings?.windowCues ?? 4,
                                               maximumSpan: settings?.windowMaxSeconds ?? 30)
        let original = subtitles.format == .webVTT ? "original.vtt" : "original.srt"
        var files = [PreparedItem.MediaFile(name: original, data: data)]
        var sound: WaveSound?
        if let companion {
            do {
                sound = try WaveSound(companion.data)
            } catch let error as LabError {
                throw refuse(error.code, "The programme sound \(companion.name) cannot be used: \(error.message)")
            }
            files.append(.init(name: "programme.wav", data: companion.data))
        }
        // The machine checks run before any person looks: their findings go with each cue as hints.
        let report = SubtitleChecker(settings: subtitleRules).check(subtitles)
        var microtasks: [PreparedItem.PreparedMicrotask] = []
        for (n, window) in windows.enumerated() {
            let cues = subtitles.cues[window.cueRange].map { cue in
                let findings = report.findings(forCue: cue.index)
                return MicrotaskPayload.Cue(index: cue.index, start: cue.start, end: cue.end, text: cue.plainText,
                                            findings: findings.isEmpty ? nil : findings)
            }
            var audio: MicrotaskPayload.Audio?
            if let sound, window.start < sound.duration {
                let end = min(window.end, sound.duration)
                let file = "window-\(n + 1).wav"
                files.append(.init(name: file, data: try sound.slice(from: window.start, to: end)))
                audio = .init(url: url(folder, file), start: window.start, end: end)
            }
            microtasks.append(.init(payload: MicrotaskPayload(cues: cues, audio: audio, sourceFile: name),
                                    estimatedSeconds: min(60, max(seconds, cues.count * 10))))
        }
        var meta = ["cues": "\(subtitles.cues.count)", "windows": "\(windows.count)", "format": "\(subtitles.format)",
                    "encoding": "\(subtitles.encoding)"]
        if let sound { meta["soundSeconds"] = String(format: "%.3f", sound.duration) }
        meta[Self.ruleFindingsKey] = String(decoding: try JSONEncoder().encode(report.summary), as: UTF8.self)
        return PreparedItem(fileName: name, mediaType: subtitles.format == .webVTT ? "text/vtt" : "application/x-subrip",
                            byteCount: data.count + (companion?.data.count ?? 0), folder: folder, files: files,
                            microtasks: microtasks, meta: meta)
    }

    func prepareSound(name: String, data: Data, folder: String) throws -> PreparedItem {
        let sound = try WaveSound(data)
        let settings = template?.audio
        let clips = try AudioClips.make(duration: sound.duration, length: settings?.clipSeconds ?? 10,
                                        shortestLastPiece: settings?.minTailSeconds ?? 2)
        var files = [PreparedItem.MediaFile(name: "original.wav", data: data)]
        var microtasks: [PreparedItem.PreparedMicrotask] = []
        for clip in clips {
            let file = "clip-\(clip.index + 1).wav"
            files.append(.init(name: file, data: try sound.slice(from: clip.start, to: clip.end)))
            microtasks.append(.init(payload: MicrotaskPayload(audio: .init(url: url(folder, file), start: clip.start, end: clip.end),
                                                              sourceFile: name), estimatedSeconds: seconds))
        }
        return PreparedItem(fileName: name, mediaType: "audio/wav", byteCount: data.count, folder: folder, files: files,
                            microtasks: microtasks,
                            meta: ["seconds": String(format: "%.3f", sound.duration), "clips": "\(clips.count)",
                                   "channels": "\(sound.format.channelCount)", "sampleRate": "\(sound.format.sampleRate)"])
    }
}
