// The lab engine: shifts with work and pause blocks, serving microtasks, taking answers.
import AnnolabCore
import AnnolabStore
import Foundation
import Logging
import Synchronization

/// The heart of the lab: who may work now, which microtask comes next, and what an answer counts for.
///
/// The server clock is the truth; tests inject a ``ManualClock``. The queue lives in memory
/// (``WorkQueue``) and every change is stored first (with group commit) before it counts.
///
/// ```swift
/// let engine = try await LabEngine.start(store: store)
/// let state = try await engine.startShift(operatorId: 7, startedBy: 7)
/// let next = try await engine.next(operatorId: 7)
/// ```
public final class LabEngine: Sendable {
    public let store: any LabStoring
    public let clock: any LabClock
    let queue: WorkQueue
    let shifts: ShiftBook
    /// How long a served microtask stays reserved for its operator.
    public let leaseLength: TimeInterval
    /// After a work block ends, the current microtask may still be answered for this long.
    public let grace: TimeInterval
    let adaptive = AdaptiveOverlap()
    public let timeZone: TimeZone
    let policy = PayPolicy()
    /// Operators' profiles, read once; a change goes through ``profileChanged(_:)``.
    let profiles = Mutex<[Int64: OperatorProfile]>([:])
    /// Projects each operator's coach kept from them.
    let excludedProjects = Mutex<[Int64: Set<Int64>]>([:])
    /// Who wants to hear of operators' activity (the coach's live view and alerts).
    let observers = Mutex<[@Sendable (Int64, LabActivity) -> Void]>([])
    /// Where the engine reports what went wrong beside a request that itself succeeded.
    let logger: Logger
    /// The skill ladder and the steps operators reached.
    let skills = SkillBook()
    /// Told when this server adds or changes work (``onWorkChanged(_:)``).
    let workChanged = Mutex<(@Sendable () -> Void)?>(nil)

    public static func start(store: any LabStoring, clock: any LabClock = SystemClock(), leaseLength: TimeInterval = 600,
                             grace: TimeInterval = 120,
                             timeZone: TimeZone = TimeZone(identifier: "Europe/Amsterdam") ?? .gmt,
                             logger: Logger = Logger(label: "annolab.engine")) async throws -> LabEngine {
        let engine = LabEngine(store: store, clock: clock, leaseLength: leaseLength, grace: grace, timeZone: timeZone,
                               logger: logger)
        engine.queue.load(try await store.openWork(), now: clock.now())
        let denied = try await store.deniedProjects()
        engine.excludedProjects.withLock { $0 = denied }
        try await engine.settleEndedShifts()
        return engine
    }

    init(store: any LabStoring, clock: any LabClock, leaseLength: TimeInterval, grace: TimeInterval, timeZone: TimeZone,
         logger: Logger) {
        self.store = store
        self.queue = WorkQueue(shared: store.sharedByServers)
        self.clock = clock
        self.leaseLength = leaseLength
        self.grace = grace
        self.timeZone = timeZone
        self.shifts = ShiftBook(store: store, timeZone: timeZone)
        self.logger = logger
    }

    /// Box checks carved from finished pictures, with the engine's store, queue and log.
    var boxChecks: BoxCheckCarving { BoxCheckCarving(store: store, queue: queue, logger: logger) }

    // MARK: Projects and microtasks

    /// Tells the queue about a new or changed project.
    public func projectChanged(_ project: AnnolabStore.Project) {
        queue.upsert(project: project)
        announceWork()
    }

    /// Tells the queue about newly stored microtasks.
    public func microtasksAdded(_ microtasks: [Microtask]) {
        queue.add(microtasks)
        announceWork()
    }

    public func goldAdded(_ ids: [Int64]) {
        queue.markGold(ids)
        announceWork()
    }

    /// Stores a new profile for an operator. Task kinds and audio mode apply to the next task;
    /// block lengths, shift length and daily cap from the next work block of a running shift
    /// (the block running now, and the pause after it, keep their lengths), else from the next shift.
    public func profileChanged(_ profile: OperatorProfile, actor: Int64?) async throws {
        try await store.updateProfile(profile, actor: actor)
        profiles.withLock { $0[profile.operatorId] = profile }
        announceWork()
        let now = clock.now()
        guard let snapshot = try await settledSnapshot(operatorId: profile.operatorId, now: now),
              snapshot.shift.endedAt == nil else { return }
        let same = snapshot.shift.workMinutes == profile.workMinutes && snapshot.shift.pauseMinutes == profile.pauseMinutes
            && snapshot.shift.dailyCapMinutes == profile.dailyCapMinutes
            && snapshot.shift.chainStart.addingTimeInterval(Double(profile.shiftMinutes) * 60) == snapshot.shift.plannedEndAt
        let switchAt = same ? nil : snapshot.timeline.nextWorkBlockStart(after: now)
        try await store.setShiftSwitch(id: try snapshot.shift.id.required("shift"), at: switchAt)
        // Changed in place, so that a pause begun meanwhile is not overwritten by an older copy.
        shifts.modify(operatorId: profile.operatorId) { cached in
            if cached.shift.id == snapshot.shift.id { cached.shift.switchAt = switchAt }
        }
    }

