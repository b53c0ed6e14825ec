// The metric handlers a lab server has made, found again by name and labels without asking Prometheus.
import Synchronization

/// Handlers made once per name and label set. Hummingbird's `MetricsMiddleware` asks for its
/// counter, timer and meter on every request; Prometheus' registry would check and clean the
/// name and labels each time before finding the same handler, which the operator loop feels.
final class MadeHandlers<Handler: Sendable>: Sendable {
    private struct Key: Hashable {
        var label: String
        var dimensions: [String]
    }

    private let made = Mutex<[Key: Handler]>([:])

    /// The handler made before for this name and labels, or a new one from `make`.
    func handler(label: String, dimensions: [(String, String)], make: () -> Handler) -> Handler {
        let key = Key(label: label, dimensions: dimensions.flatMap { [$0.0, $0.1] })
        return made.withLock { made in
            if let handler = made[key] { return handler }
            let handler = make()
            made[key] = handler
            return handler
        }
    }

    /// Forgets a handler that is being destroyed, so that it is made anew when asked for again.
    func forget(_ handler: AnyObject) {
        made.withLock { made in
            for (key, kept) in made where (kept as AnyObject) === handler { made[key] = nil }
        }
    }
}
