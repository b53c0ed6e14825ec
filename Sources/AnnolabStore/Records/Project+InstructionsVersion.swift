// The versions of a project's instructions, and the version each operator last saw.
import AnnolabCore
import Foundation
import GRDB

/// One version of a project's instructions, kept when the client changes them.
public struct InstructionsVersion: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "instructionsVersion"
    public var projectId: Int64
    public var version: Int
    /// The instructions as JSON ({"nl": [lines], "en": [lines]}); nil means the template's.
    public var instructions: String?
    public var changedAt: Date
}

extension LabStore {
    /// The version of a project's instructions operators get now (1 until the client changes them).
    public func instructionsVersion(projectId: Int64) async throws -> Int? {
        try await read { db in
            try Int.fetchOne(db, sql: "SELECT instructionsVersion FROM project WHERE id = ?", arguments: [projectId])
        }
    }

    /// Gives a project new instructions (JSON, or nil for the template's) as a new version, and
    /// keeps the old and the new text; returns the new version number.
    public func changeInstructions(projectId: Int64, to instructions: String?, actor: Int64?, at now: Date) async throws -> Int {
        try await write { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT instructions, instructionsVersion, createdAt FROM project WHERE id = ?",
                                             arguments: [projectId]) else {
                throw LabError(.notFound, "project_not_found", "There is no such project.")
            }
            let current: Int = row["instructionsVersion"]
            // The first version was never stored on its own: it is kept now, as it was.
            if try InstructionsVersion.fetchOne(db, key: ["projectId": projectId, "version": current]) == nil {
                try InstructionsVersion(projectId: projectId, version: current, instructions: row["instructions"],
                                        changedAt: row["createdAt"]).insert(db)
            }
            let next = current + 1
            try InstructionsVersion(projectId: projectId, version: next, instructions: instructions, changedAt: now).insert(db)
            try db.execute(sql: "UPDATE project SET instructions = ?, instructionsVersion = ? WHERE id = ?",
                           arguments: [instructions, next, projectId])
            try AuditEntry.record(db, actor: actor, action: "project.instructions", subject: "project:\(projectId)",
                                  detail: "version \(next)")
            return next
        }
    }

    /// Every stored version of a project's instructions, oldest first.
    public func instructionsVersions(projectId: Int64) async throws -> [InstructionsVersion] {
        try await read { db in
            try InstructionsVersion.filter(Column("projectId") == projectId).order(Column("version")).fetchAll(db)
        }
    }

    /// The version of a project's instructions the operator last got with a task; nil before their first.
    public func instructionsSeen(operatorId: Int64, projectId: Int64) async throws -> Int? {
        try await read { db in
            try Int.fetchOne(db, sql: "SELECT version FROM instructionsSeen WHERE operatorId = ? AND projectId = ?",
                             arguments: [operatorId, projectId])
        }
    }

    /// The version of a project's instructions a task given to the operator now carries, and
    /// whether it is new to them: true once after each change, never with their first task of
    /// the project.
    ///
    /// One small indexed read on the way to every task; a write only for a first task or after
    /// a change, and that write decides, so two tasks fetched at once do not both say "changed".
    public func instructionsNotice(operatorId: Int64, projectId: Int64) async throws -> (version: Int, changed: Bool) {
        let found: (current: Int, seen: Int?)? = try await read { db in
            try Row.fetchOne(db, sql: """
                SELECT project.instructionsVersion AS current, instructionsSeen.version AS seen FROM project
                LEFT JOIN instructionsSeen ON instructionsSeen.projectId = project.id AND instructionsSeen.operatorId = ?
                WHERE project.id = ?
                """, arguments: [operatorId, projectId]).map { ($0["current"], $0["seen"]) }
        }
        guard let (current, seen) = found else { return (1, false) }
        if let seen, seen >= current { return (current, false) }
        let changed = try await write { db in
            if seen == nil {
                try db.execute(sql: """
                    INSERT INTO instructionsSeen (operatorId, projectId, version) VALUES (?, ?, ?)
                    ON CONFLICT (operatorId, projectId) DO NOTHING
                    """, arguments: [operatorId, projectId, current])
                return false
            }
            try db.execute(sql: "UPDATE instructionsSeen SET version = ? WHERE operatorId = ? AND projectId = ? AND version < ?",
                           arguments: [current, operatorId, projectId, current])
            return db.changesCount > 0
        }
        return (current, changed)
    }

    /// Notes that the operator got a task with this version of the project's instructions.
    public func setInstructionsSeen(operatorId: Int64, projectId: Int64, version: Int) async throws {
        try await write { db in
            try db.execute(sql: """
                INSERT INTO instructionsSeen (operatorId, projectId, version) VALUES (?, ?, ?)
                ON CONFLICT (operatorId, projectId) DO UPDATE SET version = excluded.version
                """, arguments: [operatorId, projectId, version])
        }
    }
}
