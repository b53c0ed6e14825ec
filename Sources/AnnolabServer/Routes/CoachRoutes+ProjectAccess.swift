// New datasets and who gets them: the coach's notices of new work and which operators may work on a project.
import AnnolabCore
import AnnolabStore
import Foundation
import Hummingbird

extension CoachRoutes {
    struct NotificationView: Codable {
        var id: Int64
        var kind: String
        var projectId: Int64
        var projectName: String
        var createdAt: Date
        var decided: Bool
    }

    struct NotificationList: ResponseEncodable {
        var notifications: [NotificationView]
    }

    /// One of the coach's operators and whether they get the project.
    struct Access: Codable {
        var id: Int64
        var name: String
        var allowed: Bool
    }

    struct AccessList: ResponseEncodable {
        var operators: [Access]
    }

    /// The operators of the coach's group who get the project; the others do not.
    struct AccessChange: Decodable {
        var operators: [Int64]
    }

    @Sendable func notifications(_ request: Request, context: LabRequestContext) async throws -> NotificationList {
        let coachId = try context.requireUserID()
        return NotificationList(notifications: try await store.notifications(coachId: coachId).map { notice, name in
            NotificationView(id: try notice.id.required("notification"), kind: notice.kind, projectId: notice.projectId,
                             projectName: name, createdAt: notice.createdAt, decided: notice.decidedAt != nil)
        })
    }

    /// The id in the path, when it names a project; else 404.
    func requireProject(_ context: LabRequestContext) async throws -> Int64 {
        let notFound = LabError(.notFound, "project_not_found", "There is no such project.")
        let id = try context.parameters.requireID(else: notFound)
        guard try await store.project(id: id) != nil else { throw notFound }
        return id
    }

    func access(projectId: Int64, coachId: Int64) async throws -> AccessList {
        let denied = try await store.deniedProjects()
        return AccessList(operators: try await store.operators(ofCoach: coachId).map { person in
            let id = try person.id.required("operator")
            return Access(id: id, name: person.name, allowed: !(denied[id]?.contains(projectId) ?? false))
        })
    }

    @Sendable func projectOperators(_ request: Request, context: LabRequestContext) async throws -> AccessList {
        let coachId = try context.requireUserID()
        let projectId = try await requireProject(context)
        return try await access(projectId: projectId, coachId: coachId)
    }

    @Sendable func setProjectOperators(_ request: Request, context: LabRequestContext) async throws -> AccessList {
        let coachId = try context.requireUserID()
        let projectId = try await requireProject(context)
        let change = try await request.decode(as: AccessChange.self, context: context)
        guard Set(change.operators).isSubset(of: try await ownGroup(coachId: coachId)) else { throw Self.operatorNotFound }
        try await store.setProjectAccess(projectId: projectId, coachId: coachId, allowed: Set(change.operators),
                                         at: engine.clock.now())
        try await engine.projectAccessChanged()
        return try await access(projectId: projectId, coachId: coachId)
    }
}
