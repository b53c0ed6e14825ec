// People in the lab and how they are found: by badge, by email, by id.
import AnnolabCore
import Foundation
import GRDB

/// A person with an account in the lab.
public struct User: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "user"
    public var id: Int64?
    public var role: Role
    public var name: String
    public var email: String?
    public var passwordHash: String?
    public var badge: String?
    public var clientId: Int64?
    /// YYYY-MM-DD; decides the minimum wage bracket. Never shown to clients.
    public var birthdate: String?
    public var language: String
    public var createdAt: Date
    public var disabledAt: Date?

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }

    /// The table's columns, named by the record's own properties.
    public enum Columns {
        public static let role = Column(CodingKeys.role)
        public static let name = Column(CodingKeys.name)
        public static let email = Column(CodingKeys.email)
        public static let badge = Column(CodingKeys.badge)
    }
}

extension DerivableRequest<User> {
    /// The person with this email address, written in any case (the column collates NOCASE).
    func filter(email: String) -> Self {
        filter(User.Columns.email.collating(.nocase) == email)
    }

    /// The person who carries this badge.
    func filter(badge: String) -> Self {
        filter(User.Columns.badge == badge)
    }
}

/// What it takes to add a person to the lab: the person as they will be stored, and for an
/// operator the coach they work under.
public struct NewUser: Sendable {
    /// The person without an id; `createdAt` is set when the person is stored.
    public var person: User
    public var coachId: Int64?

    public init(role: Role, name: String, email: String? = nil, passwordHash: String? = nil, badge: String? = nil,
                clientId: Int64? = nil, coachId: Int64? = nil, birthdate: String? = nil, language: String = "nl") {
        person = User(id: nil, role: role, name: name, email: email, passwordHash: passwordHash, badge: badge,
                      clientId: clientId, birthdate: birthdate, language: language,
                      createdAt: Date(timeIntervalSince1970: 0), disabledAt: nil)
        self.coachId = coachId
    }

    /// The person as stored at `now`.
    func stored(at now: Date) -> User {
        var user = person
        user.createdAt = now
        return user
    }
}

extension LabStore {
    /// Adds a person; an operator also gets a profile (default 45/15 blocks) under their coach.
    public func createUser(_ new: NewUser, now: Date = Date()) async throws -> User {
        try await write { db in
            if let coachId = new.coachId {
                guard let coach = try User.fetchOne(db, key: coachId), coach.role == .coach else {
                    throw LabError(.unprocessable, "unknown_coach", "There is no coach with id \(coachId).")
                }
            }
            if let clientId = new.person.clientId, try Client.fetchOne(db, key: clientId) == nil {
                throw LabError(.unprocessable, "unknown_client", "There is no client with id \(clientId).")
            }
            if let email = new.person.email,
               try User.all().filter(email: email).fetchCount(db) > 0 {
                throw LabError(.conflict, "email_taken", "Someone in the lab already uses the email address \(email).")
            }
            if let badge = new.person.badge, try User.all().filter(badge: badge).fetchCount(db) > 0 {
                throw LabError(.conflict, "badge_taken", "The badge \(badge) is already given to someone else.")
            }
            var user = new.stored(at: now)
            try user.insert(db)
            if user.role == .operator, let operatorId = user.id {
                let profile = OperatorProfile(operatorId: operatorId, coachId: new.coachId)
                try profile.insert(db)
            }
            return user
        }
    }

    public func user(id: Int64) async throws -> User? {
        try await read { db in try User.fetchOne(db, key: id) }
    }

    public func user(badge: String) async throws -> User? {
        try await read { db in try User.all().filter(badge: badge).fetchOne(db) }
    }

    public func user(email: String) async throws -> User? {
        try await read { db in try User.all().filter(email: email).fetchOne(db) }
    }

    /// The operators whose profile names this coach: the coach's group.
    public func operators(ofCoach coachId: Int64) async throws -> [User] {
        try await read { db in
            try User.fetchAll(db, sql: """
                SELECT user.* FROM user JOIN operatorProfile ON operatorProfile.operatorId = user.id
                WHERE operatorProfile.coachId = ? ORDER BY user.name
                """, arguments: [coachId])
        }
    }

    public func userCount(role: Role? = nil) async throws -> Int {
        try await read { db in
            if let role { return try User.filter(User.Columns.role == role).fetchCount(db) }
            return try User.fetchCount(db)
        }
    }
}

extension LabStore {
    /// Everyone in the lab, by role then name.
    public func allUsers() async throws -> [User] {
        try await read { db in try User.order(User.Columns.role, User.Columns.name).fetchAll(db) }
    }
}

extension LabStore {
    /// What disabling an account did: the person as they are now, and what it ended.
    public struct Disabled: Sendable {
        public var user: User
        /// False when the account was already disabled; nothing was recorded again.
        public var newly: Bool
        /// The hashes of the sessions and API tokens that were deleted, so a cache can forget them.
        public var endedTokenHashes: [String]

        public init(user: User, newly: Bool, endedTokenHashes: [String]) {
            self.user = user
            self.newly = newly
            self.endedTokenHashes = endedTokenHashes
        }
    }

    /// Disables an account: it can no longer sign in, and every session and API token of the
    /// person is deleted in the same transaction, so no token of theirs outlives the change.
    /// Recorded in the audit log; disabling an account that already is disabled records nothing.
    public func disableUser(id: Int64, actor: Int64?, now: Date = Date()) async throws -> Disabled {
        try await write { db in
            guard var user = try User.fetchOne(db, key: id) else {
                throw LabError(.notFound, "user_not_found", "There is no person with id \(id) in the lab.")
            }
            let hashes = try String.fetchAll(db, sql: "SELECT tokenHash FROM apiToken WHERE userId = ?", arguments: [id])
            try db.execute(sql: "DELETE FROM apiToken WHERE userId = ?", arguments: [id])
            let newly = user.disabledAt == nil
            if newly {
                user.disabledAt = now
                try user.update(db)
                let ended = switch hashes.count {
                case 0: "no session or token was open"
                case 1: "1 session or token ended"
                default: "\(hashes.count) sessions and tokens ended"
                }
                try AuditEntry.record(db, actor: actor, action: "user.disable", subject: "user:\(id)",
                                      detail: "\(user.role.rawValue) disabled; \(ended)", at: now)
            }
            return Disabled(user: user, newly: newly, endedTokenHashes: hashes)
        }
    }
}
