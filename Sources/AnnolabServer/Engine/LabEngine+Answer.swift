// Taking an answer: checked, counted in the queue, stored with its reply; a repeat gets the same reply.
import AnnolabCore
import AnnolabStore
import Foundation

extension LabEngine {
    /// The outcome of a submitted answer.
    public struct Submitted: Sendable {
        /// The reply's JSON exactly as it is sent: an ``AnswerReceipt`` encoded once when the
        /// answer was taken and stored with it, so that a repeat gets the very same bytes.
        public var response: String
        /// Whether this repeats an answer taken before (sent as 200 rather than 201).
        public var repeated: Bool
        /// The receipt as made just now; nil for a repeat, which has only the stored bytes.
        let taken: AnswerReceipt?

        /// The reply as a value, for a caller that reads it rather than sends it (the text
        /// mode): the receipt made now, or for a repeat the stored reply read back.
        public func receipt() throws -> AnswerReceipt {
            if let taken { return taken }
            return try LabJSON.decoder.decode(AnswerReceipt.self, from: Data(response.utf8))
        }
    }

    /// Takes an answer. The same idempotency key again gets the same response, counted once.
    public func answer(operatorId: Int64, assignmentId: Int64, answer raw: AnswerBody, idempotencyKey: String?) async throws -> Submitted {
        let now = clock.now()
        var start = queue.beginAnswer(assignmentId: assignmentId, operatorId: operatorId, now: now)
        // Servers sharing the store: a lease another server gave (or this one, before its queue was read
        // again) is taken over, and its answer counted by the store as any other.
        if case .unknown = start, store.sharedByServers, try await adoptLease(assignmentId, operatorId: operatorId, now: now) {
            start = queue.beginAnswer(assignmentId: assignmentId, operatorId: operatorId, now: now)
        }
        // A repeat sent while the first submit is being saved waits for it, then gets the same answer.
        for _ in 0..<100 {
            guard case .busy = start else { break }
            try await Task.sleep(for: .milliseconds(20))
            start = queue.beginAnswer(assignmentId: assignmentId, operatorId: operatorId, now: now)
        }
        switch start {
        case .unknown:
            guard let stored = try await store.answer(assignmentId: assignmentId), stored.operatorId == operatorId else {
                throw try await noAnswerTaken(operatorId: operatorId, assignmentId: assignmentId)
            }
            return try replay(stored, answer: raw, key: idempotencyKey)
        case .busy:
            throw LabError(.conflict, "answer_in_progress", "This answer is being saved. Please wait a moment.")
        case .taken(let expired):
            if expired { try await store.closeAssignment(id: assignmentId, state: .expired, at: now) }
            if let stored = try await store.answer(assignmentId: assignmentId), stored.operatorId == operatorId {
                return try replay(stored, answer: raw, key: idempotencyKey)
            }
            throw LabError(.conflict, .leaseExpired,
                           "The time for this task ran out and someone else is doing it now. Nothing is lost: ask for the next task.")
        case .answering(let lease, let task, let project):
            do {
                return try await accept(lease: lease, task: task, project: project, raw: raw, key: idempotencyKey, now: now)
            } catch let error as LabError where error.code == .alreadyAnswered || error.code == .alreadyExists {
                // Sent to two servers at once: the other one stored it first, so this is a repeat.
                queue.cancelAnswer(assignmentId: assignmentId, now: now)
                guard let stored = try await store.answer(assignmentId: assignmentId), stored.operatorId == operatorId else {
                    throw error
                }
                return try replay(stored, answer: raw, key: idempotencyKey)
            } catch {
                queue.cancelAnswer(assignmentId: assignmentId, now: now)
                throw error
            }
        }
    }

    /// Takes over this operator's lease from the store when it is still `leased` there and not answered.
    private func adoptLease(_ assignmentId: Int64, operatorId: Int64, now: Date) async throws -> Bool {
        guard let assignment = try await store.assignment(id: assignmentId), assignment.operatorId == operatorId,
              assignment.state == .leased, let microtask = try await store.microtask(id: assignment.microtaskId) else { return false }
        return queue.adopt(assignment, microtask: microtask, now: now)
    }

    /// Why a lease the queue no longer holds, and that has no answer of this operator, takes none now.
    private func noAnswerTaken(operatorId: Int64, assignmentId: Int64) async throws -> LabError {
        guard let assignment = try await store.assignment(id: assignmentId), assignment.operatorId == operatorId else {
            return LabError(.notFound, "assignment_not_found", "There is no task \(assignmentId) for you.")
        }
        switch assignment.state {
        // Still leased in the store, but gone from the queue: its microtask was finished by others.
        case .leased, .expired:
            return LabError(.conflict, .leaseExpired,
                            "The time for this task ran out and someone else did it. Nothing is lost: ask for the next task.")
        case .answered, .skipped, .released:
            return LabError(.conflict, .assignmentClosed, "This task was skipped or handed back, so it takes no answer now.")
        }
    }

