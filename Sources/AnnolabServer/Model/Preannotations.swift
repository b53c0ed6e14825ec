// How a project uses its client's model: verify or blind, the threshold, the order of work, the model's vote.
import AnnolabCore
import AnnolabStore
import Foundation

/// The project's choice about a model's predictions, as the client sends it on creation.
///
/// ```json
/// {"mode": "verify", "threshold": 0.5, "order": "uncertain-first", "modelVotes": false}
/// ```
struct Preannotations: Codable, Sendable, Equatable {
    /// `verify`: people check what the model said; `blind`: people answer without seeing it.
    var mode: String
    var threshold: Double?
    var order: String?
    var modelVotes: Bool?

    static let modes = ["verify", "blind"]
    static let orders = ["uncertain-first", "in-order"]
    /// The kinds whose work can start from a model's predictions.
    static let kinds: Set<TaskKind> = [.imageBoxes, .choice, .audioTags]

    /// The setting to store, or a plain refusal.
    func setting(projectId: Int64, kind: TaskKind) throws -> ModelSetting {
        guard Self.kinds.contains(kind) else {
            throw LabError(.unprocessable, "preannotations_not_for_kind",
                           "A model's predictions can start image-boxes, choice and audio-tags projects; this project is \(kind.rawValue).")
        }
        guard Self.modes.contains(mode) else {
            throw LabError(.unprocessable, "invalid_preannotations", "The mode must be 'verify' or 'blind', not '\(mode)'.")
        }
        let threshold = self.threshold ?? 0.5
        guard threshold.isFinite, (0...1).contains(threshold) else {
            throw LabError(.unprocessable, "invalid_preannotations", "The threshold is a score from 0 to 1, such as 0.5.")
        }
        let order = self.order ?? "in-order"
        guard Self.orders.contains(order) else {
            throw LabError(.unprocessable, "invalid_preannotations", "The order must be 'uncertain-first' or 'in-order', not '\(order)'.")
        }
        return ModelSetting(projectId: projectId, mode: mode, threshold: threshold, ordering: order, modelVotes: modelVotes ?? false)
    }

    init(mode: String, threshold: Double?, order: String?, modelVotes: Bool?) {
        self.mode = mode
        self.threshold = threshold
        self.order = order
        self.modelVotes = modelVotes
    }

    init(_ setting: ModelSetting) {
        self.init(mode: setting.mode, threshold: setting.threshold, order: setting.ordering, modelVotes: setting.modelVotes)
    }
}

/// A live model as the client's project page shows it; its token is never shown again.
struct ModelView: Codable, Sendable, Equatable {
    var url: String
    /// `checking`, `ready` or `failed`.
    var state: String
    var reason: String?
    var modelVersion: String?
    /// Pictures the model has predicted, and pictures waiting for it.
    var predicted: Int
    var waiting: Int
}
