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
