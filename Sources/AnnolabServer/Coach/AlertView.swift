// An alert as coaches read it: the stored alert with its operator's name and its figures unpacked.
import AnnolabStore
import Foundation

/// An alert as coaches read it, in the list, the weekly summary and the `alert` event.
///
/// ```swift
/// let views = try await AlertView.list(try await store.alerts(coachId: coachId), store: store)
/// ```
struct AlertView: Codable, Sendable {
    /// The figure that carries the reason in Dutch; the coach reads it beside the English one.
    static let dutchReasonFigure = "reasonNl"

    var id: Int64
    var `operator`: Int64
    var operatorName: String
    var kind: String
    var reason: String
    var reasonNl: String?
    var data: [String: String]
    var createdAt: Date
    var acknowledgedAt: Date?

    init(_ alert: AlertRecord, operatorName: String) throws {
        id = try alert.id.required("alert")
        `operator` = alert.operatorId
        self.operatorName = operatorName
        kind = alert.kind
        reason = alert.reason
        var figures = alert.figures
        reasonNl = figures.removeValue(forKey: Self.dutchReasonFigure)
        figures.removeValue(forKey: AlertRecord.keyFigure)
        data = figures
        createdAt = alert.createdAt
        acknowledgedAt = alert.acknowledgedAt
    }

    /// The views of many alerts, their operators' names read in one query.
    static func list(_ alerts: [AlertRecord], store: any LabStoring) async throws -> [AlertView] {
        let names = try await store.userNames(ids: Set(alerts.map(\.operatorId)))
        return try alerts.map { try AlertView($0, operatorName: names[$0.operatorId] ?? "") }
    }

    /// The view of one alert.
    static func one(_ alert: AlertRecord, store: any LabStoring) async throws -> AlertView {
        try AlertView(alert, operatorName: try await store.user(id: alert.operatorId)?.name ?? "")
    }
}
