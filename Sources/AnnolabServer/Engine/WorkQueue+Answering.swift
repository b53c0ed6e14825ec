// Taking an answer through the queue: begin, count, finish, or give it up.
import AnnolabStore
import Foundation

extension WorkQueue {
    enum Start: Sendable {
        /// The lease is now `answering`: check the answer, count it, store it, then finish or cancel.
        case answering(Lease, TaskFacts, ProjectInfo)
        /// The queue no longer holds this lease (answered, ended, or never this operator's): the store knows.
        case unknown
        /// Its time ran out and its place was given to someone else, or enough people answered.
        case taken
        /// An answer to it is being stored right now.
        case busy
    }

    /// Begins an answer on a lease: live, or run out while nobody else took its place.
    func beginAnswer(assignmentId: Int64, operatorId: Int64, now: Date) -> Start {
        state.withLock { state in
            guard var lease = state.leases[assignmentId], lease.operatorId == operatorId else { return .unknown }
            if lease.state == .answering { return .busy }
            guard let task = state.active[lease.taskId], let project = state.projects[task.projectId] else {
                // The microtask was finished and has left memory: so does this lease.
                if lease.move(to: .expired) { state.forget(lease, now: now) }
                return .taken
            }
            if task.done && !task.isGold { return .taken }
            if lease.expiresAt <= now, !task.isGold,
               task.answers.count + task.liveHolds(now: now, except: operatorId) >= task.required {
                return .taken
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
        var answers: [AnswerBody]
    }

    /// Counts an answer before it is stored, so that answers arriving together see each other:
    /// `decide` gets the microtask and its answers with this one included, and returns its new
    /// overlap and whether it is done. Nil when the microtask was finished meanwhile.
    func countAnswer(assignmentId: Int64, answer: AnswerBody, now: Date,
                     decide: (TaskFacts, [AnswerBody]) -> (required: Int, done: Bool)) -> Counted? {
        state.withLock { state in
            guard let lease = state.leases[assignmentId], lease.state == .answering,
                  let task = state.active[lease.taskId] else { return nil }
            if task.isGold { return Counted(required: task.required, done: false, answers: []) }
            // Finished while this answer was being checked: its place is no longer needed.
            if task.done { return nil }
            task.answers.append(answer)
            let decision = decide(task.facts, task.answers)
            task.required = max(task.required, decision.required)
            if decision.done {
                task.done = true
                state.projects[task.projectId]?.working -= 1
            }
            state.refresh(task, now: now)
            return Counted(required: task.required, done: task.done, answers: task.done ? task.answers : [])
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
