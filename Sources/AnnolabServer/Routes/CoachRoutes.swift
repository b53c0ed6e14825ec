// The coach's routes: their own operators only.
import AnnolabStore
import Foundation
import Hummingbird

/// Routes for job coaches. A coach sees only the operators in their own group.
struct CoachRoutes {
    let store: LabStore

    struct OperatorSummary: Codable, Sendable {
        var id: Int64
        var name: String
        var badge: String?
        var phase: String
        var profile: OperatorProfile?
    }

    struct OperatorList: ResponseEncodable {
        var operators: [OperatorSummary]
    }

    func register(on router: Router<LabRequestContext>) {
        let group = router.group("api/v1/coach").add(middleware: RoleMiddleware(.coach))
        group.get("operators", use: operators)
    }

    @Sendable func operators(_ request: Request, context: LabRequestContext) async throws -> OperatorList {
        let coach = try context.requireUser()
        var list: [OperatorSummary] = []
        for person in try await store.operators(ofCoach: coach.id!) {
            list.append(OperatorSummary(id: person.id!, name: person.name, badge: person.badge, phase: "off",
                                        profile: try await store.profile(operatorId: person.id!)))
        }
        return OperatorList(operators: list)
    }
}
