// Exports: the consensus of a project's answers in the formats the client's tools read.
import AnnolabCore
import AnnolabMedia
import AnnolabStore
import Foundation

/// Builds a project's export: gathers its items, microtasks and answers, runs the consensus of
/// its kind, and writes the chosen format. Operators appear only as per-project pseudonyms.
///
/// COCO and YOLO exports stream: the answers are read with a cursor and fused picture by
/// picture into a scratch file (``SpilledImages``), and the file is then written in pieces
/// to wherever it goes, so memory does not grow with the project. Errors the client can act
/// on (a format the project does not offer, two uploads that would share a YOLO path) are
/// thrown before the first byte is written.
///
/// ```swift
/// let file = try await ExportService(store: store).export(project: project, format: "coco")
/// var sink = FileExportSink(handle: handle)
/// try await file.write(to: &sink)
/// ```
public struct ExportService: Sendable {
    public let store: any LabStoring

    public init(store: any LabStoring) {
        self.store = store
    }

    /// One exported file, ready to download: whole in memory, or pieces made as it is written.
    public struct File: Sendable {
        public var fileName: String
        public var contentType: String
        public var body: Body

        public enum Body: Sendable {
            case data(Data)
            /// Written once: a second write would start from where the first one ended.
            case pieces(any ExportPieces & Sendable)
        }

        init(fileName: String, contentType: String, data: Data) {
            self.init(fileName: fileName, contentType: contentType, body: .data(data))
        }

        init(fileName: String, contentType: String, body: Body) {
            self.fileName = fileName
            self.contentType = contentType
            self.body = body
        }

        /// Writes the whole file to `sink` (once).
        public func write<Sink: ExportSink>(to sink: inout Sink) async throws {
            switch body {
            case .data(let data):
                try await sink.write([UInt8](data))
            case .pieces(let pieces):
                var pieces = pieces
                try await pieces.write(to: &sink)
            }
        }

        /// The whole file in memory, for small exports and tests.
        public func collect() async throws -> Data {
            var sink = ExportDataSink()
            try await write(to: &sink)
            return sink.data
        }
    }

    /// The formats each kind offers.
    public static let formats: [TaskKind: [String]] = [
        .imageBoxes: ["coco", "yolo", "voc", "labelstudio", "jsonl"],
        .subtitleCheck: ["vtt", "csv", "jsonl"],
        .audioTags: ["csv", "json", "jsonl"],
        .choice: ["csv", "json", "jsonl"],
        .imageBoxVerify: ["jsonl"],
        .thumbnailChoice: ["csv", "zip", "json", "jsonl"],
        .frameBoxes: ["coco", "yolo", "voc", "labelstudio", "csv", "jsonl"],
    ]

    struct Gathered {
        var items: [Int64: Item]
        var microtasks: [Microtask]
        var payloads: [Int64: MicrotaskPayload]
        var answers: [AnswerRecord]
        var pseudonyms: OperatorPseudonyms
        /// Reviewers' decisions: the microtask decided -> the reviewer's answer, which is its label.
        var decisions: [Int64: AnswerRecord] = [:]
        /// Reviewers' microtasks -> the microtask each decides (they are not items of their own).
        var reviews: [Int64: Int64] = [:]
    }

    func gather(_ project: Project) async throws -> Gathered {
        let projectId = try project.id.required("project")
        let items = Dictionary(uniqueKeysWithValues: try await store.items(projectId: projectId).map { (try $0.id.required("item"), $0) })
        let all = try await store.microtasks(projectId: projectId)
        let microtasks = all.filter { $0.reviewOf == nil }
        var reviews: [Int64: Int64] = [:]
        for review in all { if let id = review.id, let original = review.reviewOf { reviews[id] = original } }
        let decoder = JSONDecoder()
        var payloads: [Int64: MicrotaskPayload] = [:]
        for microtask in microtasks {
            payloads[try microtask.id.required("microtask")] = try? decoder.decode(MicrotaskPayload.self, from: Data(microtask.payload.utf8))
        }
        let answers = try await store.answers(projectId: projectId).sorted { ($0.createdAt, $0.id ?? 0) < ($1.createdAt, $1.id ?? 0) }
        return Gathered(items: items, microtasks: microtasks, payloads: payloads, answers: answers,
                        pseudonyms: OperatorPseudonyms(operatorIDs: answers.map { String($0.operatorId) }),
                        decisions: reviews.isEmpty ? [:] : try await store.reviewDecisions(projectId: projectId), reviews: reviews)
    }

