// The operator's own record (JSON and printable page), the skill ladder, and erasure.
import AnnolabCore
import AnnolabStore
import Foundation
import Hummingbird

/// Routes for the record and the ladder. An operator sees only their own; a coach opens a
/// step only for their own operators; an admin makes anyone's record, also after they left.
struct RecordRoutes {
    let store: any LabStoring
    let engine: LabEngine
    let pay: PayService

    var builder: RecordBuilder { RecordBuilder(store: store, engine: engine, pay: pay) }

    func register(on router: LabRouter) {
        let me = router.group("api/v1/me").add(middleware: RoleMiddleware(.operator))
        me.get("record") { _, context in try await builder.build(operatorId: try context.requireUserID()) }
        me.get("record.html") { _, context in try await page(operatorId: try context.requireUserID()) }
        me.get("ladder", use: ladder)
        me.post("erasure", use: askErasure)
        // The printable page at its stable path: someone not signed in is sent to sign in first.
        router.get("me/record.html") { _, context in
            guard let user = context.user else {
                return Response(status: .seeOther, headers: [.location: "/"])
            }
            guard user.role == .operator else {
                throw LabError(.forbidden, "wrong_role", "This is for the operator role. You are signed in as \(user.role.rawValue).")
            }
            return try await page(operatorId: try context.requireUserID())
        }
        let coach = router.group("api/v1/coach/operators").add(middleware: RoleMiddleware(.coach))
        coach.get("{id}/skills", use: coachLadder)
        coach.post("{id}/skills", use: coachOpenStep)
        let admin = router.group("api/v1/admin").add(middleware: RoleMiddleware(.admin))
        admin.get("operators/{id}/record", use: adminRecord)
        admin.get("ladder", use: ladderSetting)
        admin.get("settings/record") { _, _ in try await builder.labFacts() }
        admin.put("settings/record", use: setLabFacts)
        admin.put("ladder", use: setLadder)
        admin.post("operators/{id}/erase", use: erase)
    }

    func page(operatorId: Int64) async throws -> Response {
        let record = try await builder.build(operatorId: operatorId)
        return Self.html(RecordPage.html(record, ladder: engine.ladder))
    }

