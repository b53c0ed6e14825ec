// Health, metrics and the API description: public routes that say how the lab is doing.
import Foundation
import Hummingbird

/// `GET /healthz`, `GET /metrics`, `GET /api/v1/openapi.json`.
struct MetaRoutes {
    let metrics: LabMetrics

    func register(on router: LabRouter) {
        router.get("healthz") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/plain; charset=utf-8"],
                     body: .init(byteBuffer: ByteBuffer(string: "ok")))
        }
        router.get("metrics") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                     body: .init(byteBuffer: ByteBuffer(string: try await metrics.prometheusText())))
        }
        router.get("api/v1/openapi.json") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json"],
                     body: .init(byteBuffer: ByteBuffer(bytes: OpenAPIDocument.json)))
        }
    }
}
