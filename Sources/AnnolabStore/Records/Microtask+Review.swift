// A reviewer's microtask: made when the answers on a finished microtask did not agree.
import AnnolabCore
import Foundation
import GRDB

extension LabStore {
    /// Stores a reviewer's microtask for `original` (once: a second call returns nil), with the
    /// operators who answered the original, none of whom may review it.
    public func addReview(of original: Microtask, payload: String, at now: Date) async throws -> (Microtask, Set<Int64>)? {
        try await write { db in
            guard let originalId = original.id else { return nil }
            if try Bool.fetchOne(db, sql: "SELECT 1 FROM microtask WHERE reviewOf = ?", arguments: [originalId]) != nil { return nil }
            var review = Microtask(projectId: original.projectId, itemId: original.itemId, kind: original.kind, payload: payload,
                                   estimatedSeconds: original.estimatedSeconds, requiredAnswers: 1, createdAt: now)
            review.reviewOf = originalId
            try review.insert(db)
            let answered = try Int64.fetchAll(db, sql: "SELECT operatorId FROM answer WHERE microtaskId = ?", arguments: [originalId])
            return (review, Set(answered))
        }
    }

    /// Reviewers' decisions in a project: the microtask decided -> the reviewer's answer.
    public func reviewDecisions(projectId: Int64) async throws -> [Int64: AnswerRecord] {
        try await read { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT review.reviewOf AS original, answer.* FROM microtask AS review
                JOIN answer ON answer.microtaskId = review.id
                WHERE review.projectId = ? AND review.reviewOf IS NOT NULL
                """, arguments: [projectId])
            var decisions: [Int64: AnswerRecord] = [:]
            for row in rows { decisions[row["original"]] = try AnswerRecord(row: row) }
            return decisions
        }
    }
}
