// Alerts in the store: raised once per kind and key, listed for a coach or a week, acknowledged.
import AnnolabCore
import Foundation
import GRDB

extension AlertRecord {
    /// The figure that keeps one alert per kind and block (or shift).
    public static let keyFigure = "key"

    /// The figures behind the reason; a stored text that is not an object of texts reads as none.
    public var figures: [String: String] {
        (try? JSONDecoder().decode([String: String].self, from: Data(data.utf8))) ?? [:]
    }
}

extension LabStore {
    /// Stores an alert unless one of the same kind and key exists for the operator; returns it when new.
    public func addAlertOnce(operatorId: Int64, kind: String, key: String, reason: String, data: [String: String],
                             at now: Date) async throws -> AlertRecord? {
        var figures = data
        figures[AlertRecord.keyFigure] = key
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let json = String(decoding: try encoder.encode(figures), as: UTF8.self)
        return try await write { db in
            let exists = try Bool.fetchOne(db, sql: """
                SELECT EXISTS(SELECT 1 FROM alert WHERE operatorId = ? AND kind = ? AND json_extract(data, '$.key') = ?)
                """, arguments: [operatorId, kind, key]) ?? false
            guard !exists else { return nil }
            var alert = AlertRecord(id: nil, operatorId: operatorId, kind: kind, reason: reason, data: json, createdAt: now,
                                    acknowledgedAt: nil)
            try alert.insert(db)
            return alert
        }
    }

    /// The alerts of a coach's operators, newest first; open ones only unless `all`.
    public func alerts(coachId: Int64, all: Bool = false) async throws -> [AlertRecord] {
        try await read { db in
            try AlertRecord.fetchAll(db, sql: """
                SELECT alert.* FROM alert JOIN operatorProfile ON operatorProfile.operatorId = alert.operatorId
                WHERE operatorProfile.coachId = ? \(all ? "" : "AND alert.acknowledgedAt IS NULL")
                ORDER BY alert.createdAt DESC, alert.id DESC LIMIT 500
                """, arguments: [coachId])
        }
    }

    /// One operator's alerts raised in a span of time, oldest first.
    public func alerts(operatorId: Int64, from: Date, to: Date) async throws -> [AlertRecord] {
        try await read { db in
            try AlertRecord
                .filter(AlertRecord.Columns.operatorId == operatorId
                        && AlertRecord.Columns.createdAt >= from && AlertRecord.Columns.createdAt < to)
                .order(AlertRecord.Columns.createdAt).fetchAll(db)
        }
    }

    /// Marks an alert of one of this coach's operators as seen; nil when it is not theirs.
    public func acknowledgeAlert(id: Int64, coachId: Int64, at now: Date) async throws -> AlertRecord? {
        try await write { db in
            guard var alert = try AlertRecord.fetchOne(db, sql: """
                SELECT alert.* FROM alert JOIN operatorProfile ON operatorProfile.operatorId = alert.operatorId
                WHERE alert.id = ? AND operatorProfile.coachId = ?
                """, arguments: [id, coachId]) else { return nil }
            if alert.acknowledgedAt == nil {
                alert.acknowledgedAt = now
                try alert.update(db)
                try AuditEntry.record(db, actor: coachId, action: "alert.acknowledge", subject: "alert:\(id)")
            }
            return alert
        }
    }

    /// How many of an operator's alerts no coach has acknowledged yet.
    public func openAlertCount(operatorId: Int64) async throws -> Int {
        try await read { db in
            try AlertRecord.filter(AlertRecord.Columns.operatorId == operatorId && AlertRecord.Columns.acknowledgedAt == nil)
                .fetchCount(db)
        }
    }

    /// The names of several people by id, read at once: alerts are listed with their operators' names.
    public func userNames(ids: Set<Int64>) async throws -> [Int64: String] {
        guard !ids.isEmpty else { return [:] }
        return try await read { db in
            var names: [Int64: String] = [:]
            for user in try User.fetchAll(db, keys: ids) {
                if let id = user.id { names[id] = user.name }
            }
            return names
        }
    }
}
