// The lab's HTTP API in one table: every route the server serves, what it reads and what it answers.
import AnnolabCore
import AnnolabStore
import Foundation

/// Every API route, one row each. A new route adds a row here; OpenAPISyncTests fails while a
/// served route has none, and OpenAPIDocumentTests checks the request bodies against the
/// Codable types the routes decode.
enum APIRoutes {
    static var all: [APIRoute] {
        meta + signIn + client + model + media + operatorWork + coach + admin + record
    }

    static let meta: [APIRoute] = [
        APIRoute(.get, "/healthz", "health", "Says ok when the server is up.", .everyone,
                 answer: .media(200, ["text/plain": .cases(["ok"])], "The server is up.")),
        APIRoute(.get, "/metrics", "metrics", "Request counters and durations, uptime and the lab's gauges (operators on shift, open leases, queue depth, commit batch size) in Prometheus text format.", .everyone,
                 answer: .media(200, ["text/plain": .string], "Counters by status, time spent, uptime.")),
        APIRoute(.get, "/api/v1/openapi.json", "openapi", "This document.", .everyone,
                 answer: .json(200, .object(required: ["openapi": .string, "info": .anything, "paths": .anything,
                                                       "components": .anything], optional: ["tags": .anything]))),
    ]

    static let signIn: [APIRoute] = [
        APIRoute(.post, "/api/v1/login", "login", "Sign in with a badge, or with email and password.", .everyone,
                 body: .json(AuthRoutes.LoginRequest.self, alternatives: [
                     .object(required: ["badge": JSONSchema.string.atLeast(1)]),
                     .object(required: ["email": .string, "password": .string]),
                 ]),
                 answer: .json(200, ResponseSchemas.login, "Signed in; the session cookie is set too."),
                 errors: [400: "Neither a badge nor email and password, or not JSON.",
                          401: "An unknown badge, or a wrong email or password.",
                          429: "Ten failed sign-ins from this address or for this email within ten minutes: wait a while."]),
        APIRoute(.post, "/api/v1/logout", "logout", "Sign out; the session or token used ends at once.", .everyone,
                 answer: .empty(204, "Signed out; the session cookie is cleared.")),
        APIRoute(.get, "/api/v1/me", "me", "Who is signed in.", .signedIn, answer: .json(200, ResponseSchemas.me)),
        APIRoute(.get, "/api/v1/me/settings", "mySettings",
                 "Your own settings: text size, contrast, reduced motion, language, sounds.", .signedIn,
                 answer: .json(200, ResponseSchemas.settings)),
        APIRoute(.put, "/api/v1/me/settings", "changeMySettings",
                 "Change your own settings; fields not sent stay as they are.", .signedIn,
                 body: .json(AuthRoutes.SettingsChange.self), answer: .json(200, ResponseSchemas.settings, "The settings now."),
                 errors: [422: "A text size or language the pages do not offer."]),
    ]

