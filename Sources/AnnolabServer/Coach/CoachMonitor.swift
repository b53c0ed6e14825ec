// The coach's live view: each operator's card, the alerts, and the event stream.
import AnnolabStore
import Foundation
import ServiceLifecycle
import Synchronization

/// What a coach sees of one operator, at a glance.
public struct OperatorCard: Codable, Sendable, Equatable {
    public struct Gold: Codable, Sendable, Equatable {
        public var recent: Double?
        public var earlier: Double?
    }

    /// Answers and gold results in one five-minute slot of the shift, for the small chart.
    public struct Slot: Codable, Sendable, Equatable {
        public var minute: Int
        public var answers: Int
        public var goldCorrect: Int
        public var goldTotal: Int
    }

    public var id: Int64
    public var name: String
    public var badge: String?
    public var phase: String
    public var extraPause: Bool
    public var blockEndsAt: Date?
    public var resumesAt: Date?
    public var blockSecondsLeft: Double?
    public var resumesInSeconds: Double?
    public var answersThisBlock: Int
    public var answersToday: Int
    public var skipsToday: Int
    public var extraPausesToday: Int
    public var pace: Pace
    public var gold: Gold
    public var series: [Slot]
    public var openAlerts: Int
    public var profile: OperatorProfile?
}

/// Watches operators' shifts and work, raises alerts by the lab's thresholds, and streams
/// changes to each operator's own coach (server-sent events).
///
/// The engine reports activity as it happens; a tick four times a second notices what the
/// clock alone changes (a block ending) and sends every change within a second.
public final class CoachMonitor: Service, Sendable {
    let store: LabStore
    let engine: LabEngine
    /// How often the monitor looks, in wall-clock time.
    let tickInterval: Duration
    /// The shortest time between two evaluations of one busy operator (their alerts and card).
    let evaluationInterval: Duration

    struct Subscriber {
        var coachId: Int64
        var continuation: AsyncStream<String>.Continuation
    }

    struct State {
        var subscribers: [UUID: Subscriber] = [:]
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
    static let thresholdsKey = "alerts"

    /// A phase change is sent at the next tick; other changes (answers, skips) at most every
    /// `evaluationInterval` per operator, so that a busy lab does not spend its time on figures.
    public init(store: LabStore, engine: LabEngine, tickInterval: Duration = .milliseconds(250),
                evaluationInterval: Duration = .seconds(5)) {
        self.store = store
        self.engine = engine
        self.tickInterval = tickInterval
        self.evaluationInterval = evaluationInterval
        engine.observe { [weak self] operatorId, activity in self?.record(operatorId, activity) }
    }

    /// Loads the lab's thresholds and the operators with open shifts.
    public func load() async throws {
        if let json = try await store.labSetting(Self.thresholdsKey),
           let stored = try? JSONDecoder().decode(LoadThresholds.self, from: Data(json.utf8)) {
            thresholds.withLock { $0 = stored }
        }
        let open = try await store.operatorsWithOpenShifts()
        state.withLock { $0.watched.formUnion(open) }
    }

    public func setThresholds(_ new: LoadThresholds, actor: Int64?) async throws -> LoadThresholds {
        let checked = try new.validated()
        let json = String(decoding: try JSONEncoder().encode(checked), as: UTF8.self)
        try await store.setLabSetting(Self.thresholdsKey, json: json, actor: actor)
        thresholds.withLock { $0 = checked }
        return checked
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
        let (stream, continuation) = AsyncStream<String>.makeStream(bufferingPolicy: .bufferingNewest(256))
        let id = UUID()
        state.withLock { $0.subscribers[id] = Subscriber(coachId: coachId, continuation: continuation) }
        continuation.onTermination = { [weak self] _ in _ = self?.state.withLock { $0.subscribers.removeValue(forKey: id) } }
        return (stream, id)
    }

    /// Ends a subscription (the client went away, or the server stops).
    public func unsubscribe(_ id: UUID) {
        let subscriber = state.withLock { $0.subscribers.removeValue(forKey: id) }
        subscriber?.continuation.finish()
    }

    func send(event: String, json: Data, toCoach coachId: Int64) {
        let text = "event: \(event)\ndata: \(String(decoding: json, as: UTF8.self))\n\n"
        let targets = state.withLock { $0.subscribers.values.filter { $0.coachId == coachId }.map(\.continuation) }
        for continuation in targets { continuation.yield(text) }
    }

    func hasSubscribers(coachId: Int64) -> Bool {
        state.withLock { $0.subscribers.values.contains { $0.coachId == coachId } }
    }

