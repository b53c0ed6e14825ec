// The operator's routes: the shift, the next task, answers, skips.
import AnnolabCore
import AnnolabStore
import Foundation
import Hummingbird
import Synchronization

/// Routes for operators. The engine decides; these routes only translate to and from HTTP.
struct OperatorRoutes {
    let engine: LabEngine
    let templates: TemplateCatalog?
    let intros = IntroCache()

    /// The encoded task introductions per project and kind.
    final class IntroCache: Sendable {
        let entries = Mutex<[String: (labels: [String], json: String)]>([:])
        func get(_ key: String) -> (labels: [String], json: String)? { entries.withLock { $0[key] } }
        func set(_ key: String, _ value: (labels: [String], json: String)) { entries.withLock { $0[key] = value } }
    }

    func register(on router: LabRouter) {
        let shift = router.group("api/v1/shift").add(middleware: RoleMiddleware(.operator))
        shift.get { _, context in try await engine.shift(operatorId: try context.requireUserID()) }
        shift.post("start") { _, context in
            let userId = try context.requireUserID()
            return try await engine.startShift(operatorId: userId, startedBy: userId)
        }
        shift.post("pause") { _, context in try await engine.pause(operatorId: try context.requireUserID()) }
        shift.post("resume") { _, context in try await engine.resume(operatorId: try context.requireUserID()) }
        shift.post("end") { _, context in try await engine.endShift(operatorId: try context.requireUserID(), byCoach: false) }

        router.group("api/v1/tasks").add(middleware: RoleMiddleware(.operator)).get("next", use: next)
        let me = router.group("api/v1/me").add(middleware: RoleMiddleware(.operator))
        me.get("quality", use: quality)
        me.get("messages", use: messages)
        me.post("messages/{id}/read", use: readMessage)
        let assignments = router.group("api/v1/assignments").add(middleware: RoleMiddleware(.operator))
        assignments.post("{id}/answer", use: answer)
        assignments.post("{id}/skip", use: skip)
        assignments.post("{id}/release", use: release)
        assignments.post("{id}/renew", use: renew)
    }

    /// The parts of a task that come from its project and template, encoded once per project.
    struct TaskIntro: Encodable {
        var title: TaskTemplate.Text?
        var instructions: TaskTemplate.Lines?
        var examples: [TaskTemplate.Example]?
        var labels: [TaskTemplate.Label]
    }