    static func base(_ name: String) -> String {
        let cleaned = name.lowercased().map { $0.isLetter || $0.isNumber ? $0 : "-" }
        let joined = String(cleaned).split(separator: "-").joined(separator: "-")
        return joined.isEmpty ? "project" : String(joined.prefix(60))
    }

    /// `actor`: who downloads it, for the audit log (nil on the command line).
    public func export(project: Project, format: String, actor: Int64? = nil) async throws -> File {
        let offered = Self.formats[project.template] ?? ["jsonl"]
        guard offered.contains(format) else {
            throw LabError(.unprocessable, "unsupported_format",
                           "A \(project.template.rawValue) project exports as \(offered.joined(separator: ", ")), not as '\(format)'.")
        }
        let projectId = try project.id.required("project")
        try await store.audit(actor: actor, action: "export.download", subject: "project:\(projectId)", detail: "\(format) export")
        let name = Self.base(project.name)
        func zip(_ files: [String: Data]) -> Data {
            ZipWriter.archive(files.sorted { $0.key < $1.key }.map { (name: $0.key, data: $0.value) })
        }
        if project.template == .imageBoxes, format != "jsonl" {
            return try await imageExport(project, projectId: projectId, format: format, name: name)
        }
        let data = try await gather(project)
        switch (project.template, format) {
        case (_, "jsonl"):
            return File(fileName: "\(name)-answers.jsonl", contentType: "application/x-ndjson", data: try rawAnswers(data))
        case (.subtitleCheck, "vtt"):
            let files = try subtitleResults(data)
            if files.count == 1 {
                return File(fileName: "\(name).vtt", contentType: "text/vtt; charset=utf-8", data: WebVTTExport().write(files[0]))
            }
            return File(fileName: "\(name)-vtt.zip", contentType: "application/zip", data: zip(try WebVTTExport().write(files: files)))
        case (.subtitleCheck, _):
            return File(fileName: "\(name)-subtitles.csv", contentType: "text/csv; charset=utf-8",
                        data: SubtitleReportCSV().write(try subtitleResults(data), programmes: programmes(data)))
        case (.audioTags, "csv"):
            return File(fileName: "\(name)-tags.csv", contentType: "text/csv; charset=utf-8",
                        data: AudioTagsExport().csv(try tagResults(project, data), programmes: programmes(data)))
        case (.audioTags, _):
            return File(fileName: "\(name)-tags.json", contentType: "application/json",
                        data: AudioTagsExport().json(try tagResults(project, data), programmes: programmes(data)))
        case (.thumbnailChoice, let format):
            return try thumbnailExport(project, data, name: name, format: format)
        case (.frameBoxes, let format):
            return try frameBoxesExport(project, data, name: name, format: format)
        case (.choice, let format):
            return try choiceExport(project, data, name: name, format: format, model: try await choiceModel(project))
        default:
            throw LabError(.unprocessable, "unsupported_format", "This project has no '\(format)' export.")
        }
    }

    // MARK: Boxes