    static let client: [APIRoute] = [
        APIRoute(.get, "/api/v1/projects", "listProjects", "The client's projects.", .role(.client),
                 answer: .json(200, ResponseSchemas.projects)),
        APIRoute(.post, "/api/v1/projects", "createProject", "Create a project from a template.", .role(.client),
                 body: .json(ProjectService.NewProject.self, refine: ["deadline": .calendarDate]),
                 answer: .json(201, ResponseSchemas.project, "The new project."),
                 errors: [422: "A name, template, labels, overlap, gold rate, deadline or instructions the lab cannot use."]),
        APIRoute(.get, "/api/v1/projects/{id}", "showProject", "One project with its progress.", .role(.client),
                 answer: .json(200, ResponseSchemas.project)),
        APIRoute(.post, "/api/v1/projects/{id}/items", "uploadItems",
                 "Upload files (multipart, parts named file, read as they arrive; PNG, JPEG, SRT, VTT, WAV, ZIP, Label Studio task lists; programmes: MP4, MOV, MKV, WebM, MP3, M4A, AAC, OGG, OPUS, FLAC, probed before the answer and prepared afterwards, see the project's jobs).",
                 .role(.client),
                 body: .handWritten(mediaType: "multipart/form-data", schema: Uploads.schema, encoding: Uploads.encoding,
                                    note: "Read by hand as multipart/form-data; every part named file is one file."),
                 query: [.query("strict", .boolean, "true: store nothing when any file is refused.")],
                 answer: .json(201, ResponseSchemas.uploadReport, "What was imported and what was refused, file by file."),
                 errors: [400: "No part named file, a file part without a file name, or strict not true or false.", 413: "The upload is larger than the lab takes in one request.",
                          415: "Not multipart/form-data.", 422: "With strict=true: a file was refused, so nothing was stored."]),
        APIRoute(.get, "/api/v1/projects/{id}/export", "exportProject",
                 "The consensus so far as a download, in a format of the project's kind.", .role(.client),
                 query: [.query("format", .cases(Exports.formats), required: true,
                                "coco, yolo, voc, labelstudio (boxes); vtt, csv (subtitles); csv, json (tags, choices); jsonl (every raw answer, operators pseudonymous).")],
                 answer: .media(200, Exports.mediaTypes, "The file, as an attachment."),
                 errors: [400: "No format given.",
                          409: "Two files would be written under one name in this format's archive: rename one, or choose another format.",
                          422: "A format this project's kind does not export to."]),
        APIRoute(.get, "/api/v1/templates", "listTemplates",
                 "The templates a project starts from, with what operators are shown.", .signedIn,
                 answer: .json(200, ResponseSchemas.templates)),
        APIRoute(.get, "/api/v1/tokens", "listTokens", "The client's API tokens (never the tokens themselves).", .role(.client),
                 answer: .json(200, ResponseSchemas.tokens)),
        APIRoute(.post, "/api/v1/tokens", "createToken", "A new API token for scripts; shown once.", .role(.client),
                 body: .json(ClientAccountRoutes.NewToken.self, refine: ["label": JSONSchema.string.atMost(100)], optional: true),
                 answer: .json(201, ResponseSchemas.token, "The token, shown this once."),
                 errors: [422: "A name longer than 100 characters."]),
        APIRoute(.delete, "/api/v1/tokens/{id}", "revokeToken", "Revoke an API token at once.", .role(.client),
                 answer: .empty(204, "Revoked.")),
        APIRoute(.get, "/api/v1/impact", "impact",
                 "Hours of paid, inclusive work on the client's projects (lab-level, no person named).", .role(.client),
                 answer: .json(200, ResponseSchemas.impact)),
        APIRoute(.post, "/api/v1/projects/{id}/gold", "setGold", "Known answers for some microtasks: they become gold.",
                 .role(.client), body: .json(ClientRoutes.GoldRequest.self), answer: .json(200, ResponseSchemas.goldReport),
                 errors: [422: "A microtask of another project, or an answer that does not fit its task."]),
        APIRoute(.post, "/api/v1/projects/{id}/feedback", "sendProjectFeedback",
                 "Feedback or a good-job note on a project; it goes to the coaches.", .role(.client),
                 body: .json(ClientRoutes.FeedbackRequest.self,
                             refine: ["kind": .cases(["feedback", "good-job"]), "text": JSONSchema.string.atLeast(1).atMost(2000)]),
                 answer: .json(201, ResponseSchemas.feedbackReceipt, "Received; the coaches decide what reaches the operators."),
                 errors: [422: "An unknown kind, or no text, or more than 2000 characters."]),
        APIRoute(.get, "/api/v1/projects/{id}/ratings", "projectRatings",
                 "How clear operators found the instructions: the current version's ratings and share of unclear, each version's figures, and the comments a coach passed on (never a name or an operator id).",
                 .role(.client), answer: .json(200, RatingRoutes.summarySchema)),
        APIRoute(.put, "/api/v1/projects/{id}/instructions", "changeInstructions",
                 "New instructions for operators: a new version (the same text again changes nothing); each operator is told once, with their next task of the project.",
                 .role(.client), body: .json(RatingRoutes.InstructionsChange.self),
                 answer: .json(200, .encoded(RatingRoutes.InstructionsView.self), "The instructions now, and their version."),
                 errors: [422: "Not 1 to 30 lines in Dutch and in English, or a line that is empty or longer than 300 characters."]),
    ]

