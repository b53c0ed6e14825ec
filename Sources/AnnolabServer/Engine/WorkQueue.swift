// The queue of open microtasks, held in memory and rebuilt from the store at start.
import AnnolabStore
import Foundation
import Synchronization

/// Open microtasks per project, who has had each one, and the live leases.
///
/// Choosing the next microtask never scans the database: the queue answers from memory in
/// time that does not grow with the number of microtasks. The store stays the truth; the
/// queue is rebuilt from it when the server starts, and updated after each commit.
final class WorkQueue: Sendable {
    struct ProjectInfo: Sendable {
        var id: Int64
        var kind: TaskKind
        var labels: [String]
        var overlap: Int?
        var adaptiveMin: Int
        var adaptiveMax: Int
        var goldRate: Double
        var deadline: String?
        var createdAt: Date
    }

    struct QueuedTask: Sendable {
        var id: Int64
        var projectId: Int64
        var kind: TaskKind
        var isGold: Bool
        var required: Int
        var answers: [AnswerBody]
        /// operator -> lease expiry, for live leases.
        var leases: [Int64: Date]
        /// Everyone who has had this microtask in any way: nobody gets it twice.
        var had: Set<Int64>
        var done: Bool
        var payload: MicrotaskPayload
        /// The payload exactly as stored, sent to operators without encoding it again.
        var payloadJSON: String
    }

    struct Lease: Sendable {
        var assignmentId: Int64
        var taskId: Int64
        var operatorId: Int64
        var leasedAt: Date
        var expiresAt: Date
        /// leased | answering | answered | closed
        var state: String
    }

    private struct ProjectQueue {
        var info: ProjectInfo
        /// Microtasks that someone has had, in id order: finished first, so clients get whole results early.
        var started: [Int64] = []
        /// Everything before this index in `started` is finished: scans start here, so that
        /// finding work does not slow down as a project fills up with finished microtasks.
        var startedHead = 0
        /// Microtasks nobody has had yet, per kind (a picture project also holds derived
        /// image-box-verify microtasks, for operators who judge boxes instead of drawing them).
        var fresh: [TaskKind: [Int64]] = [:]
        var freshCursor: [TaskKind: Int] = [:]
        var gold: [Int64] = []
    }

    private struct State {
        var projects: [Int64: ProjectQueue] = [:]
        /// Project ids by priority: deadline first, then oldest.
        var order: [Int64] = []
        var tasks: [Int64: QueuedTask] = [:]
        var leases: [Int64: Lease] = [:]
        /// Gold served per operator, to mix gold in at the project's rate without chance.
        /// Per operator and project: microtasks served, and how many of them were gold.
        var servedCount: [String: Int] = [:]
        var goldServed: [String: Int] = [:]
        /// Live leases per operator, so that nobody holds more places than they can work on.
        var liveLeases: [Int64: Set<Int64>] = [:]
    }

    private let state = Mutex(State())

    // MARK: Building

    func load(_ work: OpenWork) {
        state.withLock { state in
            state = State()
            for project in work.projects {
                state.projects[project.id!] = ProjectQueue(info: Self.info(project))
            }
            state.order = Self.priority(state.projects.values.map(\.info))
            let answersByTask = Dictionary(grouping: work.answers, by: \.microtaskId)
            let decoder = JSONDecoder()
            for microtask in work.microtasks {
                guard var project = state.projects[microtask.projectId] else { continue }
                let payload = (try? decoder.decode(MicrotaskPayload.self, from: Data(microtask.payload.utf8))) ?? MicrotaskPayload()
                let answers = (answersByTask[microtask.id!] ?? []).compactMap {
                    try? decoder.decode(AnswerBody.self, from: Data($0.body.utf8))
                }
                state.tasks[microtask.id!] = QueuedTask(id: microtask.id!, projectId: microtask.projectId, kind: microtask.kind,
                                                  isGold: microtask.isGold, required: microtask.requiredAnswers,
                                                  answers: answers, leases: [:], had: [], done: false, payload: payload,
                                                  payloadJSON: microtask.payload)
                if microtask.isGold { project.gold.append(microtask.id!) } else { project.fresh[microtask.kind, default: []].append(microtask.id!) }
                state.projects[microtask.projectId] = project
            }
            for assignment in work.assignments {
                guard var task = state.tasks[assignment.microtaskId] else { continue }
                task.had.insert(assignment.operatorId)
                if assignment.state == "leased" {
                    task.leases[assignment.operatorId] = assignment.leaseExpiresAt
                    // Still the operator's after a restart: counted in their live leases, handed back when their shift ends.
                    state.liveLeases[assignment.operatorId, default: []].insert(assignment.id!)
                }
                state.tasks[assignment.microtaskId] = task
                if assignment.state == "leased" || assignment.state == "answered" {
                    state.leases[assignment.id!] = Lease(assignmentId: assignment.id!, taskId: assignment.microtaskId,
                                                         operatorId: assignment.operatorId, leasedAt: assignment.leasedAt,
                                                         expiresAt: assignment.leaseExpiresAt, state: assignment.state)
                }
            }
            // Microtasks someone has had go to the front of their project.
            for (id, project) in state.projects {
                var project = project
                let had = project.fresh.values.joined().filter {
                    !(state.tasks[$0]?.had.isEmpty ?? true) || !(state.tasks[$0]?.answers.isEmpty ?? true)
                }.sorted()
                let hadSet = Set(had)
                project.started = had
                for kind in project.fresh.keys { project.fresh[kind]!.removeAll { hadSet.contains($0) } }
                state.projects[id] = project
            }
        }
    }

