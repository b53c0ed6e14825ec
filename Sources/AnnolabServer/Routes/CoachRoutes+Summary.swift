// The coach's weekly summary of one operator, made by WeekSummaryService.
import AnnolabStore
import Foundation
import Hummingbird

extension CoachRoutes {
    /// The names the OpenAPI description knows the summary's parts by.
    typealias Summary = WeekSummary
    typealias KindCount = WeekSummary.KindCount
    typealias DayQuality = WeekSummary.DayQuality

    /// Hours, task kinds, quality by day, pauses and alerts of one week (`?week=` a date in it).
    @Sendable func summary(_ request: Request, context: LabRequestContext) async throws -> WeekSummary {
        let profile = try await ownOperator(context)
        return try await WeekSummaryService(store: store, engine: engine, pay: pay)
            .summary(operatorId: profile.operatorId, weekOf: request.uri.queryParameters["week"].map(String.init))
    }
}
