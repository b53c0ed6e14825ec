// Client feedback for the coach: the list, and forwarding or dismissing an item for their group.
import AnnolabCore
import AnnolabStore
import Foundation
import Hummingbird

extension CoachRoutes {
    struct FeedbackView: ResponseEncodable, Codable {
        var id: Int64
        var projectName: String
        var kind: String
        var text: String
        var createdAt: Date
        var status: String

        init(_ item: FeedbackRecord, projectName: String) throws {
            id = try item.id.required("feedback")
            self.projectName = projectName
            kind = item.kind
            text = item.body
            createdAt = item.createdAt
            status = item.status
        }
    }

    struct FeedbackList: ResponseEncodable {
        var feedback: [FeedbackView]
    }

    /// What a coach does with an item: pass it on to chosen operators in their own words, or not.
    enum DecisionAction: String, Codable, CaseIterable {
        case forward, dismiss
    }

    struct Decision: Decodable {
        var action: String
        var text: String?
        var operators: [Int64]?
    }

    /// Every item with this coach's decision; `?status=` keeps those in one state.
    @Sendable func feedback(_ request: Request, context: LabRequestContext) async throws -> FeedbackList {
        var status: FeedbackStatus?
        if let raw = request.uri.queryParameters["status"] {
            guard let known = FeedbackStatus(rawValue: String(raw)) else {
                throw LabError(.badRequest, "invalid_status", "Give ?status= as pending, forwarded or dismissed.")
            }
            status = known
        }
        let coachId = try context.requireUserID()
        return FeedbackList(feedback: try await store.feedback(coachId: coachId, status: status).map { item, name in
            try FeedbackView(item, projectName: name)
        })
    }

    @Sendable func decideFeedback(_ request: Request, context: LabRequestContext) async throws -> FeedbackView {
        let coachId = try context.requireUserID()
        let notFound = LabError(.notFound, "feedback_not_found", "There is no such feedback.")
        let id = try context.parameters.requireID(else: notFound)
        let decision = try await request.decode(as: Decision.self, context: context)
        guard let action = DecisionAction(rawValue: decision.action) else {
            throw LabError(.unprocessable, "invalid_decision", "Choose forward or dismiss.")
        }
        var text = ""
        if action == .forward {
            text = try Self.checkedText(decision.text ?? "", limit: 500)
            let group = try await ownGroup(coachId: coachId)
            guard let chosen = decision.operators, !chosen.isEmpty else {
                throw LabError(.unprocessable, "invalid_decision", "Choose one or more operators from your own group.")
            }
            guard Set(chosen).isSubset(of: group) else { throw Self.operatorNotFound }
        }
        guard let item = try await store.decideFeedback(id: id, coachId: coachId, forward: action == .forward, text: text,
                                                        operatorIds: decision.operators ?? [], at: engine.clock.now()) else {
            throw notFound
        }
        return try FeedbackView(item, projectName: try await store.project(id: item.projectId)?.name ?? "")
    }
}
