// The OpenAPI 3.1 description of the lab's HTTP API, served at /api/v1/openapi.json.
import Foundation

/// Builds the OpenAPI document from the list of routes below; each new route adds a line here.
enum OpenAPIDocument {
    struct Route {
        var method: String
        var path: String
        var summary: String
        /// nil: public. Otherwise the role the route is for.
        var role: String?
        var success: Int = 200
    }

    static let routes: [Route] = [
        Route(method: "get", path: "/healthz", summary: "Says ok when the server is up.", role: nil),
        Route(method: "get", path: "/metrics", summary: "Request counters in Prometheus text format.", role: nil),
        Route(method: "get", path: "/api/v1/openapi.json", summary: "This document.", role: nil),
        Route(method: "post", path: "/api/v1/login", summary: "Sign in with a badge, or with email and password.", role: nil),
        Route(method: "post", path: "/api/v1/logout", summary: "Sign out; the session ends.", role: nil, success: 204),
        Route(method: "get", path: "/api/v1/me", summary: "Who is signed in.", role: "any"),
        Route(method: "get", path: "/api/v1/me/settings", summary: "Your own settings: text size, contrast, reduced motion, language, sounds.", role: "any"),
        Route(method: "put", path: "/api/v1/me/settings", summary: "Change your own settings; fields not sent stay as they are.", role: "any"),
        Route(method: "get", path: "/api/v1/projects", summary: "The client's projects.", role: "client"),
        Route(method: "post", path: "/api/v1/projects", summary: "Create a project from a template.", role: "client", success: 201),
        Route(method: "get", path: "/api/v1/projects/{id}", summary: "One project with its progress.", role: "client"),
        Route(method: "post", path: "/api/v1/projects/{id}/items", summary: "Upload files (multipart, parts named file; PNG, JPEG, SRT, VTT, WAV, ZIP). ?strict=true stores nothing when a file is refused.", role: "client", success: 201),
        Route(method: "get", path: "/api/v1/projects/{id}/export", summary: "The consensus so far as a download: ?format=coco|yolo|voc|labelstudio (boxes), vtt|csv (subtitles), csv|json (tags, choices), jsonl (every raw answer, operators pseudonymous).", role: "client"),
        Route(method: "get", path: "/api/v1/templates", summary: "The templates a project starts from, with what operators are shown.", role: "any"),
        Route(method: "get", path: "/api/v1/tokens", summary: "The client's API tokens (never the tokens themselves).", role: "client"),
        Route(method: "post", path: "/api/v1/tokens", summary: "A new API token for scripts; shown once.", role: "client", success: 201),
        Route(method: "delete", path: "/api/v1/tokens/{id}", summary: "Revoke an API token at once.", role: "client", success: 204),
        Route(method: "get", path: "/api/v1/impact", summary: "Hours of paid, inclusive work on the client's projects (lab-level, no person named).", role: "client"),
        Route(method: "post", path: "/api/v1/projects/{id}/gold", summary: "Known answers for some microtasks: they become gold.", role: "client"),
        Route(method: "get", path: "/media/{project}/{folder}/{file}", summary: "A microtask's picture or sound.", role: "any"),
        Route(method: "get", path: "/api/v1/shift", summary: "The operator's shift: phase, block end, shift end.", role: "operator"),
        Route(method: "post", path: "/api/v1/shift/start", summary: "Start a shift with the operator's profile.", role: "operator"),
        Route(method: "post", path: "/api/v1/shift/pause", summary: "An extra pause, at any time.", role: "operator"),
        Route(method: "post", path: "/api/v1/shift/resume", summary: "End an extra pause.", role: "operator"),
        Route(method: "post", path: "/api/v1/shift/end", summary: "End the shift.", role: "operator"),
        Route(method: "get", path: "/api/v1/tasks/next", summary: "The next microtask; 204 no work now, 409 no shift, 423 in a pause.", role: "operator"),
        Route(method: "post", path: "/api/v1/assignments/{id}/answer", summary: "Answer a microtask; the same idempotency key again gives 200 and the same body.", role: "operator", success: 201),
        Route(method: "post", path: "/api/v1/assignments/{id}/skip", summary: "Skip a microtask, at no cost.", role: "operator"),
        Route(method: "post", path: "/api/v1/assignments/{id}/release", summary: "Hand a preloaded microtask back.", role: "operator"),
        Route(method: "post", path: "/api/v1/assignments/{id}/renew", summary: "Keep a preloaded microtask reserved longer.", role: "operator"),
        Route(method: "get", path: "/api/v1/me/quality", summary: "The operator's own learning feedback.", role: "operator"),
        Route(method: "post", path: "/api/v1/text", summary: "Text mode: one line in (a digit or a word, Dutch or English), short lines out, with links to spoken versions.", role: "operator"),
        Route(method: "get", path: "/api/v1/speech/{file}", summary: "A spoken text (WAV, espeak-ng), made once and then served from the cache.", role: "any"),
        Route(method: "get", path: "/api/v1/coach/operators", summary: "The coach's own operators.", role: "coach"),
        Route(method: "put", path: "/api/v1/coach/operators/{id}/profile", summary: "Change an operator's profile: block lengths, shift, daily cap, task kinds, audio mode. Blocks change at the next work block.", role: "coach"),
        Route(method: "get", path: "/api/v1/coach/events", summary: "Live events (text/event-stream): operator, alert and dataset.", role: "coach"),
        Route(method: "get", path: "/api/v1/coach/alerts", summary: "Open alerts of the coach's operators (?all=true for every alert), each with its reason.", role: "coach"),
        Route(method: "post", path: "/api/v1/coach/alerts/{id}/acknowledge", summary: "Mark an alert as seen.", role: "coach"),
        Route(method: "post", path: "/api/v1/coach/operators/{id}/shift/start", summary: "Start a shift for an operator.", role: "coach"),
        Route(method: "post", path: "/api/v1/coach/operators/{id}/shift/end", summary: "End an operator's shift.", role: "coach"),
        Route(method: "post", path: "/api/v1/coach/operators/{id}/messages", summary: "Send an operator a short message.", role: "coach", success: 201),
        Route(method: "get", path: "/api/v1/coach/operators/{id}/notes", summary: "The coach's private notes on an operator.", role: "coach"),
        Route(method: "post", path: "/api/v1/coach/operators/{id}/notes", summary: "Add a private note.", role: "coach", success: 201),
        Route(method: "get", path: "/api/v1/coach/operators/{id}/summary", summary: "An operator's week (?week=YYYY-MM-DD): hours, task kinds, quality by day, pauses, alerts.", role: "coach"),
        Route(method: "get", path: "/api/v1/coach/notifications", summary: "New datasets uploaded by clients.", role: "coach"),
        Route(method: "get", path: "/api/v1/coach/projects/{id}/operators", summary: "Which of the coach's operators get a project.", role: "coach"),
        Route(method: "put", path: "/api/v1/coach/projects/{id}/operators", summary: "Choose which of the coach's operators get a project.", role: "coach"),
        Route(method: "get", path: "/api/v1/coach/feedback", summary: "Client feedback waiting for moderation (?status=pending).", role: "coach"),
        Route(method: "post", path: "/api/v1/coach/feedback/{id}", summary: "Forward feedback to operators in the coach's own words, or dismiss it.", role: "coach"),
        Route(method: "post", path: "/api/v1/projects/{id}/feedback", summary: "Feedback or a good-job note on a project; it goes to the coaches.", role: "client", success: 201),
        Route(method: "get", path: "/api/v1/me/messages", summary: "Messages from the operator's coach.", role: "operator"),
        Route(method: "post", path: "/api/v1/me/messages/{id}/read", summary: "Mark a message as read.", role: "operator"),
        Route(method: "get", path: "/api/v1/admin/settings/alerts", summary: "The lab's thresholds for the coach's alerts.", role: "admin"),
        Route(method: "put", path: "/api/v1/admin/settings/alerts", summary: "Change the thresholds for alerts.", role: "admin"),
        Route(method: "put", path: "/api/v1/admin/operators/{id}/rate", summary: "Set an hourly rate from a date; 422 below the minimum wage.", role: "admin"),
        Route(method: "get", path: "/api/v1/admin/settings/pay", summary: "The lab's pay policy (whether extra pauses are paid).", role: "admin"),
        Route(method: "put", path: "/api/v1/admin/settings/pay", summary: "Change the lab's pay policy.", role: "admin"),
        Route(method: "get", path: "/api/v1/admin/payroll", summary: "Paid minutes and gross pay per operator and day (?format=csv).", role: "admin"),
        Route(method: "get", path: "/api/v1/admin/users", summary: "Everyone in the lab.", role: "admin"),
        Route(method: "post", path: "/api/v1/admin/users", summary: "Add a person to the lab.", role: "admin", success: 201),
    ]

