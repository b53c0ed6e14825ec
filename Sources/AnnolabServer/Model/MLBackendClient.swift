// The lab as a client of a Label Studio ML backend: /health, /setup and /predict, with time limits.
import AnnolabCore
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Speaks Label Studio's ML backend protocol, so that the many existing backends work as they are.
///
/// `/setup` gets the project's labeling config (`schema`), the lab's address (`hostname`) and a
/// read-only media token (`access_token`), as Label Studio sends them; the backend then reads the
/// pictures named in `/predict` tasks (absolute URLs on that hostname) with `Authorization: Token
/// <access_token>`. The client's own token for the model, when given, is sent the same way.
/// Every call has a time limit; a failure says in plain words what went wrong.
///
/// ```swift
/// let model = MLBackendClient(url: url, token: nil)
/// try await model.health()
/// let version = try await model.setup(project: "7", schema: config, hostname: "http://lab:8080", accessToken: token)
/// let answer = try await model.predict(tasks: [(1, "http://lab:8080/media/7/a/original.png")], project: "7", schema: config)
/// ```
struct MLBackendClient: Sendable {
    let url: URL
    let token: String?
    var timeout: TimeInterval = 30

    /// An address the lab will call: http or https with a host; nil otherwise.
    static func address(_ text: String) -> URL? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard trimmed.count <= 2000, let url = URL(string: trimmed), ["http", "https"].contains(url.scheme?.lowercased() ?? ""),
              url.host?.isEmpty == false else { return nil }
        return url
    }

    func health() async throws {
        _ = try await call("GET", "health", body: nil, failure: "model_unreachable")
    }

    /// Sends the project's details; returns the model's version when it names one.
    func setup(project: String, schema: String, hostname: String, accessToken: String) async throws -> String? {
        let body = ExportJSON.object([
            "project": .string(project), "schema": .string(schema), "hostname": .string(hostname),
            "access_token": .string(accessToken),
        ])
        let data = try await call("POST", "setup", body: body.data(), failure: "model_setup_failed")
        return ExportJSON.parse(data)?.objectValue?["model_version"]?.stringValue
    }

    /// Asks for predictions of pictures; returns the backend's answer as it came.
    func predict(tasks: [(id: Int64, image: String)], project: String, schema: String) async throws -> Data {
        let body = ExportJSON.object([
            "tasks": .array(tasks.map { .object(["id": .int($0.id), "data": .object(["image": .string($0.image)])]) }),
            "project": .string(project), "label_config": .string(schema),
            "params": .object(["login": .null, "password": .null, "context": .null]),
        ])
        return try await call("POST", "predict", body: body.data(), failure: "model_predict_failed")
    }

    private func call(_ method: String, _ path: String, body: Data?, failure code: LabError.Code) async throws -> Data {
        var request = URLRequest(url: url.appendingPathComponent(path), timeoutInterval: timeout)
        request.httpMethod = method
        request.httpBody = body
        if body != nil { request.setValue("application/json", forHTTPHeaderField: "Content-Type") }
        if let token, !token.isEmpty { request.setValue("Token \(token)", forHTTPHeaderField: "Authorization") }
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeout
        configuration.timeoutIntervalForResource = timeout
        let session = URLSession(configuration: configuration)
        defer { session.finishTasksAndInvalidate() }
        let data: Data, response: URLResponse
        do {
            (data, response) = try await session.data(for: request)
        } catch {
            throw LabError(.unprocessable, "model_unreachable",
                           "The model at \(url.absoluteString) could not be reached (\(error.localizedDescription)). Check the address and that the model is running.")
        }
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        guard (200..<300).contains(status) else {
            let detail = ExportJSON.parse(data)?.objectValue?["detail"]?.stringValue.map { String($0.prefix(300)) }
            throw LabError(.unprocessable, code,
                           "The model at \(url.absoluteString) answered /\(path) with HTTP \(status)\(detail.map { ": \($0)" } ?? "."). Work without its predictions goes on.")
        }
        return data
    }
}
