// Serving the next microtask to an operator: which kinds they do, and the lease it comes with.
import AnnolabCore
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
        case .ended: throw LabError(.conflict, .noShift, "Your shift has ended. Well done.")
        }
        let (stored, _) = try await profile(operatorId: operatorId)
        var kinds = Self.allowedKinds(stored)
        if let only {
            kinds = kinds.isEmpty ? only : kinds.intersection(only)
            if kinds.isEmpty { return nil }   // an empty set would mean every kind
        }
        // With the skill ladder on: the kinds of the steps reached, and practice questions of the next step.
        var practice: Set<TaskKind> = []
        var onlyPractice = false
        if let gate = try await ladderGate(operatorId: operatorId) {
            let wanted = kinds.isEmpty ? Set(TaskKind.allCases) : kinds
            kinds = wanted.intersection(gate.open)
            practice = wanted.intersection(gate.practice)
            if kinds.isEmpty {
                if practice.isEmpty { notify(operatorId, .served); return nil }
                onlyPractice = true
            }
        }
        let reviewer = try await isReviewer(operatorId: operatorId)
        let expiry = now.addingTimeInterval(leaseLength)
        // With servers sharing the store, another server's operators may hold places this queue thinks free.
        for _ in 0..<(store.sharedByServers ? 32 : 8) {
            let excluded = excludedProjects.withLock { $0[operatorId] ?? [] }
            guard let reservation = queue.reserve(operatorId: operatorId, kinds: kinds, now: now, leaseUntil: expiry,
                                                  excluded: excluded, practice: practice, onlyPractice: onlyPractice,
                                                  reviewer: reviewer) else {
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
            } catch let taken as PlacesTaken {
                // Another server's operators hold its places (a store shared by several servers).
                queue.heldElsewhere(taskId: reservation.taskId, operatorId: operatorId, freeAt: taken.freeAt, now: now)
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
}
