// Ratings of instructions: the operator's one-key answer, the coach's moderation, the client's figures.
import AnnolabCore
import AnnolabStore
import Foundation
import Hummingbird

/// "Were the instructions clear?" from three sides.
///
/// An operator rates the instructions of a task they answered or skipped (once per task, with an
/// optional comment); a coach passes comments on or dismisses them; a client sees the share of
/// "unclear" per version of a project's instructions and the comments a coach passed, never a
/// name or an operator's id, and changes the instructions, which makes a new version.
///
/// ```
/// POST /api/v1/assignments/41/rating   {"clear": false, "comment": "Is a van a car?"}
/// GET  /api/v1/coach/ratings
/// POST /api/v1/coach/ratings/7         {"decision": "pass"}
/// GET  /api/v1/projects/3/ratings
/// PUT  /api/v1/projects/3/instructions {"instructions": {"nl": ["..."], "en": ["..."]}}
/// ```
struct RatingRoutes {
    let store: any LabStoring
    let clock: any LabClock

    /// The longest comment taken, in characters after trimming.
    static let commentLimit = 1000

    func register(on router: LabRouter) {
        router.group("api/v1/assignments").add(middleware: RoleMiddleware(.operator)).post("{id}/rating", use: rate)
        let coach = router.group("api/v1/coach/ratings").add(middleware: RoleMiddleware(.coach))
        coach.get(use: pending)
        coach.post("{id}", use: decide)
        let client = router.group("api/v1/projects").add(middleware: RoleMiddleware(.client))
        client.get("{id}/ratings", use: summary)
        client.put("{id}/instructions", use: changeInstructions)
    }

    // MARK: Operator

    struct RatingRequest: Decodable {
        var clear: Bool
        var comment: String?
    }

    struct Rated: ResponseEncodable, Codable {
        var ok = true
    }

    @Sendable func rate(_ request: Request, context: LabRequestContext) async throws -> EditedResponse<Rated> {
        let userId = try context.requireUserID()
        let id = try context.parameters.requireID(else: LabError(.notFound, "assignment_not_found", "There is no such task."))
        let body = try await request.decode(as: RatingRequest.self, context: context)
        let comment = body.comment?.trimmingCharacters(in: .whitespacesAndNewlines)
        if let comment, comment.count > Self.commentLimit {
            throw LabError(.unprocessable, "comment_too_long",
                           "Please keep the comment to \(Self.commentLimit) characters; it has \(comment.count).")
        }
        _ = try await store.rateInstructions(operatorId: userId, assignmentId: id, clear: body.clear,
                                             comment: comment?.isEmpty == false ? comment : nil, at: clock.now())
        return EditedResponse(status: .created, response: Rated())
    }

    // MARK: Coach

    /// A comment waiting for a coach: what it says and on which project, never who wrote it.
    struct PendingView: Codable {
        var id: Int64
        var projectId: Int64
        var projectName: String
        var version: Int
        var clear: Bool
        var text: String
        var createdAt: Date
    }

    struct PendingList: ResponseEncodable, Codable {
        var ratings: [PendingView]
    }

    enum Decision: String, Codable, CaseIterable {
        case pass, dismiss
    }

    struct DecisionRequest: Decodable {
        var decision: String
    }

    struct Decided: ResponseEncodable, Codable {
        var id: Int64
        /// passed or dismissed.
        var status: String
    }

    @Sendable func pending(_ request: Request, context: LabRequestContext) async throws -> PendingList {
        _ = try context.requireUserID()
        return PendingList(ratings: try await store.pendingComments().map { item in
            PendingView(id: item.id, projectId: item.projectId, projectName: item.projectName, version: item.instructionsVersion,
                        clear: item.clear, text: item.text, createdAt: item.createdAt)
        })
    }

    @Sendable func decide(_ request: Request, context: LabRequestContext) async throws -> Decided {
        let coachId = try context.requireUserID()
        let notFound = LabError(.notFound, "rating_not_found", "There is no such comment.")
        let id = try context.parameters.requireID(else: notFound)
        let body = try await request.decode(as: DecisionRequest.self, context: context)
        guard let decision = Decision(rawValue: body.decision) else {
            throw LabError(.unprocessable, "invalid_decision", "Choose pass or dismiss.")
        }
        guard let rating = try await store.decideComment(id: id, coachId: coachId, pass: decision == .pass, at: clock.now()),
              let status = rating.commentStatus else {
            throw notFound
        }
        return Decided(id: id, status: status.rawValue)
    }

    // MARK: Client

    /// How clear operators found a project's instructions. The top figures are those of the
    /// current version, so that a client sees whether a change helped; `versions` has each one.
    struct Summary: ResponseEncodable, Codable {
        struct Version: Codable {
            var version: Int
            var ratings: Int
            var unclear: Int
        }