    /// COCO and YOLO stream from the spilled consensus; Pascal VOC and Label Studio are made
    /// in memory from the same consensus.
    func imageExport(_ project: Project, projectId: Int64, format: String, name: String) async throws -> File {
        let images = try await SpilledImages.gather(project, store: store)
        let labels = ExportLabels.resolve(project.labels, found: images.labels)
        switch format {
        case "coco":
            return File(fileName: "\(name)-coco.json", contentType: "application/json",
                        body: .pieces(COCOExport().pieces(images, categories: labels)))
        case "yolo":
            let files = try YOLOExport().files(images, classes: labels)
            return File(fileName: "\(name)-yolo.zip", contentType: "application/zip",
                        body: .pieces(ZipPieces(files: files, spill: try ExportSpill(folder: store.folder))))
        case "voc":
            let annotations = try images.annotationsInUploadOrder(projectId: projectId)
            let files = try PascalVOCExport().write(annotations)
            return File(fileName: "\(name)-voc.zip", contentType: "application/zip",
                        data: ZipWriter.archive(files.sorted { $0.key < $1.key }.map { (name: $0.key, data: $0.value) }))
        default:
            var annotations = try images.annotationsInUploadOrder(projectId: projectId)
            try await addModelBoxes(to: &annotations, projectId: projectId)
            return File(fileName: "\(name)-labelstudio.json", contentType: "application/json", data: LabelStudioExport().write(annotations))
        }
    }

    /// What the client's model said about each picture, beside the lab's labels (Label Studio keeps them apart).
    func addModelBoxes(to annotations: inout [ImageAnnotations], projectId: Int64) async throws {
        guard try await store.modelSetting(projectId: projectId) != nil else { return }
        let items = Dictionary(try await store.items(projectId: projectId).compactMap { item in item.id.map { ($0, item.mediaPath) } },
                               uniquingKeysWith: { first, _ in first })
        var byPath: [String: StoredPrediction] = [:]
        for prediction in try await store.predictions(projectId: projectId) {
            if let path = items[prediction.itemId] { byPath[path] = prediction }
        }
        let decoder = JSONDecoder()
        for index in annotations.indices {
            guard let url = annotations[index].url, let path = url.split(separator: "/", maxSplits: 2).last.map(String.init),
                  let stored = byPath[path],
                  let prediction = try? decoder.decode(FilePrediction.self, from: Data(stored.body.utf8)) else { continue }
            let width = annotations[index].width, height = annotations[index].height
            annotations[index].modelVersion = stored.modelVersion
            annotations[index].modelBoxes = prediction.regions.compactMap { region in
                PredictionCarving.pixels(region, width: width, height: height).map {
                    ExportBox(label: $0.label, x: $0.x, y: $0.y, w: $0.w, h: $0.h, confidence: region.score ?? 1)
                }
            }
        }
    }

    // MARK: Raw answers

    func rawAnswers(_ data: Gathered) throws -> Data {
        let kinds = Dictionary(uniqueKeysWithValues: try data.microtasks.map { (try $0.id.required("microtask"), $0.kind.rawValue) })
        return try RawAnswersExport().write(data.answers.map { answer in
            let decides = data.reviews[answer.microtaskId]
            return RawAnswerRow(microtaskId: answer.microtaskId, kind: kinds[decides ?? answer.microtaskId] ?? "",
                                operatorPseudonym: data.pseudonyms[String(answer.operatorId)] ?? "operator-0",
                                answerJSON: answer.body, createdAt: answer.createdAt, isGold: answer.isGold, decides: decides)
        })
    }

    /// The answers that make a microtask's label: a reviewer's decision alone where there is one.
    func answers(_ data: Gathered, microtaskId: Int64) -> [(operatorID: String, answer: AnswerBody)] {
        let decoder = JSONDecoder()
        if let decision = data.decisions[microtaskId],
           let answer = try? decoder.decode(AnswerBody.self, from: Data(decision.body.utf8)) {
            return [(String(decision.operatorId), answer)]
        }
        return data.answers.filter { $0.microtaskId == microtaskId && !$0.isGold }.compactMap { record in
            (try? decoder.decode(AnswerBody.self, from: Data(record.body.utf8))).map { (String(record.operatorId), $0) }
        }
    }

    // MARK: Subtitles

