// Counts requests by status and time spent, for `GET /metrics` in Prometheus text format.
import Foundation
import Hummingbird
import Synchronization

/// Request counters shown at `/metrics`.
final class RequestMetrics: Sendable {
    private struct Counts {
        var byStatus: [Int: Int] = [:]
        var secondsTotal: Double = 0
    }
    private let counts = Mutex(Counts())
    let startedAt = Date()

    func record(status: Int, seconds: Double) {
        counts.withLock {
            $0.byStatus[status, default: 0] += 1
            $0.secondsTotal += seconds
        }
    }

    func prometheusText() -> String {
        let snapshot = counts.withLock { $0 }
        var lines = [
            "# HELP annolab_http_requests_total HTTP requests answered, by status code.",
            "# TYPE annolab_http_requests_total counter",
        ]
        for (status, count) in snapshot.byStatus.sorted(by: { $0.key < $1.key }) {
            lines.append("annolab_http_requests_total{status=\"\(status)\"} \(count)")
        }
        lines += [
            "# HELP annolab_http_request_seconds_total Time spent answering HTTP requests.",
            "# TYPE annolab_http_request_seconds_total counter",
            "annolab_http_request_seconds_total \(snapshot.secondsTotal)",
            "# HELP annolab_uptime_seconds Seconds since the server started.",
            "# TYPE annolab_uptime_seconds gauge",
            "annolab_uptime_seconds \(Int(Date().timeIntervalSince(startedAt)))",
        ]
        return lines.joined(separator: "\n") + "\n"
    }
}

/// Feeds ``RequestMetrics`` with every answered request.
struct MetricsMiddleware: RouterMiddleware {
    typealias Context = LabRequestContext
    let metrics: RequestMetrics

    func handle(_ request: Request, context: Context,
                next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        let response = try await next(request, context)
        let elapsed = ContinuousClock.now - start
        metrics.record(status: response.status.code,
                       seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
        return response
    }
}
