// The lab's HTTP application, run with its own server's metrics bound to every task that serves a request.
import Hummingbird
import Metrics
import UnixSignals

/// What ``LabServer/makeApplication(onRunning:)`` gives: the Hummingbird application, ready to run.
///
/// swift-metrics takes the factory of the task that creates a metric, and only falls back to the
/// one global factory. Hummingbird's `MetricsMiddleware` creates its counters while it serves
/// requests, in tasks that are children of the application's run; running the application
/// inside `withMetricsFactory` therefore gives each server its own registry (see ``LabMetrics``).
///
/// ```swift
/// try await server.makeApplication().runService()   // until SIGTERM or SIGINT
/// ```
public struct LabApplication: Sendable {
    let application: Application<RouterResponder<LabRequestContext>>
    let metrics: LabMetrics

    /// Serves until one of `gracefulShutdownSignals` arrives, or the task is cancelled; requests
    /// under way are finished first.
    public func runService(gracefulShutdownSignals: [UnixSignal] = [.sigterm, .sigint]) async throws {
        try await withMetricsFactory(metrics.factory) {
            try await application.runService(gracefulShutdownSignals: gracefulShutdownSignals)
        }
    }
}
