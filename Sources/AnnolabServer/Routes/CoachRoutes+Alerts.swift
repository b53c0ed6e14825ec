// The coach's alerts: the list of their operators' alerts, and acknowledging one.
import AnnolabCore
import AnnolabStore
import Foundation
import Hummingbird

extension CoachRoutes {
    struct AlertList: ResponseEncodable {
        var alerts: [AlertView]
    }

    /// Open alerts, or with `?all=true` acknowledged ones too, newest first.
    @Sendable func alerts(_ request: Request, context: LabRequestContext) async throws -> AlertList {
        let coachId = try context.requireUserID()
        let all: Bool
        switch request.uri.queryParameters["all"].map(String.init) {
        case nil, "false": all = false
        case "true": all = true
        default: throw LabError(.badRequest, "invalid_all", "Give ?all= as true or false.")
        }
        return AlertList(alerts: try await AlertView.list(try await store.alerts(coachId: coachId, all: all), store: store))
    }

    @Sendable func acknowledge(_ request: Request, context: LabRequestContext) async throws -> AlertView {
        let coachId = try context.requireUserID()
        let notFound = LabError(.notFound, "alert_not_found", "There is no such alert for your group.")
        let id = try context.parameters.requireID(else: notFound)
        guard let alert = try await store.acknowledgeAlert(id: id, coachId: coachId, at: engine.clock.now()) else { throw notFound }
        return try await AlertView.one(alert, store: store)
    }
}
