// What the servers on one PostgreSQL tell each other: coaches' live events, and that work was added or changed.
import AnnolabPostgres
import AnnolabServer
import Foundation
import Logging

/// Runs, for one server, the relays to the other servers of the lab (LISTEN/NOTIFY):
/// - every event this server sends its coaches goes to the others too, and theirs reach this server's
///   coaches, so that a coach connected to one server sees operators working on another;
/// - when this server adds or changes work (an upload, gold, a project, a profile, project access), the
///   others read their queues again from the database; news arriving together is read once.
enum ServerSharing {
    static func start(store: PostgresLabStore, server: LabServer) -> Task<Void, Never> {
        let logger = Logger(label: "annolab.sharing")
        let coaching = store.eventRelay(logger: logger)
        let work = store.eventRelay(logger: logger, channel: PostgresEventRelay.workChannel)
        // Published one after the other, in the order they were sent, so that a coach never sees an older card last.
        let (outgoing, events) = AsyncStream<(Int64, String)>.makeStream(bufferingPolicy: .bufferingNewest(4096))
        server.monitor.shareEvents { coachId, text in events.yield((coachId, text)) }
        // Only that something changed matters: one pending notice (to send, or to act on) stands for many.
        let (changes, changed) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        server.engine.onWorkChanged { changed.yield() }
        let (reloads, reload) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        return Task {
            await withTaskGroup(of: Void.self) { group in
                group.addTask {
                    for await (coachId, text) in outgoing {
                        do { try await coaching.publish(coachId: coachId, text: text) } catch {
                            logger.warning("A coach event could not be passed to the other servers", metadata: ["error": "\(error)"])
                        }
                    }
                }
                group.addTask {
                    await coaching.listen { event in server.monitor.deliverShared(event.text, toCoach: event.coachId) }
                }
                group.addTask {
                    for await _ in changes {
                        do { try await work.publish(coachId: 0, text: "work") } catch {
                            logger.warning("The other servers could not be told of new work", metadata: ["error": "\(error)"])
                        }
                    }
                }
                // Notices sent while this server was not listening are lost: the queue is read again each
                // time listening (re)starts.
                group.addTask { await work.listen(ready: { reload.yield() }) { _ in reload.yield() } }
                group.addTask {
                    for await _ in reloads {
                        do {
                            try await server.engine.reloadWork()
                            server.programmeJobs.nudge()
                        } catch {
                            logger.error("The work another server added could not be read", metadata: ["error": "\(error)"])
                        }
                    }
                }
                await withTaskCancellationHandler { await group.waitForAll() } onCancel: {
                    events.finish()
                    changed.finish()
                    reload.finish()
                }
            }
        }
    }
}
