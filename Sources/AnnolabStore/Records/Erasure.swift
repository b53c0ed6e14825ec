// Erasing an operator who asked for it: only what payroll law keeps stays with them.
import AnnolabCore
import Foundation
import GRDB

/// What an erasure kept and moved.
public struct ErasureOutcome: Sendable, Equatable {
    /// The pseudonym account the answers now belong to; nothing links it to the person.
    public var pseudonymId: Int64
    public var answersMoved: Int

    public init(pseudonymId: Int64, answersMoved: Int) {
        self.pseudonymId = pseudonymId
        self.answersMoved = answersMoved
    }
}

extension LabStore {
    /// Erases an operator, in one transaction.
    ///
    /// Kept with the person, as payroll law asks: their name and birthdate (the minimum wage
    /// depends on age), their shifts and time segments (paid minutes and dates) and their rates.
    /// Their answers stay in the clients' labels, moved to a new pseudonym account that no row
    /// links to the person. Everything else about them is removed: sign-in, badge, e-mail,
    /// settings, profile, notes, alerts, messages, skills, the coach's statement, their
    /// instruction ratings' link to them, and the audit lines they made or that are about them.
    public func erase(operatorId: Int64, actor: Int64?, at now: Date) async throws -> ErasureOutcome {
        try await write { db in
            guard var person = try User.fetchOne(db, key: operatorId), person.role == .operator else {
                throw LabError(.notFound, "operator_not_found", "There is no operator with id \(operatorId).")
            }
            if try Bool.fetchOne(db, sql: "SELECT erasedAt IS NOT NULL FROM user WHERE id = ?", arguments: [operatorId]) == true {
                throw LabError(.conflict, "already_erased", "This operator was erased already.")
            }
            // Closing the account ends its sessions; the record is made from a closed account before erasing it.
            guard person.disabledAt != nil else {
                throw LabError(.conflict, "account_open",
                               "Close this operator's account first (and give them their record); then erase it.")
            }
            var bytes = SystemRandomNumberGenerator()
            let code = String((0..<8).map { _ in "0123456789abcdef".randomElement(using: &bytes) ?? "0" })
            var pseudonym = NewUser(role: .operator, name: "Former operator \(code)").stored(at: now)
            pseudonym.disabledAt = now
            try pseudonym.insert(db)
            guard let pseudonymId = pseudonym.id else {
                throw LabError(.internalFailure, "pseudonym_not_stored", "The pseudonym account could not be stored. Nothing was erased.")
            }
            try db.execute(sql: "UPDATE user SET erasedAt = ? WHERE id = ?", arguments: [now, pseudonymId])
            try db.execute(sql: "UPDATE assignment SET operatorId = ? WHERE operatorId = ?", arguments: [pseudonymId, operatorId])
            try db.execute(sql: "UPDATE answer SET operatorId = ?, idempotencyKey = NULL WHERE operatorId = ?",
                           arguments: [pseudonymId, operatorId])
            let moved = db.changesCount
            try db.execute(sql: "UPDATE instructionRating SET operatorId = NULL WHERE operatorId = ?", arguments: [operatorId])
            for table in ["apiToken": "userId", "note": "operatorId", "alert": "operatorId", "message": "operatorId",
                          "operatorProfile": "operatorId", "coachStatement": "operatorId", "skill": "operatorId",
                          "instructionsSeen": "operatorId", "projectAccess": "operatorId"] {
                try db.execute(sql: "DELETE FROM \(table.key) WHERE \(table.value) = ?", arguments: [operatorId])
            }
            try db.execute(sql: "DELETE FROM auditLog WHERE actorId = ? OR subject = ?", arguments: [operatorId, "user:\(operatorId)"])
            try db.execute(sql: "UPDATE shift SET startedById = NULL WHERE startedById = ?", arguments: [operatorId])
            person.email = nil
            person.passwordHash = nil
            person.badge = nil
            try person.update(db)
            try db.execute(sql: "UPDATE user SET settings = '{}', erasedAt = ? WHERE id = ?", arguments: [now, operatorId])
            try AuditEntry.record(db, actor: actor, action: "operator.erased", subject: "user:\(operatorId)",
                                  detail: "kept for payroll: name, birthdate, shifts, time segments, rates", at: now)
            return ErasureOutcome(pseudonymId: pseudonymId, answersMoved: moved)
        }
    }

    /// Whether this operator was erased.
    public func isErased(operatorId: Int64) async throws -> Bool {
        try await read { db in
            try Bool.fetchOne(db, sql: "SELECT erasedAt IS NOT NULL FROM user WHERE id = ?", arguments: [operatorId]) ?? false
        }
    }
}
