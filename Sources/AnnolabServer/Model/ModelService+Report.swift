// The model's report: its boxes against the boxes the lab's people settled on, picture by picture.
import AnnolabCore
import AnnolabStore
import Foundation

extension ModelService {
    /// The report over the files whose work is done. 404 `no_predictions` before the project has any.
    func report(_ project: Project) async throws -> ModelReport {
        let projectId = try project.id.required("project")
        // The newest prediction of each file.
        var latest: [Int64: StoredPrediction] = [:]
        for prediction in try await store.predictions(projectId: projectId) { latest[prediction.itemId] = prediction }
        guard !latest.isEmpty else {
            throw LabError(.notFound, "no_predictions", "This project has no predictions from a model yet.")
        }
        let finished = try await store.finishedItemIds(projectId: projectId)
        let items = Dictionary(try await store.items(projectId: projectId).compactMap { item in item.id.map { ($0, item) } },
                               uniquingKeysWith: { first, _ in first })
        let checks = try await store.answeredChecks(projectId: projectId).filter(\.complete)
        let version = latest.values.max { ($0.createdAt, $0.id ?? 0) < ($1.createdAt, $1.id ?? 0) }?.modelVersion
        guard project.template == .imageBoxes else {
            return ModelReport(modelVersion: version)
        }
        let spilled = try await SpilledImages.gather(project, store: store)
        var consensus: [String: [LabeledBox]] = [:]
        for index in 0..<spilled.count {
            consensus[spilled.entries[index].mediaPath] = try spilled.boxes(at: index).map(\.labeledBox)
        }
        let decoder = JSONDecoder()
        var images: [ModelReport.BoxImage] = []
        for (itemId, stored) in latest.sorted(by: { $0.key < $1.key }) where finished.contains(itemId) {
            guard let item = items[itemId], let prediction = try? decoder.decode(FilePrediction.self, from: Data(stored.body.utf8)),
                  let meta = try? decoder.decode([String: String].self, from: Data(item.meta.utf8)),
                  let width = meta["width"].flatMap(Int.init), let height = meta["height"].flatMap(Int.init) else { continue }
            let predicted = prediction.regions.compactMap { region in
                PredictionCarving.pixels(region, width: width, height: height).map { ModelReport.ScoredBox(box: $0, score: region.score) }
            }
            images.append(.init(itemId: "\(itemId)", fileName: item.fileName, thumbnail: ModelFetcher.pictureURL(item),
                                predicted: predicted, consensus: consensus[item.mediaPath] ?? []))
        }
        let decided = checks.compactMap { check -> (check: AnsweredCheck, decision: BoxCheckDecision)? in
            guard let box = check.payload.box else { return nil }
            return (check, BoxCheckDecision(box: box, answers: check.answers))
        }
        let outcomes = decided.map { ModelReport.Outcome(score: $0.check.score ?? 1, verdict: $0.decision.outcome == .accepted ? .accepted : .changed) }
        let saved = ModelReport.TimeSaved(acceptedBoxes: decided.filter { $0.decision.outcome == .accepted }.count,
                                          drawSeconds: try await store.drawSecondsPerBox(projectId: projectId),
                                          verifySeconds: decided.flatMap(\.check.seconds))
        return ModelReport(modelVersion: version, images: images, outcomes: outcomes, timeSaved: saved)
    }
}
