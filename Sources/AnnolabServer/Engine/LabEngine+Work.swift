// Serving microtasks and taking answers: next, answer, skip, renew and release.
import AnnolabStore
import Foundation

extension LabEngine {
    /// A microtask served to an operator.
    public struct Served: Sendable {
        public var assignmentId: Int64
        public var leasedAt: Date
        public var leaseExpiresAt: Date
        public var microtaskId: Int64
        public var projectId: Int64
        public var kind: TaskKind
        public var labels: [String]
        public var payload: MicrotaskPayload
        /// The payload as stored (JSON).
        public var payloadJSON: String
    }

    /// Why no microtask can be served now.
    public enum NotNow: Error, Sendable {
        /// A scheduled or extra pause: no task until it ends (`resumesAt` nil for an extra pause).
        case pause(resumesAt: Date?, extraPause: Bool)
    }

    /// The kinds that work by ear: a sound to tag, a programme part with its subtitles. Choice
    /// microtasks in this lab ask about pictures, so they are not among them.
    public static let byEar: Set<TaskKind> = [.subtitleCheck, .audioTags]

    /// The kinds an operator may do, from the profile agreed with the coach; empty means every kind.
    static func allowedKinds(_ profile: OperatorProfile) -> Set<TaskKind> {
        var kinds = Set(profile.taskKinds)
        if profile.audioMode {
            kinds = kinds.isEmpty ? byEar : kinds.intersection(byEar)
            if kinds.isEmpty { kinds = byEar }
        }
        return kinds
    }

    /// The next microtask for this operator, or nil when there is no work for them now.
    /// Throws ``NotNow`` in a pause and a 409 ``LabError`` when no shift is running.
    /// `only` narrows the kinds further (the text mode asks for kinds that work by ear).
    public func next(operatorId: Int64, only: Set<TaskKind>? = nil) async throws -> Served? {
        let now = clock.now()
        let snapshot = try await runningSnapshot(operatorId: operatorId, now: now)
        let state = snapshot.timeline.state(at: now)
        switch state.phase {
        case .work: break
        case .pause: throw NotNow.pause(resumesAt: state.resumesAt, extraPause: false)
        case .extraPause: throw NotNow.pause(resumesAt: nil, extraPause: true)
        case .ended: throw LabError(.conflict, "no_shift", "Your shift has ended. Well done.")
        }
        let (stored, _) = try await profile(operatorId: operatorId)
        var kinds = Self.allowedKinds(stored)
        if let only {
            kinds = kinds.isEmpty ? only : kinds.intersection(only)
            if kinds.isEmpty { return nil }   // an empty set would mean every kind
        }
        let expiry = now.addingTimeInterval(leaseLength)
        for _ in 0..<8 {
            let excluded = excludedProjects.withLock { $0[operatorId] ?? [] }
            guard let reservation = queue.reserve(operatorId: operatorId, kinds: kinds, now: now, leaseUntil: expiry,
                                                  excluded: excluded) else {
                notify(operatorId, .served)   // asked for work: not idle, even when there is none
                return nil
            }
            let leased: LeasedMicrotask
            do {
                // A microtask nobody had yet is only an id in the queue: its payload comes with the lease.
                leased = try await store.lease(microtaskId: reservation.taskId, operatorId: operatorId, at: now,
                                               until: expiry, withTask: reservation.payload == nil)
            } catch let error as LabError where error.kind == .conflict {
                // The store says this operator already had it: leave it and look further.
                queue.cancel(taskId: reservation.taskId, operatorId: operatorId, hadIt: true, now: now)
                continue
            } catch {
                queue.cancel(taskId: reservation.taskId, operatorId: operatorId, hadIt: false, now: now)
                throw error
            }
            let loaded = reservation.payload == nil ? leased.payload.map(WorkQueue.Payload.init(json:)) : nil
            guard let assignmentId = leased.assignment.id, let payload = reservation.payload ?? loaded else {
                throw LabError(.internalFailure, "microtask_missing", "Microtask \(reservation.taskId) could not be read. Please try again.")
            }
            queue.registerLease(.init(assignmentId: assignmentId, taskId: reservation.taskId, operatorId: operatorId,
                                      leasedAt: now, expiresAt: expiry, state: .leased),
                                payload: loaded, requiredAnswers: leased.requiredAnswers, now: now)
            notify(operatorId, .served)
            return Served(assignmentId: assignmentId, leasedAt: now, leaseExpiresAt: expiry, microtaskId: reservation.taskId,
                          projectId: reservation.projectId, kind: reservation.kind, labels: reservation.project.labels,
                          payload: payload.decoded, payloadJSON: payload.json)
        }
        return nil
    }

