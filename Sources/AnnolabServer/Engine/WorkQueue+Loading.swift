// Building the queue from the store: at start, and again when another server sharing the store changed the work.
import AnnolabCore
import AnnolabStore
import Foundation

extension WorkQueue {
    /// Replaces the queue by the open work as stored: projects, microtasks nobody had, started ones with
    /// their answers, and live leases.
    func load(_ work: OpenWork, now: Date) {
        state.withLock { state in
            // Read again while serving (servers sharing a store): what was served keeps counting for the gold
            // rate, and an answer being stored right now keeps its lease `answering`.
            let served = state.served
            let answering = Set(state.leases.values.filter { $0.state == .answering }.map(\.assignmentId))
            state = State()
            state.served = served
            for project in work.projects {
                guard let info = Self.info(for: project) else { continue }
                state.projects[info.id] = ProjectQueue(info: info)
            }
            state.order = Self.priority(state.projects.values.map(\.info))
            for run in work.fresh {
                state.projects[run.projectId]?.addFresh(kind: run.kind, first: run.first, count: run.count)
            }
            let decoder = JSONDecoder()
            for microtask in work.started {
                guard let id = microtask.id, let project = state.projects[microtask.projectId] else { continue }
                let task = ActiveTask(id: id, projectId: microtask.projectId, kind: microtask.kind, isGold: microtask.isGold,
                                      required: microtask.requiredAnswers, payload: Payload(json: microtask.payload))
                state.active[id] = task
                if microtask.reviewOf != nil {
                    task.isReview = true
                    task.had = work.reviewExcluded[id] ?? []
                    project.reviews.append(id)
                } else if task.isGold { project.gold.append(id) } else { project.working += 1 }
            }
            for answer in work.answers {
                guard let task = state.active[answer.microtaskId], !task.isGold,
                      let body = try? decoder.decode(AnswerBody.self, from: Data(answer.body.utf8)) else { continue }
                task.answers.append(body)
            }
            for assignment in work.assignments {
                guard let id = assignment.id, let task = state.active[assignment.microtaskId] else { continue }
                task.had.insert(assignment.operatorId)
                // Still the operator's after a restart: counted in their live leases, handed back when their shift ends.
                guard assignment.state == .leased else { continue }
                task.holds[assignment.operatorId] = .init(expiresAt: assignment.leaseExpiresAt, assignmentId: id)
                state.track(Lease(assignmentId: id, taskId: task.id, operatorId: assignment.operatorId,
                                  leasedAt: assignment.leasedAt, expiresAt: assignment.leaseExpiresAt, state: .leased))
            }
            for id in answering {
                guard var lease = state.leases[id], lease.move(to: .answering), let task = state.active[lease.taskId] else { continue }
                state.leases[id] = lease
                task.holds[lease.operatorId] = .init(expiresAt: .distantFuture, assignmentId: id)
            }
            for task in state.active.values { state.refresh(task, now: now) }
        }
    }
}