    /// Keep-alive comments, so proxies and browsers keep the stream open.
    func keepAlive() {
        let targets = state.withLock { $0.subscribers.values.map(\.continuation) }
        for continuation in targets { continuation.yield(": keep-alive\n\n") }
    }

    // MARK: Running

    public func run() async throws {
        try await cancelWhenGracefulShutdown {
            var ticks = 0
            while !Task.isCancelled {
                await self.tick()
                ticks += 1
                if ticks % 60 == 0 { self.keepAlive() }
                try? await Task.sleep(for: self.tickInterval)
            }
        }
        state.withLock { state in
            for subscriber in state.subscribers.values { subscriber.continuation.finish() }
            state.subscribers = [:]
        }
    }

    /// One look at every watched operator: pause checks for new shifts, overruns, phase
    /// changes by the clock, and fresh cards for operators whose work changed.
    public func tick() async {
        let (dirty, starts, overruns, watched) = state.withLock { state in
            defer { state.dirty = []; state.shiftStarts = []; state.overruns = [] }
            return (state.dirty, state.shiftStarts, state.overruns, state.watched)
        }
        for start in starts { await checkPauseTaken(operatorId: start.operatorId, shiftId: start.shiftId) }
        for overrun in overruns { await blockOverrun(operatorId: overrun.operatorId, seconds: overrun.seconds) }
        let wallNow = ContinuousClock.now
        let labNow = engine.clock.now()
        let (nextChanges, evaluated) = state.withLock { ($0.nextChange, $0.lastEvaluated) }
        for operatorId in watched.sorted() {
            // Nothing done, no phase change due, no periodic look due: a lab with many operators on
            // shift looks only at those whose card can have changed.
            let periodic = evaluated[operatorId].map { wallNow - $0 >= evaluationInterval * 12 } ?? true
            if !dirty.contains(operatorId), !periodic, let next = nextChanges[operatorId], labNow < next { continue }
            guard let view = try? await engine.shift(operatorId: operatorId) else { continue }
            let next = [view.blockEndsAt, view.resumesAt, view.shiftEndsAt].compactMap { $0 }.filter { $0 > labNow }.min()
            state.withLock { $0.nextChange[operatorId] = next }
            let signature = "\(view.phase)|\(view.extraPause)|\(view.shiftId ?? 0)|\(view.blockIndex ?? -1)"
            let (changed, last) = state.withLock { state in
                let changed = state.signatures[operatorId] != signature
                state.signatures[operatorId] = signature
                return (changed, state.lastEvaluated[operatorId])
            }
            let isDirty = dirty.contains(operatorId)
            // Work changed: at most once per evaluation interval. Idle time: every 12 intervals (a minute).
            let due = last.map { wallNow - $0 >= (isDirty ? evaluationInterval : evaluationInterval * 12) } ?? true
            if changed || (isDirty && due) || (view.phase == "work" && due) {
                state.withLock { $0.lastEvaluated[operatorId] = wallNow }
                await evaluate(operatorId: operatorId, view: view, sendCard: changed || isDirty)
            } else if isDirty {
                state.withLock { _ = $0.dirty.insert(operatorId) }   // looked at again next tick
            }
            if view.phase == "off" || view.phase == "ended", !isDirty {
                state.withLock { state in
                    state.watched.remove(operatorId)
                    state.nextChange[operatorId] = nil
                }
            }
        }
    }

    /// Raises the block's alerts and sends the card to the coach when one is watching.
    func evaluate(operatorId: Int64, view: LabEngine.ShiftView, sendCard: Bool) async {
        guard let profile = try? await store.profile(operatorId: operatorId), let coachId = profile.coachId else { return }
        guard let figures = try? await gather(operatorId: operatorId, view: view) else { return }
        if view.phase == "work", let shiftId = view.shiftId, let block = view.blockIndex {
            let limits = thresholds.withLock { $0 }
            let lastActivity = state.withLock { $0.lastActivity[operatorId] }
            let since = [figures.blockStart, lastActivity, figures.block.last?.at].compactMap { $0 }.max()
            let idle = since.map { engine.clock.now().timeIntervalSince($0) }
            let alerts = LoadSignals.blockAlerts(blockKey: "\(shiftId)-\(block)", block: figures.block, baseline: figures.baseline,
                                                 gold: figures.gold, skipsInBlock: figures.skipsInBlock, idleSeconds: idle,
                                                 thresholds: limits)
            for alert in alerts { await raise(alert, operatorId: operatorId, coachId: coachId) }
        }
        if sendCard, hasSubscribers(coachId: coachId), let card = try? await card(operatorId: operatorId, view: view, figures: figures) {
            var object = (try? JSONSerialization.jsonObject(with: LabJSON.encoder.encode(card))) as? [String: Any] ?? [:]
            object["operator"] = operatorId
            if let json = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) {
                send(event: "operator", json: json, toCoach: coachId)
            }
        }
    }