    /// The outcome of a submitted answer: the exact JSON to send, and whether it is a repeat.
    public struct Submitted: Sendable {
        public var response: String
        public var repeated: Bool
    }

    /// Takes an answer. The same idempotency key again gets the same response, counted once.
    public func answer(operatorId: Int64, assignmentId: Int64, answer raw: AnswerBody, idempotencyKey: String?) async throws -> Submitted {
        let now = clock.now()
        var start = queue.beginAnswer(assignmentId: assignmentId, operatorId: operatorId, now: now)
        // A repeat sent while the first submit is being saved waits for it, then gets the same answer.
        for _ in 0..<100 {
            guard case .busy = start else { break }
            try await Task.sleep(for: .milliseconds(20))
            start = queue.beginAnswer(assignmentId: assignmentId, operatorId: operatorId, now: now)
        }
        switch start {
        case .unknown:
            return try await replay(operatorId: operatorId, assignmentId: assignmentId, answer: raw, key: idempotencyKey)
        case .busy:
            throw LabError(.conflict, "answer_in_progress", "This answer is being saved. Please wait a moment.")
        case .taken:
            if let stored = try await store.answer(assignmentId: assignmentId), stored.operatorId == operatorId {
                return try await replay(operatorId: operatorId, assignmentId: assignmentId, answer: raw, key: idempotencyKey)
            }
            throw LabError(.conflict, "lease_expired",
                           "The time for this task ran out and someone else is doing it now. Nothing is lost: ask for the next task.")
        case .answering(let lease, let task, let project):
            do {
                return try await accept(lease: lease, task: task, project: project, raw: raw, key: idempotencyKey, now: now)
            } catch {
                queue.cancelAnswer(assignmentId: assignmentId, now: now)
                throw error
            }
        }
    }

    /// An answer sent again: with the first one's key, or without a key but saying the same, it gets
    /// the first reply (a retry after a lost connection); anything else is a second, different answer.
    private func replay(operatorId: Int64, assignmentId: Int64, answer raw: AnswerBody, key: String?) async throws -> Submitted {
        guard let stored = try await store.answer(assignmentId: assignmentId), stored.operatorId == operatorId else {
            guard let assignment = try await store.assignment(id: assignmentId), assignment.operatorId == operatorId else {
                throw LabError(.notFound, "assignment_not_found", "There is no task \(assignmentId) for you.")
            }
            // Still leased in the store, but gone from the queue: its microtask was finished by others.
            if assignment.state == LeaseState.leased.rawValue || assignment.state == LeaseState.expired.rawValue {
                throw LabError(.conflict, "lease_expired",
                               "The time for this task ran out and someone else did it. Nothing is lost: ask for the next task.")
            }
            throw LabError(.conflict, "assignment_closed", "This task was skipped or handed back, so it takes no answer now.")
        }
        let sameAnswer = (try? JSONDecoder().decode(AnswerBody.self, from: Data(stored.body.utf8)))?.says(theSameAs: raw) ?? false
        let isRetry = key.map { $0 == stored.idempotencyKey } ?? sameAnswer
        guard isRetry else {
            throw LabError(.conflict, "already_answered",
                           "This task was already answered, and an answer cannot be changed. Ask for the next task.")
        }
        return Submitted(response: stored.response, repeated: true)
    }