    static let media: [APIRoute] = [
        APIRoute(.get, "/media/{project}/{folder}/{file}", "media",
                 "A microtask's picture, sound or programme: a client's own projects; an operator's leased or answered tasks; a coach's own operators' tasks. A `Range: bytes=...` header is answered 206 with that stretch (an open end gets at most 4 MB), so a player seeks in a programme without loading it whole.",
                 .signedIn,
                 answer: .media(200, ["image/png": .binary, "image/jpeg": .binary, "audio/wav": .binary, "video/mp4": .binary,
                                      "text/plain": .string, "text/vtt": .string], "The file (206 with Content-Range for a range)."),
                 errors: [404: "No such file, or not one this person may see (never 403, so guessing tells nothing)."]),
        APIRoute(.get, "/api/v1/speech/{file}", "speech", "A spoken text (WAV, espeak-ng), made once and then served from the cache.",
                 .signedIn, answer: .media(200, ["audio/wav": .binary], "The spoken text.")),
    ]

    static let operatorWork: [APIRoute] = [
        APIRoute(.get, "/api/v1/shift", "myShift", "The operator's shift: phase, block end, shift end.", .role(.operator),
                 answer: .json(200, ResponseSchemas.shift)),
        APIRoute(.post, "/api/v1/shift/start", "startShift", "Start a shift with the operator's profile (a running one is returned as it is).",
                 .role(.operator), answer: .json(200, ResponseSchemas.shift),
                 errors: [409: "The daily cap of work minutes is reached."]),
        APIRoute(.post, "/api/v1/shift/pause", "pauseShift", "An extra pause, at any time.", .role(.operator),
                 answer: .json(200, ResponseSchemas.shift), errors: [409: "No shift is running."]),
        APIRoute(.post, "/api/v1/shift/resume", "resumeShift", "End an extra pause.", .role(.operator),
                 answer: .json(200, ResponseSchemas.shift), errors: [409: "No shift is running."]),
        APIRoute(.post, "/api/v1/shift/end", "endShift", "End the shift.", .role(.operator),
                 answer: .json(200, ResponseSchemas.shift), errors: [409: "No shift is running."]),
        APIRoute(.get, "/api/v1/tasks/next", "nextTask", "The next microtask, leased to the operator for 10 minutes.",
                 .role(.operator), answer: .json(200, ResponseSchemas.servedTask, "A task, and its lease."),
                 otherAnswers: [.empty(204, "No work right now."),
                                .json(423, ResponseSchemas.pause, "A pause: work starts again at resumesAt.")],
                 errors: [409: "No shift is running, or it has ended."]),
        APIRoute(.post, "/api/v1/assignments/{id}/answer", "answerTask",
                 "Answer a microtask. Sent again with the same idempotency key (or the same answer without one): 200 and the first reply.",
                 .role(.operator),
                 body: .json(OperatorRoutes.AnswerRequest.self, refine: ["idempotencyKey": JSONSchema.string.atLeast(1).atMost(200)]),
                 answer: .json(201, ResponseSchemas.answerReceipt, "Taken."),
                 otherAnswers: [.json(200, ResponseSchemas.answerReceipt, "Taken before: the first reply again.")],
                 errors: [409: "Already answered differently, skipped or handed back, being saved, or the lease ran out and someone else has it.",
                          422: "The answer does not fit the task: its shape, a label, a box outside the picture, a verdict per cue.",
                          423: "The work block ended more than 2 minutes ago."]),
        APIRoute(.post, "/api/v1/assignments/{id}/skip", "skipTask", "Skip a microtask, at no cost.", .role(.operator),
                 body: .json(OperatorRoutes.SkipRequest.self, optional: true),
                 answer: .json(200, ResponseSchemas.done), errors: [409: "Already answered or handed back."]),
        APIRoute(.post, "/api/v1/assignments/{id}/rating", "rateInstructions",
                 "Were the instructions of this task clear? Once per task, after it was answered or skipped; a comment goes to a coach first.",
                 .role(.operator),
                 body: .json(RatingRoutes.RatingRequest.self, refine: ["comment": JSONSchema.string.atMost(RatingRoutes.commentLimit)]),
                 answer: .json(201, .encoded(RatingRoutes.Rated.self), "Kept."),
                 errors: [409: "The task is not answered or skipped yet, or was rated already (already_rated).",
                          422: "A comment longer than 1000 characters."]),
        APIRoute(.post, "/api/v1/assignments/{id}/release", "releaseTask", "Hand a preloaded microtask back.", .role(.operator),
                 answer: .json(200, ResponseSchemas.done)),
        APIRoute(.post, "/api/v1/assignments/{id}/renew", "renewTask", "Keep a preloaded microtask reserved longer.", .role(.operator),
                 answer: .json(200, ResponseSchemas.done, "Kept, until leaseExpiresAt."),
                 errors: [409: "No shift, or the task is no longer reserved for this operator.", 423: "A pause: tasks are not kept."]),
        APIRoute(.get, "/api/v1/me/quality", "myQuality", "The operator's own learning feedback.", .role(.operator),
                 answer: .json(200, ResponseSchemas.learning)),
        APIRoute(.get, "/api/v1/me/messages", "myMessages", "Messages from the operator's coach.", .role(.operator),
                 answer: .json(200, ResponseSchemas.operatorMessages)),
        APIRoute(.post, "/api/v1/me/messages/{id}/read", "readMessage", "Mark a message as read.", .role(.operator),
                 answer: .json(200, ResponseSchemas.done)),
        APIRoute(.get, "/api/v1/me/statement", "myStatement",
                 "The coach's statement for the operator's work record; the record shows it only once agreed.", .role(.operator),
                 answer: .json(200, .encoded(StatementView.self)), errors: [404: "The coach has not written one yet (no_statement)."]),
        APIRoute(.post, "/api/v1/me/statement/agree", "agreeToStatement",
                 "Agree with the coach's statement as it stands, so that the work record includes it.", .role(.operator),
                 answer: .json(200, .encoded(StatementView.self), "Agreed."), errors: [404: "There is no statement yet."]),
        APIRoute(.post, "/api/v1/me/statement/change", "askForStatementChange",
                 "Ask the coach to change the statement; the coach gets an alert, and the record leaves it out until agreed again.",
                 .role(.operator),
                 body: .json(StatementRoutes.ChangeBody.self, refine: ["request": JSONSchema.string.atLeast(1).atMost(1000)]),
                 answer: .json(200, .encoded(StatementView.self), "Asked."),
                 errors: [404: "There is no statement yet.", 422: "No text, or more than 1000 characters."]),
        APIRoute(.post, "/api/v1/text", "textMode",
                 "Text mode: one line in (a digit or a word, Dutch or English), short lines out, with links to spoken versions.",
                 .role(.operator),
                 body: .json(TextRoutes.TextRequest.self, refine: ["input": JSONSchema.string.atMost(2000),
                                                                    "language": .cases(PersonalSettings.languages)]),
                 answer: .json(200, ResponseSchemas.textReply),
                 errors: [400: "More than 2000 characters at once.", 422: "A language other than nl or en."]),
    ]