    static func info(_ project: AnnolabStore.Project) -> ProjectInfo {
        ProjectInfo(id: project.id!, kind: project.template, labels: project.labels, overlap: project.overlap,
                    adaptiveMin: project.adaptiveMin ?? 2, adaptiveMax: project.adaptiveMax ?? 5,
                    goldRate: project.goldRate, deadline: project.deadline, createdAt: project.createdAt)
    }

    static func priority(_ projects: [ProjectInfo]) -> [Int64] {
        projects.sorted { a, b in
            switch (a.deadline, b.deadline) {
            case let (x?, y?) where x != y: return x < y
            case (_?, nil): return true
            case (nil, _?): return false
            default: return (a.createdAt, a.id) < (b.createdAt, b.id)
            }
        }.map(\.id)
    }

    /// Adds a project, or updates its settings.
    func upsert(project: AnnolabStore.Project) {
        state.withLock { state in
            let info = Self.info(project)
            if state.projects[info.id] == nil {
                state.projects[info.id] = ProjectQueue(info: info)
            } else {
                state.projects[info.id]!.info = info
            }
            state.order = Self.priority(state.projects.values.map(\.info))
        }
    }

    /// Adds newly imported microtasks at the end of their project's queue.
    func add(_ microtasks: [Microtask]) {
        let decoder = JSONDecoder()
        state.withLock { state in
            for microtask in microtasks {
                guard let id = microtask.id, state.tasks[id] == nil, state.projects[microtask.projectId] != nil else { continue }
                let payload = (try? decoder.decode(MicrotaskPayload.self, from: Data(microtask.payload.utf8))) ?? MicrotaskPayload()
                state.tasks[id] = QueuedTask(id: id, projectId: microtask.projectId, kind: microtask.kind, isGold: microtask.isGold,
                                       required: microtask.requiredAnswers, answers: [], leases: [:], had: [], done: false,
                                       payload: payload, payloadJSON: microtask.payload)
                if microtask.isGold { state.projects[microtask.projectId]!.gold.append(id) }
                else { state.projects[microtask.projectId]!.fresh[microtask.kind, default: []].append(id) }
            }
        }
    }

    /// Turns microtasks into gold: they leave the normal queue and are mixed in at the gold rate.
    func markGold(_ ids: [Int64]) {
        state.withLock { state in
            for id in ids {
                guard var task = state.tasks[id], !task.isGold, var project = state.projects[task.projectId] else { continue }
                task.isGold = true
                state.tasks[id] = task
                if let index = project.started.firstIndex(of: id) {
                    project.started.remove(at: index)
                    if index < project.startedHead { project.startedHead -= 1 }
                }
                if let index = project.fresh[task.kind]?.firstIndex(of: id) {
                    project.fresh[task.kind]!.remove(at: index)
                    if index < project.freshCursor[task.kind, default: 0] { project.freshCursor[task.kind]! -= 1 }
                }
                project.gold.append(id)
                state.projects[task.projectId] = project
            }
        }
    }

    // MARK: Leasing

    /// A reserved microtask, not yet stored.
    struct Reservation: Sendable {
        var task: QueuedTask
        var project: ProjectInfo
    }

