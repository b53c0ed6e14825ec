// The API rows of the operator's own record, the skill ladder and erasure.
import AnnolabCore
import Foundation

extension APIRoutes {
    /// The language of the ladder's step names: the page's, else the account's own.
    static let ladderLanguage = OpenAPI.Parameter.query("language", .cases(["en", "nl"]), "The language of the step names; without it, the account's.")

    static let record: [APIRoute] = [
        APIRoute(.get, "/api/v1/me/record", "myRecord",
                 "The operator's own record of work as JSON (it validates against Web/record.schema.json): paid time per month as the pay ledger counts it, kinds done, quality per kind and month, skills, practice, pauses, the agreed coach's statement.",
                 .role(.operator), answer: .json(200, .encoded(OperatorRecord.self))),
        APIRoute(.get, "/api/v1/me/record.html", "myRecordPage",
                 "The same record as a printable certificate (one or two A4 pages) in the operator's language.", .role(.operator),
                 answer: .media(200, ["text/html": .string], "The page.")),
        APIRoute(.get, "/api/v1/me/ladder", "myLadder",
                 "The skill ladder as the operator stands on it: steps reached, and the next step with the practice done and needed.",
                 .role(.operator), query: [Self.ladderLanguage], answer: .json(200, .encoded(LabEngine.LadderProgress.self)),
                 errors: [400: "A language other than en or nl.", 404: "The lab has no skill ladder (no_ladder)."]),
        APIRoute(.post, "/api/v1/me/erasure", "askErasure",
                 "Ask for erasure: the administration closes the account, gives the record, then removes everything but pay records.",
                 .role(.operator), answer: .json(200, .encoded(RecordRoutes.ErasureAnswer.self))),
        APIRoute(.get, "/api/v1/coach/operators/{id}/skills", "operatorLadder",
                 "Where one of the coach's operators stands on the skill ladder.", .role(.coach), query: [Self.ladderLanguage],
                 answer: .json(200, .encoded(LabEngine.LadderProgress.self)),
                 errors: [400: "A language other than en or nl.", 404: "Not one of this coach's operators, or no ladder."]),
        APIRoute(.post, "/api/v1/coach/operators/{id}/skills", "openStep",
                 "Open a step of the skill ladder for one of the coach's operators. A step never closes by itself.", .role(.coach),
                 body: .json(RecordRoutes.OpenStep.self), answer: .json(200, .encoded(LabEngine.LadderProgress.self), "The ladder now."),
                 errors: [404: "Not one of this coach's operators.", 422: "A step the ladder does not have (unknown_step)."]),
        APIRoute(.get, "/api/v1/admin/operators/{id}/record", "operatorRecord",
                 "Any operator's record, also of a closed account until it is erased.", .role(.admin),
                 query: [.query("format", .cases(["json", "html"]), "html: the printable page.")],
                 answer: .media(200, ["application/json": .encoded(OperatorRecord.self), "text/html": .string], "The record."),
                 errors: [404: "No such operator."]),
        APIRoute(.get, "/api/v1/admin/settings/record", "recordSettings",
                 "The lab's name and place on operators' records, and whether the records name the clients.", .role(.admin),
                 answer: .json(200, .encoded(RecordBuilder.LabFacts.self))),
        APIRoute(.put, "/api/v1/admin/settings/record", "changeRecordSettings",
                 "Change the lab's name and place on operators' records, and whether they name the clients (showClients).",
                 .role(.admin), body: .json(RecordBuilder.LabFacts.self, refine: ["name": JSONSchema.string.atLeast(1).atMost(120),
                                                                                 "place": JSONSchema.string.atMost(120)]),
                 answer: .json(200, .encoded(RecordBuilder.LabFacts.self)),
                 errors: [422: "No name, or a name or place longer than 120 characters."]),
        APIRoute(.get, "/api/v1/admin/ladder", "ladderSetting", "Whether the skill ladder decides which kinds each operator is served.",
                 .role(.admin), answer: .json(200, .encoded(RecordRoutes.LadderSwitch.self))),
        APIRoute(.put, "/api/v1/admin/ladder", "setLadder",
                 "Turn the skill ladder on (operators keep the steps of the kinds they already worked on) or off.", .role(.admin),
                 body: .json(RecordRoutes.LadderSwitch.self), answer: .json(200, .encoded(RecordRoutes.LadderSwitch.self)),
                 errors: [422: "The lab has no Tasks/skill-ladder.json (no_ladder)."]),
        APIRoute(.post, "/api/v1/admin/operators/{id}/erase", "eraseOperator",
                 "Erase a closed operator account: name, birthdate, shifts, paid time and rates stay for payroll; answers stay in the labels under a pseudonym no row links to the person; the rest is removed.",
                 .role(.admin), answer: .json(200, .encoded(RecordRoutes.ErasureAnswer.self)),
                 errors: [404: "No such operator.", 409: "The account is still open (account_open), or was erased already."]),
    ]
}
