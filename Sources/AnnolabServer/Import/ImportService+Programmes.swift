// Programmes in an upload: probed before the answer, stored whole with a job that prepares them.
import AnnolabCore
import AnnolabMedia
import AnnolabStore
import Foundation

/// A programme that arrived as a file on disk (streamed from an upload, or named to `annolab import`).
public struct UploadedProgramme: Sendable {
    public var name: String
    public var url: URL
    /// True when the file is the lab's own copy, which the import may move and must delete if
    /// it is refused; false for a file of the person's own (`annolab import`), which is copied.
    public var owned: Bool

    public init(name: String, url: URL, owned: Bool) {
        self.name = name
        self.url = url
        self.owned = owned
    }
}

extension ImportService {
    /// A programme that passed its probe, ready to be stored.
    struct CheckedProgramme {
        var name: String
        var source: UploadedProgramme
        var probe: ProgrammeProbe
        var subtitles: (name: String, data: Data)?
    }

    /// Where programmes wait while an upload is checked: inside the data folder, so that storing
    /// one is a rename on the same disk.
    var incomingFolder: URL { store.folder.appendingPathComponent("incoming", isDirectory: true) }

    /// Probes every programme and pairs subtitle checks with their subtitles. In-memory programmes
    /// (from archives) are written to the incoming folder first, so ffprobe reads a file.
    func checkProgrammes(onDisk: [UploadedProgramme], inMemory: [(name: String, data: Data)],
                         subtitles: [String: (name: String, data: Data)], kind: TaskKind) async -> (accepted: [CheckedProgramme], rejected: [RejectedFile]) {
        var accepted: [CheckedProgramme] = [], rejected: [RejectedFile] = []
        var all = onDisk
        for programme in inMemory {
            let url = incomingFolder.appendingPathComponent("\(UUID().uuidString.lowercased()).\((programme.name as NSString).pathExtension.lowercased())")
            do {
                try FileManager.default.createDirectory(at: incomingFolder, withIntermediateDirectories: true)
                try programme.data.write(to: url)
                all.append(UploadedProgramme(name: programme.name, url: url, owned: true))
            } catch {
                rejected.append(RejectedFile(file: programme.name, reason: "The file could not be saved on the server.", code: "media_write_failed"))
            }
        }
        for programme in all {
            let name = programme.name
            let companion = kind == .subtitleCheck ? subtitles[ItemPreparer.pairingKey(name)] : nil
            do {
                guard [.subtitleCheck, .audioTags, .thumbnailChoice, .frameBoxes].contains(kind) else {
                    throw LabError(.unprocessable, "wrong_file_for_project",
                                   "A \(kind.rawValue) project takes pictures, not programmes. Make an audio-tags, subtitle-check, thumbnail-choice or frame-boxes project for them.")
                }
                if let companion { _ = try SubtitleFile.parse(companion.data, fileName: companion.name) }
                let probe = try await ffmpeg.probe(programme.url)
                if kind.needsProgramme, probe.video == nil {
                    throw LabError(.unprocessable, "media_no_video", "The file has no picture, and this project needs video.")
                }
                if kind == .audioTags, probe.audio == nil {
                    throw LabError(.unprocessable, "media_no_sound", "The programme has no sound to listen to.")
                }
                if kind == .subtitleCheck, companion == nil, probe.subtitleStreams.isEmpty {
                    throw LabError(.unprocessable, "programme_without_subtitles",
                                   "The programme needs its subtitles: an SRT or WebVTT file with the same name in the same upload, or a subtitle track inside the file.")
                }
                accepted.append(CheckedProgramme(name: name, source: programme, probe: probe, subtitles: companion))
            } catch {
                let refusal = (error as? LabError) ?? LabError(.unprocessable, "media_unreadable", "The file could not be read as a programme.")
                rejected.append(RejectedFile(file: name, reason: refusal.message, code: refusal.code.rawValue))
                if let companion {
                    rejected.append(RejectedFile(file: companion.name, reason: "Not imported, because its programme \(name) was refused.",
                                                 code: "programme_refused"))
                }
                if programme.owned { try? FileManager.default.removeItem(at: programme.url) }
            }
        }
        return (accepted, rejected)
    }

    /// Forgets programmes that will not be stored (a strict upload with a refused file).
    func discard(_ programmes: [CheckedProgramme]) {
        for programme in programmes where programme.source.owned {
            try? FileManager.default.removeItem(at: programme.source.url)
        }
    }

    /// Stores each programme in its own folder, whole, with a waiting job; returns the folders written.
    func storeProgrammes(_ programmes: [CheckedProgramme], projectId: Int64, projectFolder: URL, actor: Int64?) async throws -> [URL] {
        let files = FileManager.default
        var written: [URL] = [], rows: [(item: Item, job: MediaJob)] = []
        do {
            for programme in programmes {
                let folder = UUID().uuidString.lowercased()
                let staging = projectFolder.appendingPathComponent(".incoming-\(folder)", isDirectory: true)
                let final = projectFolder.appendingPathComponent(folder, isDirectory: true)
                try files.createDirectory(at: staging, withIntermediateDirectories: true)
                let original = ProgrammePreparer.originalName(for: programme.name)
                if programme.source.owned {
                    try files.moveItem(at: programme.source.url, to: staging.appendingPathComponent(original))
                } else {
                    try files.copyItem(at: programme.source.url, to: staging.appendingPathComponent(original))
                }
                var bytes = (try? files.attributesOfItem(atPath: staging.appendingPathComponent(original).path)[.size] as? Int) ?? 0
                if let subtitles = programme.subtitles {
                    let ext = (subtitles.name as NSString).pathExtension.lowercased() == "srt" ? "srt" : "vtt"
                    try subtitles.data.write(to: staging.appendingPathComponent("subtitles.\(ext)"), options: .atomic)
                    bytes += subtitles.data.count
                }
                try files.moveItem(at: staging, to: final)
                written.append(final)
                let facts = ProgrammeFacts(original: original, probe: programme.probe)
                rows.append((Item(projectId: projectId, fileName: programme.name, mediaType: Self.mediaType(programme.name),
                                  mediaPath: "\(projectId)/\(folder)", byteCount: bytes, meta: try LabJSON.text(try facts.meta())),
                             MediaJob(projectId: projectId, file: programme.name)))
            }
            _ = try await store.addProgrammes(rows, actor: actor)
            programmeJobs?.nudge()
            return written
        } catch {
            for folder in written { try? files.removeItem(at: folder) }
            discard(programmes)
            if let cause = StorageFailure.cause(of: error) { throw StorageFailure.labError(cause) }
            throw (error as? LabError) ?? LabError(.internalFailure, "media_write_failed",
                                                   "The files could not be saved on the server. Nothing was stored. Please try again.")
        }
    }

    static func mediaType(_ name: String) -> String {
        switch (name as NSString).pathExtension.lowercased() {
        case "mp4", "m4v": "video/mp4"
        case "mov": "video/quicktime"
        case "mkv": "video/x-matroska"
        case "webm": "video/webm"
        case "mp3": "audio/mpeg"
        case "m4a", "aac": "audio/mp4"
        case "ogg", "oga", "opus": "audio/ogg"
        case "flac": "audio/flac"
        default: "application/octet-stream"
        }
    }
}