    /// Each subtitle file with every cue, and the verdict the operators reached on it.
    func subtitleResults(_ data: Gathered) throws -> [SubtitleFileResult] {
        var cuesByItem: [Int64: [Int: (cue: MicrotaskPayload.Cue, verdict: String?, confidence: Double, correction: String?,
                                       reviewed: Bool)]] = [:]
        for microtask in data.microtasks where microtask.kind == .subtitleCheck && !microtask.isGold {
            let microtaskId = try microtask.id.required("microtask")
            guard let itemId = microtask.itemId, let cues = data.payloads[microtaskId]?.cues else { continue }
            let given = answers(data, microtaskId: microtaskId)
            let positions = Dictionary(uniqueKeysWithValues: cues.enumerated().map { ($0.element.index, $0.offset) })
            let votes: [SubtitleAnswer] = given.flatMap { operatorID, answer in
                (answer.cues ?? []).compactMap { cue -> SubtitleAnswer? in
                    guard let position = positions[cue.index], let verdict = SubtitleVerdict(rawValue: cue.verdict) else { return nil }
                    return SubtitleAnswer(cue: position, operatorID: operatorID, verdict: verdict, correction: cue.correction)
                }
            }
            let consensus = votes.isEmpty ? nil : SubtitleAggregation().aggregate(cueCount: cues.count, answers: votes)
            for (position, cue) in cues.enumerated() {
                let result = consensus?.cues.first { $0.cue == position }
                // A cue shared by two windows keeps the judgement with the higher confidence.
                if let existing = cuesByItem[itemId]?[cue.index], existing.confidence >= (result?.confidence ?? 0) { continue }
                cuesByItem[itemId, default: [:]][cue.index] = (cue, result?.verdict?.rawValue, result?.confidence ?? 0, result?.correction,
                                                               data.decisions[microtaskId] != nil)
            }
        }
        return data.items.sorted { $0.key < $1.key }.compactMap { itemId, item in
            guard let cues = cuesByItem[itemId] else { return nil }
            return SubtitleFileResult(fileName: item.fileName, cues: cues.sorted { $0.key < $1.key }.map { index, entry in
                var result = CueResult(index: index, start: entry.cue.start, end: entry.cue.end, text: SubtitleParsing.plainText(entry.cue.text),
                                       verdict: entry.verdict, confidence: entry.confidence, correction: entry.correction,
                                       findings: entry.cue.findings ?? [])
                result.reviewed = entry.reviewed
                return result
            })
        }
    }

    // MARK: Sound tags

    /// Each sound's tags as time ranges with their confidence.
    func tagResults(_ project: Project, _ data: Gathered) throws -> [TagResult] {
        var results: [TagResult] = []
        // Each sound's clips, by item and then by microtask id.
        var byItem: [Int64: [(id: Int64, start: Double)]] = [:]
        for microtask in data.microtasks where microtask.kind == .audioTags && !microtask.isGold {
            guard let itemId = microtask.itemId else { continue }
            let id = try microtask.id.required("microtask")
            byItem[itemId, default: []].append((id, data.payloads[id]?.audio?.start ?? 0))
        }
        for (itemId, clipsOfItem) in byItem.sorted(by: { $0.key < $1.key }) {
            guard let item = data.items[itemId] else { continue }
            let microtaskIds = clipsOfItem.sorted { $0.start < $1.start }.map(\.id)
            var clips: [AudioClip] = []
            var answers: [TagAnswer] = []
            for (index, microtaskId) in microtaskIds.enumerated() {
                guard let audio = data.payloads[microtaskId]?.audio else { continue }
                clips.append(AudioClip(index: index, start: audio.start, end: audio.end))
                for (operatorID, answer) in self.answers(data, microtaskId: microtaskId) {
                    answers.append(TagAnswer(clip: index, operatorID: operatorID, tags: Set(answer.tags ?? [])))
                }
            }
            guard !answers.isEmpty else { continue }
            let consensus = TagAggregation(vocabulary: project.labels).aggregate(clips: clips, answers: answers)
            results += consensus.ranges.map {
                TagResult(fileName: item.fileName, start: $0.start, end: $0.end, tag: $0.tag, confidence: $0.confidence)
            }
        }
        return results
    }