    static let coach: [APIRoute] = [
        APIRoute(.get, "/api/v1/coach/operators", "coachOperators", "The coach's own operators, one card each.", .role(.coach),
                 answer: .json(200, ResponseSchemas.operatorCards)),
        APIRoute(.put, "/api/v1/coach/operators/{id}/profile", "changeProfile",
                 "Change an operator's profile: block lengths, shift, daily cap, task kinds, audio mode. Blocks change at the next work block.",
                 .role(.coach), body: .json(CoachRoutes.ProfileChange.self, refine: ["taskKinds": .array(.derived(TaskKind.self))]),
                 answer: .json(200, ResponseSchemas.profile, "The profile now."),
                 errors: [422: "Block, pause, shift or cap lengths outside what the lab allows, or an unknown task kind."]),
        APIRoute(.get, "/api/v1/coach/events", "coachEvents",
                 "Live events as server-sent events: operator, alert and dataset; the stream stays open.", .role(.coach),
                 answer: .media(200, ["text/event-stream": JSONSchema.string.described("`event: operator|alert|dataset` lines, each with `data:` JSON.")],
                                "The stream.")),
        APIRoute(.get, "/api/v1/coach/alerts", "coachAlerts", "Open alerts of the coach's operators, each with its reason.", .role(.coach),
                 query: [.query("all", .boolean, "true: every alert, also the acknowledged ones.")],
                 answer: .json(200, ResponseSchemas.alerts), errors: [400: "all that is not true or false."]),
        APIRoute(.post, "/api/v1/coach/alerts/{id}/acknowledge", "acknowledgeAlert", "Mark an alert as seen.", .role(.coach),
                 answer: .json(200, ResponseSchemas.alert)),
        APIRoute(.post, "/api/v1/coach/operators/{id}/shift/start", "coachStartShift", "Start a shift for an operator.", .role(.coach),
                 answer: .json(200, ResponseSchemas.shift), errors: [409: "The operator's daily cap is reached."]),
        APIRoute(.post, "/api/v1/coach/operators/{id}/shift/end", "coachEndShift", "End an operator's shift.", .role(.coach),
                 answer: .json(200, ResponseSchemas.shift), errors: [409: "No shift is running."]),
        APIRoute(.post, "/api/v1/coach/operators/{id}/messages", "sendMessage", "Send an operator a short message.", .role(.coach),
                 body: .json(CoachRoutes.TextBody.self, refine: ["text": JSONSchema.string.atLeast(1).atMost(500)]),
                 answer: .json(201, ResponseSchemas.coachText, "Sent."), errors: [422: "No text, or more than 500 characters."]),
        APIRoute(.get, "/api/v1/coach/operators/{id}/notes", "notes", "The coach's private notes on an operator.", .role(.coach),
                 answer: .json(200, ResponseSchemas.notes)),
        APIRoute(.post, "/api/v1/coach/operators/{id}/notes", "addNote", "Add a private note.", .role(.coach),
                 body: .json(CoachRoutes.TextBody.self, refine: ["text": JSONSchema.string.atLeast(1).atMost(4000)]),
                 answer: .json(201, ResponseSchemas.coachText, "Kept."), errors: [422: "No text, or more than 4000 characters."]),
        APIRoute(.get, "/api/v1/coach/operators/{id}/summary", "weekSummary",
                 "An operator's week: hours, task kinds, quality by day, pauses, alerts.", .role(.coach),
                 query: [.query("week", .calendarDate, "Any day of the week (Monday to Sunday); this week when left out.")],
                 answer: .json(200, ResponseSchemas.summary), errors: [400: "A week that is not a date like 2026-11-23."]),
        APIRoute(.get, "/api/v1/coach/operators/{id}/statement", "coachStatement",
                 "The statement for an operator's work record, with its state: waiting for agreement, agreed, or a change asked.",
                 .role(.coach), answer: .json(200, .encoded(StatementView.self)),
                 errors: [404: "No such operator in the coach's group, or no statement yet (no_statement)."]),
        APIRoute(.put, "/api/v1/coach/operators/{id}/statement", "writeStatement",
                 "Write the statement for an operator's work record (plain text); a new text waits for the operator to agree again.",
                 .role(.coach), body: .json(CoachRoutes.TextBody.self, refine: ["text": JSONSchema.string.atLeast(1).atMost(2000)]),
                 answer: .json(200, .encoded(StatementView.self), "The statement now."),
                 errors: [422: "No text, or more than 2000 characters."]),
        APIRoute(.get, "/api/v1/coach/notifications", "coachNotifications", "New datasets uploaded by clients.", .role(.coach),
                 answer: .json(200, ResponseSchemas.notifications)),
        APIRoute(.get, "/api/v1/coach/projects/{id}/operators", "projectOperators",
                 "Which of the coach's operators get a project.", .role(.coach), answer: .json(200, ResponseSchemas.projectAccess)),
        APIRoute(.put, "/api/v1/coach/projects/{id}/operators", "chooseProjectOperators",
                 "Choose which of the coach's operators get a project.", .role(.coach),
                 body: .json(CoachRoutes.AccessChange.self), answer: .json(200, ResponseSchemas.projectAccess),
                 errors: [404: "No such project, or an operator outside the coach's group."]),
        APIRoute(.get, "/api/v1/coach/feedback", "coachFeedback", "Client feedback for the coach's group.", .role(.coach),
                 query: [.query("status", .cases(["pending", "forwarded", "dismissed"]), "Only feedback in this state.")],
                 answer: .json(200, ResponseSchemas.feedbackList), errors: [400: "An unknown status."]),
        APIRoute(.post, "/api/v1/coach/feedback/{id}", "decideFeedback",
                 "Forward feedback to operators in the coach's own words, or dismiss it.", .role(.coach),
                 body: .json(CoachRoutes.Decision.self, refine: ["action": .cases(["forward", "dismiss"])]),
                 answer: .json(200, ResponseSchemas.feedback, "Decided."),
                 errors: [404: "No such feedback, or an operator outside the coach's group.", 409: "Already decided.",
                          422: "Forwarding without text or without operators."]),
        APIRoute(.get, "/api/v1/coach/ratings", "pendingRatingComments",
                 "Operators' comments on instructions waiting for a coach: the words and the project, never who wrote them.", .role(.coach),
                 answer: .json(200, .encoded(RatingRoutes.PendingList.self))),
        APIRoute(.post, "/api/v1/coach/ratings/{id}", "decideRatingComment",
                 "Pass a comment on to the project's client (without any name), or dismiss it.", .role(.coach),
                 body: .json(RatingRoutes.DecisionRequest.self, refine: ["decision": .cases(["pass", "dismiss"])]),
                 answer: .json(200, .encoded(RatingRoutes.Decided.self), "Decided."),
                 errors: [409: "Already decided.", 422: "A decision other than pass or dismiss."]),
    ]

