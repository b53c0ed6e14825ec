// The queue as a cache of a store shared by several servers: what the store refused or counted is taken over.
import AnnolabCore
import AnnolabStore
import Foundation

extension WorkQueue {
    /// The store refused a lease: other servers' operators hold every place until `freeAt`, or (nil)
    /// the microtask is finished. The reservation is undone; the microtask is not proposed again before
    /// then, and a finished one leaves memory.
    func heldElsewhere(taskId: Int64, operatorId: Int64, freeAt: Date?, now: Date) {
        state.withLock { state in
            guard let task = state.active[taskId] else { return }
            if task.holds[operatorId]?.assignmentId == nil { task.holds[operatorId] = nil }
            task.had.remove(operatorId)
            // Not served after all: it does not count towards the operator's share of gold.
            let key = ServedKey(operatorId: operatorId, projectId: task.projectId)
            if let served = state.served[key] {
                state.served[key] = (max(served.count - 1, 0), served.gold - (task.isGold && served.gold > 0 ? 1 : 0))
            }
            guard let freeAt else {
                if !task.done, !task.isGold, !task.isReview { state.projects[task.projectId]?.working -= 1 }
                task.done = true
                state.retire(task)
                return
            }
            task.heldElsewhereUntil = freeAt
            state.refresh(task, now: now)
        }
    }

    /// An answer the shared store counted against every answer of its microtask: the queue takes over
    /// the store's answers, overlap and completion, then forgets the lease (and a finished microtask).
    func settleShared(assignmentId: Int64, _ count: SharedAnswerCount, answers: [AnswerBody], now: Date) -> Counted {
        state.withLock { state in
            guard var lease = state.leases[assignmentId] else {
                return Counted(required: count.required, done: count.complete, answers: answers, expired: count.expired)
            }
            guard let task = state.active[lease.taskId] else {
                // Finished meanwhile by another answer of this server: the lease ends all the same.
                _ = lease.move(to: .answered)
                state.forget(lease, now: now)
                return Counted(required: count.required, done: count.complete, answers: answers, expired: count.expired)
            }
            task.answers = answers
            task.required = max(task.required, count.required)
            if count.complete != task.done, !task.isReview {
                state.projects[task.projectId]?.working += count.complete ? -1 : 1
            }
            task.done = count.complete
            state.refresh(task, now: now)
            // Stored: the lease ends (also one the queue, read again meanwhile, holds as `leased`).
            _ = lease.move(to: .answered)
            state.forget(lease, now: now)
            return Counted(required: task.required, done: count.complete, answers: answers, expired: count.expired)
        }
    }

    /// Takes over a lease the store holds for this operator but this queue does not know: made by another
    /// server (which may have stopped), or by this one just before its queue was read again. False when
    /// the microtask's project is not served here.
    func adopt(_ assignment: Assignment, microtask: Microtask, now: Date) -> Bool {
        state.withLock { state in
            guard let id = assignment.id, let microtaskId = microtask.id, let project = state.projects[microtask.projectId] else {
                return false
            }
            if state.leases[id] != nil { return true }
            let task: ActiveTask
            if let known = state.active[microtaskId] {
                task = known
            } else {
                // Not had by anyone here yet: it leaves the fresh ids, so that it is not started twice.
                for kind in project.kindOrder where project.fresh[kind]?.remove(microtaskId) == true { break }
                task = ActiveTask(id: microtaskId, projectId: microtask.projectId, kind: microtask.kind, isGold: microtask.isGold,
                                  required: microtask.requiredAnswers, payload: Payload(json: microtask.payload))
                task.isReview = microtask.reviewOf != nil
                state.active[microtaskId] = task
                if !task.isGold, !task.isReview { project.working += 1 }
            }
            if task.payload == nil { task.payload = Payload(json: microtask.payload) }
            task.had.insert(assignment.operatorId)
            task.holds[assignment.operatorId] = .init(expiresAt: assignment.leaseExpiresAt, assignmentId: id)
            state.track(Lease(assignmentId: id, taskId: microtaskId, operatorId: assignment.operatorId,
                              leasedAt: assignment.leasedAt, expiresAt: assignment.leaseExpiresAt, state: .leased))
            state.refresh(task, now: now)
            return true
        }
    }
}
