// The coach's monitor: a service that watches operators' shifts and work and keeps coaches up to date.
import AnnolabCore
import AnnolabStore
import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// Watches operators' shifts and work, raises alerts by the lab's thresholds, and streams
/// changes to each operator's own coach (server-sent events, through ``CoachEventHub``).
///
/// The engine reports activity as it happens; a tick four times a second notices what the
/// clock alone changes (a block ending) and sends every change within a second.
///
/// ```swift
/// let monitor = CoachMonitor(store: store, engine: engine)
/// try await monitor.load()
/// // run as one of the application's services; tests call `tick()` themselves
/// ```
public final class CoachMonitor: Service, Sendable {
    let store: any LabStoring
    let engine: LabEngine
    /// How often the monitor looks, in wall-clock time.
    let tickInterval: Duration
    /// The shortest time between two evaluations of one busy operator (their alerts and card).
    let evaluationInterval: Duration
    /// Where a failed look at an operator is told: the monitor carries on with the others.
    let logger: Logger
    let events: CoachEventHub

    struct State {
        var dirty: Set<Int64> = []
        var watched: Set<Int64> = []
        var signatures: [Int64: String] = [:]
        var lastEvaluated: [Int64: ContinuousClock.Instant] = [:]
        /// The next moment (lab time) the clock alone changes an operator's phase: the block's,
        /// the pause's or the shift's end. Until then, and with nothing done, there is nothing to see.
        var nextChange: [Int64: Date] = [:]
        var shiftStarts: [(operatorId: Int64, shiftId: Int64)] = []
        var overruns: [(operatorId: Int64, seconds: Double)] = []
        var lastActivity: [Int64: Date] = [:]
    }

    let state = Mutex(State())
    let thresholds = Mutex(LoadThresholds())

    /// A phase change is sent at the next tick; other changes (answers, skips) at most every
    /// `evaluationInterval` per operator, so that a busy lab does not spend its time on figures.
    public init(store: any LabStoring, engine: LabEngine, tickInterval: Duration = .milliseconds(250),
                evaluationInterval: Duration = .seconds(5), logger: Logger = Logger(label: "annolab.coach")) {
        self.store = store
        self.engine = engine
        self.tickInterval = tickInterval
        self.evaluationInterval = evaluationInterval
        self.logger = logger
        self.events = CoachEventHub(logger: logger)
        engine.observe { [weak self] operatorId, activity in self?.record(operatorId, activity) }
    }

    /// Loads the lab's thresholds and the operators with open shifts.
    public func load() async throws {
        try await loadThresholds()
        let open = try await store.operatorsWithOpenShifts()
        state.withLock { $0.watched.formUnion(open) }
    }

    func record(_ operatorId: Int64, _ activity: LabActivity) {
        let now = engine.clock.now()
        state.withLock { state in
            state.dirty.insert(operatorId)
            state.watched.insert(operatorId)
            switch activity {
            case .shiftStarted(let shiftId): state.shiftStarts.append((operatorId, shiftId)); state.lastActivity[operatorId] = now
            case .answered(let past): if let past { state.overruns.append((operatorId, past)) }; state.lastActivity[operatorId] = now
            // Asking for work (also when there is none), skipping, and coming back from a pause all count.
            case .served, .skipped, .shiftChanged: state.lastActivity[operatorId] = now
            }
        }
    }

    // MARK: The event stream

    /// A stream of server-sent event texts for one coach, and the token that ends it.
    public func subscribe(coachId: Int64) -> (AsyncStream<String>, UUID) {
        events.subscribe(coachId: coachId)
    }

    /// Ends a subscription (the client went away, or the server stops).
    public func unsubscribe(_ id: UUID) {
        events.unsubscribe(id)
    }

    /// With several servers on one store: every event this server sends its coaches also goes to
    /// `publish` (coach id, the event's text), for the other servers; and the cards of operators
    /// working here are sent whether or not their coach is connected here.
    public func shareEvents(publish: @escaping @Sendable (Int64, String) -> Void) {
        events.relayEvents(through: publish)
    }

    /// An event another server of the lab sent: written into this server's streams of that coach.
    public func deliverShared(_ text: String, toCoach coachId: Int64) {
        events.deliver(text, toCoach: coachId)
    }

    // MARK: Running

    public func run() async throws {
        try await cancelWhenGracefulShutdown {
            var ticks = 0
            while !Task.isCancelled {
                await self.tick()
                ticks += 1
                if ticks % 60 == 0 { self.events.keepAlive() }
                do {
                    try await Task.sleep(for: self.tickInterval)
                } catch {
                    break   // cancelled: the server stops
                }
            }
        }
        events.finishAll()
    }

