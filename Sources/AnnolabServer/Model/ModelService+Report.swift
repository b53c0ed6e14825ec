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
            return try await choiceReport(project, latest: latest, finished: finished, items: items, version: version)
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

extension ModelService {
    /// A choice project: the model's choice per finished file against the lab's consensus (as exported).
    func choiceReport(_ project: Project, latest: [Int64: StoredPrediction], finished: Set<Int64>, items: [Int64: Item],
                      version: String?) async throws -> ModelReport {
        guard project.template == .choice else { return ModelReport(modelVersion: version) }
        let exporter = ExportService(store: store)
        let file = try await exporter.export(project: project, format: "json")
        let rows = ExportJSON.parse(try await file.collect())?.arrayValue ?? []
        var consensus: [String: String] = [:]
        for row in rows {
            guard let fields = row.objectValue, let name = fields["file"]?.stringValue, let label = fields["label"]?.stringValue else { continue }
            consensus[name] = label
        }
        let decoder = JSONDecoder()
        var compared: [ModelReport.CategoryItem] = []
        for (itemId, stored) in latest.sorted(by: { $0.key < $1.key }) where finished.contains(itemId) {
            guard let item = items[itemId], let people = consensus[item.fileName],
                  let prediction = try? decoder.decode(FilePrediction.self, from: Data(stored.body.utf8)),
                  let said = prediction.choices.max(by: { ($0.score ?? 1) < ($1.score ?? 1) }) else { continue }
            compared.append(.init(itemId: "\(itemId)", fileName: item.fileName, thumbnail: ModelFetcher.pictureURL(item),
                                  predicted: said, consensus: people))
        }
        let outcomes = compared.map { ModelReport.Outcome(score: $0.predicted.score ?? 1, verdict: $0.predicted.label == $0.consensus ? .accepted : .changed) }
        return ModelReport(modelVersion: version, items: compared, outcomes: outcomes)
    }
}