    func raise(_ alert: LoadAlert, operatorId: Int64, coachId: Int64) async {
        var data = alert.data
        data["reasonNl"] = alert.reason.nl
        guard let stored = try? await store.addAlertOnce(operatorId: operatorId, kind: alert.kind, key: alert.key,
                                                         reason: alert.reason.en, data: data, at: engine.clock.now()) else { return }
        if let json = try? await alertJSON(stored) { send(event: "alert", json: json, toCoach: coachId) }
    }

    func alertJSON(_ alert: AlertRecord) async throws -> Data {
        try LabJSON.encoder.encode(try await AlertView(alert, store: store))
    }

    /// After a new shift starts: was the pause that was due taken?
    func checkPauseTaken(operatorId: Int64, shiftId: Int64) async {
        guard let profile = try? await store.profile(operatorId: operatorId), let coachId = profile.coachId,
              let current = try? await store.shift(id: shiftId) else { return }
        let earlier = (try? await store.shifts(operatorId: operatorId, from: current.startedAt.addingTimeInterval(-24 * 3600),
                                               to: current.startedAt)) ?? []
        guard let previous = earlier.last(where: { $0.id != shiftId }), let end = previous.endedAt else { return }
        let pauses = ((try? await store.extraPauses(shiftId: previous.id!)) ?? []).map {
            ExtraPause(start: $0.startedAt, end: $0.endedAt)
        }
        let work = WorkProfile(workMinutes: previous.workMinutes, pauseMinutes: previous.pauseMinutes,
                               shiftMinutes: previous.shiftMinutes, dailyCapMinutes: previous.dailyCapMinutes)
        let timeline = ShiftTimeline(startedAt: previous.startedAt, profile: work, extraPauses: pauses, endedAt: end)
        // The stretch of work at the end of the previous shift, and any rest after it.
        var workRun = 0.0, rested = 0.0
        for segment in timeline.segments(until: end).reversed() {
            let length = segment.end.timeIntervalSince(segment.start)
            if segment.kind == .work {
                workRun += length
            } else if workRun == 0 {
                rested += length
            } else {
                break
            }
        }
        let gap = current.startedAt.timeIntervalSince(end)
        if let alert = LoadSignals.pauseSkipped(shiftKey: "shift-\(shiftId)", workRun: workRun, pauseTaken: rested, gap: gap,
                                                workMinutes: previous.workMinutes, pauseMinutes: previous.pauseMinutes) {
            await raise(alert, operatorId: operatorId, coachId: coachId)
        }
    }

    func blockOverrun(operatorId: Int64, seconds: Double) async {
        guard let profile = try? await store.profile(operatorId: operatorId), let coachId = profile.coachId,
              let view = try? await engine.shift(operatorId: operatorId), let shiftId = view.shiftId else { return }
        let limits = thresholds.withLock { $0 }
        // The block that ran over is the one before the pause the operator is in now.
        let block = max(0, (view.blockIndex ?? 1) - 1)
        if let alert = LoadSignals.overrun(blockKey: "\(shiftId)-\(block)", secondsPastEnd: seconds, thresholds: limits) {
            await raise(alert, operatorId: operatorId, coachId: coachId)
        }
    }

    // MARK: Figures

    struct Figures {
        var today: [LoadAnswer]
        var block: [LoadAnswer]
        var baseline: [LoadAnswer]
        var gold: [Bool]
        var blockStart: Date?
        var skipsToday: Int
        var skipsInBlock: Int
        var extraPausesToday: Int
        var shiftStart: Date?
    }

