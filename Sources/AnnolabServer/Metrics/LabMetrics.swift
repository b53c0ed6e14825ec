// One lab server's metrics: a Prometheus registry of its own, the factory over it, and the text at /metrics.
import Foundation
import Metrics
import Prometheus

/// The metrics of one lab server, kept in a Prometheus registry that belongs to it alone.
///
/// swift-metrics has one global factory, which a process may bootstrap once; the tests run many
/// lab servers in one process, so a global registry would mix their counts. Instead each server
/// has its own registry, and ``LabApplication`` binds its ``factory`` to the tasks that serve the
/// server's requests (`withMetricsFactory`): Hummingbird's `MetricsMiddleware` records there, and
/// nothing global is set. The lab's own figures and the uptime are read when Prometheus scrapes.
///
/// ```swift
/// let metrics = LabMetrics { try await LabFigures.read(from: engine) }
/// let text = try await metrics.prometheusText()   // what GET /metrics answers
/// ```
final class LabMetrics: Sendable {
    let registry: PrometheusCollectorRegistry
    /// Where swift-metrics records for this server (see ``LabMetricsFactory``).
    let factory: LabMetricsFactory
    private let figures: @Sendable () async throws -> LabFigures
    private let startedAt = ContinuousClock.now
    private let uptime: Prometheus.Gauge
    private let operatorsOnShift: Prometheus.Gauge
    private let openLeases: Prometheus.Gauge
    private let queueDepth: Prometheus.Gauge
    private let commitBatchSize: Prometheus.Gauge

    init(figures: @escaping @Sendable () async throws -> LabFigures) {
        let registry = PrometheusCollectorRegistry()
        self.registry = registry
        self.figures = figures
        factory = LabMetricsFactory(registry: registry)
        func gauge(_ name: String, unit: String = "", _ help: String) -> Prometheus.Gauge {
            registry.makeGauge(descriptor: MetricNameDescriptor(namespace: "annolab", metricName: name, unitName: unit,
                                                                helpText: help))
        }
        uptime = gauge("uptime", unit: "seconds", "Seconds since the server started.")
        operatorsOnShift = gauge("operators_on_shift", "Operators whose shift runs now.")
        openLeases = gauge("open_leases", "Tasks handed out and not yet answered, skipped or handed back.")
        queueDepth = gauge("queue_depth", "Microtasks in the work queue that still need answers.")
        commitBatchSize = gauge("commit_batch_size", "Writes that shared the last group commit.")
    }

    /// Every series in Prometheus text format (version 0.0.4), with the lab's figures as they are now.
    func prometheusText() async throws -> String {
        let now = try await figures()
        uptime.set(Double((ContinuousClock.now - startedAt).components.seconds))
        operatorsOnShift.set(Double(now.operatorsOnShift))
        openLeases.set(Double(now.openLeases))
        queueDepth.set(Double(now.queueDepth))
        commitBatchSize.set(Double(now.commitBatchSize))
        return registry.emitToString()
    }
}
