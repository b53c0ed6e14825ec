// The coach's operators: their cards, the live event stream, their profile and their shifts.
import AnnolabCore
import AnnolabStore
import Foundation
import Hummingbird
import ServiceLifecycle

extension CoachRoutes {
    struct OperatorList: ResponseEncodable {
        var operators: [OperatorCard]
    }

    /// A change of profile: the fields sent replace the stored ones, the others stay.
    struct ProfileChange: Decodable {
        var workMinutes: Int?
        var pauseMinutes: Int?
        var shiftMinutes: Int?
        var dailyCapMinutes: Int?
        var taskKinds: [String]?
        var audioMode: Bool?
    }

    @Sendable func operators(_ request: Request, context: LabRequestContext) async throws -> OperatorList {
        let coachId = try context.requireUserID()
        var list: [OperatorCard] = []
        for person in try await store.operators(ofCoach: coachId) {
            list.append(try await monitor.card(operatorId: try person.id.required("operator")))
        }
        return OperatorList(operators: list)
    }

    /// Server-sent events of this coach's operators: `operator`, `alert` and `dataset`.
    @Sendable func events(_ request: Request, context: LabRequestContext) async throws -> Response {
        let coachId = try context.requireUserID()
        let monitor = self.monitor
        var headers: HTTPFields = [.contentType: "text/event-stream", .cacheControl: "no-cache"]
        // Asks a proxy in front (nginx) to pass each event on at once rather than buffer them.
        if let accelBuffering = HTTPFields.Element.Name("X-Accel-Buffering") { headers[accelBuffering] = "no" }
        return Response(status: .ok, headers: headers, body: .init { writer in
            // Subscribed while the body is written, and given up when it ends, however it ends;
            // a graceful shutdown ends the stream, so the server can stop.
            let (stream, token) = monitor.subscribe(coachId: coachId)
            defer { monitor.unsubscribe(token) }
            try await writer.write(ByteBuffer(string: ": connected\nretry: 3000\n\n"))
            for await text in stream.cancelOnGracefulShutdown() {
                try await writer.write(ByteBuffer(string: text))
            }
            try await writer.finish(nil)
        })
    }

    /// Block lengths, shift length and daily cap apply from the operator's next shift start;
    /// task kinds and audio mode from their next task.
    @Sendable func changeProfile(_ request: Request, context: LabRequestContext) async throws -> OperatorProfile {
        var profile = try await ownOperator(context)
        let change = try await request.decode(as: ProfileChange.self, context: context)
        if let value = change.workMinutes { profile.workMinutes = value }
        if let value = change.pauseMinutes { profile.pauseMinutes = value }
        if let value = change.shiftMinutes { profile.shiftMinutes = value }
        if let value = change.dailyCapMinutes { profile.dailyCapMinutes = value }
        if let value = change.audioMode { profile.audioMode = value }
        if let names = change.taskKinds {
            profile.taskKinds = try names.map { name in
                guard let kind = TaskKind(rawValue: name) else {
                    let known = TaskKind.allCases.map(\.rawValue).joined(separator: ", ")
                    throw LabError(.unprocessable, "invalid_profile", "'\(name)' is not a task kind. Choose from \(known).")
                }
                return kind
            }
        }
        try WorkProfile(profile).validate()
        try await engine.profileChanged(profile, actor: try context.requireUserID())
        monitor.record(profile.operatorId, .shiftChanged)
        return profile
    }

    @Sendable func startShift(_ request: Request, context: LabRequestContext) async throws -> LabEngine.ShiftView {
        let profile = try await ownOperator(context)
        return try await engine.startShift(operatorId: profile.operatorId, startedBy: try context.requireUserID())
    }

    @Sendable func endShift(_ request: Request, context: LabRequestContext) async throws -> LabEngine.ShiftView {
        let profile = try await ownOperator(context)
        return try await engine.endShift(operatorId: profile.operatorId, byCoach: true)
    }
}