    @Sendable func next(_ request: Request, context: LabRequestContext) async throws -> Response {
        let userId = try context.requireUserID()
        let served: LabEngine.Served?
        do {
            served = try await engine.next(operatorId: userId)
        } catch LabEngine.NotNow.pause(let resumesAt, let extraPause) {
            let resumesIn = resumesAt.map { engine.wallSeconds(from: engine.clock.now(), to: $0) }
            return try PauseReply(resumesAt: resumesAt, resumesInSeconds: resumesIn, extraPause: extraPause)
                .response(from: request, context: context)
        }
        guard let served else { return Response(status: .noContent) }
        // Which version of the instructions this task carries, and whether the operator has not had it before.
        let notice = try await engine.store.instructionsNotice(operatorId: userId, projectId: served.projectId)
        let intro = try await introJSON(for: served, version: notice.version)
        let changed = notice.changed ? #","instructionsChanged":true"# : ""
        let media = [served.payload.image?.url, served.payload.audio?.url].compactMap { $0 }
        let mediaJSON = FastText.jsonArray(media)
        let expiry = FastText.internetTime(served.leaseExpiresAt)
        // Spliced by hand: the stored payload goes out as it is, without being encoded again.
        let leaseSeconds = engine.wallSeconds(from: served.leasedAt, to: served.leaseExpiresAt)
        let body = #"{"assignment":{"id":\#(served.assignmentId),"leaseExpiresAt":"\#(expiry)","leaseSeconds":\#(leaseSeconds)},"task":{"id":\#(served.microtaskId),"kind":"\#(served.kind.rawValue)","projectId":\#(served.projectId),"media":\#(mediaJSON),"payload":\#(served.payloadJSON),\#(intro)\#(changed)}}"#
        return Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
                        body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    /// `"title":...,"instructions":...,"examples":...,"labels":...` for a project, made once per
    /// version of its instructions: a change of the instructions is a new key.
    func introJSON(for served: LabEngine.Served, version: Int = 1) async throws -> String {
        let key = "\(served.projectId)/\(served.kind.rawValue)/\(version)"
        if let cached = intros.get(key), cached.labels == served.labels { return cached.json }
        // The client's own instructions for the project's kind, else the template's; a project
        // made from a programme (thumbnail-choice, frame-boxes) speaks through its own template.
        let project = try await engine.store.project(id: served.projectId)
        let ownKind = served.kind == project?.template.workKind
        let template = (ownKind ? project.flatMap { templates?[$0.template] } : nil) ?? templates?[served.kind]
        let own = ownKind
            ? try project?.instructions.map { try JSONDecoder().decode(TaskTemplate.Lines.self, from: Data($0.utf8)) } : nil
        let labels = served.labels.map { id in
            template?.labels.first { $0.id == id } ?? TaskTemplate.Label(id: id, name: .init(nl: id, en: id))
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let object = String(decoding: try encoder.encode(TaskIntro(title: template?.title, instructions: own ?? template?.instructions,
                                                                   examples: template?.examples, labels: labels)), as: UTF8.self)
        let json = String(object.dropFirst().dropLast())
        intros.set(key, (served.labels, json))
        return json
    }

    /// The operator's own learning feedback: practice questions and agreement, never a ranking.
    @Sendable func quality(_ request: Request, context: LabRequestContext) async throws -> LearningFeedback {
        let userId = try context.requireUserID()
        let decoder = JSONDecoder()
        let entries = try await engine.store.answersInContext(operatorId: userId).compactMap { item -> LearningFeedback.Entry? in
            guard let mine = try? decoder.decode(AnswerBody.self, from: Data(item.answer.body.utf8)) else { return nil }
            let others = item.others.compactMap { try? decoder.decode(AnswerBody.self, from: Data($0.utf8)) }
            return .init(kind: item.kind, answer: mine, others: others, isGold: item.answer.isGold, goldCorrect: item.answer.goldCorrect)
        }
        return LearningFeedback.measure(entries)
    }

    struct MessageView: Codable {
        var id: Int64
        var text: String
        var from: String?
        var createdAt: Date
        var readAt: Date?
    }

    struct MessageList: ResponseEncodable {
        var messages: [MessageView]
    }

    /// Messages from the operator's coach (and client feedback the coach passed on), newest first.
    @Sendable func messages(_ request: Request, context: LabRequestContext) async throws -> MessageList {
        let userId = try context.requireUserID()
        return MessageList(messages: try await engine.store.messages(operatorId: userId).map { message, sender in
            MessageView(id: try message.id.required("message"), text: message.body, from: sender,
                        createdAt: message.createdAt, readAt: message.readAt)
        })
    }

    @Sendable func readMessage(_ request: Request, context: LabRequestContext) async throws -> Done {
        let userId = try context.requireUserID()
        let notFound = LabError(.notFound, "message_not_found", "There is no such message for you.")
        guard try await engine.store.markMessageRead(id: try context.parameters.requireID(else: notFound), operatorId: userId,
                                                     at: engine.clock.now()) else {
            throw notFound
        }
        return Done()
    }

    struct AnswerRequest: Decodable {
        var answer: AnswerBody
        var idempotencyKey: String?
    }

    @Sendable func answer(_ request: Request, context: LabRequestContext) async throws -> Response {
        let userId = try context.requireUserID()
        let id = try Self.assignmentId(context)
        let body = try await request.decode(as: AnswerRequest.self, context: context)
        if let key = body.idempotencyKey, key.isEmpty || key.count > 200 {
            throw LabError(.badRequest, "invalid_idempotency_key", "The idempotency key must have 1 to 200 characters.")
        }
        let result = try await engine.answer(operatorId: userId, assignmentId: id, answer: body.answer,
                                             idempotencyKey: body.idempotencyKey)
        return Response(status: result.repeated ? .ok : .created,
                        headers: [.contentType: "application/json; charset=utf-8"],
                        body: .init(byteBuffer: ByteBuffer(string: result.response)))
    }

    struct SkipRequest: Decodable {
        var reason: String?
    }

    struct Done: ResponseEncodable {
        var ok = true
        var leaseExpiresAt: Date?
        /// Wall-clock seconds the renewed lease lasts.
        var leaseSeconds: Double?
    }

    @Sendable func skip(_ request: Request, context: LabRequestContext) async throws -> Done {
        let userId = try context.requireUserID()
        let id = try Self.assignmentId(context)
        // The body may be left out; one that is sent must be a skip request.
        var buffer = try await request.body.collect(upTo: context.maxUploadSize)
        let body = buffer.readableBytes == 0
            ? SkipRequest() : try LabJSON.decoder.decode(SkipRequest.self, from: buffer.readData(length: buffer.readableBytes) ?? Data())
        try await engine.skip(operatorId: userId, assignmentId: id, reason: body.reason)
        return Done()
    }

    @Sendable func release(_ request: Request, context: LabRequestContext) async throws -> Done {
        try await engine.release(operatorId: try context.requireUserID(), assignmentId: try Self.assignmentId(context))
        return Done()
    }

    @Sendable func renew(_ request: Request, context: LabRequestContext) async throws -> Done {
        let until = try await engine.renew(operatorId: try context.requireUserID(), assignmentId: try Self.assignmentId(context))
        return Done(leaseExpiresAt: until, leaseSeconds: engine.wallSeconds(from: engine.clock.now(), to: until))
    }

    /// The `{id}` of an assignment route; one that is not a number names no task.
    static func assignmentId(_ context: LabRequestContext) throws -> Int64 {
        try context.parameters.requireID(else: LabError(.notFound, "assignment_not_found", "There is no such task."))
    }
}

extension LabEngine.ShiftView: ResponseEncodable {}
extension LearningFeedback: ResponseEncodable {}