    /// One look at every watched operator: pause checks for new shifts, overruns, phase
    /// changes by the clock, and fresh cards for operators whose work changed.
    public func tick() async {
        let (dirty, starts, overruns, watched) = state.withLock { state in
            defer { state.dirty = []; state.shiftStarts = []; state.overruns = [] }
            return (state.dirty, state.shiftStarts, state.overruns, state.watched)
        }
        for start in starts {
            await logged("checking the pause before a new shift", operatorId: start.operatorId) {
                try await self.checkPauseTaken(operatorId: start.operatorId, shiftId: start.shiftId)
            }
        }
        for overrun in overruns {
            await logged("checking a block overrun", operatorId: overrun.operatorId) {
                try await self.blockOverrun(operatorId: overrun.operatorId, seconds: overrun.seconds)
            }
        }
        let wallNow = ContinuousClock.now
        let labNow = engine.clock.now()
        let (nextChanges, evaluated) = state.withLock { ($0.nextChange, $0.lastEvaluated) }
        for operatorId in watched.sorted() {
            // Nothing done, no phase change due, no periodic look due: a lab with many operators on
            // shift looks only at those whose card can have changed.
            let periodic = evaluated[operatorId].map { wallNow - $0 >= evaluationInterval * 12 } ?? true
            if !dirty.contains(operatorId), !periodic, let next = nextChanges[operatorId], labNow < next { continue }
            let view: LabEngine.ShiftView
            do {
                view = try await engine.shift(operatorId: operatorId)
            } catch {
                report(error, while: "reading the shift", operatorId: operatorId)
                continue
            }
            let next = [view.blockEndsAt, view.resumesAt, view.shiftEndsAt].compactMap { $0 }.filter { $0 > labNow }.min()
            state.withLock { $0.nextChange[operatorId] = next }
            let signature = "\(view.phase.rawValue)|\(view.extraPause)|\(view.shiftId ?? 0)|\(view.blockIndex ?? -1)"
            let (changed, last) = state.withLock { state in
                let changed = state.signatures[operatorId] != signature
                state.signatures[operatorId] = signature
                return (changed, state.lastEvaluated[operatorId])
            }
            let isDirty = dirty.contains(operatorId)
            // Work changed: at most once per evaluation interval. Idle time: every 12 intervals (a minute).
            let due = last.map { wallNow - $0 >= (isDirty ? evaluationInterval : evaluationInterval * 12) } ?? true
            if changed || (isDirty && due) || (view.phase == .work && due) {
                state.withLock { $0.lastEvaluated[operatorId] = wallNow }
                await logged("evaluating", operatorId: operatorId) {
                    try await self.evaluate(operatorId: operatorId, view: view, sendCard: changed || isDirty)
                }
            } else if isDirty {
                state.withLock { _ = $0.dirty.insert(operatorId) }   // looked at again next tick
            }
            if view.phase == .off || view.phase == .ended, !isDirty {
                state.withLock { state in
                    state.watched.remove(operatorId)
                    state.nextChange[operatorId] = nil
                }
            }
        }
    }

    /// Runs one look at an operator; a failure is logged and the monitor goes on with the next
    /// operator, so that one unreadable record does not stop every coach's view.
    func logged(_ what: String, operatorId: Int64, _ body: () async throws -> Void) async {
        do {
            try await body()
        } catch {
            report(error, while: what, operatorId: operatorId)
        }
    }

    func report(_ error: any Error, while what: String, operatorId: Int64) {
        // A look cut short because the server is stopping is no failure of the lab.
        if Task.isCancelled {
            logger.debug("The coach's monitor stopped \(what)", metadata: ["operator": "\(operatorId)"])
            return
        }
        logger.error("The coach's monitor failed \(what)", metadata: ["operator": "\(operatorId)", "error": "\(error)"])
    }

    // MARK: New work

    /// The `dataset` event: a client uploaded new work to a project.
    struct DatasetUploaded: Encodable {
        var projectId: Int64
        var projectName: String
    }

    /// Tells every coach a client uploaded new work, so they decide who gets it.
    public func datasetUploaded(projectId: Int64, projectName: String) async throws {
        let coaches = try await store.notifyCoaches(projectId: projectId, kind: "dataset", at: engine.clock.now())
        let event = DatasetUploaded(projectId: projectId, projectName: projectName)
        for coachId in coaches { events.send(.dataset, event, toCoach: coachId) }
    }
}
