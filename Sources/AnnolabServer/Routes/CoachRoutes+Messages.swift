// The coach's words: a message to one of their operators, and private notes about them.
import AnnolabCore
import AnnolabStore
import Foundation
import Hummingbird

extension CoachRoutes {
    struct TextBody: Decodable {
        var text: String
    }

    struct MessageView: ResponseEncodable {
        var id: Int64
        var text: String
        var createdAt: Date
    }

    struct NoteList: ResponseEncodable {
        var notes: [MessageView]
    }

    /// A text trimmed of surrounding space, refused when empty or longer than `limit`.
    static func checkedText(_ text: String, limit: Int) throws -> String {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty, trimmed.count <= limit else {
            throw LabError(.unprocessable, "invalid_text", "Write 1 to \(limit) characters.")
        }
        return trimmed
    }

    @Sendable func sendMessage(_ request: Request, context: LabRequestContext) async throws -> EditedResponse<MessageView> {
        let profile = try await ownOperator(context)
        let body = try await request.decode(as: TextBody.self, context: context)
        let message = try await store.addMessage(operatorId: profile.operatorId, senderId: try context.requireUserID(),
                                                 body: try Self.checkedText(body.text, limit: 500), at: engine.clock.now())
        return EditedResponse(status: .created, response: MessageView(id: try message.id.required("message"), text: message.body,
                                                                      createdAt: message.createdAt))
    }

    /// This coach's own notes about the operator, newest first.
    @Sendable func notes(_ request: Request, context: LabRequestContext) async throws -> NoteList {
        let profile = try await ownOperator(context)
        let list = try await store.notes(operatorId: profile.operatorId, coachId: try context.requireUserID())
        return NoteList(notes: try list.map { MessageView(id: try $0.id.required("note"), text: $0.body, createdAt: $0.createdAt) })
    }

    @Sendable func addNote(_ request: Request, context: LabRequestContext) async throws -> EditedResponse<MessageView> {
        let profile = try await ownOperator(context)
        let body = try await request.decode(as: TextBody.self, context: context)
        let note = try await store.addNote(operatorId: profile.operatorId, coachId: try context.requireUserID(),
                                           body: try Self.checkedText(body.text, limit: 4000), at: engine.clock.now())
        let noteId = try note.id.required("note")
        try await store.audit(actor: note.coachId, action: "note.add", subject: "user:\(note.operatorId)", detail: "private note \(noteId)")
        return EditedResponse(status: .created, response: MessageView(id: noteId, text: note.body, createdAt: note.createdAt))
    }
}
