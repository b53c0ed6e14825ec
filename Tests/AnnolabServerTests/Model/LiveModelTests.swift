// A real Label Studio ML backend (label-studio-ml wrapping OpenCV's Haar face detector) as a project's live model.
import AnnolabCore
import AnnolabServer
import AnnolabStore
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing

/// The backend of Tests/Model, run as a child process on a free loopback port for one test.
final class HaarBackend: @unchecked Sendable {
    let process = ChildProcess()
    let port: Int
    /// What the backend and its venv's setup wrote: a file, not this run's output, so that a backend
    /// outliving a crashed test run holds no pipe of the run open.
    let log = FileManager.default.temporaryDirectory.appendingPathComponent("annolab-haar-backend-\(UUID().uuidString).log")
    var url: String { "http://127.0.0.1:\(port)" }

    init() throws {
        // A free port: bind to 0, read it back, let it go.
        let probe = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(probe, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(probe, $0, &length) } }
        port = Int(UInt16(bigEndian: address.sin_port))
        close(probe)
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [repositoryRoot.appendingPathComponent("Tests/Model/start-backend.sh").path, "\(port)"]
        process.currentDirectoryURL = repositoryRoot
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let output = try FileHandle(forWritingTo: log)
        defer { try? output.close() }
        process.standardOutput = output
        process.standardError = output
        try process.run()
    }

    /// Waits until the backend answers /health (the first run also makes its venv: up to a few minutes).
    func waitUntilUp() async throws {
        for _ in 0..<600 {
            if let (_, response) = try? await URLSession.shared.data(from: URL(string: "\(url)/health")!),
               (response as? HTTPURLResponse)?.statusCode == 200 { return }
            guard process.isRunning else { throw LabError(.internalFailure, "backend_exited", "the Haar backend stopped: \(said)") }
            try await Task.sleep(for: .milliseconds(500))
        }
        throw LabError(.internalFailure, "backend_not_up", "the Haar backend did not answer /health: \(said)")
    }

    /// The last lines the backend wrote.
    var said: String {
        let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").suffix(15).joined(separator: "\n")
    }

    /// The backend's own predictions for pictures, asked directly (as the test's independent view).
    func predict(_ images: [String]) async throws -> [[String: Any]] {
        var request = URLRequest(url: URL(string: "\(url)/predict")!)
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.httpBody = try JSONSerialization.data(withJSONObject: [
            "tasks": images.enumerated().map { ["id": $0.offset + 1, "data": ["image": $0.element]] },
            "label_config": LabelStudioExport().labelingConfig(labels: ["face"]), "project": "test",
        ])
        let (data, _) = try await URLSession.shared.data(for: request)
        return ((try JSONSerialization.jsonObject(with: data) as? [String: Any])?["results"] as? [[String: Any]]) ?? []
    }

    /// Stops the backend: SIGTERM, then SIGKILL to its whole process group (the script and the Python
    /// it started) if it is still there after ten seconds.
    func stop() {
        let pid = process.processIdentifier
        guard pid > 0 else { return }
        process.terminate()
        for _ in 0..<100 where process.isRunning {
            usleep(100_000)
        }
        // The child leads a process group of its own (ChildProcess starts it so): the group holds the
        // Python server too, also when the script has already ended.
        kill(-pid, SIGKILL)
        try? FileManager.default.removeItem(at: log)
    }
}