    static let admin: [APIRoute] = [
        APIRoute(.get, "/api/v1/admin/users", "listUsers", "Everyone in the lab.", .role(.admin),
                 answer: .json(200, ResponseSchemas.users)),
        APIRoute(.post, "/api/v1/admin/users", "addUser", "Add a person to the lab.", .role(.admin),
                 body: .json(AdminRoutes.NewUserRequest.self, refine: ["birthdate": .calendarDate]),
                 answer: .json(201, .encoded(AdminRoutes.UserView.self), "Added; an operator gets a badge."),
                 errors: [409: "The email address or badge is taken.",
                          422: "No name, a missing email or password, a password under 8 characters, a badge or coach for a role that has none."]),
        APIRoute(.post, "/api/v1/admin/users/{id}/disable", "disableUser",
                 "Disable an account: no more sign-ins; every session and API token of that person ends at once.", .role(.admin),
                 answer: .json(200, .encoded(AdminRoutes.UserView.self), "Disabled."),
                 errors: [409: "Your own account."]),
        APIRoute(.get, "/api/v1/admin/audit", "auditLog", "The audit log, newest first: who changed what, and when.", .role(.admin),
                 query: [.query("limit", JSONSchema.integer.between(AdminRoutes.auditLimits), "How many lines (100 when left out).")],
                 answer: .json(200, .object(required: ["entries": .array(.derived(AdminRoutes.AuditView.self))])),
                 errors: [400: "A limit that is not a whole number from 1 to 1000."]),
        APIRoute(.get, "/api/v1/admin/settings/alerts", "alertThresholds", "The lab's thresholds for the coach's alerts.", .role(.admin),
                 answer: .json(200, ResponseSchemas.thresholds)),
        APIRoute(.put, "/api/v1/admin/settings/alerts", "changeAlertThresholds", "Change the thresholds for alerts.", .role(.admin),
                 body: .json(LoadThresholds.self), answer: .json(200, ResponseSchemas.thresholds),
                 errors: [422: "Thresholds that would alert on everything or on nothing."]),
        APIRoute(.put, "/api/v1/admin/operators/{id}/rate", "setRate", "Set an operator's hourly rate from a date.", .role(.admin),
                 body: .json(PayRoutes.RateRequest.self, refine: ["hourly": .money, "from": .calendarDate]),
                 answer: .json(200, ResponseSchemas.rate, "The rate, and the minimum wage it was checked against."),
                 errors: [422: "Below the minimum wage for the operator's age on that date, or no wage table for it."]),
        APIRoute(.get, "/api/v1/admin/settings/pay", "payPolicy", "The lab's pay policy (whether extra pauses are paid).", .role(.admin),
                 answer: .json(200, ResponseSchemas.payPolicy)),
        APIRoute(.put, "/api/v1/admin/settings/pay", "changePayPolicy", "Change the lab's pay policy.", .role(.admin),
                 body: .json(PayPolicy.self), answer: .json(200, ResponseSchemas.payPolicy)),
        APIRoute(.get, "/api/v1/admin/payroll", "payroll", "Paid minutes and gross pay per operator and day.", .role(.admin),
                 query: [.query("from", .calendarDate, required: true, "The first day."),
                         .query("to", .calendarDate, required: true, "The last day."),
                         .query("format", .cases(["json", "csv"]), "csv: a file for the payroll office.")],
                 answer: .media(200, ["application/json": ResponseSchemas.payroll, "text/csv": .string], "The payroll."),
                 errors: [400: "No period, a day that is not a date, or a format other than json or csv.",
                          422: "The period ends before it starts."]),
    ]
}

