// Passwords are kept only as slow, salted bcrypt hashes.
import AnnolabCore
import Foundation
import HummingbirdBcrypt

/// Hashes and checks passwords with bcrypt (salted, deliberately slow).
///
/// ```swift
/// let hash = PasswordHasher.hash("demo-coach")
/// PasswordHasher.verify("demo-coach", hash: hash)   // true
/// ```
public enum PasswordHasher {
    /// Work factor 12: about a quarter of a second per check on the lab's machines, which
    /// makes guessing slow while a person signing in hardly notices.
    public static let cost: UInt8 = 12

    public static func hash(_ password: String) -> String {
        Bcrypt.hash(password, cost: cost)
    }

    public static func verify(_ password: String, hash: String) -> Bool {
        Bcrypt.verify(password, hash: hash)
    }

    /// Checks a password on a background thread, so a slow hash does not hold up other requests.
    public static func verifyInBackground(_ password: String, hash: String) async -> Bool {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(returning: verify(password, hash: hash))
            }
        }
    }

    /// The rules a new password must meet, in plain words.
    public static func validate(_ password: String) throws {
        guard password.count >= 8 else {
            throw LabError(.unprocessable, "password_too_short", "A password needs at least 8 characters.")
        }
    }
}
