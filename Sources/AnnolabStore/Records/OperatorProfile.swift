// The working pattern an operator agreed with their coach.
import AnnolabCore
import Foundation
import GRDB

/// How an operator works: block lengths, shift length, daily cap, task kinds, audio mode.
public struct OperatorProfile: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "operatorProfile"
    public var operatorId: Int64
    public var coachId: Int64?
    public var workMinutes: Int = 45
    public var pauseMinutes: Int = 15
    public var shiftMinutes: Int = 240
    public var dailyCapMinutes: Int = 240
    /// The kinds this operator does; empty means every kind.
    public var taskKinds: [TaskKind] = []
    public var audioMode: Bool = false

    public init(operatorId: Int64, coachId: Int64?) {
        self.operatorId = operatorId
        self.coachId = coachId
    }
}

extension LabStore {
    public func profile(operatorId: Int64) async throws -> OperatorProfile? {
        try await read { db in try OperatorProfile.fetchOne(db, key: operatorId) }
    }
}

extension LabStore {
    /// Replaces an operator's profile (agreed with their coach).
    public func updateProfile(_ profile: OperatorProfile, actor: Int64?) async throws {
        try await write { db in
            try profile.update(db)
            try AuditEntry.record(db, actor: actor, action: "profile.update", subject: "user:\(profile.operatorId)",
                                  detail: "work \(profile.workMinutes) min, pause \(profile.pauseMinutes) min, shift \(profile.shiftMinutes) min, daily cap \(profile.dailyCapMinutes) min")
        }
    }
}
