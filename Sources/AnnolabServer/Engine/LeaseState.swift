// A lease's life in the work queue, as a typed state machine.
import AnnolabStore
import Foundation

/// Where a lease stands. A lease is `leased` when a microtask is served; its answer moves it to
/// `answering` while the answer is checked and stored, then `answered`. Without an answer it
/// ends `released` (skipped, handed back, not needed) or `expired` (its time ran out and its
/// place went to someone else). The last three are final: the queue forgets the lease then, and
/// the store keeps its record as an ``Assignment/State`` (see ``init(_:)``). A lease being
/// answered is still `leased` in the store until its answer is stored.
enum LeaseState: String, Sendable, CaseIterable {
    case leased, answering, answered, released, expired

    /// Whether a lease in this state may move to `next`.
    func canMove(to next: LeaseState) -> Bool {
        switch (self, next) {
        case (.leased, .answering), (.leased, .released), (.leased, .expired): true
        // An answer that could not be stored leaves the lease as it was; one refused ends it.
        case (.answering, .answered), (.answering, .leased), (.answering, .released): true
        default: false
        }
    }

    /// Leased or being answered: the lease still holds its place.
    var isLive: Bool { self == .leased || self == .answering }

    /// The queue's state for a lease the store records as `state`: a skip is, to the queue, a
    /// lease handed back (its reason is kept only in the store).
    init(_ state: Assignment.State) {
        switch state {
        case .leased: self = .leased
        case .answered: self = .answered
        case .skipped, .released: self = .released
        case .expired: self = .expired
        }
    }
}

extension WorkQueue {
    /// A microtask served to one operator, as the queue keeps it while it is live.
    struct Lease: Sendable, Equatable {
        var assignmentId: Int64
        var taskId: Int64
        var operatorId: Int64
        var leasedAt: Date
        var expiresAt: Date
        var state: LeaseState

        /// Moves to `next` when the state machine allows it; false (and no change) otherwise.
        mutating func move(to next: LeaseState) -> Bool {
            guard state.canMove(to: next) else { return false }
            state = next
            return true
        }
    }
}
