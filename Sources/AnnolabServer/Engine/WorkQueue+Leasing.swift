// Picking the next microtask for an operator, and the life of a lease until it is answered or ends.
import AnnolabCore
import AnnolabStore
import Foundation

extension WorkQueue {
    /// A reserved microtask, not yet stored.
    struct Reservation: Sendable {
        var taskId: Int64
        var projectId: Int64
        var kind: TaskKind
        var isGold: Bool
        var project: ProjectInfo
        /// Nil for a microtask nobody had yet: its payload comes from the store with the lease.
        var payload: Payload?
    }

    /// How many started microtasks with a free place are looked at before new work is taken:
    /// in a working lab the first few fit; where an operator has had all of those, new work
    /// comes first and the rest are looked at only when there is no new work left.
    static let openScanLimit = 64

    /// Reserves the next microtask for an operator: gold at the project's rate, then started
    /// microtasks before new ones, projects by deadline then age. Nil when there is no work.
    /// Projects in `excluded` are skipped: the operator's coach decided they are not for them.
    /// `practice`: kinds served only as practice questions (gold), before other work;
    /// `onlyPractice`: nothing but those (then `kinds` is ignored: empty would mean every kind).
    func reserve(operatorId: Int64, kinds: Set<TaskKind>, now: Date, leaseUntil: Date, maxLive: Int = 3,
                 excluded: Set<Int64> = [], practice: Set<TaskKind> = [], onlyPractice: Bool = false,
                 reviewer: Bool = false) -> Reservation? {
        state.withLock { state in
            state.expireDue(now: now)
            // The current task and one preloaded are enough; more would keep places from others.
            if state.liveLeaseCount(operatorId: operatorId, now: now) >= maxLive { return nil }
            for projectId in state.order where !excluded.contains(projectId) {
                guard let project = state.projects[projectId] else { continue }
                let reviewTask = reviewer ? state.pickReview(project, operatorId: operatorId, now: now) : nil
                let practiceTask = practice.isEmpty ? nil : state.pickPractice(project, operatorId: operatorId, kinds: practice)
                guard let task = reviewTask ?? practiceTask
                        ?? (onlyPractice ? nil : state.pickWork(project, operatorId: operatorId, kinds: kinds, now: now))
                else { continue }
                task.holds[operatorId] = .init(expiresAt: leaseUntil, assignmentId: nil)
                task.had.insert(operatorId)
                state.refresh(task, now: now)
                let key = ServedKey(operatorId: operatorId, projectId: projectId)
                state.served[key, default: (0, 0)].count += 1
                if task.isGold { state.served[key, default: (0, 0)].gold += 1 }
                return Reservation(taskId: task.id, projectId: projectId, kind: task.kind, isGold: task.isGold,
                                   project: project.info, payload: task.payload)
            }
            return nil
        }
    }

    /// Undoes a reservation that could not be stored.
    func cancel(taskId: Int64, operatorId: Int64, hadIt: Bool, now: Date) {
        state.withLock { state in
            guard let task = state.active[taskId] else { return }
            if task.holds[operatorId]?.assignmentId == nil { task.holds[operatorId] = nil }
            // Nothing was stored: unless the store says they had it before, they may get it later.
            if !hadIt { task.had.remove(operatorId) }
            state.refresh(task, now: now)
        }
    }

    /// Keeps a stored lease, with what the store said of a microtask the queue had only as an id.
    func registerLease(_ lease: Lease, payload: Payload?, requiredAnswers: Int?, now: Date) {
        state.withLock { state in
            state.track(lease)
            guard let task = state.active[lease.taskId] else { return }
            task.holds[lease.operatorId] = .init(expiresAt: lease.expiresAt, assignmentId: lease.assignmentId)
            if task.payload == nil, let payload { task.payload = payload }
            if let requiredAnswers, requiredAnswers > task.required {
                task.required = requiredAnswers
                state.refresh(task, now: now)
            }
        }
    }

    /// Ends a lease without an answer: `released` (skip, hand back, not needed) or `expired`.
    /// The place goes back to the queue. Nil when the lease was not live.
    func end(assignmentId: Int64, as final: LeaseState, now: Date) -> Lease? {
        state.withLock { state in
            guard var lease = state.leases[assignmentId], lease.move(to: final) else { return nil }
            state.forget(lease, now: now)
            return lease
        }
    }

    enum Renewal: Sendable {
        case renewed
        /// Its time ran out and its place was given to someone else (or the microtask is done): the lease ended.
        case expired
        /// Not a live, unanswered lease.
        case notLeased
    }

