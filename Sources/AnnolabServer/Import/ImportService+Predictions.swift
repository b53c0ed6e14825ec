// Uploads that carry a model's predictions: the prediction files are read, matched to the media, and carved into work.
import AnnolabCore
import AnnolabMedia
import AnnolabStore
import Foundation

/// The prediction files of an upload, read, and those refused with their reasons.
struct UploadedPredictions: Sendable {
    var predictions: [FilePrediction] = []
    /// Which file each prediction came from, for refusals that name it.
    var origins: [String] = []
    var rejected: [RejectedFile] = []
    /// Names of the files that were prediction files (not media).
    var fileNames: Set<String> = []
}

extension ImportService {
    /// Whether a file of an upload is a prediction file rather than media: COCO results and COCO
    /// files, YOLO label files and their class lists, a sound tag CSV. Label Studio task files are
    /// read as task lists as before; their predictions are taken from them too.
    static func isPredictionFile(_ file: (name: String, data: Data)) -> Bool {
        let lower = file.name.lowercased()
        if lower.hasSuffix(".txt") || lower.hasSuffix(".yaml") || lower.hasSuffix(".yml") || lower.hasSuffix(".csv") { return true }
        if lower.hasSuffix(".json") { return PredictionImport.isCOCOResults(file.data) || PredictionImport.isCOCOFile(file.data) }
        return false
    }

    /// Reads every prediction file of an upload; a file that cannot be read is refused whole.
    static func readPredictions(_ files: [(name: String, data: Data)], mediaNames: [String]) -> UploadedPredictions {
        var result = UploadedPredictions()
        func take(_ name: String, _ read: () throws -> [FilePrediction]) {
            result.fileNames.insert(name)
            do {
                let found = try read()
                result.predictions += found
                result.origins += Array(repeating: name, count: found.count)
            } catch let error as LabError {
                result.rejected.append(RejectedFile(file: name, reason: error.message, code: error.code.rawValue))
            } catch {
                result.rejected.append(RejectedFile(file: name, reason: "This prediction file could not be read.", code: "invalid_predictions"))
            }
        }
        let lower = { (name: String) in (name as NSString).lastPathComponent.lowercased() }
        // Class names of YOLO label files: classes.txt or a data.yaml beside them.
        var classes: [String]?
        for file in files where ["classes.txt", "data.yaml", "data.yml", "obj.names"].contains(lower(file.name)) {
            result.fileNames.insert(file.name)
            do { classes = try PredictionImport.yoloClasses(file.data, name: file.name) } catch let error as LabError {
                result.rejected.append(RejectedFile(file: file.name, reason: error.message, code: error.code.rawValue))
            } catch {}
        }
        let cocoFiles = files.filter { lower($0.name).hasSuffix(".json") && PredictionImport.isCOCOFile($0.data) }
        for file in files {
            let name = lower(file.name)
            if result.fileNames.contains(file.name) && !name.hasSuffix(".json") { continue }
            if name.hasSuffix(".json"), PredictionImport.isCOCOResults(file.data) {
                take(file.name) {
                    guard let images = cocoFiles.first else {
                        throw LabError(.unprocessable, "invalid_coco_results",
                                       "These COCO results need the COCO file that names their images (with \"images\" and \"categories\"). Upload it with them.")
                    }
                    return try PredictionImport.cocoResults(file.data, images: images.data)
                }
            } else if name.hasSuffix(".json"), PredictionImport.isCOCOFile(file.data) {
                result.fileNames.insert(file.name)
            } else if name.hasSuffix(".txt") {
                take(file.name) {
                    let stem = (name as NSString).deletingPathExtension
                    guard let picture = mediaNames.first(where: { ((lower($0) as NSString).deletingPathExtension) == stem }) else {
                        throw LabError(.unprocessable, "invalid_yolo",
                                       "No picture named '\(stem)' came with this YOLO label file. Upload the picture and its label file together.")
                    }
                    guard let classes else {
                        throw LabError(.unprocessable, "invalid_yolo",
                                       "YOLO label files need their class names: upload classes.txt or data.yaml with them.")
                    }
                    return [try PredictionImport.yolo(file.data, fileName: (picture as NSString).lastPathComponent, classes: classes)]
                }
            } else if name.hasSuffix(".csv") {
                take(file.name) { try PredictionImport.soundCSV(file.data) }
            }
        }
        return result
    }

    /// Label Studio task files with predictions in them give those predictions too.
    static func labelStudioPredictions(_ manifests: [(name: String, data: Data)]) -> UploadedPredictions {
        var result = UploadedPredictions()
        for manifest in manifests {
            guard let found = try? PredictionImport.labelStudio(manifest.data) else { continue }
            result.predictions += found
            result.origins += Array(repeating: manifest.name, count: found.count)
        }
        return result
    }

