// The swift-metrics factory behind one lab server: Prometheus, and the request totals /metrics has always served.
import Metrics
import Prometheus

/// Hands every metric to Prometheus, and adds Hummingbird's request counts and durations to the
/// two totals `/metrics` served before it recorded through swift-metrics, so that a dashboard
/// or an alert that reads them keeps working:
///
/// - `annolab_http_requests_total{status="200"}`: requests answered, by status code;
/// - `annolab_http_request_seconds_total`: time spent answering them.
///
/// Hummingbird's own series (`hb_requests{http_route,http_request_method,http_response_status_code}`,
/// `http_server_request_duration`, `http_server_active_requests`, `hb_request_errors`) are
/// served as they are: each request is measured once and counted in both.
struct LabMetricsFactory: MetricsFactory {
    /// The names Hummingbird's `MetricsMiddleware` gives its request counter and timer.
    enum HummingbirdLabel {
        static let requests = "hb.requests"
        static let status = "http.response.status_code"
        static let duration = "http.server.request.duration"
    }

    static var requestsTotal: MetricNameDescriptor {
        MetricNameDescriptor(namespace: "annolab", subsystem: "http", metricName: "requests", unitName: "total",
                             helpText: "HTTP requests answered, by status code.")
    }
    static var secondsTotal: MetricNameDescriptor {
        MetricNameDescriptor(namespace: "annolab", subsystem: "http", metricName: "request_seconds", unitName: "total",
                             helpText: "Time spent answering HTTP requests.")
    }

    let registry: PrometheusCollectorRegistry
    private let prometheus: PrometheusMetricsFactory
    private let seconds: Prometheus.Counter

    init(registry: PrometheusCollectorRegistry) {
        self.registry = registry
        prometheus = PrometheusMetricsFactory(registry: registry)
        seconds = registry.makeCounter(descriptor: Self.secondsTotal)
    }

    func makeCounter(label: String, dimensions: [(String, String)]) -> any CounterHandler {
        let counter = prometheus.makeCounter(label: label, dimensions: dimensions)
        guard label == HummingbirdLabel.requests,
              let status = dimensions.first(where: { $0.0 == HummingbirdLabel.status })?.1 else { return counter }
        return CountedInTotal(counter, total: registry.makeCounter(descriptor: Self.requestsTotal, labels: [("status", status)]))
    }

    func makeTimer(label: String, dimensions: [(String, String)]) -> any TimerHandler {
        let timer = prometheus.makeTimer(label: label, dimensions: dimensions)
        guard label == HummingbirdLabel.duration else { return timer }
        return TimedInTotal(timer, total: seconds)
    }

    func makeFloatingPointCounter(label: String, dimensions: [(String, String)]) -> any FloatingPointCounterHandler {
        prometheus.makeFloatingPointCounter(label: label, dimensions: dimensions)
    }

    func makeRecorder(label: String, dimensions: [(String, String)], aggregate: Bool) -> any RecorderHandler {
        prometheus.makeRecorder(label: label, dimensions: dimensions, aggregate: aggregate)
    }

    func makeMeter(label: String, dimensions: [(String, String)]) -> any MeterHandler {
        prometheus.makeMeter(label: label, dimensions: dimensions)
    }

    func destroyCounter(_ handler: any CounterHandler) {
        prometheus.destroyCounter((handler as? CountedInTotal)?.counter ?? handler)
    }

    func destroyTimer(_ handler: any TimerHandler) {
        prometheus.destroyTimer((handler as? TimedInTotal)?.timer ?? handler)
    }

    func destroyFloatingPointCounter(_ handler: any FloatingPointCounterHandler) {
        prometheus.destroyFloatingPointCounter(handler)
    }

    func destroyRecorder(_ handler: any RecorderHandler) {
        prometheus.destroyRecorder(handler)
    }

    func destroyMeter(_ handler: any MeterHandler) {
        prometheus.destroyMeter(handler)
    }
}

/// A request counter that also counts in the lab's total for its status code.
private final class CountedInTotal: CounterHandler, Sendable {
    let counter: any CounterHandler
    let total: Prometheus.Counter

    init(_ counter: any CounterHandler, total: Prometheus.Counter) {
        self.counter = counter
        self.total = total
    }

    func increment(by amount: Int64) {
        counter.increment(by: amount)
        total.increment(by: amount)
    }

    /// Only the route's own counter: the total belongs to every route of that status.
    func reset() {
        counter.reset()
    }
}

/// A request timer that also adds each duration to the lab's total seconds.
private final class TimedInTotal: TimerHandler, Sendable {
    let timer: any TimerHandler
    let total: Prometheus.Counter

    init(_ timer: any TimerHandler, total: Prometheus.Counter) {
        self.timer = timer
        self.total = total
    }

    func recordNanoseconds(_ duration: Int64) {
        timer.recordNanoseconds(duration)
        total.increment(by: Double(max(0, duration)) / 1_000_000_000)
    }

    func preferDisplayUnit(_ unit: TimeUnit) {
        timer.preferDisplayUnit(unit)
    }
}
