// Setting and removing a project's live model, and the model's report against the lab's consensus.
import AnnolabCore
import AnnolabStore
import Foundation

/// What the client's project page does with a live model, and the report it reads.
struct ModelService: Sendable {
    let store: any LabStoring
    let engine: LabEngine
    let fetcher: ModelFetcher

    /// Checks the model (`/health`, then `/setup` with a new read-only media token), stores it,
    /// and starts fetching predictions for the pictures waiting. Nothing is stored when a check fails.
    func connect(_ project: Project, url text: String, token: String?, actor: Int64?) async throws -> ModelView {
        let projectId = try project.id.required("project")
        guard var setting = try await store.modelSetting(projectId: projectId) else {
            throw LabError(.conflict, "no_preannotations",
                           "This project was not made to start from a model's predictions. Make a project with \"preannotations\" to use a model.")
        }
        guard let url = MLBackendClient.address(text) else {
            throw LabError(.unprocessable, "invalid_model_url", "The model's address must be a web address such as http://models.example:9090.")
        }
        guard let hostname = fetcher.hostname else {
            throw LabError(.unavailable, "lab_starting", "The lab is still starting. Try again in a moment.")
        }
        let token = token.flatMap { $0.isEmpty ? nil : String($0.prefix(500)) }
        let model = MLBackendClient(url: url, token: token)
        try await model.health()
        let access = Tokens.newToken()
        let version = try await model.setup(project: "\(projectId)", schema: ModelFetcher.schema(project), hostname: hostname,
                                            accessToken: access)
        setting.url = url.absoluteString
        setting.token = token
        setting.accessTokenHash = Tokens.hash(access)
        setting.state = "ready"
        setting.reason = nil
        setting.modelVersion = version
        setting.checkedAt = engine.clock.now()
        try await store.saveModelSetting(setting)
        try await store.audit(actor: actor, action: "model.set", subject: "project:\(projectId)", detail: url.absoluteString)
        fetcher.nudge()
        return try await view(project, setting: setting)
    }

    /// Removes the model: its media token stops working at once, and pictures still waiting for it
    /// get their work without predictions.
    func disconnect(_ project: Project, actor: Int64?) async throws {
        let projectId = try project.id.required("project")
        guard var setting = try await store.modelSetting(projectId: projectId), setting.url != nil else { return }
        setting.url = nil
        setting.token = nil
        setting.accessTokenHash = nil
        setting.state = nil
        setting.reason = nil
        try await store.saveModelSetting(setting)
        try await store.audit(actor: actor, action: "model.removed", subject: "project:\(projectId)", detail: nil)
        while true {
            let waiting = try await store.waitingPictures(projectId: projectId, limit: 500)
            guard !waiting.isEmpty else { break }
            try await fetcher.makeWork(waiting, predictions: [:], project: project, setting: setting)
        }
    }

    func view(_ project: Project, setting: ModelSetting) async throws -> ModelView {
        let counts = try await store.predictionCounts(projectId: try project.id.required("project"))
        return ModelView(url: setting.url ?? "", state: setting.state ?? "checking", reason: setting.reason,
                         modelVersion: setting.modelVersion, predicted: counts.predicted, waiting: counts.waiting)
    }
}
