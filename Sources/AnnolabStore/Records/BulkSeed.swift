// Many operators at once, for benchmarks and load tests that need a lab of tens of thousands of people.
import AnnolabCore
import Foundation
import GRDB

extension LabStore {
    /// Adds one operator per badge, each with a profile of `profile`'s blocks, in one transaction.
    ///
    /// `createUser` checks and audits one person at a time, which is right for a coach adding
    /// someone and far too slow for `annolab bench serve`, whose soak signs in a fresh operator
    /// for every abandoned lease (tens of thousands in five minutes). Here the users go in by
    /// multi-row INSERT statements and their profiles by one INSERT ... SELECT. Returns the
    /// number of operators added; a badge already given to someone fails the whole batch
    /// (`badge_taken`), so nothing half-seeded is left behind.
    ///
    /// ```swift
    /// let badges = (0..<50_000).map { String(format: "OP-B%05d", $0) }
    /// try await store.addOperatorsInBulk(badges: badges, namePrefix: "Bench operator", profile: WorkProfile(workMinutes: 120))
    /// ```
    @discardableResult
    public func addOperatorsInBulk(badges: [String], namePrefix: String, profile: WorkProfile = .standard,
                                   language: String = "nl", now: Date = Date()) async throws -> Int {
        try profile.validate()
        guard Set(badges).count == badges.count else {
            throw LabError(.conflict, "badge_taken", "The same badge is given twice in this batch. Give every operator a badge of their own.")
        }
        return try await write { db in
            let before = try Int64.fetchOne(db, sql: "SELECT MAX(id) FROM user") ?? 0
            var start = badges.startIndex
            while start < badges.endIndex {
                let end = min(start + Self.userRowsPerInsert, badges.endIndex)
                let rows = Array(repeating: "(?, ?, ?, ?, ?)", count: end - start).joined(separator: ", ")
                let statement = try db.cachedStatement(sql: "INSERT INTO user (role, name, badge, language, createdAt) VALUES \(rows)")
                var values: [(any DatabaseValueConvertible)?] = []
                values.reserveCapacity((end - start) * 5)
                for (offset, badge) in badges[start..<end].enumerated() {
                    values += [Role.operator, "\(namePrefix) \(start + offset + 1)", badge, language, now]
                }
                do {
                    try statement.execute(arguments: StatementArguments(values))
                } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE {
                    throw LabError(.conflict, "badge_taken", "One of these badges is already given to someone else. Choose new badges.")
                }
                start = end
            }
            try db.execute(sql: """
                INSERT INTO operatorProfile (operatorId, workMinutes, pauseMinutes, shiftMinutes, dailyCapMinutes)
                SELECT id, ?, ?, ?, ? FROM user WHERE id > ? AND role = ?
                """, arguments: [profile.workMinutes, profile.pauseMinutes, profile.shiftMinutes, profile.dailyCapMinutes, before,
                                 Role.operator])
            return badges.count
        }
    }

    /// 5 values a row: 2,000 rows stay well inside SQLite's limit of 32,766 bound values.
    static let userRowsPerInsert = 2_000
}
