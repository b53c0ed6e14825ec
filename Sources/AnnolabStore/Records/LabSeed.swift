// Seeding a new lab (the demo) in one transaction: all of it or nothing.
import AnnolabCore
import Foundation
import GRDB

/// Plain data for a new lab: one client company, people, and projects.
public struct LabSeed: Sendable {
    public struct Person: Sendable {
        public var key: String
        public var user: NewUser
        /// The key of this operator's coach in the same seed.
        public var coachKey: String?
        public init(key: String, user: NewUser, coachKey: String? = nil) {
            self.key = key
            self.user = user
            self.coachKey = coachKey
        }
    }

    public var clientName: String
    public var clientHourlyPriceCents: Int
    public var people: [Person]
    /// Projects for the seed's client (their `clientId` is filled in).
    public var projects: [Project]

    public init(clientName: String, clientHourlyPriceCents: Int, people: [Person], projects: [Project]) {
        self.clientName = clientName
        self.clientHourlyPriceCents = clientHourlyPriceCents
        self.people = people
        self.projects = projects
    }
}

extension LabStore {
    /// Whether the lab has nobody in it yet.
    public func isEmpty() async throws -> Bool {
        try await read { db in try User.fetchCount(db) == 0 }
    }

    /// Stores a whole seed in one transaction, only when the lab is still empty.
    /// Returns the ids of the created projects, in seed order; nil when the lab was not empty.
    public func seedIfEmpty(_ seed: LabSeed, now: Date = Date()) async throws -> [Int64]? {
        try await write { db in
            guard try User.fetchCount(db) == 0 else { return nil }
            var client = Client(id: nil, name: seed.clientName, hourlyPriceCents: seed.clientHourlyPriceCents, createdAt: now)
            try client.insert(db)
            var ids: [String: Int64] = [:]
            for person in seed.people {
                var user = person.user.stored(at: now)
                if user.role == .client { user.clientId = client.id }
                try user.insert(db)
                ids[person.key] = user.id
                if user.role == .operator {
                    try OperatorProfile(operatorId: user.id!, coachId: person.coachKey.flatMap { ids[$0] }).insert(db)
                }
            }
            var projectIds: [Int64] = []
            for var project in seed.projects {
                project.clientId = client.id!
                try project.insert(db)
                projectIds.append(project.id!)
            }
            try AuditEntry.record(db, actor: nil, action: "lab.seed", subject: nil, detail: seed.clientName)
            return projectIds
        }
    }
}
