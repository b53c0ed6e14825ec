// Steps of the skill ladder an operator reached, and the practice that counts towards the next.
import AnnolabCore
import Foundation
import GRDB

/// A step of the skill ladder that an operator reached. Never removed by the lab itself.
public struct SkillRecord: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "skill"
    public var operatorId: Int64
    public var step: String
    public var reachedAt: Date
    /// "practice", "coach" or "earlier".
    public var via: String
    public var openedById: Int64?

    public init(operatorId: Int64, step: String, reachedAt: Date, via: String, openedById: Int64?) {
        self.operatorId = operatorId
        self.step = step
        self.reachedAt = reachedAt
        self.via = via
        self.openedById = openedById
    }
}

/// An operator's practice questions (gold microtasks answered) of some kinds: all of them, and
/// the most recent ones, on which a step opens (early mistakes do not keep a step closed).
public struct PracticeFigures: Sendable, Equatable {
    public var questions: Int
    public var right: Int
    /// The most recent questions (at most the number asked for) and how many of them were right.
    public var recent: Int
    public var recentRight: Int
    public var first: Date?
    public var last: Date?
    public init(questions: Int = 0, right: Int = 0, recent: Int = 0, recentRight: Int = 0, first: Date? = nil, last: Date? = nil) {
        self.questions = questions
        self.right = right
        self.recent = recent
        self.recentRight = recentRight
        self.first = first
        self.last = last
    }
}

extension LabStore {
    /// The lab setting that turns the skill ladder on.
    public static let ladderSettingKey = "skills.ladder"

    public func skills(operatorId: Int64) async throws -> [SkillRecord] {
        try await read { db in
            try SkillRecord.filter(Column("operatorId") == operatorId).order(Column("reachedAt"), Column("step")).fetchAll(db)
        }
    }

    /// Opens a step for an operator. Returns false when it was open already (nothing changes).
    @discardableResult
    public func openSkill(operatorId: Int64, step: String, via: String, by actor: Int64?, at: Date) async throws -> Bool {
        try await write { db in
            try db.execute(sql: """
                INSERT INTO skill (operatorId, step, reachedAt, via, openedById) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT(operatorId, step) DO NOTHING
                """, arguments: [operatorId, step, at, via, actor])
            guard db.changesCount > 0 else { return false }
            try AuditEntry.record(db, actor: actor, action: "skill.open", subject: "user:\(operatorId)", detail: "\(step) (\(via))", at: at)
            return true
        }
    }

    /// Whether anyone reached one of `steps` (a lab with a reviewer, say).
    public func anyoneReached(steps: [String]) async throws -> Bool {
        guard !steps.isEmpty else { return false }
        return try await read { db in
            try Bool.fetchOne(db, sql: "SELECT 1 FROM skill WHERE step IN (\(steps.map { _ in "?" }.joined(separator: ","))) LIMIT 1",
                              arguments: StatementArguments(steps)) ?? false
        }
    }

    /// Practice questions of `kinds` this operator answered (gold microtasks, right or not), and
    /// the `recent` most recent of them.
    public func practice(operatorId: Int64, kinds: Set<TaskKind>, recent: Int) async throws -> PracticeFigures {
        guard !kinds.isEmpty else { return PracticeFigures() }
        let names = kinds.map(\.rawValue)
        let marks = names.map { _ in "?" }.joined(separator: ",")
        return try await read { db in
            let values: [any DatabaseValueConvertible] = [operatorId] + names.map { $0 as (any DatabaseValueConvertible) }
            let gold = """
                SELECT answer.id, answer.goldCorrect, answer.createdAt
                FROM answer JOIN microtask ON microtask.id = answer.microtaskId
                WHERE answer.operatorId = ? AND answer.isGold AND microtask.kind IN (\(marks))
                """
            let all = try Row.fetchOne(db, sql: """
                SELECT COUNT(*) AS questions, COALESCE(SUM(goldCorrect = 1), 0) AS right,
                       MIN(createdAt) AS first, MAX(createdAt) AS last FROM (\(gold))
                """, arguments: StatementArguments(values))
            let latest = try Row.fetchOne(db, sql: """
                SELECT COUNT(*) AS recent, COALESCE(SUM(goldCorrect = 1), 0) AS recentRight
                FROM (\(gold) ORDER BY answer.id DESC LIMIT ?)
                """, arguments: StatementArguments(values + [recent]))
            guard let all, let latest else { return PracticeFigures() }
            return PracticeFigures(questions: all["questions"], right: all["right"], recent: latest["recent"],
                                   recentRight: latest["recentRight"], first: all["first"], last: all["last"])
        }
    }

    /// For a lab that turns the ladder on: every operator keeps the steps whose kinds they
    /// already worked on, reached on the day of their first answer of those kinds.
    public func openEarlierSkills(steps: [(id: String, kinds: [TaskKind])], actor: Int64?) async throws {
        try await write { db in
            for step in steps where !step.kinds.isEmpty {
                let names = step.kinds.map(\.rawValue)
                try db.execute(sql: """
                    INSERT INTO skill (operatorId, step, reachedAt, via, openedById)
                    SELECT answer.operatorId, ?, MIN(answer.createdAt), 'earlier', NULL
                    FROM answer JOIN microtask ON microtask.id = answer.microtaskId
                    WHERE microtask.kind IN (\(names.map { _ in "?" }.joined(separator: ","))) AND NOT answer.isGold
                    GROUP BY answer.operatorId
                    ON CONFLICT(operatorId, step) DO NOTHING
                    """, arguments: StatementArguments([step.id] + names.map { $0 as (any DatabaseValueConvertible) }))
            }
            try AuditEntry.record(db, actor: actor, action: "skill.earlier", subject: nil, detail: "steps opened for work done before the ladder")
        }
    }
}
