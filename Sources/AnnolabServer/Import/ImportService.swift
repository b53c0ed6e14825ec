// Stores uploads: media files first (atomically), then items and microtasks in one transaction.
import AnnolabCore
import AnnolabMedia
import AnnolabStore
import Foundation

/// Imports files into a project, by the upload route and by `annolab import` alike.
public struct ImportService: Sendable {
    public let store: any LabStoring
    public let engine: LabEngine
    public let templates: TemplateCatalog
    public var limits = ImportLimits()
    /// Runs ffmpeg and ffprobe on programmes.
    public var ffmpeg = FFmpeg()
    /// Prepares stored programmes in the background; nil where no server runs them.
    public var programmeJobs: ProgrammeJobs?
    /// Fetches a live model's predictions for new pictures; nil where no server runs it.
    public var modelFetcher: ModelFetcher?

    public init(store: any LabStoring, engine: LabEngine, templates: TemplateCatalog, programmeJobs: ProgrammeJobs? = nil) {
        self.store = store
        self.engine = engine
        self.templates = templates
        self.programmeJobs = programmeJobs
    }

    /// What an import did: the shape of the upload route's answer.
    public struct Report: Codable, Sendable {
        public var imported: Int
        public var microtasks: Int
        public var rejected: [RejectedFile]
    }

    /// Imports files; with `strict`, any refused file refuses the whole upload and stores nothing.
    /// Programmes (video and compressed sound) are probed now and prepared by a job afterwards;
    /// `programmes` are those already on disk (a streamed upload, or files named on the command line).
    public func importFiles(_ files: [(name: String, data: Data)], programmes: [UploadedProgramme] = [], into projectId: Int64,
                            strict: Bool, actor: Int64?) async throws -> Report {
        guard let project = try await store.project(id: projectId) else {
            throw LabError(.notFound, "project_not_found", "There is no project \(projectId).")
        }
        guard !files.isEmpty || !programmes.isEmpty else {
            for programme in programmes where programme.owned { try? FileManager.default.removeItem(at: programme.url) }
            throw LabError(.badRequest, "no_files", "Send at least one file, in a part named 'file'.")
        }
        let preparer = ItemPreparer(projectId: projectId, kind: project.template, labels: project.labels,
                                    template: templates[project.template], limits: limits,
                                    subtitleRules: try project.ruleSettings())
        // A project that starts from a model's predictions takes prediction files beside its media.
        let setting = try await store.modelSetting(projectId: projectId)
        let predictionFiles = setting == nil ? [] : files.filter(Self.isPredictionFile)
        let predictionNames = Set(predictionFiles.map(\.name))
        // Label Studio task lists name the media they need; the media come in the same upload.
        let manifests = files.filter { $0.name.lowercased().hasSuffix(".json") && !predictionNames.contains($0.name) }
        var prepared = preparer.prepare(files.filter { !$0.name.lowercased().hasSuffix(".json") && !predictionNames.contains($0.name) },
                                        programmeNames: programmes.map(\.name))
        prepared.rejected += Self.checkLabelStudio(manifests, against: files)
        var predicted = UploadedPredictions()
        if setting != nil {
            predicted = Self.readPredictions(predictionFiles, mediaNames: prepared.items.map(\.fileName))
            let fromTasks = Self.labelStudioPredictions(manifests)
            predicted.predictions += fromTasks.predictions
            predicted.origins += fromTasks.origins
            prepared.rejected += predicted.rejected
            prepared.rejected += Self.refuseUnmatched(&predicted, items: prepared.items, labels: project.labels)
        }
        let checked = await checkProgrammes(onDisk: programmes, inMemory: prepared.programmes, subtitles: prepared.programmeSubtitles,
                                            kind: project.template)
        prepared.rejected += checked.rejected
        if strict && !prepared.rejected.isEmpty {
            discard(checked.accepted)
            let list = prepared.rejected.map { "\($0.file): \($0.reason)" }.joined(separator: " ")
            throw LabError(.unprocessable, "upload_refused", "Nothing was stored, because some files were refused. \(list)")
        }
        guard !prepared.items.isEmpty || !checked.accepted.isEmpty else {
            return Report(imported: 0, microtasks: 0, rejected: prepared.rejected)
        }
        let projectFolder = store.mediaFolder.appendingPathComponent("\(projectId)", isDirectory: true)
        var written: [URL] = []
        if prepared.items.isEmpty {
            _ = try await storeProgrammes(checked.accepted, projectId: projectId, projectFolder: projectFolder, actor: actor)
            return Report(imported: checked.accepted.count, microtasks: 0, rejected: prepared.rejected)
        }
        do {
            for item in prepared.items {
                written.append(try write(item, into: projectFolder))
            }
            let required = project.overlap ?? project.adaptiveMin ?? 2
            if let setting {
                let microtasks = try await storePredicted(prepared.items, predicted, project: project, setting: setting,
                                                          required: required, actor: actor)
                engine.microtasksAdded(microtasks)
                if setting.url != nil { modelFetcher?.nudge() }
                return Report(imported: prepared.items.count, microtasks: microtasks.count, rejected: prepared.rejected)
            }
            let rows = try prepared.items.map { item -> (item: Item, microtasks: [Microtask]) in
                let stored = Item(projectId: projectId, fileName: item.fileName, mediaType: item.mediaType,
                                  mediaPath: "\(projectId)/\(item.folder)", byteCount: item.byteCount, meta: try LabJSON.text(item.meta))
                let microtasks = try item.microtasks.map { prepared in
                    Microtask(projectId: projectId, itemId: nil, kind: project.template,
                              payload: String(decoding: try LabJSON.encoder.encode(prepared.payload), as: UTF8.self),
                              estimatedSeconds: prepared.estimatedSeconds, requiredAnswers: required)
                }
                return (stored, microtasks)
            }
            let microtasks = try await store.addItems(rows, actor: actor)
            engine.microtasksAdded(microtasks)
            // Pictures and sound are stored; programmes follow (a refusal there leaves these stored,
            // as when one file of several is refused).
            var programmeCount = 0
            var refused = prepared.rejected
            if !checked.accepted.isEmpty {
                do {
                    _ = try await storeProgrammes(checked.accepted, projectId: projectId, projectFolder: projectFolder, actor: actor)
                    programmeCount = checked.accepted.count
                } catch let error as LabError {
                    refused += checked.accepted.map { RejectedFile(file: $0.name, reason: error.message, code: error.code.rawValue) }
                }
            }
            return Report(imported: prepared.items.count + programmeCount, microtasks: microtasks.count, rejected: refused)
        } catch {
            // Nothing half-written stays behind: the database refused, so the files go too.
            for folder in written { try? FileManager.default.removeItem(at: folder) }
            discard(checked.accepted)
            throw error
        }
    }

