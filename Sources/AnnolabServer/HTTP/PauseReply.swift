// The 423 an operator gets when asking for work in a pause: the error, and when work starts again.
import AnnolabCore
import Foundation
import Hummingbird

/// The reply to `GET /api/v1/tasks/next` during a pause: the `pause` error with the phase and
/// when work resumes beside it, so the work page can count down without asking again.
///
/// ```swift
/// } catch LabEngine.NotNow.pause(let resumesAt, let extraPause) {
///     return try PauseReply(resumesAt: resumesAt, resumesInSeconds: seconds, extraPause: extraPause)
///         .response(from: request, context: context)
/// }
/// ```
struct PauseReply: HTTPResponseError, Encodable {
    var error: ErrorBody.Detail
    var phase = LabEngine.ShiftView.Phase.pause
    /// Null during an extra pause: it ends when the operator chooses to resume.
    var resumesAt: Date?
    var resumesInSeconds: Double?
    var extraPause: Bool

    init(resumesAt: Date?, resumesInSeconds: Double?, extraPause: Bool) {
        error = .init(Self.labError(extraPause: extraPause))
        self.resumesAt = resumesAt
        self.resumesInSeconds = resumesInSeconds
        self.extraPause = extraPause
    }

    /// The error this reply carries, worded for a pause by the clock or one the operator took.
    static func labError(extraPause: Bool) -> LabError {
        LabError(.locked, .pause, extraPause
            ? "You are on a pause. Take your time; choose resume when you are ready."
            : "It is pause time. Work starts again when the pause ends.")
    }

    var status: HTTPResponse.Status { LabError.Kind.locked.status }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        try Self.labError(extraPause: extraPause).reply(self)
    }

    /// Every key is always there; `resumesAt` and `resumesInSeconds` are null rather than left out.
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(error, forKey: .error)
        try container.encode(phase, forKey: .phase)
        try container.encode(resumesAt, forKey: .resumesAt)
        try container.encode(resumesInSeconds, forKey: .resumesInSeconds)
        try container.encode(extraPause, forKey: .extraPause)
    }

    enum CodingKeys: String, CodingKey { case error, phase, resumesAt, resumesInSeconds, extraPause }
}
