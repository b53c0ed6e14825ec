// Taking an answer through the queue: begin, count, finish, or give it up.
import AnnolabCore
import AnnolabStore
import Foundation

extension WorkQueue {
    enum Start: Sendable {
        /// The lease is now `answering`: check the answer, count it, store it, then finish or cancel.
        case answering(Lease, TaskFacts, ProjectInfo)
        /// The queue no longer holds this lease (answered, ended, or never this operator's): the store knows.
        case unknown
        /// Its time ran out and its place was given to someone else, or enough people answered.
        /// With `expired`, the queue ended the lease just now, and the store is to record it `expired`.
        case taken(expired: Bool)
        /// An answer to it is being stored right now.
        case busy
    }

    /// Begins an answer on a lease: live, or run out while nobody else took its place.
    func beginAnswer(assignmentId: Int64, operatorId: Int64, now: Date) -> Start {
        state.withLock { state in
            guard var lease = state.leases[assignmentId], lease.operatorId == operatorId else { return .unknown }
            if lease.state == .answering { return .busy }
            guard let task = state.active[lease.taskId], let project = state.projects[task.projectId] else {
                // Servers sharing the store: the queue was read again while this lease was being stored, so
                // it does not hold the microtask; the lease is forgotten here and taken over from the store.
                if shared {
                    state.forget(lease, now: now)
                    return .unknown
                }
                // The microtask was finished and has left memory: so does this lease.
                let ended = lease.move(to: .expired)
                if ended { state.forget(lease, now: now) }
                return .taken(expired: ended)
            }
            // Finished by an answer being stored right now: the lease leaves with the microtask.
            if task.done && !task.isGold { return .taken(expired: false) }
            // Run out, and its place went to someone else: it cannot come back (as in `renew`).
            if lease.expiresAt <= now, !task.isGold,
               task.answers.count + task.liveHolds(now: now, except: operatorId) >= task.required {
                let ended = lease.move(to: .expired)
                if ended { state.forget(lease, now: now) }
                return .taken(expired: ended)
            }
            guard lease.move(to: .answering) else { return .unknown }
            state.leases[assignmentId] = lease
            // Answering holds the place even when the lease ran out meanwhile.
            task.holds[operatorId] = .init(expiresAt: .distantFuture, assignmentId: assignmentId)
            state.refresh(task, now: now)
            return .answering(lease, task.facts, project.info)
        }
    }

    /// What counting an answer decided.
    struct Counted: Sendable {
        var required: Int
        var done: Bool
        /// With `done`: every answer the microtask got, this one included (for box checks).
        var answers: [AnswerBody] = []
        /// With `done`: other leases on the microtask whose time ran out. The answer takes their
        /// places for good, so the store records them `expired` together with it.
        var expired: [Int64] = []
    }

    /// Counts an answer before it is stored, so that answers arriving together see each other:
    /// `decide` gets the microtask and its answers with this one included, and returns its new
    /// overlap and whether it is done. Nil when the microtask was finished meanwhile.
    func countAnswer(assignmentId: Int64, answer: AnswerBody, now: Date,
                     decide: (TaskFacts, [AnswerBody]) -> AdaptiveOverlap.Decision) -> Counted? {
        state.withLock { state in
            guard let lease = state.leases[assignmentId], lease.state == .answering,
                  let task = state.active[lease.taskId] else { return nil }
            if task.isGold { return Counted(required: task.required, done: false) }
            // Finished while this answer was being checked: its place is no longer needed.
            if task.done { return nil }
            task.answers.append(answer)
            // A reviewer's one answer decides.
            let decision = task.isReview ? AdaptiveOverlap.Decision(required: 1, done: true) : decide(task.facts, task.answers)
            task.required = max(task.required, decision.required)
            guard decision.done else {
                state.refresh(task, now: now)
                return Counted(required: task.required, done: false)
            }
            task.done = true
            if !task.isReview { state.projects[task.projectId]?.working -= 1 }
            state.refresh(task, now: now)
            // A lease being answered holds its place until `.distantFuture`, so only leases left to run out are here.
            let expired = task.holds.values.compactMap { hold in
                hold.expiresAt <= now ? hold.assignmentId : nil
            }.filter { state.leases[$0]?.state == .leased }.sorted()
            return Counted(required: task.required, done: true, answers: task.answers, expired: expired)
        }
    }

    /// Takes back a counted answer whose storing failed.
    func uncountAnswer(assignmentId: Int64, answer: AnswerBody, now: Date) {
        state.withLock { state in
            guard let lease = state.leases[assignmentId], let task = state.active[lease.taskId], !task.isGold,
                  let index = task.answers.lastIndex(of: answer) else { return }
            task.answers.remove(at: index)
            if task.done, task.answers.count < task.required {
                task.done = false
                state.projects[task.projectId]?.working += 1
            }
            state.refresh(task, now: now)
        }
    }

    /// The answer is stored: the lease is `answered` and the queue forgets it; a microtask it
    /// finished leaves memory.
    func finishAnswer(assignmentId: Int64, now: Date) {
        state.withLock { state in
            guard var lease = state.leases[assignmentId], lease.move(to: .answered) else { return }
            state.forget(lease, now: now)
        }
    }

    /// The answer was not stored (refused, or the store failed): the lease is `leased` again,
    /// until its own time.
    func cancelAnswer(assignmentId: Int64, now: Date) {
        state.withLock { state in
            guard var lease = state.leases[assignmentId], lease.move(to: .leased) else { return }
            state.leases[assignmentId] = lease
            if let task = state.active[lease.taskId] {
                task.holds[lease.operatorId] = .init(expiresAt: lease.expiresAt, assignmentId: assignmentId)
                state.refresh(task, now: now)
            }
        }
    }
}
