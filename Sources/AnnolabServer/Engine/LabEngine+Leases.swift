// A lease without an answer: skipped, handed back or renewed; the queue and the store end it together.
import AnnolabCore
import AnnolabStore
import Foundation

extension LabEngine {
    /// The live lease of one of the operator's assignments; nil when the store has it as theirs but
    /// it is answered or ended (the queue forgets those). Anyone else's, or none: 404.
    private func liveLease(_ assignmentId: Int64, operatorId: Int64) async throws -> WorkQueue.Lease? {
        if let lease = queue.lease(assignmentId), lease.operatorId == operatorId { return lease }
        guard let stored = try await store.assignment(id: assignmentId), stored.operatorId == operatorId else {
            throw LabError(.notFound, "assignment_not_found", "There is no task \(assignmentId) for you.")
        }
        return nil
    }

    /// Ends a live lease without an answer: in the queue first, so that its place is free at
    /// once, then in the store as `final` (skipped, released or expired). False when the queue
    /// did not hold it live, and nothing was changed.
    @discardableResult
    func endLease(_ assignmentId: Int64, as final: Assignment.State, reason: String? = nil, now: Date) async throws -> Bool {
        guard queue.end(assignmentId: assignmentId, as: LeaseState(final), now: now) != nil else { return false }
        try await store.closeAssignment(id: assignmentId, state: final, reason: reason, at: now)
        return true
    }

    /// Skips a task at no cost; the reason is optional and only helps improve instructions.
    public func skip(operatorId: Int64, assignmentId: Int64, reason: String?) async throws {
        let now = clock.now()
        let trimmed = reason?.trimmingCharacters(in: .whitespacesAndNewlines).prefix(500)
        guard try await liveLease(assignmentId, operatorId: operatorId) != nil,
              try await endLease(assignmentId, as: .skipped, reason: trimmed.map(String.init), now: now) else {
            throw LabError(.conflict, .assignmentClosed, "This task is already answered or handed back.")
        }
        notify(operatorId, .skipped)
    }

    /// Hands a preloaded task back unanswered, so someone else can do it.
    public func release(operatorId: Int64, assignmentId: Int64) async throws {
        let now = clock.now()
        guard try await liveLease(assignmentId, operatorId: operatorId) != nil else { return }
        try await endLease(assignmentId, as: .released, now: now)
    }

    /// Keeps a preloaded task reserved for another lease length.
    public func renew(operatorId: Int64, assignmentId: Int64) async throws -> Date {
        let gone = LabError(.conflict, .leaseExpired, "This task is no longer reserved for you. Ask for the next task.")
        guard let lease = try await liveLease(assignmentId, operatorId: operatorId) else { throw gone }
        let now = clock.now()
        let snapshot = try await runningSnapshot(operatorId: operatorId, now: now)
        guard snapshot.timeline.state(at: now).phase == .work else {
            throw LabError(.locked, .pause, "It is pause time: tasks are not kept for you during a pause.")
        }
        // A task from an earlier block can no longer be answered, so it is not kept either.
        guard let deadline = snapshot.timeline.answerDeadline(forLeaseAt: lease.leasedAt, grace: grace), now <= deadline else {
            throw LabError(.conflict, .leaseExpired, "This task belongs to an earlier work block. Ask for the next task.")
        }
        let until = now.addingTimeInterval(leaseLength)
        switch queue.renew(assignmentId: assignmentId, until: until, now: now) {
        case .renewed: break
        case .expired:
            // The queue ended it just now: its time ran out and its place went to someone else.
            try await store.closeAssignment(id: assignmentId, state: .expired, at: now)
            throw gone
        case .notLeased:
            throw gone
        }
        if store.sharedByServers {
            // Another server may have given the place away once this lease's time ran out: the store decides.
            guard try await store.renewSharedLease(id: assignmentId, until: until, now: now) else {
                _ = queue.end(assignmentId: assignmentId, as: .expired, now: now)
                throw gone
            }
        } else {
            try await store.renewLease(id: assignmentId, until: until)
        }
        return until
    }
}
