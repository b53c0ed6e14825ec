// The lab's own settings (pay policy and the like), kept as JSON values under a key.
import Foundation
import GRDB

extension LabStore {
    /// A setting's JSON value, or nil when it was never set.
    public func labSetting(_ key: String) async throws -> String? {
        try await read { db in try String.fetchOne(db, sql: "SELECT value FROM labSetting WHERE key = ?", arguments: [key]) }
    }

    public func setLabSetting(_ key: String, json: String, actor: Int64?) async throws {
        try await write { db in
            try db.execute(sql: """
                INSERT INTO labSetting (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value
                """, arguments: [key, json])
            try AuditEntry.record(db, actor: actor, action: "setting.set", subject: key, detail: json)
        }
    }
}