    static func html(_ text: String) -> Response {
        Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
                 body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    /// The language asked for with `?language=` (the page's), else the person's own.
    static func language(_ request: Request, else own: String) throws -> String {
        guard let asked = request.uri.queryParameters.get("language") else { return own }
        guard ["en", "nl"].contains(asked) else {
            throw LabError(.badRequest, "invalid_language", "The language '\(asked)' is not en or nl.")
        }
        return asked
    }

    @Sendable func ladder(_ request: Request, context: LabRequestContext) async throws -> LabEngine.LadderProgress {
        let user = try context.requireUser()
        let language = try Self.language(request, else: user.language)
        guard let progress = try await engine.ladderProgress(operatorId: try context.requireUserID(), language: language) else {
            throw LabError(.notFound, "no_ladder", "This lab has no skill ladder.")
        }
        return progress
    }

    static let operatorNotFound = LabError(.notFound, "operator_not_found", "There is no such operator in your group.")

    /// The coach's own operator named by `{id}`; another coach's operator is not found.
    func ownOperator(_ context: LabRequestContext) async throws -> (id: Int64, language: String) {
        let coach = try context.requireUser()
        let id = try context.parameters.requireID(else: Self.operatorNotFound)
        guard let profile = try await store.profile(operatorId: id), profile.coachId == coach.id else { throw Self.operatorNotFound }
        return (id, coach.language)
    }

    @Sendable func coachLadder(_ request: Request, context: LabRequestContext) async throws -> LabEngine.LadderProgress {
        let (id, own) = try await ownOperator(context)
        let language = try Self.language(request, else: own)
        guard let progress = try await engine.ladderProgress(operatorId: id, language: language) else {
            throw LabError(.notFound, "no_ladder", "This lab has no skill ladder.")
        }
        return progress
    }

    struct OpenStep: Decodable {
        var step: String
    }

    /// A coach opens a step by hand; it stays open (nothing closes a step).
    @Sendable func coachOpenStep(_ request: Request, context: LabRequestContext) async throws -> LabEngine.LadderProgress {
        let (id, own) = try await ownOperator(context)
        let language = try Self.language(request, else: own)
        let body = try await request.decode(as: OpenStep.self, context: context)
        try await engine.openStep(operatorId: id, step: body.step, actor: try context.requireUserID())
        guard let progress = try await engine.ladderProgress(operatorId: id, language: language) else {
            throw LabError(.notFound, "no_ladder", "This lab has no skill ladder.")
        }
        return progress
    }

    /// Anyone's record, also of a closed account; `?format=html` gives the printable page.
    @Sendable func adminRecord(_ request: Request, context: LabRequestContext) async throws -> Response {
        let id = try context.parameters.requireID(else: LabError(.notFound, "operator_not_found", "There is no such operator."))
        switch request.uri.queryParameters.get("format") {
        case "html": return try await page(operatorId: id)
        case nil, "json": break
        case let other?: throw LabError(.badRequest, "invalid_format", "The format '\(other)' is not json or html.")
        }
        return try await builder.build(operatorId: id).response(from: request, context: context)
    }

    struct LadderSwitch: Codable, ResponseEncodable {
        var enabled: Bool
    }

    @Sendable func ladderSetting(_ request: Request, context: LabRequestContext) async throws -> LadderSwitch {
        LadderSwitch(enabled: engine.ladderEnabled)
    }

    /// Turns the ladder on (operators keep the steps of the kinds they already did) or off.
    @Sendable func setLadder(_ request: Request, context: LabRequestContext) async throws -> LadderSwitch {
        let body = try await request.decode(as: LadderSwitch.self, context: context)
        try await engine.setLadderEnabled(body.enabled, actor: try context.requireUserID())
        return LadderSwitch(enabled: engine.ladderEnabled)
    }
}

extension RecordRoutes {
    /// The lab's name and place on its records, and whether records name the clients.
    @Sendable func setLabFacts(_ request: Request, context: LabRequestContext) async throws -> RecordBuilder.LabFacts {
        var facts = try await request.decode(as: RecordBuilder.LabFacts.self, context: context)
        facts.name = facts.name.trimmingCharacters(in: .whitespacesAndNewlines)
        facts.place = facts.place?.trimmingCharacters(in: .whitespacesAndNewlines)
        if facts.place?.isEmpty == true { facts.place = nil }
        guard (1...120).contains(facts.name.count), (facts.place?.count ?? 0) <= 120 else {
            throw LabError(.unprocessable, "invalid_lab_name", "The lab's name needs 1 to 120 characters, and its place at most 120.")
        }
        try await store.setLabSetting(RecordBuilder.labKey, json: String(decoding: try JSONEncoder().encode(facts), as: UTF8.self),
                                      actor: try context.requireUserID())
        return facts
    }
}

extension RecordBuilder.LabFacts: ResponseEncodable {}
extension LabEngine.LadderProgress: ResponseEncodable {}
extension OperatorRecord: ResponseEncodable {}

extension RecordRoutes {
    struct ErasureAnswer: Codable, ResponseEncodable {
        var requested: Bool?
        var erased: Bool?
        var message: String
    }

    /// An operator asks for erasure; the admin closes the account, gives them their record and erases it.
    @Sendable func askErasure(_ request: Request, context: LabRequestContext) async throws -> ErasureAnswer {
        let id = try context.requireUserID()
        try await store.audit(actor: id, action: "erasure.requested", subject: "user:\(id)")
        return ErasureAnswer(requested: true, message: "Your request is with the lab's administration. You get your work record first; then everything but your pay records is removed.")
    }

    /// Erases a closed operator account: payroll rows stay, answers move to a pseudonym.
    @Sendable func erase(_ request: Request, context: LabRequestContext) async throws -> ErasureAnswer {
        let id = try context.parameters.requireID(else: LabError(.notFound, "operator_not_found", "There is no such operator."))
        let outcome = try await store.erase(operatorId: id, actor: try context.requireUserID(), at: engine.clock.now())
        return ErasureAnswer(erased: true, message: "Erased. Kept for payroll: name, birthdate, shifts, paid time and rates. \(outcome.answersMoved) answers stay in the clients' labels under a pseudonym.")
    }
}
