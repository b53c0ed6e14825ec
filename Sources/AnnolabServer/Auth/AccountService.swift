// Signing people in and out, adding accounts, and issuing tokens: used by routes and the CLI.
import AnnolabCore
import AnnolabStore
import Foundation

/// The lab's accounts: who may sign in, and how.
///
/// ```swift
/// let accounts = AccountService(store: store)
/// let session = try await accounts.login(badge: "OP-0001")
/// ```
public struct AccountService: Sendable {
    public let store: any LabStoring
    /// Recently checked tokens, so that busy routes do not read the database for every request.
    let recent = TokenCache()
    /// How long a browser session lasts: a working day.
    public var sessionLifetime: TimeInterval = 12 * 3600

    public init(store: any LabStoring) {
        self.store = store
    }

    /// A signed-in session: the token to send back and who it belongs to.
    public struct Session: Sendable {
        public var token: String
        public var user: User
    }

    /// Adds a person to the lab. Operators get a badge (generated unless given); the other roles
    /// need an email and a password.
    public func addUser(role: Role, name: String, email: String? = nil, password: String? = nil,
                        badge: String? = nil, coachId: Int64? = nil, clientId: Int64? = nil,
                        birthdate: String? = nil, actor: Int64? = nil) async throws -> User {
        let name = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !name.isEmpty else {
            throw LabError(.unprocessable, "name_missing", "Please give the person's name.")
        }
        if let birthdate {
            guard CalendarDate(birthdate) != nil else {
                throw LabError(.unprocessable, "invalid_birthdate", "The birth date '\(birthdate)' is not a date like 2001-04-30.")
            }
        }
        var passwordHash: String?
        var givenBadge: String?
        switch role {
        case .operator:
            if email != nil || password != nil {
                throw LabError(.unprocessable, "operator_uses_badge",
                               "Operators sign in with their badge, not with an email and password.")
            }
            givenBadge = badge ?? Tokens.newBadge()
        case .coach, .client, .admin:
            guard let email, email.contains("@"), !email.hasPrefix("@"), !email.hasSuffix("@") else {
                throw LabError(.unprocessable, "email_missing", "A \(role.rawValue) needs an email address like name@example.org.")
            }
            guard let password else {
                throw LabError(.unprocessable, "password_missing", "A \(role.rawValue) needs a password.")
            }
            try PasswordHasher.validate(password)
            passwordHash = PasswordHasher.hash(password)
            if badge != nil {
                throw LabError(.unprocessable, "badge_for_operators", "Only operators sign in with a badge.")
            }
        }
        if coachId != nil, role != .operator {
            throw LabError(.unprocessable, "coach_for_operators", "Only operators have a coach.")
        }
        var clientId = clientId
        if role == .client, clientId == nil {
            // A client account without a company gets a company of its own name.
            clientId = try await store.createClient(name: name).id
        }
        let user = try await store.createUser(NewUser(
            role: role, name: name, email: email, passwordHash: passwordHash, badge: givenBadge,
            clientId: role == .client ? clientId : nil, coachId: coachId, birthdate: birthdate))
        let userId = try user.id.required("person")
        try await store.audit(actor: actor, action: "user.add", subject: "user:\(userId)", detail: "\(role.rawValue) account")
        return user
    }

    /// Signs an operator in with their badge code.
    public func login(badge: String) async throws -> Session {
        let code = badge.trimmingCharacters(in: .whitespacesAndNewlines).uppercased()
        guard let user = try await store.user(badge: code), user.disabledAt == nil else {
            throw LabError(.unauthorized, "unknown_badge",
                           "This badge code is not known. Check the code on your badge, or ask your coach.")
        }
        return try await newSession(for: user)
    }

    /// Signs a coach, client or admin in with email and password.
    public func login(email: String, password: String) async throws -> Session {
        let email = email.trimmingCharacters(in: .whitespacesAndNewlines)
        let user = try await store.user(email: email)
        // Check a hash even for an unknown address, so timing does not tell which addresses exist.
        let hash = user?.passwordHash ?? Self.decoyHash
        let matches = await PasswordHasher.verifyInBackground(password, hash: hash)
        guard let user, matches, user.passwordHash != nil, user.disabledAt == nil else {
            throw LabError(.unauthorized, "wrong_login", "The email address or the password is not right. Please try again.")
        }
        return try await newSession(for: user)
    }

    private static let decoyHash = PasswordHasher.hash("not a password of anyone in the lab")

    func newSession(for user: User) async throws -> Session {
        let token = Tokens.newToken()
        try await store.storeToken(userId: try user.id.required("person"), tokenHash: Tokens.hash(token), kind: .session,
                                   expiresAt: Date().addingTimeInterval(sessionLifetime))
        return Session(token: token, user: user)
    }

    /// A bearer token for scripts; it does not expire until it is revoked.
    public func createApiToken(userId: Int64, label: String? = nil) async throws -> String {
        let token = Tokens.newToken()
        let hash = Tokens.hash(token)
        try await store.storeToken(userId: userId, tokenHash: hash, kind: .api, label: label, expiresAt: nil)
        let id = try await store.apiTokens(userId: userId).first { $0.tokenHash == hash }?.id
        try await store.audit(actor: userId, action: "token.create", subject: id.map { "token:\($0)" } ?? "user:\(userId)",
                              detail: label.map { "API token named \"\($0)\"" } ?? "API token")
        return token
    }

    /// The person a session or API token belongs to.
    public func user(forToken token: String) async throws -> User? {
        let hash = Tokens.hash(token)
        if let cached = recent.user(for: hash) { return cached }
        let checked = recent.generation
        let user = try await store.user(tokenHash: hash)
        if let user { recent.remember(user, for: hash, checkedAt: checked) }
        return user
    }

    /// Revokes an API token at once (also from the short memory of recent tokens).
    public func revokeApiToken(id: Int64, userId: Int64) async throws -> Bool {
        guard let hash = try await store.revokeApiToken(id: id, userId: userId) else { return false }
        recent.forget(hash)
        return true
    }

    /// Disables an account: the person can no longer sign in, and every session and API token
    /// of theirs stops working at once in this server (the cache of recent tokens forgets them).
    /// Nobody can disable their own account, so the lab never locks its last admin out by mistake.
    /// Ending an operator's open shift is the engine's work; ``AdminRoutes`` does it next.
    @discardableResult
    public func disable(userId: Int64, actor: Int64?) async throws -> LabStore.Disabled {
        if let actor, actor == userId {
            throw LabError(.conflict, "cannot_disable_yourself",
                           "You cannot disable your own account. Ask another admin to do it.")
        }
        let disabled = try await store.disableUser(id: userId, actor: actor)
        recent.forget(userId: userId)
        return disabled
    }

    /// Ends the session or API token used; the short memory of recent tokens forgets it at once.
    public func logout(token: String) async throws {
        let hash = Tokens.hash(token)
        // Deleted first, then forgotten: a lookup under way meanwhile cannot put it back.
        try await store.deleteToken(tokenHash: hash)
        recent.forget(hash)
    }
}
