// The lab's own figures at /metrics: operators on shift, open leases, queue depth, commit batch size.
import AnnolabStore
import Foundation

/// What the lab is doing right now, in four numbers, read each time `/metrics` is scraped.
///
/// The engine and the store keep these for their own work; reading them at scrape time means
/// neither holds any code for metrics, and a figure costs nothing between scrapes.
struct LabFigures: Sendable, Equatable {
    /// Operators whose shift runs now: started, not ended, not past its planned end.
    var operatorsOnShift: Int
    /// Leases the work queue holds: tasks handed out and not yet answered, skipped or handed back.
    var openLeases: Int
    /// Microtasks the work queue holds that still need answers: those nobody has had yet, and
    /// started ones (gold included) until they are finished.
    var queueDepth: Int
    /// Writes that shared the last group commit: how much the lab's writes bunch up.
    var commitBatchSize: Int

    /// Reads the figures of a running lab from its engine's queue and its store.
    static func read(from engine: LabEngine) async throws -> LabFigures {
        let queue = engine.queue.size()
        return LabFigures(operatorsOnShift: try await engine.store.operatorsOnShift(at: engine.clock.now()),
                          openLeases: queue.leases,
                          queueDepth: queue.fresh + queue.active,
                          commitBatchSize: engine.store.lastCommitBatchSize)
    }
}