    /// Ends a shift at the start of a work block and goes on with a new shift on the new
    /// profile, carrying an extra pause that is still running.
    private func switchProfile(_ snapshot: inout ShiftSnapshot, at switchAt: Date) async throws {
        let old = snapshot.shift
        let pauseRuns = snapshot.extraPauses.last.map { $0.end == nil && $0.start <= switchAt } ?? false
        try await close(&snapshot, at: switchAt, reason: .profileChanged)
        let (_, profile) = try await profile(operatorId: old.operatorId)
        // The shift's length counts from when the operator's working time began, however often the profile changed.
        let plannedEnd = old.chainStart.addingTimeInterval(Double(profile.shiftMinutes) * 60)
        // A shorter shift that is already over ends here.
        guard plannedEnd.timeIntervalSince(switchAt) >= 60 else { return }
        let earlier = try await shifts.workedToday(operatorId: old.operatorId, before: switchAt)
        let shift: Shift
        do {
            shift = try await store.startShift(Shift(
                id: nil, operatorId: old.operatorId, startedAt: switchAt, plannedEndAt: plannedEnd, endedAt: nil,
                workMinutes: profile.workMinutes, pauseMinutes: profile.pauseMinutes,
                shiftMinutes: Int(plannedEnd.timeIntervalSince(switchAt) / 60), dailyCapMinutes: profile.dailyCapMinutes,
                startedById: old.startedById, endReason: nil, chainStartedAt: old.chainStart))
        } catch let error as LabError where error.code == .shiftRunning {
            // Another request made the switch at the same moment: take the shift it stored.
            shifts.forget(operatorId: old.operatorId)
            if let current = try await shifts.snapshot(operatorId: old.operatorId) { snapshot = current }
            return
        }
        if pauseRuns { try await store.startExtraPause(shiftId: try shift.id.required("shift"), at: switchAt) }
        snapshot = ShiftSnapshot(shift: shift, extraPauses: pauseRuns ? [ExtraPause(start: switchAt, end: nil)] : [],
                                 workedEarlierToday: earlier)
        shifts.remember(snapshot)
        notify(old.operatorId, .shiftChanged)
    }

    /// Reloads which projects coaches kept from which operators.
    public func projectAccessChanged() async throws {
        let denied = try await store.deniedProjects()
        excludedProjects.withLock { $0 = denied }
        announceWork()
    }

    // MARK: Shifts

    /// The shift as the operator and the coach see it.
    public struct ShiftView: Codable, Sendable, Equatable {
        /// The phase as the API names it: an extra pause is a `pause` with `extraPause` set.
        public enum Phase: String, Codable, Sendable, CaseIterable {
            case off, work, pause, ended

            init(_ phase: ShiftPhase) {
                switch phase {
                case .work: self = .work
                case .pause, .extraPause: self = .pause
                case .ended: self = .ended
                }
            }
        }

        public var phase: Phase
        public var extraPause: Bool
        public var blockEndsAt: Date?
        public var resumesAt: Date?
        public var shiftEndsAt: Date?
        public var startedAt: Date?
        public var endReason: String?
        public var workMinutesToday: Int
        public var profile: WorkProfile
        /// Wall-clock seconds until the work block ends (in a work block), until a scheduled pause
        /// ends, and until the shift ends: pages schedule by these, never by their own clock.
        public var blockSecondsLeft: Double?
        public var resumesInSeconds: Double?
        public var shiftSecondsLeft: Double?
        /// The shift's id and the index of its current block (work blocks are even, pauses odd).
        public var shiftId: Int64?
        public var blockIndex: Int?
    }