    /// Reserves the next microtask for an operator: gold at the project's rate, then started
    /// microtasks before new ones, projects by deadline then age. Nil when there is no work.
    /// Projects in `excluded` are skipped: the operator's coach decided they are not for them.
    func reserve(operatorId: Int64, kinds: Set<TaskKind>, now: Date, leaseUntil: Date, maxLive: Int = 3,
                 excluded: Set<Int64> = []) -> Reservation? {
        state.withLock { state in
            // The current task and one preloaded are enough; more would keep places from others.
            let live = (state.liveLeases[operatorId] ?? []).filter { id in
                state.leases[id].map { $0.state == "leased" && $0.expiresAt > now } ?? false
            }
            state.liveLeases[operatorId] = live
            if live.count >= maxLive { return nil }
            for projectId in state.order where !excluded.contains(projectId) {
                guard let project = state.projects[projectId] else { continue }
                if let id = Self.pickGold(&state, project: project, operatorId: operatorId, kinds: kinds)
                    ?? Self.pickStarted(&state, projectId: projectId, operatorId: operatorId, kinds: kinds, now: now)
                    ?? Self.pickFresh(&state, projectId: projectId, kinds: kinds) {
                    state.tasks[id]!.leases[operatorId] = leaseUntil
                    state.tasks[id]!.had.insert(operatorId)
                    let key = "\(operatorId)/\(projectId)"
                    state.servedCount[key, default: 0] += 1
                    if state.tasks[id]!.isGold { state.goldServed[key, default: 0] += 1 }
                    return Reservation(task: state.tasks[id]!, project: project.info)
                }
            }
            return nil
        }
    }

    private static func liveLeases(_ task: QueuedTask, now: Date, except operatorId: Int64? = nil) -> Int {
        task.leases.filter { $0.value > now && $0.key != operatorId }.count
    }

    private static func allowed(_ kind: TaskKind, _ kinds: Set<TaskKind>) -> Bool {
        kinds.isEmpty || kinds.contains(kind)
    }

    private static func pickGold(_ state: inout State, project: ProjectQueue, operatorId: Int64, kinds: Set<TaskKind>) -> Int64? {
        guard project.info.goldRate > 0, !project.gold.isEmpty else { return nil }
        // Serve gold while this operator's share of gold is below the rate.
        let key = "\(operatorId)/\(project.info.id)"
        // Gold only where the project still has its own work, at that project's rate.
        guard project.fresh.contains(where: { project.freshCursor[$0.key, default: 0] < $0.value.count })
            || project.started.dropFirst(project.startedHead).contains(where: { state.tasks[$0].map { !$0.done } ?? false })
        else { return nil }
        let served = state.servedCount[key, default: 0] + 1
        let gold = state.goldServed[key, default: 0]
        guard Double(gold) < project.info.goldRate * Double(served) else { return nil }
        return project.gold.first { state.tasks[$0].map { !$0.had.contains(operatorId) && allowed($0.kind, kinds) } ?? false }
    }

    private static func pickStarted(_ state: inout State, projectId: Int64, operatorId: Int64, kinds: Set<TaskKind>,
                                    now: Date) -> Int64? {
        guard var project = state.projects[projectId] else { return nil }
        while project.startedHead < project.started.count, state.tasks[project.started[project.startedHead]]?.done ?? true {
            project.startedHead += 1
        }
        if project.startedHead > 4096 {
            project.started.removeFirst(project.startedHead)
            project.startedHead = 0
        }
        state.projects[projectId] = project
        for id in project.started[project.startedHead...] {
            guard let task = state.tasks[id], !task.done, !task.had.contains(operatorId), allowed(task.kind, kinds) else { continue }
            if task.answers.count + liveLeases(task, now: now) < task.required { return id }
        }
        return nil
    }

    private static func pickFresh(_ state: inout State, projectId: Int64, kinds: Set<TaskKind>) -> Int64? {
        guard var project = state.projects[projectId] else { return nil }
        defer { state.projects[projectId] = project }
        // The project's own kind first, then derived kinds, in a fixed order.
        let own = project.info.kind
        let order = project.fresh.keys.sorted { a, b in
            a == own || b == own ? (a == own && b != own) : a.rawValue < b.rawValue
        }
        for kind in order where allowed(kind, kinds) {
            let list = project.fresh[kind]!
            var cursor = project.freshCursor[kind, default: 0]
            while cursor < list.count {
                let id = list[cursor]
                cursor += 1
                guard let task = state.tasks[id], !task.done else { continue }
                project.freshCursor[kind] = cursor
                project.started.append(id)
                return id
            }
            project.freshCursor[kind] = cursor
        }
        return nil
    }

    /// Undoes a reservation that could not be stored.
    func cancel(taskId: Int64, operatorId: Int64, hadIt: Bool) {
        state.withLock { state in
            state.tasks[taskId]?.leases[operatorId] = nil
            // Nothing was stored: unless the store says they had it before, they may get it later.
            if !hadIt { state.tasks[taskId]?.had.remove(operatorId) }
        }
    }

    func registerLease(_ lease: Lease) {
        state.withLock { state in
            state.leases[lease.assignmentId] = lease
            state.liveLeases[lease.operatorId, default: []].insert(lease.assignmentId)
        }
    }

    func lease(_ assignmentId: Int64) -> Lease? {
        state.withLock { state in state.leases[assignmentId] }
    }

    func task(_ id: Int64) -> QueuedTask? {
        state.withLock { state in state.tasks[id] }
    }