    private func accept(lease: WorkQueue.Lease, task: WorkQueue.TaskFacts, project: WorkQueue.ProjectInfo,
                        raw: AnswerBody, key: String?, now: Date) async throws -> Submitted {
        // The block's end plus the grace is the last moment a task leased in it may be answered.
        let snapshot = try await settledSnapshot(operatorId: lease.operatorId, now: now)
        let deadline = snapshot?.timeline.answerDeadline(forLeaseAt: lease.leasedAt, grace: grace)
        guard let deadline, now <= deadline else {
            _ = queue.end(assignmentId: lease.assignmentId, as: .released, now: now)
            try await store.closeAssignment(id: lease.assignmentId, state: "released", at: now)
            throw LabError(.locked, "block_over",
                           "The work block ended more than \(Int(grace / 60)) minutes ago, so this answer can no longer be taken. It is pause time now.")
        }
        let answer = try raw.validated(kind: task.kind, payload: task.payload, labels: project.labels)
        var feedback: [String: Any]?
        var goldCorrect: Bool?
        if task.isGold, let gold = try await store.goldAnswer(microtaskId: task.id),
           let known = try? JSONDecoder().decode(AnswerBody.self, from: Data(gold.body.utf8)) {
            let correct = GoldCheck.matches(answer, gold: known, kind: task.kind)
            goldCorrect = correct
            let explanation = (try? JSONSerialization.jsonObject(with: Data(gold.explanation.utf8))) as? [String: String] ?? [:]
            feedback = Self.feedback(correct: correct, explanation: explanation)
        }
        // Decided in the queue, in the order answers arrive, so that answers given at the same
        // moment each see the others.
        let adaptive = self.adaptive
        let decision = queue.countAnswer(assignmentId: lease.assignmentId, answer: answer, now: now) { task, answers in
            if let overlap = project.overlap { return (overlap, answers.count >= overlap) }
            guard answers.count >= task.required else { return (task.required, false) }
            if adaptive.isSettled(kind: task.kind, answers: answers, labels: project.labels, payload: task.payload)
                || task.required >= project.adaptiveMax {
                return (task.required, true)
            }
            return (task.required + 1, false)
        }
        guard let decision else {
            _ = queue.end(assignmentId: lease.assignmentId, as: .released, now: now)
            try await store.closeAssignment(id: lease.assignmentId, state: "released", at: now)
            throw LabError(.conflict, "lease_expired",
                           "Enough people answered this task while you worked on it, so your answer is not needed. Nothing is lost: ask for the next task.")
        }
        var response = #"{"accepted":true}"#
        if let feedback {
            response = String(decoding: try JSONSerialization.data(withJSONObject: ["accepted": true, "feedback": feedback],
                                                                   options: [.sortedKeys]), as: UTF8.self)
        }
        let body = String(decoding: try JSONEncoder().encode(answer), as: UTF8.self)
        let record = AnswerRecord(assignmentId: lease.assignmentId, microtaskId: task.id, operatorId: lease.operatorId,
                                  body: body, idempotencyKey: key,
                                  secondsSpent: min(now.timeIntervalSince(lease.leasedAt), leaseLength), createdAt: now,
                                  response: response, isGold: task.isGold, goldCorrect: goldCorrect)
        do {
            _ = try await store.recordAnswer(record, required: decision.required, status: decision.done ? "complete" : "open")
        } catch {
            queue.uncountAnswer(assignmentId: lease.assignmentId, answer: answer, now: now)
            throw error
        }
        queue.finishAnswer(assignmentId: lease.assignmentId, now: now)
        let blockEnd = deadline.addingTimeInterval(-grace)
        notify(lease.operatorId, .answered(secondsPastBlockEnd: now > blockEnd ? now.timeIntervalSince(blockEnd) : nil))
        if decision.done, task.kind == .imageBoxes {
            await deriveBoxChecks(from: task, answers: decision.answers, project: project)
        }
        return Submitted(response: response, repeated: false)
    }

    /// Job carving: boxes the operators did not agree on become yes/no questions
    /// ("is this box tight around a car?") for people who judge boxes rather than draw them.
    func deriveBoxChecks(from task: WorkQueue.TaskFacts, answers: [AnswerBody], project: WorkQueue.ProjectInfo) async {
        let answers = answers.enumerated().map { BoxAnswer(operatorID: "\($0.offset)", boxes: $0.element.boxes ?? []) }
        let candidates = BoxFusion().fuse(answers).verifyCandidates
        guard !candidates.isEmpty else { return }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        do {
            let microtasks = try candidates.map { candidate in
                var payload = task.payload
                payload.box = candidate.box
                payload.options = AnswerBody.verifyOptions
                return Microtask(projectId: task.projectId, itemId: nil, kind: .imageBoxVerify,
                                 payload: String(decoding: try encoder.encode(payload), as: UTF8.self), estimatedSeconds: 8,
                                 requiredAnswers: project.overlap ?? project.adaptiveMin)
            }
            queue.add(try await store.addMicrotasks(microtasks))
        } catch {
            // The answer itself is stored; the questions can be made again from the answers later.
        }
    }

