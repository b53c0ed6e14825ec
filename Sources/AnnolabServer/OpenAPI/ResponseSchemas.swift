// The bodies the routes answer with: derived from the Codable response types, written by hand for
// the types that are only Encodable and for the bodies a route writes itself.
import AnnolabCore
import AnnolabStore
import Foundation
import Synchronization

extension JSONSchema {
    /// The schema of a Codable type as its synthesized encoder writes it: what it decodes, with
    /// a nil optional left out rather than written as `null`.
    static func encoded<T: Decodable>(_ type: T.Type) -> JSONSchema {
        derived(type).leftOutWhenNil
    }

    /// The schema of a Codable type as it decodes; a type that cannot be derived is recorded
    /// (a test fails on it) and described as "any value" so that the server still starts.
    static func derived<T: Decodable>(_ type: T.Type) -> JSONSchema {
        do {
            return try SchemaDecoder.schema(of: type)
        } catch {
            SchemaDerivation.failures.withLock { $0.append("\(error)") }
            return JSONSchema.anything.described("Not derived: \(error)")
        }
    }

    /// An object from required and optional properties; optional ones are left out when there is nothing to say.
    static func object(required: [String: JSONSchema], optional: [String: JSONSchema] = [:]) -> JSONSchema {
        .object(required.merging(optional) { first, _ in first }, required: Array(required.keys))
    }

    /// A text in Dutch and English.
    static var bilingual: JSONSchema { .object(required: ["nl": .string, "en": .string]) }
}

/// Types whose schema could not be derived while the document was built.
enum SchemaDerivation {
    static let failures = Mutex<[String]>([])
}

/// Response schemas of the types that are only Encodable, written from their declarations.
/// Each is checked against real answers by OpenAPIDocumentTests and by schemathesis, whose
/// response check fails on any key that is not described here (the document's response
/// objects allow no other keys).
enum ResponseSchemas {
    static var me: JSONSchema {
        .object(required: ["id": .id, "role": .derived(Role.self), "name": .string, "language": .string],
                optional: ["email": .string, "badge": .string, "csrfToken": .string])
    }

    static var login: JSONSchema {
        .object(required: ["token": .string.described("A bearer token for `Authorization: Bearer ...`, also set as the session cookie."),
                           "role": .derived(Role.self), "name": .string, "id": .id,
                           "csrfToken": .string.described("Send as X-CSRF-Token with requests that change something, when signed in by the cookie.")])
    }

    static var settings: JSONSchema { .encoded(PersonalSettings.self) }

    static var users: JSONSchema { .object(required: ["users": .array(.encoded(AdminRoutes.UserView.self))]) }

    static var rate: JSONSchema {
        .object(required: ["operatorId": .id, "hourly": .money, "from": .calendarDate], optional: ["minimumWage": .money])
    }

    static var payrollRow: JSONSchema {
        var row = JSONSchema.encoded(PayrollRow.self)
        // Written by PayrollRow.encode(to:) beside paidSeconds, never read back.
        row.properties?["paidMinutes"] = JSONSchema.number.described("Paid minutes, rounded to 2 decimals.")
        row.required = ((row.required ?? []) + ["paidMinutes", "liftedToMinimumWage"]).sorted()
        return row
    }

    static var payroll: JSONSchema {
        .object(required: ["from": .calendarDate, "to": .calendarDate, "rows": .array(payrollRow), "totalGross": .money])
    }

    static var project: JSONSchema {
        .object(required: ["id": .id, "name": .string, "template": .derived(TaskKind.self), "labels": .array(.string),
                           "goldRate": .number, "createdAt": .dateTime,
                           "progress": .encoded(ProjectView.Progress.self), "quality": .encoded(ProjectView.Quality.self),
                           "cost": .encoded(ProjectCostReport.self), "exports": .array(.string)],
                optional: ["overlap": .integer, "adaptiveOverlap": .encoded(ProjectView.Adaptive.self),
                           "deadline": .calendarDate, "instructions": .encoded(TaskTemplate.Lines.self),
                           "subtitleRules": .encoded(SubtitleRuleSettings.self),
                           "subtitleFindings": .encoded(SubtitleRuleSummary.self),
                           "preannotations": .encoded(Preannotations.self),
                           "model": .encoded(ModelView.self),
                           "jobs": .array(.encoded(ProjectView.Job.self)
                               .described("The preparation of each uploaded programme: state waiting, working, ready or failed; progress 0 to 1; the reason when it failed."))])
    }

    static var projects: JSONSchema { .object(required: ["projects": .array(project)]) }

    static var uploadReport: JSONSchema {
        .object(required: ["imported": .integer, "microtasks": .integer,
                           "rejected": .array(.encoded(ClientRoutes.UploadReport.Rejected.self))])
    }

    static var feedbackReceipt: JSONSchema {
        .object(required: ["id": .id, "kind": .cases(["feedback", "good-job"]), "status": .string, "note": .string])
    }