    func renew(assignmentId: Int64, until: Date, now: Date) -> Renewal {
        state.withLock { state in
            guard var lease = state.leases[assignmentId], lease.state == .leased else { return .notLeased }
            guard let task = state.active[lease.taskId] else {
                _ = lease.move(to: .expired)
                state.forget(lease, now: now)
                return .expired
            }
            // An expired lease whose place was given to someone else cannot come back.
            if !task.isGold, task.done || (lease.expiresAt <= now
                && task.answers.count + task.liveHolds(now: now, except: lease.operatorId) >= task.required) {
                _ = lease.move(to: .expired)
                state.forget(lease, now: now)
                return .expired
            }
            lease.expiresAt = until
            task.holds[lease.operatorId] = .init(expiresAt: until, assignmentId: assignmentId)
            state.track(lease)
            state.refresh(task, now: now)
            return .renewed
        }
    }
}

extension WorkQueue.State {
    /// The operator's live, unanswered leases now; ended ones are dropped from their list.
    mutating func liveLeaseCount(operatorId: Int64, now: Date) -> Int {
        guard let ids = byOperator[operatorId] else { return 0 }
        var live = 0
        for id in ids {
            guard let lease = leases[id] else {
                byOperator[operatorId]?.remove(id)
                continue
            }
            if lease.state == .leased, lease.expiresAt > now { live += 1 }
        }
        return live
    }

    static func allowed(_ kind: TaskKind, _ kinds: Set<TaskKind>) -> Bool {
        kinds.isEmpty || kinds.contains(kind)
    }

    /// Gold at the project's rate, then started microtasks before new ones.
    mutating func pickWork(_ project: WorkQueue.ProjectQueue, operatorId: Int64, kinds: Set<TaskKind>,
                           now: Date) -> WorkQueue.ActiveTask? {
        pickGold(project, operatorId: operatorId, kinds: kinds)
            ?? pickOpen(project, operatorId: operatorId, kinds: kinds, limit: WorkQueue.openScanLimit, now: now)
            ?? pickFresh(project, kinds: kinds)
            ?? pickOpen(project, operatorId: operatorId, kinds: kinds, limit: .max, now: now)
    }

    /// A reviewer's microtask this operator did not answer before, with its one place free.
    func pickReview(_ project: WorkQueue.ProjectQueue, operatorId: Int64, now: Date) -> WorkQueue.ActiveTask? {
        for id in project.reviews {
            guard let task = active[id], !task.done, !task.had.contains(operatorId),
                  task.answers.isEmpty, task.liveHolds(now: now) == 0, task.servable(now: now) else { continue }
            return task
        }
        return nil
    }

    /// A practice question for a step of the skill ladder not yet reached: a gold microtask of
    /// one of `kinds` this operator has not had, whatever the project's gold rate.
    func pickPractice(_ project: WorkQueue.ProjectQueue, operatorId: Int64, kinds: Set<TaskKind>) -> WorkQueue.ActiveTask? {
        for id in project.gold {
            guard let task = active[id], !task.had.contains(operatorId), kinds.contains(task.kind) else { continue }
            return task
        }
        return nil
    }

    /// Gold while this operator's share of gold in the project is below its rate, and only
    /// where the project still has its own work.
    func pickGold(_ project: WorkQueue.ProjectQueue, operatorId: Int64, kinds: Set<TaskKind>) -> WorkQueue.ActiveTask? {
        guard project.info.goldRate > 0, !project.gold.isEmpty, project.working > 0 || project.hasFresh else { return nil }
        let served = self.served[WorkQueue.ServedKey(operatorId: operatorId, projectId: project.info.id)] ?? (0, 0)
        guard Double(served.gold) < project.info.goldRate * Double(served.count + 1) else { return nil }
        for id in project.gold {
            guard let task = active[id], !task.had.contains(operatorId), Self.allowed(task.kind, kinds) else { continue }
            return task
        }
        return nil
    }

    /// The first started microtask with a free place that this operator has not had, looking at `limit` at most.
    func pickOpen(_ project: WorkQueue.ProjectQueue, operatorId: Int64, kinds: Set<TaskKind>,
                  limit: Int, now: Date) -> WorkQueue.ActiveTask? {
        for id in project.open.ids.prefix(limit) {
            guard let task = active[id], !task.had.contains(operatorId), Self.allowed(task.kind, kinds),
                  task.servable(now: now) else { continue }
            return task
        }
        return nil
    }

    /// The first microtask nobody has had, of the project's own kind first.
    mutating func pickFresh(_ project: WorkQueue.ProjectQueue, kinds: Set<TaskKind>) -> WorkQueue.ActiveTask? {
        for kind in project.kindOrder where Self.allowed(kind, kinds) {
            guard let id = project.fresh[kind]?.popFirst() else { continue }
            let task = WorkQueue.ActiveTask(id: id, projectId: project.info.id, kind: kind, isGold: false,
                                            required: project.info.firstRequired, payload: nil)
            active[id] = task
            project.working += 1
            return task
        }
        return nil
    }
}
