// Counting an answer: in this server's queue when it alone serves the store, in the store when servers share it.
import AnnolabCore
import AnnolabStore
import Foundation

extension LabEngine {
    /// One server: decided in the queue, in the order answers arrive, so that answers given at the
    /// same moment each see the others; then stored.
    func countHere(_ record: AnswerRecord, answer: AnswerBody, lease: WorkQueue.Lease, project: WorkQueue.ProjectInfo,
                   now: Date) async throws -> WorkQueue.Counted {
        let adaptive = self.adaptive
        let counted = queue.countAnswer(assignmentId: lease.assignmentId, answer: answer, now: now) { task, answers in
            adaptive.decide(kind: task.kind, answers: answers, required: task.required, overlap: project.overlap,
                            maximum: project.adaptiveMax, labels: project.labels, payload: task.payload)
        }
        guard let counted else {
            try await endLease(lease.assignmentId, as: .released, now: now)
            throw LabError(.conflict, .leaseExpired,
                           "Enough people answered this task while you worked on it, so your answer is not needed. Nothing is lost: ask for the next task.")
        }
        do {
            _ = try await store.recordAnswer(record, required: counted.required, complete: counted.done, expired: counted.expired)
        } catch {
            queue.uncountAnswer(assignmentId: lease.assignmentId, answer: answer, now: now)
            throw error
        }
        queue.finishAnswer(assignmentId: lease.assignmentId, now: now)
        return counted
    }

    /// Servers sharing the store: decided by the store under the microtask's lock, against every answer
    /// it has from any server, with the same adaptive overlap; the queue then takes the store's count over.
    func countShared(_ record: AnswerRecord, lease: WorkQueue.Lease, task: WorkQueue.TaskFacts, project: WorkQueue.ProjectInfo,
                     now: Date) async throws -> WorkQueue.Counted {
        let adaptive = self.adaptive
        let isReview = task.isReview, kind = task.kind, payload = task.payload
        let decide: AnswerDecision = { bodies, required in
            // A reviewer's one answer decides.
            if isReview { return (1, true) }
            let answers = bodies.compactMap { try? JSONDecoder().decode(AnswerBody.self, from: Data($0.utf8)) }
            let decision = adaptive.decide(kind: kind, answers: answers, required: required, overlap: project.overlap,
                                           maximum: project.adaptiveMax, labels: project.labels, payload: payload)
            return (decision.required, decision.done)
        }
        let count: SharedAnswerCount
        do {
            count = try await store.recordSharedAnswer(record, decide: decide)
        } catch let error as LabError where error.code == .leaseExpired {
            // Finished, or its place given away, on another server: the lease ends here too.
            queue.cancelAnswer(assignmentId: lease.assignmentId, now: now)
            _ = queue.end(assignmentId: lease.assignmentId, as: .expired, now: now)
            throw error
        }
        let answers = count.bodies.compactMap { try? JSONDecoder().decode(AnswerBody.self, from: Data($0.utf8)) }
        return queue.settleShared(assignmentId: lease.assignmentId, count, answers: answers, now: now)
    }
}
