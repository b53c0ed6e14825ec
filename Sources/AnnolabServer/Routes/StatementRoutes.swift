// The operator's side of the coach's statement: read it, agree with it, or ask the coach for a change.
import AnnolabCore
import AnnolabStore
import Foundation
import Hummingbird

/// The coach's statement as both the coach and the operator read it. A field that has nothing
/// to say is left out: `agreedAt` only once the operator agreed with this text.
struct StatementView: Codable, ResponseEncodable {
    var text: String
    var writtenAt: Date
    var agreedAt: Date?
    var changeRequest: String?
    var changeRequestedAt: Date?

    init(_ statement: CoachStatement) {
        text = statement.body
        writtenAt = statement.writtenAt
        agreedAt = statement.agreedAt
        changeRequest = statement.changeRequest
        changeRequestedAt = statement.changeRequestedAt
    }
}

/// Routes for an operator's own statement, `/api/v1/me/statement`. The coach writes it
/// (``CoachRoutes``); the operator agrees before their record shows it, or asks for a change,
/// which reaches their coach as an alert.
///
/// ```
/// GET  /api/v1/me/statement          -> {"text": "...", "writtenAt": "..."}   (404 no_statement)
/// POST /api/v1/me/statement/agree    -> the statement with agreedAt
/// POST /api/v1/me/statement/change   {"request": "Please mention the subtitles."}
/// ```
struct StatementRoutes {
    let store: any LabStoring
    let clock: any LabClock
    let monitor: CoachMonitor

    /// The longest change request, in characters after trimming.
    static let requestLimit = 1000

    struct ChangeBody: Decodable {
        var request: String
    }

    func register(on router: LabRouter) {
        let me = router.group("api/v1/me/statement").add(middleware: RoleMiddleware(.operator))
        me.get(use: statement)
        me.post("agree", use: agree)
        me.post("change", use: askForChange)
    }

    @Sendable func statement(_ request: Request, context: LabRequestContext) async throws -> StatementView {
        guard let statement = try await store.coachStatement(operatorId: try context.requireUserID()) else {
            throw CoachStatement.missing
        }
        return StatementView(statement)
    }

    @Sendable func agree(_ request: Request, context: LabRequestContext) async throws -> StatementView {
        StatementView(try await store.agreeToCoachStatement(operatorId: try context.requireUserID(), at: clock.now()))
    }

    @Sendable func askForChange(_ request: Request, context: LabRequestContext) async throws -> StatementView {
        let operatorId = try context.requireUserID()
        let body = try await request.decode(as: ChangeBody.self, context: context)
        let text = try CoachRoutes.checkedText(body.request, limit: Self.requestLimit)
        let statement = try await store.askForStatementChange(operatorId: operatorId, request: text, at: clock.now())
        await tellCoach(operatorId: operatorId, request: text, at: statement.changeRequestedAt ?? clock.now())
        return StatementView(statement)
    }

    /// The change request becomes an alert for the operator's coach, in their list and live on
    /// their page. The request is kept either way, so a failure here is only logged.
    func tellCoach(operatorId: Int64, request: String, at moment: Date) async {
        do {
            guard let coachId = try await store.profile(operatorId: operatorId)?.coachId else { return }
            let data = [AlertView.dutchReasonFigure: "Vraagt een wijziging in je verklaring: \u{201C}\(request)\u{201D}"]
            guard let alert = try await store.addAlertOnce(
                operatorId: operatorId, kind: "statement-change", key: "statement-\(moment.timeIntervalSince1970)",
                reason: "Asks for a change in your statement: \u{201C}\(request)\u{201D}", data: data, at: moment) else { return }
            monitor.events.send(.alert, try await AlertView.one(alert, store: store), toCoach: coachId)
        } catch {
            monitor.logger.error("A change request could not reach the coach", metadata: ["operator": "\(operatorId)", "error": "\(error)"])
        }
    }
}
