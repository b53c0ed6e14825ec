// Fetches a live model's predictions in the background, in batches, with time limits and retries.
import AnnolabCore
import AnnolabStore
import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// Asks each project's live model for the predictions of the pictures waiting for them, and
/// makes their work. It runs beside the HTTP server, never inside an operator's request.
///
/// Pictures go in batches of ``batchSize``; a batch that fails (the model is down, answers with
/// an error or with something that is not Label Studio's shape) is tried again on the next round,
/// and after ``maximumAttempts`` its pictures get their work without predictions, so that work
/// goes on. The project's model state says what went wrong, in plain words, for the client's page.
public final class ModelFetcher: Service, Sendable {
    let store: any LabStoring
    let engine: LabEngine
    let logger = Logger(label: "annolab.model")
    static let batchSize = 8
    static let maximumAttempts = 3
    /// How often waiting pictures are tried again when nothing else wakes the fetcher.
    let retryEvery: Duration
    private let wake: AsyncStream<Void>.Continuation
    private let wakes: AsyncStream<Void>
    /// The lab's own address as a model reaches it (`http://host:port`), known once the server listens.
    private let address = Mutex<String?>(nil)

    public init(store: any LabStoring, engine: LabEngine, retryEvery: Duration = .seconds(15)) {
        self.store = store
        self.engine = engine
        self.retryEvery = retryEvery
        (wakes, wake) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(1))
    }

    /// Tells the fetcher that pictures wait.
    public func nudge() { wake.yield() }

    /// The lab's address for the model: `ANNOLAB_PUBLIC_URL` when set (a lab behind a proxy or on
    /// another machine than its model), else the address the server listens on.
    public func listening(host: String, port: Int) {
        let own = ProcessInfo.processInfo.environment["ANNOLAB_PUBLIC_URL"].flatMap { $0.isEmpty ? nil : $0 }
        let shown = host == "0.0.0.0" || host == "::" ? "127.0.0.1" : host
        address.withLock { $0 = own ?? "http://\(shown):\(port)" }
    }

    var hostname: String? { address.withLock { $0 } }

    public func run() async throws {
        try await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                group.addTask {
                    while !Task.isCancelled {
                        try? await Task.sleep(for: self.retryEvery)
                        self.nudge()
                    }
                }
                await self.runAll()
                for await _ in self.wakes {
                    if Task.isCancelled { break }
                    await self.runAll()
                }
                group.cancelAll()
            }
        }
    }

    /// Every waiting picture of every project with a live model, until none is left or all failed this round.
    func runAll() async {
        // Several servers on one store: only the one running the lab's background work asks the models.
        guard hostname != nil, await store.mayRunBackgroundWork() else { return }
        do {
            for setting in try await store.liveModels() where !Task.isCancelled {
                await fetch(setting)
            }
        } catch {
            logger.error("The projects with a live model could not be read", metadata: ["error": "\(error)"])
        }
    }

    /// One project's waiting pictures, batch by batch; stops at the first batch that fails.
    func fetch(_ setting: ModelSetting) async {
        guard let urlText = setting.url, let url = MLBackendClient.address(urlText), let hostname else { return }
        let model = MLBackendClient(url: url, token: setting.token)
        while !Task.isCancelled {
            do {
                guard let project = try await store.project(id: setting.projectId) else { return }
                let batch = try await store.waitingPictures(projectId: setting.projectId, limit: Self.batchSize)
                guard !batch.isEmpty else { return }
                do {
                    let predictions = try await predict(batch, model: model, project: project, hostname: hostname)
                    try await makeWork(batch, predictions: predictions, project: project, setting: setting)
                    try await markState(setting.projectId, state: "ready", reason: nil)
                } catch let error as LabError {
                    try await store.noteWaitFailure(itemIds: batch.compactMap(\.item.id), reason: error.message)
                    try await markState(setting.projectId, state: "failed", reason: error.message)
                    // After the last attempt the pictures get their work without predictions.
                    let givenUp = batch.filter { $0.attempts + 1 >= Self.maximumAttempts }
                    if !givenUp.isEmpty {
                        try await makeWork(givenUp, predictions: [:], project: project, setting: setting)
                    }
                    return
                }
            } catch {
                logger.error("A live model's predictions could not be stored", metadata: ["project": "\(setting.projectId)", "error": "\(error)"])
                return
            }
        }
    }

    /// The model's predictions for a batch, by item id.
    func predict(_ batch: [WaitingPicture], model: MLBackendClient, project: Project, hostname: String) async throws -> [Int64: FilePrediction] {
        let pictures = batch.map { picture in
            (id: picture.item.id ?? 0, image: hostname + Self.pictureURL(picture.item))
        }
        let schema = Self.schema(project)
        let data = try await model.predict(tasks: pictures, project: "\(project.id ?? 0)", schema: schema)
        let found = try PredictionImport.labelStudioBackendResponse(data, fileNames: batch.map(\.item.fileName))
        var byItem: [Int64: FilePrediction] = [:]
        for (picture, prediction) in zip(batch, found) {
            guard let id = picture.item.id else { continue }
            // Boxes of labels the project does not use are left out; the rest is kept.
            var kept = prediction
            kept.regions = prediction.regions.filter { region in project.labels.contains { $0.lowercased() == region.label.lowercased() } }
            kept.choices = prediction.choices.filter { choice in project.labels.contains { $0.lowercased() == choice.label.lowercased() } }
            byItem[id] = ImportService.projectLabels(kept, labels: project.labels) ?? kept
        }
        return byItem
    }

    func makeWork(_ batch: [WaitingPicture], predictions: [Int64: FilePrediction], project: Project, setting: ModelSetting) async throws {
        let decoder = JSONDecoder()
        let inputs = try batch.map { picture -> PredictionCarving.Input in
            let meta = (try? decoder.decode([String: String].self, from: Data(picture.item.meta.utf8))) ?? [:]
            return PredictionCarving.Input(
                item: picture.item, payloads: try decoder.decode([MicrotaskPayload].self, from: Data(picture.held.payloads.utf8)),
                estimatedSeconds: picture.held.estimatedSeconds,
                width: meta["width"].flatMap(Int.init) ?? 0, height: meta["height"].flatMap(Int.init) ?? 0,
                pictureURL: Self.pictureURL(picture.item), prediction: picture.item.id.flatMap { predictions[$0] }, source: "model")
        }
        let required = project.overlap ?? project.adaptiveMin ?? 2
        let carving = PredictionCarving(projectId: setting.projectId, kind: project.template, setting: setting, required: required)
        let made = try await store.addPredictedUpload(try carving.carve(inputs), actor: nil, at: engine.clock.now())
        engine.microtasksAdded(made)
    }

    func markState(_ projectId: Int64, state: String, reason: String?) async throws {
        guard var setting = try await store.modelSetting(projectId: projectId), setting.url != nil else { return }
        guard setting.state != state || setting.reason != reason else { return }
        setting.state = state
        setting.reason = reason
        setting.checkedAt = engine.clock.now()
        try await store.saveModelSetting(setting)
    }

    /// The whole picture's address in the lab.
    static func pictureURL(_ item: Item) -> String {
        "/media/\(item.mediaPath)/original.\(item.mediaType == "image/png" ? "png" : "jpg")"
    }

    /// The project as a Label Studio labeling config, which backends read their labels from.
    static func schema(_ project: Project) -> String {
        switch project.template {
        case .choice:
            let options = project.labels.map { "<Choice value=\"\(XMLText.escape($0))\"/>" }.joined()
            return "<View><Image name=\"image\" value=\"$image\"/><Choices name=\"choice\" toName=\"image\">\(options)</Choices></View>"
        default:
            return LabelStudioExport().labelingConfig(labels: project.labels)
        }
    }
}
