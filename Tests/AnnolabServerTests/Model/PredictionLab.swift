// A lab with a client, two operators and a project that starts from a model's predictions, over loopback HTTP.
import AnnolabCore
import AnnolabServer
import AnnolabStore
import Foundation
import Testing

/// Real photographs with faces (Tasks/samples, 512 x 512) and what a client's model said about them.
struct PredictionLab {
    let lab: RunningLab
    let client: String
    let operators: [String]
    let projectId: Int

    static let samples = repositoryRoot.appendingPathComponent("Tasks/samples")

    static func start(preannotations: [String: Any], template: String = "image-boxes", labels: [String] = ["face"],
                      overlap: Int = 2) async throws -> PredictionLab {
        let lab = try await RunningLab.start()
        let store = lab.store
        let company = try #require(try await store.createClient(name: "Broadcaster").id)
        let client = try await session(store, try await store.createUser(NewUser(role: .client, name: "Archive desk", clientId: company)))
        var operators: [String] = []
        for index in 0..<3 {
            let person = try await store.createUser(NewUser(role: .operator, name: "Operator \(index)", badge: "OP-PRED\(index)",
                                                            birthdate: "1990-01-0\(index + 1)"))
            let token = try await session(store, person)
            let started = try await lab.request("POST", "/api/v1/shift/start", token: token)
            #expect(started.status == 200 || started.status == 201, "\(started.text)")
            operators.append(token)
        }
        let created = try await lab.request("POST", "/api/v1/projects", json: [
            "name": "Faces in the archive", "template": template, "labels": labels, "overlap": overlap, "goldRate": 0,
            "preannotations": preannotations,
        ], token: client)
        #expect(created.status == 201, "\(created.text)")
        return PredictionLab(lab: lab, client: client, operators: operators, projectId: try #require(created.json["id"] as? Int))
    }

    static func session(_ store: any LabStoring, _ user: User) async throws -> String {
        let token = Tokens.newToken()
        try await store.storeToken(userId: try #require(user.id), tokenHash: Tokens.hash(token), kind: .session,
                                   expiresAt: Date().addingTimeInterval(3600), now: Date())
        return token
    }

    func upload(_ files: [(name: String, data: Data)]) async throws -> HTTPResult {
        try await lab.request("POST", "/api/v1/projects/\(projectId)/items", body: TestMedia.multipart(files), token: client,
                              headers: ["Content-Type": "multipart/form-data; boundary=annolab-test-boundary"])
    }

    static func photo(_ name: String) throws -> (name: String, data: Data) {
        (name, try Data(contentsOf: samples.appendingPathComponent(name)))
    }

    /// A Label Studio task file with predictions, as Label Studio's "Import pre-annotated data" shows
    /// them: boxes in percent of the picture, a score per box.
    static func labelStudioTasks(_ pictures: [(file: String, boxes: [(x: Double, y: Double, w: Double, h: Double, score: Double)])]) -> Data {
        let tasks: [[String: Any]] = pictures.map { picture in
            ["data": ["image": "/data/upload/1/6a3f0c1e-\(picture.file)"],
             "predictions": [["model_version": "faces-1", "score": picture.boxes.map(\.score).min() ?? 0,
                              "result": picture.boxes.enumerated().map { index, box in
                                  ["id": "r\(index)", "type": "rectanglelabels", "from_name": "label", "to_name": "image",
                                   "original_width": 512, "original_height": 512, "score": box.score,
                                   "value": ["x": box.x, "y": box.y, "width": box.w, "height": box.h, "rotation": 0,
                                             "rectanglelabels": ["face"]]] as [String: Any]
                              }]]]
        }
        return try! JSONSerialization.data(withJSONObject: tasks)
    }

    /// The next task of an operator: the raw bytes, and the assignment id and task.
    func next(_ token: String) async throws -> (bytes: Data, id: Int, task: [String: Any])? {
        let next = try await lab.request("GET", "/api/v1/tasks/next", token: token)
        if next.status == 204 { return nil }
        let id = try #require((next.json["assignment"] as? [String: Any])?["id"] as? Int, "\(next.status) \(next.text)")
        // The task's own fields are its payload, beside its kind.
        let task = try #require(next.json["task"] as? [String: Any])
        var fields = (task["payload"] as? [String: Any]) ?? [:]
        fields["kind"] = task["kind"]
        return (next.body, id, fields)
    }

    func answer(_ token: String, _ id: Int, _ body: [String: Any]) async throws {
        let sent = try await lab.request("POST", "/api/v1/assignments/\(id)/answer", json: ["answer": body], token: token)
        #expect(sent.status == 201, "\(sent.text)")
    }

    func stop() async { await lab.stop() }
}

/// Intersection over union of two boxes given as [x, y, w, h].
func intersectionOverUnion(_ a: [Double], _ b: [Double]) -> Double {
    let x0 = max(a[0], b[0]), y0 = max(a[1], b[1])
    let x1 = min(a[0] + a[2], b[0] + b[2]), y1 = min(a[1] + a[3], b[1] + b[3])
    let inter = max(0, x1 - x0) * max(0, y1 - y0)
    let union = a[2] * a[3] + b[2] * b[3] - inter
    return union > 0 ? inter / union : 0
}