    static var goldReport: JSONSchema { .object(required: ["gold": .integer]) }

    static var templates: JSONSchema {
        .object(required: ["templates": .array(.encoded(ClientAccountRoutes.TemplateView.self))])
    }

    static var token: JSONSchema { .encoded(ClientAccountRoutes.TokenView.self) }
    static var tokens: JSONSchema { .object(required: ["tokens": .array(token)]) }
    static var impact: JSONSchema { .object(required: ["hours": .number, "projects": .integer]) }

    /// `ok`, and a renewed lease's end.
    static var done: JSONSchema {
        .object(required: ["ok": .boolean], optional: ["leaseExpiresAt": .dateTime, "leaseSeconds": .number])
    }

    static var shift: JSONSchema { .encoded(LabEngine.ShiftView.self) }

    /// The task served by `GET /api/v1/tasks/next`, which splices it by hand from the stored payload.
    static var servedTask: JSONSchema {
        .object(required: [
            "assignment": .object(required: ["id": .id, "leaseExpiresAt": .dateTime, "leaseSeconds": .number]),
            "task": .object(required: ["id": .id, "kind": .derived(TaskKind.self), "projectId": .id, "media": .array(.string),
                                       "payload": .encoded(MicrotaskPayload.self),
                                       "labels": .array(.encoded(TaskTemplate.Label.self))],
                            optional: ["title": .encoded(TaskTemplate.Text.self), "instructions": .encoded(TaskTemplate.Lines.self),
                                       "examples": .array(.encoded(TaskTemplate.Example.self)), "instructionsChanged": .boolean]),
        ])
    }

    /// 423 from `GET /api/v1/tasks/next`: the error, and when work starts again.
    static var pause: JSONSchema {
        .object(required: ["error": errorDetail, "phase": .cases(["pause"]),
                           "resumesAt": JSONSchema.dateTime.orNull.described("Null during an extra pause: it ends when the operator resumes."),
                           "resumesInSeconds": JSONSchema.number.orNull, "extraPause": .boolean])
    }

    /// What `POST /assignments/{id}/answer` says, and says again to a repeat.
    static var answerReceipt: JSONSchema {
        .object(required: ["accepted": .boolean],
                optional: ["feedback": .object(required: ["correct": .boolean, "message": .bilingual])
                    .described("Only for a practice question: whether the answer matched the known one, kindly worded.")])
    }

    static var learning: JSONSchema { .encoded(LearningFeedback.self) }

    static var operatorMessages: JSONSchema { .object(required: ["messages": .array(.encoded(OperatorRoutes.MessageView.self))]) }

    static var textReply: JSONSchema {
        .object(required: ["output": .string, "lines": .array(.string), "clips": .array(.string), "play": .boolean,
                           "language": .string],
                optional: ["audio": .string, "signal": .string])
    }

    static var operatorCards: JSONSchema { .object(required: ["operators": .array(.encoded(OperatorCard.self))]) }
    static var profile: JSONSchema { .encoded(OperatorProfile.self) }
    static var alert: JSONSchema { .encoded(AlertView.self) }
    static var alerts: JSONSchema { .object(required: ["alerts": .array(alert)]) }

    /// A coach's message or note.
    static var coachText: JSONSchema { .object(required: ["id": .id, "text": .string, "createdAt": .dateTime]) }
    static var notes: JSONSchema { .object(required: ["notes": .array(coachText)]) }

    static var summary: JSONSchema {
        .object(required: ["operator": .encoded(CoachRoutes.Summary.Person.self), "weekStart": .calendarDate,
                           "weekEnd": .calendarDate, "hours": .number, "workMinutes": .integer, "shifts": .integer,
                           "kinds": .array(.encoded(CoachRoutes.KindCount.self)), "gold": .encoded(CoachRoutes.Summary.Gold.self),
                           "qualityTrend": .array(.encoded(CoachRoutes.DayQuality.self)),
                           "pauses": .encoded(CoachRoutes.Summary.Pauses.self), "alerts": .array(alert)])
    }

    static var notifications: JSONSchema {
        .object(required: ["notifications": .array(.encoded(CoachRoutes.NotificationView.self))])
    }

    static var projectAccess: JSONSchema { .object(required: ["operators": .array(.encoded(CoachRoutes.Access.self))]) }
    static var feedback: JSONSchema { .encoded(CoachRoutes.FeedbackView.self) }
    static var feedbackList: JSONSchema { .object(required: ["feedback": .array(feedback)]) }
    static var thresholds: JSONSchema { .encoded(LoadThresholds.self) }
    static var payPolicy: JSONSchema { .encoded(PayPolicy.self) }

    static var errorDetail: JSONSchema { .object(required: ["code": .string, "message": .string]) }
    /// `{"error": {"code", "message"}}`, the shape of every error.
    static var error: JSONSchema { .object(required: ["error": errorDetail]) }
}
