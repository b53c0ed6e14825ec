// Random sign-in tokens and badge codes, and the hash under which a token is stored.
import AnnolabCore
import Crypto
import Foundation

/// Makes session and API tokens and operator badge codes.
public enum Tokens {
    /// A new token: 32 random bytes, URL-safe base64 without padding.
    public static func newToken() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// The stored form of a token: its SHA-256 in hex.
    public static func hash(_ token: String) -> String {
        FastText.hex(SHA256.hash(data: Data(token.utf8)))
    }

    /// A badge code for a new operator, e.g. `OP-K7M3QX`.
    ///
    /// Letters and digits that are easy to tell apart when read aloud or on a card
    /// (no 0/O, 1/I/L, 5/S, 2/Z).
    public static func newBadge() -> String {
        let alphabet = Array("ABCDEFGHJKMNPQRTUVWXY346789")
        var generator = SystemRandomNumberGenerator()
        let code = (0..<6).map { _ in alphabet[Int.random(in: alphabet.indices, using: &generator)] }
        return "OP-" + String(code)
    }
}
