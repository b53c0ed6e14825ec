// What a client's model said about a choice project's files, for its vote and for where each label came from.
import AnnolabCore
import AnnolabStore
import Foundation

/// A choice project's model: its choice per file, whether it votes, whether people saw its suggestion.
struct ChoiceModel: Sendable {
    /// The model's most confident choice per item.
    var said: [Int64: String]
    var votes: Bool
    /// In verify mode people saw the model's suggestion; in blind mode they did not.
    var suggested: Bool

    /// `model-accepted` where people chose what the model suggested, `corrected` where they chose
    /// otherwise, `people` where there was no suggestion (blind mode, or the model said nothing).
    func origin(label: String, itemId: Int64?) -> String {
        guard suggested, let said = itemId.flatMap({ self.said[$0] }) else { return "people" }
        return said == label ? "model-accepted" : "corrected"
    }
}

extension ChoiceModel {
    /// The labels with the model's vote (``ModelVoter``: it breaks the operators' ties, never labels
    /// a file alone), by position of the microtask; the operators' answers come coded as the export has them.
    func vote(microtasks: [Microtask], tasks: [Int], workers: [Int], labels: [Int], names: [String]) throws -> [Int: (String, Double)] {
        let people = zip(tasks, zip(workers, labels)).map { CrowdAnswer(task: "\($0.0)", worker: "operator-\($0.1.0)", label: names[$0.1.1]) }
        let model = microtasks.enumerated().compactMap { position, microtask in
            microtask.itemId.flatMap { said[$0] }.map { ModelAnswer(task: "\(position)", label: $0) }
        }
        let fitted = try ModelVoter(modelVersion: "client").fit(people: people, model: model, labelOrder: names)
        var result: [Int: (String, Double)] = [:]
        for decided in fitted.labels {
            guard let position = Int(decided.task), let label = decided.label else { continue }
            result[position] = (label, decided.confidence)
        }
        return result
    }
}

extension ExportService {
    /// The project's model, when it has one and it said something.
    func choiceModel(_ project: Project) async throws -> ChoiceModel? {
        let projectId = try project.id.required("project")
        guard let setting = try await store.modelSetting(projectId: projectId) else { return nil }
        let decoder = JSONDecoder()
        var said: [Int64: String] = [:]
        for stored in try await store.predictions(projectId: projectId) {
            guard let prediction = try? decoder.decode(FilePrediction.self, from: Data(stored.body.utf8)),
                  let top = prediction.choices.max(by: { ($0.score ?? 1) < ($1.score ?? 1) }) else { continue }
            said[stored.itemId] = top.label
        }
        return ChoiceModel(said: said, votes: setting.modelVotes, suggested: setting.mode == "verify")
    }
}
