// What the work queue reads from the store when the server starts, kept small at any size.
import AnnolabCore
import Foundation
import GRDB

/// Everything the engine needs to rebuild its in-memory queue when the server starts.
///
/// A lab may hold a million microtasks that nobody has had yet; those come back as runs of
/// consecutive ids (a few bytes for a whole import), never as rows with their payloads. Only
/// microtasks someone has started, and gold, come back whole, with their assignments and answers.
public struct OpenWork: Sendable {
    public var projects: [Project]
    /// Open microtasks nobody has had, as runs of consecutive ids per project and kind, in id order.
    public var fresh: [FreshRun]
    /// Open microtasks someone has had or answered, and every gold microtask.
    public var started: [Microtask]
    /// Every assignment of those microtasks (any state): who has had them, and live leases.
    public var assignments: [Assignment]
    /// Answers given on them (for adaptive overlap).
    public var answers: [AnswerRecord]
    /// Per open reviewer's microtask, the operators who answered the microtask it decides.
    public var reviewExcluded: [Int64: Set<Int64>]

    public init(projects: [Project], fresh: [FreshRun], started: [Microtask], assignments: [Assignment], answers: [AnswerRecord],
                reviewExcluded: [Int64: Set<Int64>] = [:]) {
        self.projects = projects
        self.fresh = fresh
        self.started = started
        self.assignments = assignments
        self.answers = answers
        self.reviewExcluded = reviewExcluded
    }
}

/// Consecutive microtask ids of one project and kind: `first ..< first + count`.
public struct FreshRun: Sendable, Equatable {
    public var projectId: Int64
    public var kind: TaskKind
    public var first: Int64
    public var count: Int

    public init(projectId: Int64, kind: TaskKind, first: Int64, count: Int) {
        self.projectId = projectId
        self.kind = kind
        self.first = first
        self.count = count
    }
}

/// A new lease, and when asked for, the microtask's details the queue does not keep in memory.
public struct LeasedMicrotask: Sendable {
    public var assignment: Assignment
    /// The payload as stored (JSON).
    public var payload: String?
    public var requiredAnswers: Int?

    public init(assignment: Assignment, payload: String?, requiredAnswers: Int?) {
        self.assignment = assignment
        self.payload = payload
        self.requiredAnswers = requiredAnswers
    }
}

extension LabStore {
    public func openWork() async throws -> OpenWork {
        try await read { db in
            let projects = try Project.order(Project.Columns.id).fetchAll(db)
            var fresh: [FreshRun] = []
            var startedIds: [Int64] = []
            // One pass in id order; the payload column is not read for microtasks nobody has had.
            let rows = try Row.fetchCursor(db, sql: """
                SELECT id, projectId, kind, isGold OR reviewOf IS NOT NULL OR answerCount > 0
                    OR EXISTS (SELECT 1 FROM assignment WHERE assignment.microtaskId = microtask.id) AS started
                FROM microtask WHERE status = ? OR isGold = 1 ORDER BY id
                """, arguments: [Microtask.Status.open])
            // Runs per project and kind, so that microtasks of two projects imported together stay apart.
            struct RunKey: Hashable { var projectId: Int64; var kind: TaskKind }
            var open: [RunKey: Int] = [:]
            while let row = try rows.next() {
                let id: Int64 = row[0]
                if row[3] as Bool {
                    startedIds.append(id)
                    continue
                }
                let projectId: Int64 = row[1]
                guard let kind = TaskKind(rawValue: row[2]) else { continue }
                let key = RunKey(projectId: projectId, kind: kind)
                if let index = open[key], fresh[index].first + Int64(fresh[index].count) == id {
                    fresh[index].count += 1
                } else {
                    open[key] = fresh.count
                    fresh.append(FreshRun(projectId: projectId, kind: kind, first: id, count: 1))
                }
            }
            var started: [Microtask] = []
            var assignments: [Assignment] = []
            var answers: [AnswerRecord] = []
            // In slices, so that a lab with many started microtasks does not build one huge statement.
            for slice in stride(from: 0, to: startedIds.count, by: 500) {
                let ids = Array(startedIds[slice..<min(slice + 500, startedIds.count)])
                started += try Microtask.filter(ids.contains(Microtask.Columns.id)).order(Microtask.Columns.id).fetchAll(db)
                assignments += try Assignment.filter(ids.contains(Assignment.Columns.microtaskId))
                    .order(Assignment.Columns.id).fetchAll(db)
                answers += try AnswerRecord.filter(ids.contains(AnswerRecord.Columns.microtaskId))
                    .order(AnswerRecord.Columns.id).fetchAll(db)
            }
            // Who answered the microtask a reviewer's microtask decides: none of them reviews it.
            var reviewExcluded: [Int64: Set<Int64>] = [:]
            for row in try Row.fetchAll(db, sql: """
                SELECT review.id AS review, answer.operatorId AS operatorId FROM microtask AS review
                JOIN answer ON answer.microtaskId = review.reviewOf
                WHERE review.reviewOf IS NOT NULL AND review.status = 'open'
                """) {
                reviewExcluded[row["review"], default: []].insert(row["operatorId"])
            }
            assignments.sort { ($0.id ?? 0) < ($1.id ?? 0) }
            answers.sort { ($0.id ?? 0) < ($1.id ?? 0) }
            return OpenWork(projects: projects, fresh: fresh, started: started, assignments: assignments, answers: answers,
                            reviewExcluded: reviewExcluded)
        }
    }
}