        /// A comment a coach passed on: its words, never its writer.
        struct Comment: Codable {
            var text: String
            var clear: Bool
            var version: Int
            var createdAt: Date
        }

        var version: Int
        var ratings: Int
        var unclear: Int
        /// Null while the current version has no ratings.
        var unclearShare: Double?
        var versions: [Version]
        var comments: [Comment]

        enum CodingKeys: String, CodingKey {
            case version, ratings, unclear, unclearShare, versions, comments
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(version, forKey: .version)
            try container.encode(ratings, forKey: .ratings)
            try container.encode(unclear, forKey: .unclear)
            // Always there, null when there is nothing to divide.
            try container.encode(unclearShare, forKey: .unclearShare)
            try container.encode(versions, forKey: .versions)
            try container.encode(comments, forKey: .comments)
        }
    }

    @Sendable func summary(_ request: Request, context: LabRequestContext) async throws -> Summary {
        let project = try await ownProject(context)
        let projectId = try project.id.required("project")
        let current = try await store.instructionsVersion(projectId: projectId) ?? 1
        let figures = try await store.ratingSummary(projectId: projectId)
        let now = figures.versions.first { $0.version == current }
        let ratings = now?.ratings ?? 0, unclear = now?.unclear ?? 0
        return Summary(version: current, ratings: ratings, unclear: unclear,
                       unclearShare: ratings == 0 ? nil : Double(unclear) / Double(ratings),
                       versions: figures.versions.map { Summary.Version(version: $0.version, ratings: $0.ratings, unclear: $0.unclear) },
                       comments: figures.comments.map { Summary.Comment(text: $0.text, clear: $0.clear, version: $0.version,
                                                                        createdAt: $0.createdAt) })
    }

    struct InstructionsChange: Decodable {
        var instructions: TaskTemplate.Lines
    }

    struct InstructionsView: ResponseEncodable, Codable {
        var version: Int
        var instructions: TaskTemplate.Lines
    }

    /// New instructions for operators: a new version, which every operator hears of once with
    /// their next task of the project. The same text again changes nothing.
    @Sendable func changeInstructions(_ request: Request, context: LabRequestContext) async throws -> InstructionsView {
        let user = try context.requireUser()
        let project = try await ownProject(context)
        let projectId = try project.id.required("project")
        let lines = try await request.decode(as: InstructionsChange.self, context: context).instructions
        for list in [lines.nl, lines.en] {
            guard (1...30).contains(list.count),
                  list.allSatisfy({ !$0.trimmingCharacters(in: .whitespaces).isEmpty && $0.count <= 300 }) else {
                throw LabError(.unprocessable, "invalid_instructions",
                               "Instructions need 1 to 30 lines in Dutch and in English, each of 1 to 300 characters.")
            }
        }
        let trimmed = TaskTemplate.Lines(nl: lines.nl.map { $0.trimmingCharacters(in: .whitespaces) },
                                         en: lines.en.map { $0.trimmingCharacters(in: .whitespaces) })
        let json = String(decoding: try JSONEncoder().encode(trimmed), as: UTF8.self)
        let unchanged = try project.instructions.map { try JSONDecoder().decode(TaskTemplate.Lines.self, from: Data($0.utf8)) } == trimmed
        let version = unchanged
            ? try await store.instructionsVersion(projectId: projectId) ?? 1
            : try await store.changeInstructions(projectId: projectId, to: json, actor: user.id, at: clock.now())
        return InstructionsView(version: version, instructions: trimmed)
    }

    /// The project of the path's `{id}` when it belongs to the signed-in client; 404 otherwise,
    /// as in every client route, so that one client cannot learn which ids another has.
    func ownProject(_ context: LabRequestContext) async throws -> Project {
        let user = try context.requireUser()
        let notFound = LabError(.notFound, "project_not_found", "There is no project \(context.parameters.get("id") ?? "") among your projects.")
        guard let clientId = user.clientId else {
            throw LabError(.forbidden, "no_client", "This account is not linked to a client company. Ask the lab's admin.")
        }
        guard let project = try await store.project(id: try context.parameters.requireID(else: notFound)),
              project.clientId == clientId else {
            throw notFound
        }
        return project
    }
}

extension RatingRoutes {
    /// The client's figures as `Summary` writes them: `unclearShare` is always there, null
    /// while the current version has no ratings.
    static var summarySchema: JSONSchema {
        let whole = JSONSchema.integer
        return .object(required: [
            "version": whole, "ratings": whole, "unclear": whole, "unclearShare": JSONSchema.number.orNull,
            "versions": .array(.object(required: ["version": whole, "ratings": whole, "unclear": whole])),
            "comments": .array(.object(required: ["text": .string, "clear": .boolean, "version": whole, "createdAt": .dateTime])),
        ])
    }
}
