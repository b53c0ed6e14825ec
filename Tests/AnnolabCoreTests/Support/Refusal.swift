// The LabError a piece of code refuses with, for tests that check the plain reason given.
import AnnolabCore
import Testing

/// The `LabError` thrown by `body`, or nil when it succeeds; any other error is recorded as an issue.
func labRefusal(_ body: () throws -> Void) -> LabError? {
    do {
        try body()
        return nil
    } catch let error as LabError {
        return error
    } catch {
        Issue.record("unexpected error \(error)")
        return nil
    }
}
