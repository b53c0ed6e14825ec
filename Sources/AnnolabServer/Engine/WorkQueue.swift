// The queue of open microtasks, held in memory and rebuilt from the store at start.
import AnnolabCore
import AnnolabStore
import Foundation
import Synchronization

/// Open microtasks per project, who has had each one, and the live leases.
///
/// Choosing the next microtask never scans the database, and its cost does not grow with the
/// work done, the microtasks waiting or the leases left behind by closed browsers:
/// - microtasks nobody has had are ids in runs (``FreshIds``), taken from the front;
/// - started microtasks that still have a free place are in a sorted set per project
///   (``SortedIds``), so finished and fully leased ones are never walked past;
/// - a lease that runs out gives its place back through an expiry heap (``ExpiryHeap``);
/// - only started microtasks are held whole (payload, answers, who had them), and only until
///   they are finished; answered and ended leases are forgotten (the store keeps them).
///
/// The store stays the truth; the queue is rebuilt from it when the server starts, and updated
/// after each commit. One lock guards it; everything done under it is a few dictionary steps.
final class WorkQueue: Sendable {
    /// Whether other servers share the store: then a lease this queue cannot place is left to the store.
    let shared: Bool

    init(shared: Bool = false) {
        self.shared = shared
    }

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

        /// How many answers a new microtask of this project needs at first.
        var firstRequired: Int { overlap ?? adaptiveMin }
    }

    /// A stored payload, and the same decoded once for checking answers and finding media.
    struct Payload: Sendable {
        var json: String
        var decoded: MicrotaskPayload

        init(json: String) {
            self.json = json
            decoded = (try? JSONDecoder().decode(MicrotaskPayload.self, from: Data(json.utf8))) ?? MicrotaskPayload()
        }
    }

    /// What the engine needs to know of a microtask being answered.
    struct TaskFacts: Sendable {
        var id: Int64
        var projectId: Int64
        var kind: TaskKind
        var isGold: Bool
        var isReview = false
        var required: Int
        var payload: MicrotaskPayload
    }

    /// A started microtask, held while it still needs answers (gold: always).
    final class ActiveTask {
        struct Hold {
            var expiresAt: Date
            /// Nil between the pick and the stored lease.
            var assignmentId: Int64?
        }

        let id: Int64
        let projectId: Int64
        let kind: TaskKind
        var isGold: Bool
        /// A reviewer's microtask: served only to reviewers, done with one answer.
        var isReview = false
        var required: Int
        var answers: [AnswerBody] = []
        /// Places held, by operator: live leases, and run-out ones nobody has ended yet.
        var holds: [Int64: Hold] = [:]
        /// Everyone who has had this microtask in any way: nobody gets it twice.
        var had: Set<Int64> = []
        var done = false
        var payload: Payload?
        /// In its project's `open` set: not done, and a place is free.
        var isOpen = false
        /// With a store shared by several servers: others hold its places until then (the store said so
        /// when a lease was refused), so it is not proposed again before.
        var heldElsewhereUntil: Date?

        init(id: Int64, projectId: Int64, kind: TaskKind, isGold: Bool, required: Int, payload: Payload?) {
            self.id = id
            self.projectId = projectId
            self.kind = kind
            self.isGold = isGold
            self.required = required
            self.payload = payload
        }

        /// Whether the store may still take a lease on it now, as far as this server knows.
        func servable(now: Date) -> Bool {
            heldElsewhereUntil.map { $0 <= now } ?? true
        }

        func liveHolds(now: Date, except operatorId: Int64? = nil) -> Int {
            var live = 0
            for (holder, hold) in holds where hold.expiresAt > now && holder != operatorId { live += 1 }
            return live
        }

        var facts: TaskFacts {
            TaskFacts(id: id, projectId: projectId, kind: kind, isGold: isGold, isReview: isReview, required: required,
                      payload: payload?.decoded ?? MicrotaskPayload())
        }
    }

    final class ProjectQueue {
        var info: ProjectInfo
        /// Microtasks nobody has had yet, per kind (a picture project also holds derived
        /// image-box-verify microtasks, for operators who judge boxes instead of drawing them).
        var fresh: [TaskKind: FreshIds] = [:]
        /// The kinds of `fresh`: the project's own kind first, then derived kinds in a fixed order.
        var kindOrder: [TaskKind] = []
        /// Started, unfinished, non-gold microtasks with a free place, lowest id first: finished
        /// first, so clients get whole results early.
        var open = SortedIds()
        var gold: [Int64] = []
        /// Reviewers' microtasks not yet decided.
        var reviews: [Int64] = []
        /// Started, unfinished, non-gold microtasks: the project still has its own work, so gold may be mixed in.
        var working = 0

        init(info: ProjectInfo) { self.info = info }

        func addFresh(kind: TaskKind, first: Int64, count: Int) {
            if fresh[kind] == nil {
                fresh[kind] = FreshIds()
                let own = info.kind
                kindOrder = fresh.keys.sorted { a, b in
                    a == own || b == own ? (a == own && b != own) : a.rawValue < b.rawValue
                }
            }
            fresh[kind]?.append(first: first, count: count)
        }

        var hasFresh: Bool { fresh.values.contains { !$0.isEmpty } }
    }

    /// Served microtasks per operator and project, and how many of them were gold.
    struct ServedKey: Hashable {
        var operatorId: Int64
        var projectId: Int64
    }

    struct State {
        var projects: [Int64: ProjectQueue] = [:]
        /// Project ids by priority: deadline first, then oldest.
        var order: [Int64] = []
        var active: [Int64: ActiveTask] = [:]
        /// Live leases (leased or answering) by assignment id.
        var leases: [Int64: Lease] = [:]
        /// Live leases per operator, so that nobody holds more places than they can work on.
        var byOperator: [Int64: Set<Int64>] = [:]
        var expiries = ExpiryHeap()
        var served: [ServedKey: (count: Int, gold: Int)] = [:]
    }

    let state = Mutex(State())

    // MARK: Building

    static func info(for project: AnnolabStore.Project) -> ProjectInfo? {
        guard let id = project.id else { return nil }
        return ProjectInfo(id: id, kind: project.template.workKind, labels: project.labels, overlap: project.overlap,
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
        guard let info = Self.info(for: project) else { return }
        state.withLock { state in
            if let known = state.projects[info.id] {
                known.info = info
            } else {
                state.projects[info.id] = ProjectQueue(info: info)
            }
            state.order = Self.priority(state.projects.values.map(\.info))
        }
    }

    /// Adds newly stored microtasks at the end of their project's queue.
    func add(_ microtasks: [Microtask]) {
        let gold = microtasks.filter(\.isGold).map { (id: $0.id, payload: Payload(json: $0.payload)) }
        state.withLock { state in
            var goldPayloads = gold.makeIterator()
            for microtask in microtasks {
                let payload = microtask.isGold ? goldPayloads.next()?.payload : nil
                guard let id = microtask.id, state.active[id] == nil, let project = state.projects[microtask.projectId] else { continue }
                if microtask.isGold {
                    state.active[id] = ActiveTask(id: id, projectId: project.info.id, kind: microtask.kind, isGold: true,
                                                  required: microtask.requiredAnswers, payload: payload)
                    project.gold.append(id)
                } else {
                    project.addFresh(kind: microtask.kind, first: id, count: 1)
                }
            }
        }
    }

    /// Adds a reviewer's microtask; nobody in `excluded` (those who answered the original) gets it.
    func addReview(_ microtask: Microtask, excluded: Set<Int64>) {
        state.withLock { state in
            guard let id = microtask.id, state.active[id] == nil, let project = state.projects[microtask.projectId] else { return }
            let task = ActiveTask(id: id, projectId: project.info.id, kind: microtask.kind, isGold: false,
                                  required: 1, payload: Payload(json: microtask.payload))
            task.isReview = true
            task.had = excluded
            state.active[id] = task
            project.reviews.append(id)
        }
    }

    /// Turns microtasks into gold: they leave the normal queue and are mixed in at the gold rate.
    func markGold(_ ids: [Int64]) {
        state.withLock { state in
            for id in ids {
                if let task = state.active[id] {
                    guard !task.isGold, let project = state.projects[task.projectId] else { continue }
                    if !task.done { project.working -= 1 }
                    task.isGold = true
                    state.refresh(task, now: .distantPast)
                    project.gold.append(id)
                    continue
                }
                // Nobody has had it yet: find it among the fresh ids. Its payload comes with its first lease.
                for project in state.projects.values {
                    guard let kind = project.kindOrder.first(where: { project.fresh[$0]?.remove(id) == true }) else { continue }
                    state.active[id] = ActiveTask(id: id, projectId: project.info.id, kind: kind, isGold: true,
                                                  required: project.info.firstRequired, payload: nil)
                    project.gold.append(id)
                    break
                }
            }
        }
    }

    func project(_ id: Int64) -> ProjectInfo? {
        state.withLock { state in state.projects[id]?.info }
    }

    /// The live lease of an assignment; nil once it is answered or ended (the store knows the rest).
    func lease(_ assignmentId: Int64) -> Lease? {
        state.withLock { state in state.leases[assignmentId] }
    }

    /// The operator's leases that are still open (not answered, skipped or handed back).
    func openLeases(operatorId: Int64) -> [Int64] {
        state.withLock { state in
            (state.byOperator[operatorId] ?? []).filter { state.leases[$0]?.state == .leased }.sorted()
        }
    }

    /// How much the queue holds: for tests and for the benchmark's account of memory.
    struct Size: Sendable, Equatable {
        var active: Int
        var leases: Int
        var expiries: Int
        var fresh: Int
    }

    func size() -> Size {
        state.withLock { state in
            Size(active: state.active.count, leases: state.leases.count, expiries: state.expiries.count,
                 fresh: state.projects.values.reduce(0) { $0 + $1.fresh.values.reduce(0) { $0 + $1.count } })
        }
    }
}