    /// Reads Label Studio task lists and names every task whose media file was not uploaded with
    /// them. Files are matched by name, also as Label Studio renames uploads ("/data/upload/1/abc-photo.png").
    static func checkLabelStudio(_ manifests: [(name: String, data: Data)], against files: [(name: String, data: Data)]) -> [RejectedFile] {
        guard !manifests.isEmpty else { return [] }
        var names = files.map { ($0.name as NSString).lastPathComponent }
        for file in files where ZipArchive.looksLikeZip(file.data) {
            names += ((try? ZipArchive.extract(file.data).files) ?? []).map { ($0.name as NSString).lastPathComponent }
        }
        var rejected: [RejectedFile] = []
        for manifest in manifests {
            let tasks: [LabelStudioTask]
            do {
                tasks = try LabelStudioImport.parse(manifest.data)
            } catch let error as LabError {
                rejected.append(RejectedFile(file: manifest.name, reason: error.message, code: error.code.rawValue))
                continue
            } catch {
                rejected.append(RejectedFile(file: manifest.name, reason: "This is not a Label Studio task list.", code: "invalid_labelstudio"))
                continue
            }
            for task in tasks {
                for media in task.media where !names.contains(where: { media.matches(uploadName: $0) }) {
                    rejected.append(RejectedFile(
                        file: "\(manifest.name), task \(task.id.map(String.init) ?? String(task.position + 1))",
                        reason: "The file '\(media.originalName)' it needs was not in this upload. Upload it together with the task list.",
                        code: "labelstudio_media_missing"))
                }
            }
        }
        return rejected
    }

    /// Writes an item's files into a new folder, which appears whole or not at all.
    func write(_ item: PreparedItem, into projectFolder: URL) throws -> URL {
        let files = FileManager.default
        let final = projectFolder.appendingPathComponent(item.folder, isDirectory: true)
        let staging = projectFolder.appendingPathComponent(".incoming-\(item.folder)", isDirectory: true)
        do {
            try files.createDirectory(at: staging, withIntermediateDirectories: true)
            for file in item.files {
                try file.data.write(to: staging.appendingPathComponent(file.name), options: .atomic)
            }
            try files.moveItem(at: staging, to: final)
        } catch {
            try? files.removeItem(at: staging)
            if let cause = StorageFailure.cause(of: error) { throw StorageFailure.labError(cause) }
            throw LabError(.internalFailure, "media_write_failed",
                           "The files could not be saved on the server. Nothing was stored. Please try again.")
        }
        return final
    }
}
