// Each operator's current shift, read from the store once and kept in memory.
import AnnolabCore
import AnnolabStore
import Foundation
import Synchronization

/// An operator's shift as the engine sees it: the stored shift and its extra pauses.
struct ShiftSnapshot: Sendable {
    var shift: Shift
    var extraPauses: [ExtraPause]
    var workedEarlierToday: Int

    var profile: WorkProfile {
        WorkProfile(shift)
    }

    var timeline: ShiftTimeline {
        ShiftTimeline(startedAt: shift.startedAt, profile: profile, extraPauses: extraPauses, endedAt: shift.endedAt,
                      endedBy: shift.endReason.flatMap(ShiftEndReason.init(rawValue:)),
                      workedEarlierToday: workedEarlierToday)
    }
}

/// Keeps each operator's latest shift in memory; every change goes through here and the store.
final class ShiftBook: Sendable {
    private let cache = Mutex<[Int64: ShiftSnapshot?]>([:])
    let store: any LabStoring
    let timeZone: TimeZone

    init(store: any LabStoring, timeZone: TimeZone) {
        self.store = store
        self.timeZone = timeZone
    }

    /// The operator's latest shift, or nil when they never had one.
    /// With servers sharing the store, another server may have changed the shift (an extra pause, its
    /// end): the stored shift and its pauses are read again each time, the day's earlier work is kept.
    func snapshot(operatorId: Int64) async throws -> ShiftSnapshot? {
        let cached = cache.withLock { $0[operatorId] }
        if let cached, !store.sharedByServers { return cached }
        if case .some(.some(let known)) = cached, let shift = try await store.latestShift(operatorId: operatorId),
           shift.id == known.shift.id {
            let pauses = try await store.extraPauses(shiftId: try shift.id.required("shift"))
                .map { ExtraPause(start: $0.startedAt, end: $0.endedAt) }
            let fresh = ShiftSnapshot(shift: shift, extraPauses: pauses, workedEarlierToday: known.workedEarlierToday)
            cache.withLock { $0[operatorId] = .some(fresh) }
            return fresh
        }
        let snapshot = try await load(operatorId: operatorId)
        cache.withLock { $0[operatorId] = .some(snapshot) }
        return snapshot
    }

    private func load(operatorId: Int64) async throws -> ShiftSnapshot? {
        guard let shift = try await store.latestShift(operatorId: operatorId) else { return nil }
        let pauses = try await store.extraPauses(shiftId: try shift.id.required("shift")).map { ExtraPause(start: $0.startedAt, end: $0.endedAt) }
        let earlier = try await workedToday(operatorId: operatorId, before: shift.startedAt)
        return ShiftSnapshot(shift: shift, extraPauses: pauses, workedEarlierToday: earlier)
    }

    /// Work seconds in this operator's earlier shifts of the same local day.
    func workedToday(operatorId: Int64, before moment: Date) async throws -> Int {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let midnight = calendar.startOfDay(for: moment)
        let segments = try await store.timeSegments(from: midnight, to: moment)
        return segments.filter { $0.operatorId == operatorId && $0.segment.kind == .work }.map(\.segment).reduce(0) { total, segment in
            total + Int(min(segment.end, moment).timeIntervalSince(max(segment.start, midnight)).rounded())
        }
    }

    func forget(operatorId: Int64) {
        cache.withLock { $0[operatorId] = nil }
    }

    /// Changes the cached snapshot in place, if there is one.
    func modify(operatorId: Int64, _ change: (inout ShiftSnapshot) -> Void) {
        cache.withLock { cache in
            guard case .some(.some(var snapshot)) = cache[operatorId] else { return }
            change(&snapshot)
            cache[operatorId] = .some(snapshot)
        }
    }

    func remember(_ snapshot: ShiftSnapshot) {
        cache.withLock { $0[snapshot.shift.operatorId] = .some(snapshot) }
    }
}