@Suite("A live model: a real Label Studio ML backend as the starting point")
struct LiveModelTests {
    @Test("the lab sets up the Haar face backend, fetches its predictions in the background, makes box checks; operators answer; the report's precision and recall are the test's own")
    func haarBackend() async throws {
        let backend = try HaarBackend()
        defer { backend.stop() }
        try await backend.waitUntilUp()
        let setup = try await PredictionLab.start(preannotations: ["mode": "verify", "threshold": 0.5])
        defer { Task { await setup.stop() } }
        let projectPath = "/api/v1/projects/\(setup.projectId)"

        // An address nobody listens on is refused with the reason, and nothing is stored.
        let unreachable = try await setup.lab.request("PUT", "\(projectPath)/model", json: ["url": "http://127.0.0.1:9"], token: setup.client)
        #expect(unreachable.status == 422 && unreachable.errorCode == "model_unreachable", "\(unreachable.text)")

        let connected = try await setup.lab.request("PUT", "\(projectPath)/model", json: ["url": backend.url], token: setup.client)
        #expect(connected.status == 200, "\(connected.text)")
        #expect(connected.json["modelVersion"] as? String == "haar-frontalface-1")
        let uploaded = try await setup.upload(["photo-astronaut.jpg", "photo-cameraman.png", "photo-coffee.jpg"].map { try PredictionLab.photo($0) })
        #expect(uploaded.status == 201 && uploaded.json["microtasks"] as? Int == 0, "the pictures wait for the model: \(uploaded.text)")

        // The fetcher works in the background; the client's page shows it.
        var model: [String: Any] = [:]
        for _ in 0..<240 {
            model = (try await setup.lab.request("GET", projectPath, token: setup.client).json["model"] as? [String: Any]) ?? [:]
            if model["waiting"] as? Int == 0 { break }
            try await Task.sleep(for: .milliseconds(250))
        }
        #expect(model["waiting"] as? Int == 0 && model["predicted"] as? Int == 3 && model["state"] as? String == "ready", "\(model)")

        // Everyone answers: the checks yes, the drawing and "anything missed?" with nothing more.
        var checks = 0, drawings = 0
        // Two rounds: "anything missed?" comes only once both have checked the picture's boxes.
        for token in setup.operators.prefix(2) + setup.operators.prefix(2) {
            for _ in 0..<20 {
                guard let task = try await setup.next(token) else { break }
                if task.task["kind"] as? String == "image-box-verify" {
                    checks += 1
                    try await setup.answer(token, task.id, ["choice": "yes"])
                } else {
                    drawings += 1
                    try await setup.answer(token, task.id, ["boxes": []])
                }
            }
        }
        #expect(checks >= 2, "the astronaut's face was checked by two people")
        #expect(drawings >= 6, "three pictures, each drawn or asked 'anything missed?' by two")

        // The test's own view: the backend's boxes for the same pictures, against the consensus in the COCO export.
        let items = try await setup.lab.store.items(projectId: Int64(setup.projectId))
        let urls = items.map { "\(setup.lab.baseURL.absoluteString)/media/\($0.mediaPath)/original.\($0.mediaType == "image/png" ? "png" : "jpg")" }
        let results = try await backend.predict(urls)
        #expect(results.count == 3)
        let coco = try await setup.lab.request("GET", "\(projectPath)/export?format=coco", token: setup.client)
        let document = try #require(try JSONSerialization.jsonObject(with: coco.body) as? [String: Any])
        let images = (document["images"] as? [[String: Any]]) ?? []
        let annotations = (document["annotations"] as? [[String: Any]]) ?? []
        var truePositives = 0, falsePositives = 0, falseNegatives = 0
        for (item, result) in zip(items, results) {
            let imageId = images.first { $0["file_name"] as? String == item.fileName }?["id"] as? Int
            var consensus = annotations.filter { $0["image_id"] as? Int == imageId }.map { ($0["bbox"] as? [Double]) ?? [] }
            for region in (result["result"] as? [[String: Any]]) ?? [] {
                let value = (region["value"] as? [String: Any]) ?? [:]
                let width = Double((region["original_width"] as? Int) ?? 0), height = Double((region["original_height"] as? Int) ?? 0)
                let box = [((value["x"] as? Double) ?? 0) * width / 100, ((value["y"] as? Double) ?? 0) * height / 100,
                           ((value["width"] as? Double) ?? 0) * width / 100, ((value["height"] as? Double) ?? 0) * height / 100]
                if let best = consensus.indices.max(by: { intersectionOverUnion(box, consensus[$0]) < intersectionOverUnion(box, consensus[$1]) }),
                   intersectionOverUnion(box, consensus[best]) >= 0.5 {
                    truePositives += 1
                    consensus.remove(at: best)
                } else {
                    falsePositives += 1
                }
            }
            falseNegatives += consensus.count
        }
        #expect(truePositives >= 1, "the astronaut's face, accepted by both")
        let report = try await setup.lab.request("GET", "\(projectPath)/model/report", token: setup.client)
        #expect(report.status == 200, "\(report.text)")
        #expect(report.json["modelVersion"] as? String == "haar-frontalface-1")
        let face = try #require(((report.json["labels"] as? [[String: Any]]) ?? []).first { $0["label"] as? String == "face" })
        let precision = Double(truePositives) / Double(max(truePositives + falsePositives, 1))
        let recall = Double(truePositives) / Double(max(truePositives + falseNegatives, 1))
        #expect(abs(((face["precision"] as? Double) ?? -1) - precision) < 1e-4, "report \(face) against the test's \(precision)")
        #expect(abs(((face["recall"] as? Double) ?? -1) - recall) < 1e-4, "report \(face) against the test's \(recall)")

        // Removing the model revokes its media token at once.
        let removed = try await setup.lab.request("DELETE", "\(projectPath)/model", token: setup.client)
        #expect(removed.status == 204)
        #expect(try await setup.lab.store.modelSetting(projectId: Int64(setup.projectId))?.accessTokenHash == nil)
    }
}
