// The coach's statement for one of their operators' work record: read it with its state, and write it.
import AnnolabCore
import AnnolabStore
import Foundation
import Hummingbird

extension CoachRoutes {
    /// The longest statement, in characters after trimming: about half a printed page.
    static let statementLimit = 2000

    /// The operator's statement with its state: waiting for agreement, agreed, or a change asked.
    @Sendable func statement(_ request: Request, context: LabRequestContext) async throws -> StatementView {
        let profile = try await ownOperator(context)
        guard let statement = try await store.coachStatement(operatorId: profile.operatorId) else {
            throw LabError(.notFound, "no_statement", "You have not written a statement for this operator yet.")
        }
        return StatementView(statement)
    }

    /// Writes the statement as plain text; a changed text waits for the operator to agree again.
    @Sendable func writeStatement(_ request: Request, context: LabRequestContext) async throws -> StatementView {
        let profile = try await ownOperator(context)
        let body = try await request.decode(as: TextBody.self, context: context)
        let text = try Self.checkedText(body.text, limit: Self.statementLimit)
        return StatementView(try await store.writeCoachStatement(operatorId: profile.operatorId, coachId: try context.requireUserID(),
                                                                 body: text, at: engine.clock.now()))
    }
}