    /// An answer sent again: with the first one's key, or without a key but saying the same, it gets
    /// the first reply (a retry after a lost connection); anything else is a second, different answer.
    private func replay(_ stored: AnswerRecord, answer raw: AnswerBody, key: String?) throws -> Submitted {
        let isRetry = if let key {
            key == stored.idempotencyKey
        } else {
            (try? JSONDecoder().decode(AnswerBody.self, from: Data(stored.body.utf8)))?.says(theSameAs: raw) ?? false
        }
        guard isRetry else {
            throw LabError(.conflict, .alreadyAnswered,
                           "This task was already answered, and an answer cannot be changed. Ask for the next task.")
        }
        return Submitted(response: stored.response, repeated: true, taken: nil)
    }

    private func accept(lease: WorkQueue.Lease, task: WorkQueue.TaskFacts, project: WorkQueue.ProjectInfo,
                        raw: AnswerBody, key: String?, now: Date) async throws -> Submitted {
        // The block's end plus the grace is the last moment a task leased in it may be answered.
        let snapshot = try await settledSnapshot(operatorId: lease.operatorId, now: now)
        guard let deadline = snapshot?.timeline.answerDeadline(forLeaseAt: lease.leasedAt, grace: grace), now <= deadline else {
            try await endLease(lease.assignmentId, as: .released, now: now)
            throw LabError(.locked, .blockOver,
                           "The work block ended more than \(Int(grace / 60)) minutes ago, so this answer can no longer be taken. It is pause time now.")
        }
        let answer = try raw.validated(kind: task.kind, payload: task.payload, labels: project.labels)
        let feedback = try await goldFeedback(on: task, answer: answer)
        let receipt = AnswerReceipt(feedback: feedback)
        // The reply is encoded here once: stored with the answer for repeats, and sent as it is.
        let response = try receipt.json(encoder: LabJSON.encoder)
        let record = AnswerRecord(assignmentId: lease.assignmentId, microtaskId: task.id, operatorId: lease.operatorId,
                                  body: String(decoding: try JSONEncoder().encode(answer), as: UTF8.self),
                                  idempotencyKey: key, secondsSpent: min(now.timeIntervalSince(lease.leasedAt), leaseLength),
                                  createdAt: now, response: response, isGold: task.isGold, goldCorrect: feedback?.correct)
        let counted = store.sharedByServers && !task.isGold
            ? try await countShared(record, lease: lease, task: task, project: project, now: now)
            : try await countHere(record, answer: answer, lease: lease, project: project, now: now)
        let blockEnd = deadline.addingTimeInterval(-grace)
        notify(lease.operatorId, .answered(secondsPastBlockEnd: now > blockEnd ? now.timeIntervalSince(blockEnd) : nil))
        if task.isGold {
            // A practice question may open the next step of the skill ladder; the answer stands either way.
            do { try await practiceAnswered(operatorId: lease.operatorId, kind: task.kind) } catch {
                logger.error("The skill ladder could not be updated after a practice question: \(error)")
            }
        }
        if counted.done {
            await reviewIfSplit(task, answers: counted.answers, project: project)
        }
        if counted.done, task.kind == .imageBoxVerify, task.payload.adjustable == true {
            await releaseAfterCheck(task, project: project)
        }
        if counted.done, task.kind == .imageBoxes {
            if await boxChecks.carve(from: task, answers: counted.answers, project: project) { announceWork() }
        }
        return Submitted(response: response, repeated: false, taken: receipt)
    }

    /// The feedback after a practice question; nil for any other microtask, and for gold whose
    /// known answer cannot be read.
    private func goldFeedback(on task: WorkQueue.TaskFacts, answer: AnswerBody) async throws -> GoldFeedback? {
        guard task.isGold, let gold = try await store.goldAnswer(microtaskId: task.id),
              let known = try? JSONDecoder().decode(AnswerBody.self, from: Data(gold.body.utf8)) else { return nil }
        // Stored as {"en": …, "nl": …} by the gold route; without one the operator gets the general words.
        let explanation = (try? JSONDecoder().decode(GoldFeedback.Explanation.self, from: Data(gold.explanation.utf8))) ?? .init()
        return GoldFeedback(correct: GoldCheck.matches(answer, gold: known, kind: task.kind), explanation: explanation)
    }
}