    func startOfDay(_ date: Date) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = engine.timeZone
        return calendar.startOfDay(for: date)
    }

    func gather(operatorId: Int64, view: LabEngine.ShiftView) async throws -> Figures {
        let now = engine.clock.now()
        let dayStart = startOfDay(now)
        let history = try await store.answerActivity(operatorId: operatorId, since: now.addingTimeInterval(-14 * 24 * 3600))
        // The start of the current (or, in a pause, the last) work block, from the block's index:
        // blocks run on the wall clock from the shift's start, also when the cap cuts one short.
        var blockStart: Date?
        let work = Double(view.profile.workMinutes * 60), pause = Double(view.profile.pauseMinutes * 60)
        if view.phase == "work" || view.phase == "pause", let started = view.startedAt, let index = view.blockIndex, index >= 0 {
            blockStart = started.addingTimeInterval(Double(index / 2) * (work + pause))
        }
        let block = blockStart.map { start in history.filter { $0.at >= start } } ?? []
        let baseline = history.filter { $0.at < (blockStart ?? view.startedAt ?? now) }
        let skips = try await store.skips(operatorId: operatorId, since: dayStart)
        return Figures(today: history.filter { $0.at >= dayStart }, block: block, baseline: baseline,
                       gold: history.filter(\.isGold).compactMap(\.goldCorrect), blockStart: blockStart,
                       skipsToday: skips.count, skipsInBlock: blockStart.map { start in skips.filter { $0 >= start }.count } ?? 0,
                       extraPausesToday: try await store.extraPauseCount(operatorId: operatorId, since: dayStart),
                       shiftStart: view.phase == "off" ? nil : view.startedAt)
    }

    func card(operatorId: Int64, view: LabEngine.ShiftView, figures: Figures) async throws -> OperatorCard {
        guard let person = try await store.user(id: operatorId) else {
            throw LabError(.notFound, "operator_not_found", "There is no operator with id \(operatorId).")
        }
        let limits = thresholds.withLock { $0 }
        let trend = LoadSignals.goldTrend(figures.gold, window: limits.goldWindow)
        var series: [OperatorCard.Slot] = []
        if let start = figures.shiftStart {
            var slots: [Int: OperatorCard.Slot] = [:]
            for answer in figures.today where answer.at >= start {
                let minute = Int(answer.at.timeIntervalSince(start) / 300) * 5
                var slot = slots[minute] ?? OperatorCard.Slot(minute: minute, answers: 0, goldCorrect: 0, goldTotal: 0)
                slot.answers += 1
                if answer.isGold { slot.goldTotal += 1; if answer.goldCorrect == true { slot.goldCorrect += 1 } }
                slots[minute] = slot
            }
            let last = Int(engine.clock.now().timeIntervalSince(start) / 300) * 5
            series = stride(from: 0, through: max(0, min(last, 24 * 60)), by: 5).map {
                slots[$0] ?? OperatorCard.Slot(minute: $0, answers: 0, goldCorrect: 0, goldTotal: 0)
            }
        }
        let open = try await store.openAlertCount(operatorId: operatorId)
        return OperatorCard(id: operatorId, name: person.name, badge: person.badge, phase: view.phase, extraPause: view.extraPause,
                            blockEndsAt: view.blockEndsAt, resumesAt: view.resumesAt, blockSecondsLeft: view.blockSecondsLeft,
                            resumesInSeconds: view.resumesInSeconds, answersThisBlock: figures.block.count,
                            answersToday: figures.today.count, skipsToday: figures.skipsToday,
                            extraPausesToday: figures.extraPausesToday,
                            pace: LoadSignals.pace(block: figures.block, baseline: figures.baseline, thresholds: limits),
                            gold: .init(recent: trend.recent, earlier: trend.earlier), series: series, openAlerts: open,
                            profile: try await store.profile(operatorId: operatorId))
    }

    /// The card of one operator now.
    public func card(operatorId: Int64) async throws -> OperatorCard {
        let view = try await engine.shift(operatorId: operatorId)
        return try await card(operatorId: operatorId, view: view, figures: try await gather(operatorId: operatorId, view: view))
    }

    /// Tells every coach a client uploaded new work, so they decide who gets it.
    public func datasetUploaded(projectId: Int64, projectName: String) async throws {
        let coaches = try await store.notifyCoaches(projectId: projectId, kind: "dataset", at: engine.clock.now())
        let json = try JSONSerialization.data(withJSONObject: ["projectId": projectId, "projectName": projectName], options: [.sortedKeys])
        for coachId in coaches { send(event: "dataset", json: json, toCoach: coachId) }
    }
}

/// An alert as coaches read it.
struct AlertView: Codable, Sendable {
    var id: Int64
    var `operator`: Int64
    var operatorName: String
    var kind: String
    var reason: String
    var reasonNl: String?
    var data: [String: String]
    var createdAt: Date
    var acknowledgedAt: Date?

    init(_ alert: AlertRecord, store: LabStore) async throws {
        id = alert.id!
        `operator` = alert.operatorId
        operatorName = try await store.user(id: alert.operatorId)?.name ?? ""
        kind = alert.kind
        reason = alert.reason
        var figures = (try? JSONDecoder().decode([String: String].self, from: Data(alert.data.utf8))) ?? [:]
        reasonNl = figures.removeValue(forKey: "reasonNl")
        figures.removeValue(forKey: "key")
        data = figures
        createdAt = alert.createdAt
        acknowledgedAt = alert.acknowledgedAt
    }
}