    // MARK: Choice

    /// One row per picture: the option the operators chose (Dawid-Skene) and its confidence.
    func choiceExport(_ project: Project, _ data: Gathered, name: String, format: String, model: ChoiceModel? = nil) throws -> File {
        let microtasks = data.microtasks.filter { $0.kind == .choice && !$0.isGold }
        var tasks: [Int] = [], workers: [Int] = [], labels: [Int] = []
        var workerIndex: [String: Int] = [:]
        var counts: [Int] = []
        for (position, microtask) in microtasks.enumerated() {
            let given = answers(data, microtaskId: try microtask.id.required("microtask"))
            counts.append(given.count)
            for (operatorID, answer) in given {
                guard let choice = answer.choice, let label = project.labels.firstIndex(of: choice) else { continue }
                let worker = workerIndex[operatorID] ?? workerIndex.count
                workerIndex[operatorID] = worker
                tasks.append(position)
                workers.append(worker)
                labels.append(label)
            }
        }
        // The model votes by ``ModelVoter``'s rule: it breaks the operators' ties and never decides alone.
        let voted = try model.flatMap { model in
            try model.votes ? model.vote(microtasks: microtasks, tasks: tasks, workers: workers, labels: labels, names: project.labels) : nil
        }
        let matrix = try? AnswerMatrix(tasks: tasks, workers: workers, labels: labels, taskCount: microtasks.count,
                                       workerCount: workerIndex.count, labelCount: project.labels.count)
        let consensus = matrix.map { DawidSkene().fit($0, gold: [:]) }
        // Where a reviewer decided any picture, each row says who decided: "operators" or "reviewer".
        let reviewed = !data.decisions.isEmpty
        var csv = CSVTable(header: ["file", "label", "confidence", "answers"] + (reviewed ? ["decided_by"] : []) + (model == nil ? [] : ["origin"]))
        var rows: [ExportJSON] = []
        for (position, microtask) in microtasks.enumerated() {
            let microtaskId = try microtask.id.required("microtask")
            let file = microtask.itemId.flatMap { data.items[$0]?.fileName } ?? "microtask-\(microtaskId)"
            var label = "", confidence = 0.0
            let decision = data.decisions[microtaskId].flatMap { try? JSONDecoder().decode(AnswerBody.self, from: Data($0.body.utf8)) }?.choice
            if let decision {
                // The reviewer's decision is the label, whatever the model of the operators says.
                (label, confidence) = (decision, 1)
            } else if counts[position] > 0, let voted, let chosen = voted[position] {
                (label, confidence) = chosen
            } else if counts[position] > 0, let consensus, let chosen = consensus.label(task: position) {
                label = project.labels[chosen]
                confidence = consensus.confidence(task: position)
            }
            let decidedBy = decision == nil ? "operators" : "reviewer"
            let origin = model.map { $0.origin(label: label, itemId: microtask.itemId) }
            csv.append([file, label, ExportNumber.fixed(confidence, places: 4), String(counts[position])] + (reviewed ? [decidedBy] : [])
                       + (origin.map { [$0] } ?? []))
            var fields: [String: ExportJSON] = ["file": .string(file), "label": label.isEmpty ? .null : .string(label),
                                                "confidence": .fixed(confidence, places: 4), "answers": .int(counts[position])]
            if reviewed { fields["decidedBy"] = .string(decidedBy) }
            if let origin, !label.isEmpty { fields["origin"] = .string(origin) }
            rows.append(.object(fields))
        }
        if format == "csv" {
            return File(fileName: "\(name)-choices.csv", contentType: "text/csv; charset=utf-8", data: csv.data())
        }
        return File(fileName: "\(name)-choices.json", contentType: "application/json", data: ExportJSON.array(rows).data())
    }
}