    /// Kind, specific words after a gold task: what was right, and why.
    static func feedback(correct: Bool, explanation: [String: String]) -> [String: Any] {
        var result: [String: Any] = ["correct": correct]
        result["message"] = correct
            ? ["en": "Well done: that is right.", "nl": "Goed gedaan: dat klopt."]
            : ["en": "This one was different. " + (explanation["en"] ?? "Look at the example once more."),
               "nl": "Deze was anders. " + (explanation["nl"] ?? "Kijk nog eens naar het voorbeeld.")]
        return result
    }

    /// The live lease of one of the operator's assignments; nil when the store has it as theirs but
    /// it is answered or ended (the queue forgets those). Anyone else's, or none: 404.
    private func liveLease(_ assignmentId: Int64, operatorId: Int64) async throws -> WorkQueue.Lease? {
        if let lease = queue.lease(assignmentId), lease.operatorId == operatorId { return lease }
        guard let stored = try await store.assignment(id: assignmentId), stored.operatorId == operatorId else {
            throw LabError(.notFound, "assignment_not_found", "There is no task \(assignmentId) for you.")
        }
        return nil
    }

    /// Skips a task at no cost; the reason is optional and only helps improve instructions.
    public func skip(operatorId: Int64, assignmentId: Int64, reason: String?) async throws {
        let now = clock.now()
        guard try await liveLease(assignmentId, operatorId: operatorId) != nil,
              queue.end(assignmentId: assignmentId, as: .released, now: now) != nil else {
            throw LabError(.conflict, "assignment_closed", "This task is already answered or handed back.")
        }
        let trimmed = reason?.trimmingCharacters(in: .whitespacesAndNewlines).prefix(500)
        try await store.closeAssignment(id: assignmentId, state: "skipped", reason: trimmed.map(String.init), at: now)
        notify(operatorId, .skipped)
    }

    /// Hands a preloaded task back unanswered, so someone else can do it.
    public func release(operatorId: Int64, assignmentId: Int64) async throws {
        let now = clock.now()
        guard try await liveLease(assignmentId, operatorId: operatorId) != nil,
              queue.end(assignmentId: assignmentId, as: .released, now: now) != nil else { return }
        try await store.closeAssignment(id: assignmentId, state: "released", at: now)
    }

    /// Keeps a preloaded task reserved for another lease length.
    public func renew(operatorId: Int64, assignmentId: Int64) async throws -> Date {
        guard let lease = try await liveLease(assignmentId, operatorId: operatorId) else {
            throw LabError(.conflict, "lease_expired", "This task is no longer reserved for you. Ask for the next task.")
        }
        let now = clock.now()
        let snapshot = try await runningSnapshot(operatorId: operatorId, now: now)
        guard snapshot.timeline.state(at: now).phase == .work else {
            throw LabError(.locked, "pause", "It is pause time: tasks are not kept for you during a pause.")
        }
        // A task from an earlier block can no longer be answered, so it is not kept either.
        guard let deadline = snapshot.timeline.answerDeadline(forLeaseAt: lease.leasedAt, grace: grace), now <= deadline else {
            throw LabError(.conflict, "lease_expired", "This task belongs to an earlier work block. Ask for the next task.")
        }
        let until = now.addingTimeInterval(leaseLength)
        switch queue.renew(assignmentId: assignmentId, until: until, now: now) {
        case .renewed: break
        case .expired:
            try await store.closeAssignment(id: assignmentId, state: LeaseState.expired.rawValue, at: now)
            throw LabError(.conflict, "lease_expired", "This task is no longer reserved for you. Ask for the next task.")
        case .notLeased:
            throw LabError(.conflict, "lease_expired", "This task is no longer reserved for you. Ask for the next task.")
        }
        try await store.renewLease(id: assignmentId, until: until)
        return until
    }
}
