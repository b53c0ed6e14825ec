// The coach's routes: their own operators only.
import AnnolabStore
import Foundation
import Hummingbird

/// Routes for job coaches. A coach sees only the operators in their own group; another
/// coach's operator is 404, as if it did not exist.
struct CoachRoutes {
    let store: LabStore
    let engine: LabEngine

    struct OperatorSummary: Codable, Sendable {
        var id: Int64
        var name: String
        var badge: String?
        var phase: String
        var extraPause: Bool
        var blockEndsAt: Date?
        var resumesAt: Date?
        var profile: OperatorProfile?
    }

    struct OperatorList: ResponseEncodable {
        var operators: [OperatorSummary]
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

    func register(on router: Router<LabRequestContext>) {
        let group = router.group("api/v1/coach").add(middleware: RoleMiddleware(.coach))
        group.get("operators", use: operators)
        group.put("operators/{id}/profile", use: changeProfile)
    }

    @Sendable func operators(_ request: Request, context: LabRequestContext) async throws -> OperatorList {
        let coach = try context.requireUser()
        var list: [OperatorSummary] = []
        for person in try await store.operators(ofCoach: coach.id!) {
            let shift = try await engine.shift(operatorId: person.id!)
            list.append(OperatorSummary(id: person.id!, name: person.name, badge: person.badge, phase: shift.phase,
                                        extraPause: shift.extraPause, blockEndsAt: shift.blockEndsAt,
                                        resumesAt: shift.resumesAt, profile: try await store.profile(operatorId: person.id!)))
        }
        return OperatorList(operators: list)
    }

    /// The profile of one of this coach's operators, or 404.
    func ownProfile(_ context: LabRequestContext) async throws -> OperatorProfile {
        let coach = try context.requireUser()
        guard let raw = context.parameters.get("id"), let id = Int64(raw),
              let profile = try await store.profile(operatorId: id), profile.coachId == coach.id else {
            throw LabError(.notFound, "operator_not_found", "There is no operator with this id in your group.")
        }
        return profile
    }

    /// Block lengths, shift length and daily cap apply from the operator's next shift start;
    /// task kinds and audio mode from their next task.
    @Sendable func changeProfile(_ request: Request, context: LabRequestContext) async throws -> OperatorProfile {
        var profile = try await ownProfile(context)
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
        try WorkProfile(workMinutes: profile.workMinutes, pauseMinutes: profile.pauseMinutes,
                        shiftMinutes: profile.shiftMinutes, dailyCapMinutes: profile.dailyCapMinutes).validate()
        try await engine.profileChanged(profile, actor: try context.requireUser().id)
        return profile
    }
}

extension OperatorProfile: ResponseEncodable {}