/// The upload's multipart body, read by hand in ClientRoutes.upload.
enum Uploads {
    static var schema: JSONSchema {
        var files = JSONSchema.array(.binary)
        files.minItems = 1
        return .object(required: ["file": files.described("One part per file, each named file, with its file name.")])
    }

    static let encoding = ["file": OpenAPI.Encoding(contentType: "image/png, image/jpeg, application/x-subrip, text/vtt, audio/wav, application/zip, application/json, application/octet-stream")]
}

/// The export formats and what each is sent as.
enum Exports {
    static var formats: [String] { ["coco", "yolo", "voc", "labelstudio", "vtt", "csv", "json", "jsonl"] }

    static var mediaTypes: [String: JSONSchema] {
        ["application/json": .anything, "application/zip": .binary, "text/vtt": .string, "text/csv": .string,
         "application/x-ndjson": .string]
    }
}

extension JSONSchema {
    /// Raw bytes: a picture, a sound, an archive.
    static var binary: JSONSchema {
        var schema = JSONSchema(types: ["string"], format: "binary")
        schema.contentMediaType = "application/octet-stream"
        return schema
    }

    func atLeast(_ length: Int) -> JSONSchema {
        var copy = self
        copy.minLength = length
        return copy
    }

    func atMost(_ length: Int) -> JSONSchema {
        var copy = self
        copy.maxLength = length
        return copy
    }

    func between(_ range: ClosedRange<Int>) -> JSONSchema {
        var copy = self
        copy.minimum = Int64(range.lowerBound)
        copy.maximum = Int64(range.upperBound)
        return copy
    }
}