    func project(_ id: Int64) -> ProjectInfo? {
        state.withLock { state in state.projects[id]?.info }
    }

    // MARK: Answering

    enum Claim: Sendable {
        case claimed(Lease, QueuedTask, ProjectInfo)
        case alreadyAnswered(Lease)
        case unknown
        case taken
        case busy
    }

    /// Claims an assignment for answering: live, or expired while nobody else took its place.
    func claim(assignmentId: Int64, operatorId: Int64, now: Date) -> Claim {
        state.withLock { state in
            guard var lease = state.leases[assignmentId], lease.operatorId == operatorId,
                  let task = state.tasks[lease.taskId], let project = state.projects[task.projectId] else { return .unknown }
            switch lease.state {
            case "answered": return .alreadyAnswered(lease)
            case "answering": return .busy
            case "closed": return .taken
            default: break
            }
            if task.done && !task.isGold { return .taken }
            if lease.expiresAt <= now, !task.isGold,
               task.answers.count + Self.liveLeases(task, now: now, except: operatorId) >= task.required {
                return .taken
            }
            lease.state = "answering"
            state.leases[assignmentId] = lease
            return .claimed(lease, task, project.info)
        }
    }

    /// Counts an answer before it is stored, so that answers arriving together see each other:
    /// `decide` gets the microtask with this answer included and returns its new overlap and state.
    func count(assignmentId: Int64, answer: AnswerBody,
               decide: (QueuedTask, [AnswerBody]) -> (required: Int, done: Bool)) -> (required: Int, done: Bool)? {
        state.withLock { state in
            guard let lease = state.leases[assignmentId], var task = state.tasks[lease.taskId] else { return nil }
            if task.isGold { return (task.required, false) }
            // Finished while this answer was being checked: its place is no longer needed.
            if task.done { return nil }
            let answers = task.answers + [answer]
            let decision = decide(task, answers)
            task.answers = answers
            task.required = max(task.required, decision.required)
            task.done = task.done || decision.done
            state.tasks[lease.taskId] = task
            return (task.required, task.done)
        }
    }

    /// Takes back a counted answer whose storing failed.
    func uncount(assignmentId: Int64, answer: AnswerBody) {
        state.withLock { state in
            guard let lease = state.leases[assignmentId], var task = state.tasks[lease.taskId], !task.isGold,
                  let index = task.answers.lastIndex(of: answer) else { return }
            task.answers.remove(at: index)
            if task.done, task.answers.count < task.required {
                task.done = false
                // It may already sit behind the scan's start: put it back where scans look.
                state.projects[task.projectId]?.started.append(task.id)
            }
            state.tasks[lease.taskId] = task
        }
    }

    /// Marks a claimed assignment as answered once its answer is stored.
    func answered(assignmentId: Int64) {
        state.withLock { state in
            guard var lease = state.leases[assignmentId] else { return }
            lease.state = "answered"
            state.leases[assignmentId] = lease
            state.tasks[lease.taskId]?.leases[lease.operatorId] = nil
        }
    }

    /// Gives up a claim that was not stored (refused answer, storage failure).
    func unclaim(assignmentId: Int64) {
        state.withLock { state in
            if state.leases[assignmentId]?.state == "answering" { state.leases[assignmentId]?.state = "leased" }
        }
    }

    /// Ends a lease without an answer (skip, release, expiry): the place goes back to the queue.
    /// The operator's leases that are still open (not answered, skipped or handed back).
    func openLeases(operatorId: Int64) -> [Int64] {
        state.withLock { state in
            (state.liveLeases[operatorId] ?? []).filter { state.leases[$0]?.state == "leased" }.sorted()
        }
    }

    func close(assignmentId: Int64) -> Lease? {
        state.withLock { state in
            guard var lease = state.leases[assignmentId], lease.state == "leased" || lease.state == "answering" else { return nil }
            lease.state = "closed"
            state.leases[assignmentId] = lease
            state.tasks[lease.taskId]?.leases[lease.operatorId] = nil
            return lease
        }
    }

    func renew(assignmentId: Int64, until: Date, now: Date) -> Bool {
        state.withLock { state in
            guard var lease = state.leases[assignmentId], lease.state == "leased",
                  let task = state.tasks[lease.taskId] else { return false }
            // An expired lease whose place was given to someone else cannot come back.
            if !task.isGold, task.done || (lease.expiresAt <= now
                && task.answers.count + Self.liveLeases(task, now: now, except: lease.operatorId) >= task.required) {
                lease.state = "closed"
                state.leases[assignmentId] = lease
                state.tasks[lease.taskId]?.leases[lease.operatorId] = nil
                return false
            }
            lease.expiresAt = until
            state.leases[assignmentId] = lease
            state.tasks[lease.taskId]?.leases[lease.operatorId] = until
            return true
        }
    }
}
