// What operators do, told to whoever listens: the coach's live view and alerts.
import Foundation

extension LabEngine {
    /// Calls `observer` after each change in an operator's work: a shift started or changed,
    /// a task served, answered or skipped. Observers must be quick; they run on the request.
    public func observe(_ observer: @escaping @Sendable (Int64, LabActivity) -> Void) {
        observers.withLock { $0.append(observer) }
    }

    func notify(_ operatorId: Int64, _ activity: LabActivity) {
        for observer in observers.withLock({ $0 }) { observer(operatorId, activity) }
    }
}

/// Something an operator did, or that happened to their shift.
public enum LabActivity: Sendable, Equatable {
    case shiftStarted(shiftId: Int64)
    case shiftChanged
    case served
    /// An answer was stored; `secondsPastBlockEnd` when it came after its block had ended.
    case answered(secondsPastBlockEnd: Double?)
    case skipped
}
