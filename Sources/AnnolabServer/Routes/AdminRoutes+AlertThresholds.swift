// The admin's alert thresholds: reading and changing the figures the coach's alerts are raised by.
import AnnolabCore
import AnnolabStore
import Foundation
import Hummingbird

extension AdminRoutes {
    /// `GET` and `PUT /api/v1/admin/settings/alerts`: the lab's ``LoadThresholds``, kept by the
    /// coach's monitor, which applies a change from its next look at each operator.
    struct AlertThresholds {
        let monitor: CoachMonitor

        func register(on router: LabRouter) {
            let group = router.group("api/v1/admin/settings").add(middleware: RoleMiddleware(.admin))
            group.get("alerts", use: thresholds)
            group.put("alerts", use: setThresholds)
        }

        @Sendable func thresholds(_ request: Request, context: LabRequestContext) async throws -> LoadThresholds {
            monitor.currentThresholds
        }

        @Sendable func setThresholds(_ request: Request, context: LabRequestContext) async throws -> LoadThresholds {
            let body = try await request.decode(as: LoadThresholds.self, context: context)
            return try await monitor.setThresholds(body, actor: try context.requireUserID())
        }
    }
}
