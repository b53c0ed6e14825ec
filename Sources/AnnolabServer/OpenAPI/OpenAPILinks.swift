// The links between operations: how a value one answer gives is used by the next request.
import Foundation

/// One link: after `from` answers `status`, `to` can be called with `parameters` taken from it.
/// Clients follow these from sign-in to work to answers; schemathesis's stateful phase follows
/// them to test sequences of calls, not only single ones.
struct APILink: Sendable {
    var from: String
    var status: Int
    var name: String
    var to: String
    /// `path.id`, `header.Authorization`, ... -> a runtime expression.
    var parameters: [String: String] = [:]
    /// The next request's JSON body, when the link gives one.
    var requestBody: [String: String]? = nil
    var description: String
}

enum APILinks {
    static let all: [APILink] = signIn + projects + work + tokens + people + coaching

    static let signIn: [APILink] = [
        APILink(from: "login", status: 200, name: "WhoAmI", to: "me",
                parameters: ["header.Authorization": "Bearer {$response.body#/token}"],
                description: "The token signs in later requests as a bearer token."),
        APILink(from: "login", status: 200, name: "MySettings", to: "mySettings",
                parameters: ["header.Authorization": "Bearer {$response.body#/token}"],
                description: "The signed-in person's own settings."),
    ]

    static let projects: [APILink] = [
        APILink(from: "createProject", status: 201, name: "ShowProject", to: "showProject",
                parameters: ["path.id": "$response.body#/id"], description: "The new project with its progress."),
        APILink(from: "createProject", status: 201, name: "UploadItems", to: "uploadItems",
                parameters: ["path.id": "$response.body#/id"], description: "Files for the new project."),
        APILink(from: "createProject", status: 201, name: "SetGold", to: "setGold",
                parameters: ["path.id": "$response.body#/id"], description: "Known answers for the new project."),
        APILink(from: "createProject", status: 201, name: "SendFeedback", to: "sendProjectFeedback",
                parameters: ["path.id": "$response.body#/id"], description: "Feedback on the new project."),
        APILink(from: "createProject", status: 201, name: "Export", to: "exportProject",
                parameters: ["path.id": "$response.body#/id"], description: "The new project's results so far."),
        APILink(from: "uploadItems", status: 201, name: "Export", to: "exportProject",
                parameters: ["path.id": "$request.path.id"], description: "The results of the project the files went to."),
        APILink(from: "listProjects", status: 200, name: "ShowFirstProject", to: "showProject",
                parameters: ["path.id": "$response.body#/projects/0/id"], description: "The first project of the list."),
        APILink(from: "listProjects", status: 200, name: "ExportFirstProject", to: "exportProject",
                parameters: ["path.id": "$response.body#/projects/0/id"], description: "The first project's results."),
        APILink(from: "listProjects", status: 200, name: "UploadToFirstProject", to: "uploadItems",
                parameters: ["path.id": "$response.body#/projects/0/id"], description: "Files for the first project."),
    ]

    static let work: [APILink] = [
        APILink(from: "startShift", status: 200, name: "NextTask", to: "nextTask", description: "Work, once the shift runs."),
        APILink(from: "resumeShift", status: 200, name: "NextTask", to: "nextTask", description: "Work, after an extra pause."),
        APILink(from: "nextTask", status: 200, name: "Answer", to: "answerTask",
                parameters: ["path.id": "$response.body#/assignment/id"], description: "The answer to the task served."),
        APILink(from: "nextTask", status: 200, name: "Skip", to: "skipTask",
                parameters: ["path.id": "$response.body#/assignment/id"], description: "Skip the task served."),
        APILink(from: "nextTask", status: 200, name: "Release", to: "releaseTask",
                parameters: ["path.id": "$response.body#/assignment/id"], description: "Hand the task served back."),
        APILink(from: "nextTask", status: 200, name: "Renew", to: "renewTask",
                parameters: ["path.id": "$response.body#/assignment/id"], description: "Keep the task served longer."),
        APILink(from: "answerTask", status: 201, name: "NextTask", to: "nextTask", description: "The next task after an answer."),
        APILink(from: "myMessages", status: 200, name: "ReadFirst", to: "readMessage",
                parameters: ["path.id": "$response.body#/messages/0/id"], description: "Mark the newest message as read."),
    ]

    static let tokens: [APILink] = [
        APILink(from: "createToken", status: 201, name: "Revoke", to: "revokeToken",
                parameters: ["path.id": "$response.body#/id"], description: "Revoke the new token."),
        APILink(from: "listTokens", status: 200, name: "RevokeFirst", to: "revokeToken",
                parameters: ["path.id": "$response.body#/tokens/0/id"], description: "Revoke the first token of the list."),
    ]

    static let people: [APILink] = [
        APILink(from: "addUser", status: 201, name: "SignIn", to: "login", requestBody: ["badge": "$response.body#/badge"],
                description: "A new operator signs in with the badge the admin gave them."),
        APILink(from: "addUser", status: 201, name: "SetRate", to: "setRate",
                parameters: ["path.id": "$response.body#/id"], description: "An hourly rate for a new operator."),
        APILink(from: "addUser", status: 201, name: "Disable", to: "disableUser",
                parameters: ["path.id": "$response.body#/id"], description: "Disable the new account."),
    ]

    static let coaching: [APILink] = [
        APILink(from: "coachOperators", status: 200, name: "ChangeProfile", to: "changeProfile",
                parameters: ["path.id": "$response.body#/operators/0/id"], description: "The first operator's profile."),
        APILink(from: "coachOperators", status: 200, name: "StartShift", to: "coachStartShift",
                parameters: ["path.id": "$response.body#/operators/0/id"], description: "A shift for the first operator."),
        APILink(from: "coachOperators", status: 200, name: "EndShift", to: "coachEndShift",
                parameters: ["path.id": "$response.body#/operators/0/id"], description: "End the first operator's shift."),
        APILink(from: "coachOperators", status: 200, name: "SendMessage", to: "sendMessage",
                parameters: ["path.id": "$response.body#/operators/0/id"], description: "A message to the first operator."),
        APILink(from: "coachOperators", status: 200, name: "Notes", to: "notes",
                parameters: ["path.id": "$response.body#/operators/0/id"], description: "Notes on the first operator."),
        APILink(from: "coachOperators", status: 200, name: "AddNote", to: "addNote",
                parameters: ["path.id": "$response.body#/operators/0/id"], description: "A note on the first operator."),
        APILink(from: "coachOperators", status: 200, name: "WeekSummary", to: "weekSummary",
                parameters: ["path.id": "$response.body#/operators/0/id"], description: "The first operator's week."),
        APILink(from: "coachAlerts", status: 200, name: "Acknowledge", to: "acknowledgeAlert",
                parameters: ["path.id": "$response.body#/alerts/0/id"], description: "Mark the first alert as seen."),
        APILink(from: "coachFeedback", status: 200, name: "Decide", to: "decideFeedback",
                parameters: ["path.id": "$response.body#/feedback/0/id"], description: "Decide on the first feedback."),
        APILink(from: "coachNotifications", status: 200, name: "ProjectOperators", to: "projectOperators",
                parameters: ["path.id": "$response.body#/notifications/0/projectId"], description: "Who gets the new dataset."),
        APILink(from: "coachNotifications", status: 200, name: "ChooseOperators", to: "chooseProjectOperators",
                parameters: ["path.id": "$response.body#/notifications/0/projectId"], description: "Choose who gets the new dataset."),
    ]
}
