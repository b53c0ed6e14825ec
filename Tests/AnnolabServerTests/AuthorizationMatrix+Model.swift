// Rows of the authorization matrix for a client's model: only the project's own client sets, removes and reads it.
import AnnolabCore
import AnnolabServer
import AnnolabStore
import Foundation
import Testing

extension AuthorizationMatrixTests {
    static let modelRoutes: [MatrixRoute] = [
        // No model listens on port 9: the owner hears why (422), everyone else that there is no such project.
        .init("PUT", "/api/v1/projects/{id}/model", .owner(.client), 422) { lab, _ in
            .json("/api/v1/projects/\(try await lab.modelProject())/model", ["url": "http://127.0.0.1:9"])
        },
        .init("DELETE", "/api/v1/projects/{id}/model", .owner(.client), 204) { lab, _ in
            MatrixCall(path: "/api/v1/projects/\(try await lab.modelProject())/model")
        },
        .init("GET", "/api/v1/projects/{id}/model/report", .owner(.client), 200) { lab, _ in
            MatrixCall(path: "/api/v1/projects/\(try await lab.modelProject())/model/report")
        },
    ]
}

extension MatrixLab {
    /// A project of client A that starts from a model's predictions, with one picture the model predicted.
    func modelProject() async throws -> Int64 {
        let project = try await t.store.createProject(Project(
            clientId: t.companyA, name: "Faces", template: .imageBoxes, labels: ["face"], overlap: 1,
            adaptiveMin: nil, adaptiveMax: nil, goldRate: 0, deadline: nil, createdAt: Date()), actor: nil)
        let projectId = try #require(project.id)
        t.lab.server.engine.projectChanged(project)
        try await t.store.saveModelSetting(ModelSetting(projectId: projectId, mode: "blind", threshold: 0.5, ordering: "in-order",
                                                        modelVotes: false))
        let prediction = FilePrediction(fileName: "face.png", modelVersion: "m1",
                                        regions: [PredictedRegion(label: "face", x: 0.1, y: 0.1, w: 0.2, h: 0.2, score: 0.8)])
        let item = Item(projectId: projectId, fileName: "face.png", mediaType: "image/png", mediaPath: "\(projectId)/face",
                        byteCount: 10, meta: #"{"width":"64","height":"64"}"#)
        _ = try await t.store.addPredictedUpload(PredictedUpload(
            entries: [.init(item: item, prediction: (source: "upload", modelVersion: "m1",
                                                     body: String(decoding: try JSONEncoder().encode(prediction), as: UTF8.self)))],
            work: []), actor: nil, at: Date())
        return projectId
    }
}