    func view(_ snapshot: ShiftSnapshot?, profile: WorkProfile, now: Date) -> ShiftView {
        guard let snapshot else {
            return ShiftView(phase: .off, extraPause: false, blockEndsAt: nil, resumesAt: nil, shiftEndsAt: nil,
                             startedAt: nil, endReason: nil, workMinutesToday: 0, profile: profile,
                             blockSecondsLeft: nil, resumesInSeconds: nil, shiftSecondsLeft: nil, shiftId: nil, blockIndex: nil)
        }
        let state = snapshot.timeline.state(at: now)
        let phase = ShiftView.Phase(state.phase)
        return ShiftView(phase: phase, extraPause: state.phase == .extraPause, blockEndsAt: state.blockEndsAt,
                         resumesAt: state.resumesAt, shiftEndsAt: state.shiftEndsAt, startedAt: snapshot.shift.startedAt,
                         endReason: state.endReason?.rawValue, workMinutesToday: state.workSecondsToday / 60,
                         profile: snapshot.profile,
                         blockSecondsLeft: phase == .work ? state.blockEndsAt.map { wallSeconds(from: now, to: $0) } : nil,
                         resumesInSeconds: state.resumesAt.map { wallSeconds(from: now, to: $0) },
                         shiftSecondsLeft: phase == .ended ? nil : wallSeconds(from: now, to: state.shiftEndsAt),
                         shiftId: snapshot.shift.id, blockIndex: state.blockIndex)
    }

    /// Lab seconds between two lab times as wall-clock seconds, to a tenth of a second.
    func wallSeconds(from now: Date, to date: Date) -> Double {
        (max(0, date.timeIntervalSince(now)) / clock.speed * 10).rounded() / 10
    }

    func profile(operatorId: Int64) async throws -> (OperatorProfile, WorkProfile) {
        var cached = profiles.withLock { $0[operatorId] }
        if cached == nil {
            cached = try await store.profile(operatorId: operatorId)
            if let cached { profiles.withLock { $0[operatorId] = cached } }
        }
        guard let stored = cached else {
            throw LabError(.notFound, "operator_not_found", "There is no operator with id \(operatorId).")
        }
        return (stored, WorkProfile(stored))
    }

    /// The operator's shift now; a shift that ran out is closed and written to the pay ledger.
    public func shift(operatorId: Int64) async throws -> ShiftView {
        let now = clock.now()
        let snapshot = try await settledSnapshot(operatorId: operatorId, now: now)
        return view(snapshot, profile: try await profile(operatorId: operatorId).1, now: now)
    }

    /// The latest shift, closed in the store when its time (or the daily cap) has run out.
    func settledSnapshot(operatorId: Int64, now: Date) async throws -> ShiftSnapshot? {
        guard var snapshot = try await shifts.snapshot(operatorId: operatorId) else { return nil }
        if snapshot.shift.endedAt == nil, let switchAt = snapshot.shift.switchAt, now >= switchAt,
           snapshot.timeline.state(at: switchAt).phase != .ended {
            try await switchProfile(&snapshot, at: switchAt)
        }
        if snapshot.shift.endedAt == nil {
            let state = snapshot.timeline.state(at: now)
            if state.phase == .ended {
                let end = min(state.shiftEndsAt, now)
                let reason = state.endReason ?? .plannedLength
                try await close(&snapshot, at: end, reason: reason)
            }
        }
        return snapshot
    }

    private func close(_ snapshot: inout ShiftSnapshot, at end: Date, reason: ShiftEndReason) async throws {
        var timeline = snapshot.timeline
        let closedPauses = snapshot.extraPauses.map { ExtraPause(start: $0.start, end: $0.end ?? end) }
        timeline = ShiftTimeline(startedAt: snapshot.shift.startedAt, profile: snapshot.profile, extraPauses: closedPauses,
                                 endedAt: end, endedBy: reason, workedEarlierToday: snapshot.workedEarlierToday)
        // Work as it happened; scheduled pauses whole, even where an extra pause covered them,
        // because a scheduled pause is paid whatever the lab's policy on extra pauses.
        var segments = timeline.segments(until: end).filter { $0.kind != .pause && $0.kind != .extraPause }
        segments += Self.scheduledPauses(start: snapshot.shift.startedAt, end: end, profile: snapshot.profile)
            .map { TimeSegment(kind: .pause, start: $0.start, end: $0.end) }
        try await store.endShift(id: try snapshot.shift.id.required("shift"), at: end, reason: reason, segments: segments)
        snapshot.shift.endedAt = end
        snapshot.shift.endReason = reason.rawValue
        snapshot.extraPauses = closedPauses
        shifts.remember(snapshot)
    }

