// The coaches' live event streams: who listens, and sending an event to one coach's listeners.
import Foundation
import Logging
import Synchronization

/// The names of the server-sent events a coach's page listens for.
enum CoachEventName: String, Sendable {
    /// An operator's card changed (``OperatorCardEvent``).
    case `operator`
    /// A new alert about one of the coach's operators (``AlertView``).
    case alert
    /// A client uploaded new work (``DatasetUploaded``).
    case dataset
}

/// Keeps each coach's open event streams and writes server-sent events into them.
///
/// ```swift
/// let (stream, token) = hub.subscribe(coachId: 7)
/// defer { hub.unsubscribe(token) }
/// hub.send(.alert, alertView, toCoach: 7)
/// ```
final class CoachEventHub: Sendable {
    struct Subscriber: Sendable {
        var coachId: Int64
        var continuation: AsyncStream<String>.Continuation
    }

    private let subscribers = Mutex<[UUID: Subscriber]>([:])
    /// Where this server's events also go when several servers share one store: to the others, whose
    /// coaches may be the ones listening (see ``CoachMonitor/shareEvents(publish:)``).
    private let relay = Mutex<(@Sendable (Int64, String) -> Void)?>(nil)
    let logger: Logger

    init(logger: Logger) {
        self.logger = logger
    }

    /// A stream of server-sent event texts for one coach, and the token that ends it.
    func subscribe(coachId: Int64) -> (AsyncStream<String>, UUID) {
        let (stream, continuation) = AsyncStream<String>.makeStream(bufferingPolicy: .bufferingNewest(256))
        let id = UUID()
        subscribers.withLock { $0[id] = Subscriber(coachId: coachId, continuation: continuation) }
        continuation.onTermination = { [weak self] _ in _ = self?.subscribers.withLock { $0.removeValue(forKey: id) } }
        return (stream, id)
    }

    /// Ends a subscription (the client went away, or the server stops).
    func unsubscribe(_ id: UUID) {
        let subscriber = subscribers.withLock { $0.removeValue(forKey: id) }
        subscriber?.continuation.finish()
    }

    /// Ends every stream, so that the server can stop.
    func finishAll() {
        let all = subscribers.withLock { all in
            defer { all = [:] }
            return all.values.map(\.continuation)
        }
        for continuation in all { continuation.finish() }
    }

    /// Whether anyone may be listening to this coach: with other servers, a coach connected there may be.
    func hasSubscribers(coachId: Int64) -> Bool {
        if relay.withLock({ $0 != nil }) { return true }
        return subscribers.withLock { $0.values.contains { $0.coachId == coachId } }
    }

    /// Sends every event also through `publish`, to the other servers of the lab.
    func relayEvents(through publish: @escaping @Sendable (Int64, String) -> Void) {
        relay.withLock { $0 = publish }
    }

    /// An event another server sent, written into this server's streams of that coach.
    func deliver(_ text: String, toCoach coachId: Int64) {
        let targets = subscribers.withLock { $0.values.filter { $0.coachId == coachId }.map(\.continuation) }
        for continuation in targets { continuation.yield(text) }
    }

    /// Sends one event, its value encoded once as the event's JSON data, to every stream of one coach.
    func send(_ event: CoachEventName, _ value: some Encodable, toCoach coachId: Int64) {
        let json: Data
        do {
            json = try LabJSON.encoder.encode(value)
        } catch {
            logger.error("A coach event could not be encoded", metadata: ["event": "\(event.rawValue)", "error": "\(error)"])
            return
        }
        let text = "event: \(event.rawValue)\ndata: \(String(decoding: json, as: UTF8.self))\n\n"
        deliver(text, toCoach: coachId)
        relay.withLock { $0 }?(coachId, text)
    }

    /// Keep-alive comments, so proxies and browsers keep the stream open.
    func keepAlive() {
        let targets = subscribers.withLock { $0.values.map(\.continuation) }
        for continuation in targets { continuation.yield(": keep-alive\n\n") }
    }
}