extension WorkQueue.State {
    /// Puts a started microtask in or out of its project's open set, after anything that changed
    /// its answers, places or state.
    mutating func refresh(_ task: WorkQueue.ActiveTask, now: Date) {
        guard let project = projects[task.projectId] else { return }
        let open = !task.isGold && !task.isReview && !task.done && task.answers.count + task.liveHolds(now: now) < task.required
        guard open != task.isOpen else { return }
        task.isOpen = open
        if open { project.open.insert(task.id) } else { project.open.remove(task.id) }
    }

    /// Starts keeping a live lease: by id, by operator, and by when it runs out.
    mutating func track(_ lease: WorkQueue.Lease) {
        leases[lease.assignmentId] = lease
        byOperator[lease.operatorId, default: []].insert(lease.assignmentId)
        expiries.push(.init(at: lease.expiresAt, assignmentId: lease.assignmentId))
        // Entries of leases that ended are swept out once they outnumber the live ones.
        if expiries.count > 2 * leases.count + 1024 {
            let live = leases
            expiries.sweep { entry in live[entry.assignmentId].map { $0.expiresAt == entry.at } ?? false }
        }
    }

    /// Forgets a lease that reached a final state; its place is free again.
    mutating func forget(_ lease: WorkQueue.Lease, now: Date) {
        leases[lease.assignmentId] = nil
        byOperator[lease.operatorId]?.remove(lease.assignmentId)
        if byOperator[lease.operatorId]?.isEmpty == true { byOperator[lease.operatorId] = nil }
        guard let task = active[lease.taskId] else { return }
        if task.holds[lease.operatorId]?.assignmentId == lease.assignmentId { task.holds[lease.operatorId] = nil }
        // The answer that finished the microtask is stored: it leaves memory.
        if task.done, !task.isGold, lease.state == .answered {
            retire(task)
        } else {
            refresh(task, now: now)
        }
    }

    /// A finished microtask leaves memory, with the leases others still held on it: an answer
    /// sent on one of those finds the store's record and is told the task is done.
    mutating func retire(_ task: WorkQueue.ActiveTask) {
        active[task.id] = nil
        if task.isReview { projects[task.projectId]?.reviews.removeAll { $0 == task.id } }
        if task.isOpen { projects[task.projectId]?.open.remove(task.id) }
        for (operatorId, hold) in task.holds {
            guard let assignmentId = hold.assignmentId, leases[assignmentId]?.state == .leased else { continue }
            leases[assignmentId] = nil
            byOperator[operatorId]?.remove(assignmentId)
            if byOperator[operatorId]?.isEmpty == true { byOperator[operatorId] = nil }
        }
    }

    /// Gives back the places of leases that ran out since the last pick.
    mutating func expireDue(now: Date) {
        while let first = expiries.first, first.at <= now {
            _ = expiries.popFirst()
            guard let lease = leases[first.assignmentId], lease.expiresAt == first.at, lease.state == .leased,
                  let task = active[lease.taskId] else { continue }
            refresh(task, now: now)
        }
    }
}
