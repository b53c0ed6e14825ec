// Coach events passed between the servers of one lab through PostgreSQL's LISTEN/NOTIFY.
import AnnolabCore
import Foundation
import Logging
import PostgresNIO

/// Carries a coach's live events from the server where they happen to every other server on the same
/// PostgreSQL, so that a coach connected to one server sees an operator working on another.
///
/// Each server publishes what it sends its own coaches (`publish`), and runs `listen`, which hands it
/// the events of the other servers; its own come back from PostgreSQL too and are left out by `origin`.
/// PostgreSQL keeps no notification for a listener that is not connected: a server that loses its
/// connection listens again after a second and misses what was sent meanwhile (a coach's page reads the
/// whole picture again when it reconnects).
///
/// ```swift
/// let relay = PostgresEventRelay(client: client, logger: logger)
/// Task { await relay.listen { event in hub.deliver(event.text, toCoach: event.coachId) } }
/// try await relay.publish(coachId: 7, text: "event: operator\ndata: {...}\n\n")
/// ```
public struct PostgresEventRelay: Sendable {
    /// One coach's server-sent event, as a server wrote it for its own streams.
    public struct Event: Codable, Sendable, Equatable {
        /// The server that published it.
        public var origin: String
        public var coachId: Int64
        /// The server-sent event's text (`event: ...\ndata: ...\n\n`).
        public var text: String

        public init(origin: String, coachId: Int64, text: String) {
            self.origin = origin
            self.coachId = coachId
            self.text = text
        }
    }

    /// The channel every server of a lab listens on for coaches' events.
    public static let channel = "annolab_coach_events"
    /// The channel on which a server tells the others that work was added or changed.
    public static let workChannel = "annolab_work_changed"
    /// PostgreSQL refuses a notification of 8,000 bytes or more.
    public static let largestPayload = 7_999

    /// This server, as named in the events it publishes.
    public let origin: String
    /// The channel this relay publishes on and listens to.
    public let channel: String
    let client: PostgresClient
    let logger: Logger

    public init(client: PostgresClient, logger: Logger, origin: String = UUID().uuidString, channel: String = Self.channel) {
        self.client = client
        self.logger = logger
        self.origin = origin
        self.channel = channel
    }

    /// Sends one coach's event to every server of the lab; committed with nothing else, so it leaves at once.
    public func publish(coachId: Int64, text: String) async throws {
        let payload = String(decoding: try JSONEncoder().encode(Event(origin: origin, coachId: coachId, text: text)), as: UTF8.self)
        guard payload.utf8.count <= Self.largestPayload else {
            throw LabError(.unprocessable, "event_too_large",
                           "A coach event of \(payload.utf8.count) bytes is too large to pass between servers (at most \(Self.largestPayload)).")
        }
        do {
            try await client.query(#"SELECT pg_notify(\#(channel), \#(payload))"#, logger: logger)
        } catch {
            throw LabError(.unavailable, "database_unreachable", "The coach event could not be passed on: \(String(reflecting: error))")
        }
    }

    /// Hands every event that another server publishes to `deliver`, until the task is cancelled.
    /// `ready` is called each time listening has begun (again, after a lost connection).
    public func listen(ready: @Sendable () -> Void = {}, deliver: @Sendable (Event) -> Void) async {
        let decoder = JSONDecoder()
        while !Task.isCancelled {
            do {
                try await client.withConnection { connection in
                    try await connection.listen(on: channel) { notifications in
                        ready()
                        for try await notification in notifications {
                            guard let event = try? decoder.decode(Event.self, from: Data(notification.payload.utf8)) else {
                                logger.warning("A coach event from another server could not be read", metadata: ["payload": "\(notification.payload.prefix(200))"])
                                continue
                            }
                            if event.origin != origin { deliver(event) }
                        }
                    }
                }
            } catch {
                if Task.isCancelled { return }
                logger.warning("Listening for other servers' coach events stopped; listening again in a second",
                               metadata: ["error": "\(String(reflecting: error))"])
            }
            try? await Task.sleep(for: .seconds(1))
        }
    }
}

extension PostgresLabStore {
    /// The relay of coach events among the servers on this store's database.
    public func eventRelay(logger: Logger, channel: String = PostgresEventRelay.channel) -> PostgresEventRelay {
        PostgresEventRelay(client: client, logger: logger, channel: channel)
    }
}
