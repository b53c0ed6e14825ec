// The skill ladder in the engine: which steps each operator reached, read once and kept.
import AnnolabCore
import AnnolabStore
import Foundation
import Synchronization

/// The lab's ladder, whether it is on, and the steps each operator reached (a cache of the
/// `skill` table: losing it costs one read per operator).
final class SkillBook: Sendable {
    struct State {
        var ladder: SkillLadder?
        var enabled = false
        var reached: [Int64: Set<String>] = [:]
    }

    let state = Mutex(State())

    /// What an operator may be served while the ladder is on.
    struct Gate: Sendable, Equatable {
        /// Kinds of the steps reached, and kinds on no step.
        var open: Set<TaskKind>
        /// Kinds of the next step, served as practice questions only.
        var practice: Set<TaskKind>
    }

    /// The ladder when it is on.
    var activeLadder: SkillLadder? {
        state.withLock { $0.enabled ? $0.ladder : nil }
    }

    func reached(_ operatorId: Int64) -> Set<String>? {
        state.withLock { $0.reached[operatorId] }
    }

    func remember(_ operatorId: Int64, reached: Set<String>) {
        state.withLock { $0.reached[operatorId] = reached }
    }

    func add(_ step: String, for operatorId: Int64) {
        state.withLock { state in
            if state.reached[operatorId] != nil { state.reached[operatorId]?.insert(step) }
        }
    }

    static func gate(_ ladder: SkillLadder, reached: Set<String>) -> Gate {
        let open = ladder.openKinds(reached: reached)
        guard let next = ladder.nextStep(reached: reached), next.practice?.fromEarlierSteps != true else {
            return Gate(open: open, practice: [])
        }
        return Gate(open: open, practice: Set(next.kinds).subtracting(open))
    }
}
