// Servers sharing one store: new work told to the others, and this server's queue read again when they tell it.
import AnnolabCore
import AnnolabStore
import Foundation

extension LabEngine {
    /// Calls `hook` whenever this server adds or changes work (projects, microtasks, gold, reviews, who may
    /// do what), so that the other servers on the same store can read their queues again.
    public func onWorkChanged(_ hook: @escaping @Sendable () -> Void) {
        workChanged.withLock { $0 = hook }
    }

    func announceWork() {
        workChanged.withLock { $0 }?()
    }

    /// Reads the queue again from the store, with every server's leases and answers, the projects
    /// coaches kept from operators, and operators' profiles: another server changed them.
    public func reloadWork() async throws {
        let work = try await store.openWork()
        queue.load(work, now: clock.now())
        let denied = try await store.deniedProjects()
        excludedProjects.withLock { $0 = denied }
        profiles.withLock { $0 = [:] }
    }
}