    static func document() -> [String: Any] {
        var paths: [String: [String: Any]] = [:]
        for route in routes {
            var operation: [String: Any] = [
                "summary": route.summary,
                "responses": responses(for: route),
            ]
            if let role = route.role {
                operation["description"] = role == "any" ? "For anyone signed in." : "For the \(role) role."
                operation["security"] = [["bearer": []], ["session": []]]
            } else {
                operation["security"] = []
            }
            let parameters = pathParameters(route.path)
            if !parameters.isEmpty { operation["parameters"] = parameters }
            paths[route.path, default: [:]][route.method] = operation
        }
        return [
            "openapi": "3.1.0",
            "info": ["title": "Annolab", "version": "1.0.0",
                     "description": "An annotation lab: paid, paced, accessible data-labelling work."],
            "paths": paths,
            "components": [
                "securitySchemes": [
                    "bearer": ["type": "http", "scheme": "bearer"],
                    "session": ["type": "apiKey", "in": "cookie", "name": "annolab_session"],
                ],
                "schemas": [
                    "Error": [
                        "type": "object", "required": ["error"],
                        "properties": ["error": [
                            "type": "object", "required": ["code", "message"],
                            "properties": ["code": ["type": "string"], "message": ["type": "string"]],
                        ]],
                    ],
                ],
            ],
        ]
    }

    static func responses(for route: Route) -> [String: Any] {
        let error: [String: Any] = ["description": "An error in plain words.",
                                    "content": ["application/json": ["schema": ["$ref": "#/components/schemas/Error"]]]]
        var result: [String: Any] = ["\(route.success)": ["description": "Success."]]
        if route.role != nil {
            result["401"] = error
            result["403"] = error
        }
        if route.method == "post" || route.method == "put" { result["400"] = error; result["422"] = error }
        return result
    }

    static func pathParameters(_ path: String) -> [[String: Any]] {
        path.split(separator: "/").compactMap { part -> [String: Any]? in
            guard part.hasPrefix("{"), part.hasSuffix("}") else { return nil }
            let name = String(part.dropFirst().dropLast())
            return ["name": name, "in": "path", "required": true,
                    "schema": ["type": ["id", "project"].contains(name) ? "integer" : "string"]]
        }
    }
}
