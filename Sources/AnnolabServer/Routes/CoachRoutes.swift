// The coach's route group: what it registers, and the check that an operator is in the coach's own group.
import AnnolabCore
import AnnolabStore
import Foundation
import Hummingbird

/// Routes for job coaches. A coach sees only the operators in their own group; another
/// coach's operator is 404, as if it did not exist.
///
/// Each concept has its own file: `CoachRoutes+Operators` (cards, live events, profile,
/// shifts), `+Alerts`, `+Messages` (messages and private notes), `+ProjectAccess` (new datasets
/// and who gets them), `+Feedback` (client feedback), `+Summary` (the weekly summary) and
/// `+Statement` (the statement for the operator's work record).
struct CoachRoutes {
    let store: any LabStoring
    let engine: LabEngine
    let monitor: CoachMonitor
    let pay: PayService

    func register(on router: LabRouter) {
        let group = router.group("api/v1/coach").add(middleware: RoleMiddleware(.coach))
        group.get("operators", use: operators)
        group.get("events", use: events)
        group.get("alerts", use: alerts)
        group.post("alerts/{id}/acknowledge", use: acknowledge)
        group.put("operators/{id}/profile", use: changeProfile)
        group.post("operators/{id}/shift/start", use: startShift)
        group.post("operators/{id}/shift/end", use: endShift)
        group.post("operators/{id}/messages", use: sendMessage)
        group.get("operators/{id}/notes", use: notes)
        group.post("operators/{id}/notes", use: addNote)
        group.get("operators/{id}/summary", use: summary)
        group.get("operators/{id}/statement", use: statement)
        group.put("operators/{id}/statement", use: writeStatement)
        group.get("notifications", use: notifications)
        group.get("projects/{id}/operators", use: projectOperators)
        group.put("projects/{id}/operators", use: setProjectOperators)
        group.get("feedback", use: feedback)
        group.post("feedback/{id}", use: decideFeedback)
    }

    static let operatorNotFound = LabError(.notFound, "operator_not_found", "There is no operator with this id in your group.")

    /// The operator id in the path, when the operator is in this coach's group; else 404.
    func ownOperator(_ context: LabRequestContext) async throws -> OperatorProfile {
        let coachId = try context.requireUserID()
        let id = try context.parameters.requireID(else: Self.operatorNotFound)
        guard let profile = try await store.profile(operatorId: id), profile.coachId == coachId else {
            throw Self.operatorNotFound
        }
        return profile
    }

    /// The ids of this coach's operators, for checking a list of operators a coach sent.
    func ownGroup(coachId: Int64) async throws -> Set<Int64> {
        Set(try await store.operators(ofCoach: coachId).compactMap(\.id))
    }
}

extension OperatorProfile: ResponseEncodable {}
extension OperatorCard: ResponseEncodable {}
extension AlertView: ResponseEncodable {}
extension LoadThresholds: ResponseEncodable {}
