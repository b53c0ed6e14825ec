// Projects: a client's dataset and how it is to be labelled.
import AnnolabCore
import Foundation
import GRDB

/// A client's labelling job, made from a task template.
public struct Project: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "project"
    public var id: Int64?
    public var clientId: Int64
    public var name: String
    public var template: TaskKind
    public var labels: [String]
    /// With an overlap, every microtask gets exactly that many answers; without, adaptive overlap.
    public var overlap: Int?
    public var adaptiveMin: Int?
    public var adaptiveMax: Int?
    public var goldRate: Double
    /// YYYY-MM-DD
    public var deadline: String?
    public var createdAt: Date
    /// The client's own instructions for operators ({"nl": [lines], "en": [lines]} as JSON);
    /// nil means the template's.
    public var instructions: String?
    /// The subtitle rules' settings of a subtitle check (``SubtitleRuleSettings`` as JSON);
    /// nil means the defaults.
    public var subtitleRules: String?

    /// The table's columns, named by the record's own properties.
    public enum Columns {
        public static let id = Column(CodingKeys.id)
        public static let clientId = Column(CodingKeys.clientId)
    }

    public init(id: Int64? = nil, clientId: Int64, name: String, template: TaskKind, labels: [String],
                overlap: Int?, adaptiveMin: Int?, adaptiveMax: Int?, goldRate: Double, deadline: String?,
                createdAt: Date, instructions: String? = nil, subtitleRules: String? = nil) {
        self.instructions = instructions
        self.subtitleRules = subtitleRules
        self.id = id
        self.clientId = clientId
        self.name = name
        self.template = template
        self.labels = labels
        self.overlap = overlap
        self.adaptiveMin = adaptiveMin
        self.adaptiveMax = adaptiveMax
        self.goldRate = goldRate
        self.deadline = deadline
        self.createdAt = createdAt
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// The work still to do on a project: answers needed and the seconds they are expected to take.
public struct RemainingWork: Sendable, Equatable {
    public var answersNeeded: Int
    public var estimatedSeconds: Double

    public init(answersNeeded: Int, estimatedSeconds: Double) {
        self.answersNeeded = answersNeeded
        self.estimatedSeconds = estimatedSeconds
    }
}

/// How many microtasks a project has and how far the work is.
public struct ProjectProgress: Codable, Sendable, Equatable {
    public var microtasks: Int
    public var completed: Int
    public var inProgress: Int

    public init(microtasks: Int, completed: Int, inProgress: Int) {
        self.microtasks = microtasks
        self.completed = completed
        self.inProgress = inProgress
    }
}

extension LabStore {
    public func createProject(_ project: Project, actor: Int64?) async throws -> Project {
        try await write { db in
            var project = project
            try project.insert(db)
            try AuditEntry.record(db, actor: actor, action: "project.create", subject: "project:\(project.id!)",
                                  detail: project.name)
            return project
        }
    }

    public func project(id: Int64) async throws -> Project? {
        try await read { db in try Project.fetchOne(db, key: id) }
    }

    /// The projects of one client, or of every client when `clientId` is nil.
    public func projects(clientId: Int64?) async throws -> [Project] {
        try await read { db in
            var request = Project.order(Project.Columns.id)
            if let clientId { request = request.filter(Project.Columns.clientId == clientId) }
            return try request.fetchAll(db)
        }
    }

    public func progress(projectId: Int64, now: Date = Date()) async throws -> ProjectProgress {
        try await read { db in
            let row = try Row.fetchOne(db, sql: """
                SELECT COUNT(*) AS total, COALESCE(SUM(status = ?), 0) AS done
                FROM microtask WHERE projectId = ? AND isGold = 0
                """, arguments: [Microtask.Status.complete, projectId])
            let inProgress = try Int.fetchOne(db, sql: """
                SELECT COUNT(DISTINCT assignment.microtaskId) FROM assignment
                JOIN microtask ON microtask.id = assignment.microtaskId
                WHERE microtask.projectId = ? AND microtask.status = ?
                  AND assignment.state = ? AND assignment.leaseExpiresAt > ?
                """, arguments: [projectId, Microtask.Status.open, Assignment.State.leased, now]) ?? 0
            return ProjectProgress(microtasks: row?["total"] ?? 0, completed: row?["done"] ?? 0, inProgress: inProgress)
        }
    }

    /// Answers still needed on open microtasks, and their estimated effort.
    public func remainingWork(projectId: Int64) async throws -> RemainingWork {
        try await read { db in
            let row = try Row.fetchOne(db, sql: """
                SELECT COALESCE(SUM(MAX(requiredAnswers - answerCount, 0)), 0) AS needed,
                       COALESCE(SUM(MAX(requiredAnswers - answerCount, 0) * estimatedSeconds), 0) AS seconds
                FROM microtask WHERE projectId = ? AND status = ? AND isGold = 0
                """, arguments: [projectId, Microtask.Status.open])
            return RemainingWork(answersNeeded: row?["needed"] ?? 0, estimatedSeconds: row?["seconds"] ?? 0)
        }
    }

    /// Work minutes a day the lab's operators are rostered for (their daily caps), and how many
    /// projects share them.
    public func rosteredCapacity() async throws -> (minutesPerDay: Int, openProjects: Int) {
        try await read { db in
            let minutes = try Int.fetchOne(db, sql: """
                SELECT COALESCE(SUM(operatorProfile.dailyCapMinutes), 0) FROM operatorProfile
                JOIN user ON user.id = operatorProfile.operatorId WHERE user.disabledAt IS NULL
                """) ?? 0
            let projects = try Int.fetchOne(db, sql: "SELECT COUNT(DISTINCT projectId) FROM microtask WHERE status = ? AND isGold = 0",
                                            arguments: [Microtask.Status.open]) ?? 0
            return (minutes, projects)
        }
    }
}

extension Project {
    /// The limits this project's subtitle rules use: its own, else the defaults.
    public func ruleSettings() throws -> SubtitleRuleSettings {
        guard let subtitleRules else { return SubtitleRuleSettings() }
        return try SubtitleRuleSettings.decode(Data(subtitleRules.utf8))
    }
}
