// The API description and the routes the server really has stay in step.
import AnnolabServer
import Foundation
import Testing

@Suite("OpenAPI document")
struct OpenAPISyncTests {
    @Test("every API route the server registers is in the OpenAPI document, and the document describes no route that is not there")
    func inStep() async throws {
        let lab = try await RunningLab.start(demo: true)
        defer { Task { await lab.stop() } }
        let document = try await lab.request("GET", "/api/v1/openapi.json")
        #expect(document.status == 200)
        let paths = try #require(document.json["paths"] as? [String: [String: Any]])
        var described = Set<LabServer.RouteEntry>()
        for (path, operations) in paths {
            for method in operations.keys { described.insert(.init(method: method, path: path)) }
        }
        let served = Set(lab.server.routeTable().filter { entry in
            ["/api/", "/media/", "/healthz", "/metrics"].contains { entry.path.hasPrefix($0) }
        })
        let missing = served.subtracting(described).map { "\($0.method.uppercased()) \($0.path)" }.sorted()
        let extra = described.subtracting(served).map { "\($0.method.uppercased()) \($0.path)" }.sorted()
        #expect(missing.isEmpty, "served but not described: \(missing)")
        #expect(extra.isEmpty, "described but not served: \(extra)")
        #expect(served.count >= 50, "the router recorded the routes it serves")
    }
}