    /// The scheduled pause blocks of a shift between its start and `end`.
    static func scheduledPauses(start: Date, end: Date, profile: WorkProfile) -> [(start: Date, end: Date)] {
        let work = Double(profile.workMinutes) * 60, pause = Double(profile.pauseMinutes) * 60
        guard work > 0, pause > 0 else { return [] }
        var result: [(start: Date, end: Date)] = []
        var cycle = start
        while cycle < end {
            let pauseStart = cycle.addingTimeInterval(work)
            let pauseEnd = min(pauseStart.addingTimeInterval(pause), end)
            if pauseStart < pauseEnd { result.append((pauseStart, pauseEnd)) }
            cycle = cycle.addingTimeInterval(work + pause)
        }
        return result
    }

    /// Closes every shift whose time has run out, so that payroll and cost see all paid time,
    /// also of operators who went home without ending their shift.
    public func settleEndedShifts() async throws {
        let now = clock.now()
        for operatorId in try await store.operatorsWithOpenShifts() {
            _ = try await settledSnapshot(operatorId: operatorId, now: now)
        }
    }

    /// Starts a shift with the operator's profile. Nobody's shift starts by itself.
    public func startShift(operatorId: Int64, startedBy: Int64?) async throws -> ShiftView {
        let now = clock.now()
        let (_, profile) = try await profile(operatorId: operatorId)
        if let current = try await settledSnapshot(operatorId: operatorId, now: now), current.shift.endedAt == nil {
            return view(current, profile: profile, now: now)
        }
        let earlier = try await shifts.workedToday(operatorId: operatorId, before: now)
        if earlier >= profile.dailyCapMinutes * 60 {
            throw LabError(.conflict, .dailyCapReached,
                           "You have worked your \(profile.dailyCapMinutes) minutes for today. Well done. Work starts again tomorrow.")
        }
        let shift = try await store.startShift(Shift(
            id: nil, operatorId: operatorId, startedAt: now,
            plannedEndAt: now.addingTimeInterval(Double(profile.shiftMinutes) * 60), endedAt: nil,
            workMinutes: profile.workMinutes, pauseMinutes: profile.pauseMinutes, shiftMinutes: profile.shiftMinutes,
            dailyCapMinutes: profile.dailyCapMinutes, startedById: startedBy, endReason: nil))
        let snapshot = ShiftSnapshot(shift: shift, extraPauses: [], workedEarlierToday: earlier)
        shifts.remember(snapshot)
        notify(operatorId, .shiftStarted(shiftId: try shift.id.required("shift")))
        return view(snapshot, profile: profile, now: now)
    }

    func runningSnapshot(operatorId: Int64, now: Date) async throws -> ShiftSnapshot {
        guard let snapshot = try await settledSnapshot(operatorId: operatorId, now: now), snapshot.shift.endedAt == nil else {
            throw LabError(.conflict, .noShift, "No shift is running. Start your shift first.")
        }
        return snapshot
    }

    /// An extra pause, at any time, no reason needed. Work stops at once.
    public func pause(operatorId: Int64) async throws -> ShiftView {
        let now = clock.now()
        var snapshot = try await runningSnapshot(operatorId: operatorId, now: now)
        if snapshot.extraPauses.last.map({ $0.end == nil }) != true {
            try await store.startExtraPause(shiftId: try snapshot.shift.id.required("shift"), at: now)
            snapshot.extraPauses.append(ExtraPause(start: now, end: nil))
            shifts.remember(snapshot)
            notify(operatorId, .shiftChanged)
        }
        return view(snapshot, profile: snapshot.profile, now: now)
    }

    /// Ends an extra pause; the operator is then wherever the block schedule says.
    public func resume(operatorId: Int64) async throws -> ShiftView {
        let now = clock.now()
        var snapshot = try await runningSnapshot(operatorId: operatorId, now: now)
        if let last = snapshot.extraPauses.indices.last, snapshot.extraPauses[last].end == nil {
            try await store.endExtraPause(shiftId: try snapshot.shift.id.required("shift"), at: now)
            snapshot.extraPauses[last].end = now
            shifts.remember(snapshot)
            notify(operatorId, .shiftChanged)
        }
        return view(snapshot, profile: snapshot.profile, now: now)
    }

    /// Ends the shift now, by the operator or by their coach.
    public func endShift(operatorId: Int64, byCoach: Bool) async throws -> ShiftView {
        let now = clock.now()
        var snapshot = try await runningSnapshot(operatorId: operatorId, now: now)
        try await close(&snapshot, at: now, reason: byCoach ? .byCoach : .byOperator)
        // Tasks still reserved go back to the queue at once, for others (and for the next shift).
        for assignmentId in queue.openLeases(operatorId: operatorId) {
            try await endLease(assignmentId, as: .released, now: now)
        }
        notify(operatorId, .shiftChanged)
        return view(snapshot, profile: snapshot.profile, now: now)
    }
}