    /// Whether a prediction names this uploaded file: the same last name, also as Label Studio
    /// renames uploads (spaces to `_`, other characters dropped).
    static func names(_ prediction: FilePrediction, _ fileName: String) -> Bool {
        let wanted = (prediction.fileName as NSString).lastPathComponent
        let media = LabelStudioMedia(key: "image", reference: wanted, fileName: wanted, originalName: wanted, kind: .image)
        return media.matches(uploadName: fileName)
    }

    /// The labels of a prediction in the project's spelling (case does not matter); nil when one is not the project's.
    static func projectLabels(_ prediction: FilePrediction, labels: [String]) -> FilePrediction? {
        let spelled = Dictionary(labels.map { ($0.lowercased(), $0) }, uniquingKeysWith: { first, _ in first })
        var mapped = prediction
        for index in mapped.regions.indices {
            guard let label = spelled[mapped.regions[index].label.lowercased()] else { return nil }
            mapped.regions[index].label = label
        }
        for index in mapped.choices.indices {
            guard let label = spelled[mapped.choices[index].label.lowercased()] else { return nil }
            mapped.choices[index].label = label
        }
        for index in mapped.tags.indices {
            guard let label = spelled[mapped.tags[index].tag.lowercased()] else { return nil }
            mapped.tags[index].tag = label
        }
        return mapped
    }
}

extension ImportService {
    /// Refuses the prediction files whose predictions use a label the project does not have, or
    /// name none of the uploaded files; their predictions are dropped. Returns the refusals.
    static func refuseUnmatched(_ predicted: inout UploadedPredictions, items: [PreparedItem], labels: [String]) -> [RejectedFile] {
        var refused: [String: RejectedFile] = [:]
        var matchedAny: Set<String> = []
        for (index, prediction) in predicted.predictions.enumerated() {
            let origin = predicted.origins[index]
            if projectLabels(prediction, labels: labels) == nil, refused[origin] == nil {
                let used = (prediction.regions.map(\.label) + prediction.choices.map(\.label) + prediction.tags.map(\.tag))
                    .first { label in !labels.contains { $0.lowercased() == label.lowercased() } } ?? ""
                refused[origin] = RejectedFile(file: origin,
                                               reason: "The prediction for '\(prediction.fileName)' uses the label '\(used)', which this project does not have. Its labels are: \(labels.joined(separator: ", ")).",
                                               code: "prediction_label_unknown")
            }
            if items.contains(where: { names(prediction, $0.fileName) }) { matchedAny.insert(origin) }
        }
        for origin in Set(predicted.origins) where !matchedAny.contains(origin) && refused[origin] == nil {
            refused[origin] = RejectedFile(file: origin, reason: "None of the files these predictions are about came with this upload. Upload the media together with the predictions.",
                                           code: "prediction_media_missing")
        }
        let keep = predicted.origins.indices.filter { refused[predicted.origins[$0]] == nil }
        predicted.predictions = keep.map { predicted.predictions[$0] }
        predicted.origins = keep.map { predicted.origins[$0] }
        return refused.values.sorted { $0.file < $1.file }
    }

    /// Stores the prepared files with their predictions and the work carved from them.
    func storePredicted(_ items: [PreparedItem], _ predicted: UploadedPredictions, project: Project, setting: ModelSetting,
                        required: Int, actor: Int64?) async throws -> [Microtask] {
        let projectId = try project.id.required("project")
        let inputs = try items.map { item -> PredictionCarving.Input in
            let stored = Item(projectId: projectId, fileName: item.fileName, mediaType: item.mediaType,
                              mediaPath: "\(projectId)/\(item.folder)", byteCount: item.byteCount, meta: try LabJSON.text(item.meta))
            let picture = item.files.first { $0.name.hasPrefix("original.") && item.mediaType.hasPrefix("image/") }
            let prediction = predicted.predictions.first { Self.names($0, item.fileName) }
                .flatMap { Self.projectLabels($0, labels: project.labels) }
            return PredictionCarving.Input(
                item: stored, payloads: item.microtasks.map(\.payload), estimatedSeconds: item.microtasks.first?.estimatedSeconds ?? 20,
                width: item.meta["width"].flatMap(Int.init) ?? 0, height: item.meta["height"].flatMap(Int.init) ?? 0,
                pictureURL: picture.map { "/media/\(projectId)/\(item.folder)/\($0.name)" }, prediction: prediction, source: "upload",
                waitForModel: setting.url != nil && prediction == nil && picture != nil)
        }
        let carving = PredictionCarving(projectId: projectId, kind: project.template, setting: setting, required: required)
        return try await store.addPredictedUpload(try carving.carve(inputs), actor: actor, at: engine.clock.now())
    }
}
