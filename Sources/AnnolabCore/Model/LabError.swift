// One error type for every layer: a stable code for scripts and a plain sentence for people.

/// An error the lab reports to a person or a script.
///
/// The `code` is snake_case and stable (see `LabError.Code`); the `message` is a plain sentence
/// that says what went wrong and, where it can, what to do next.
///
/// ```swift
/// throw LabError(.forbidden, "forbidden_role", "This page is for coaches. You are signed in as an operator.")
/// ```
public struct LabError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The broad kind of failure; the server maps each to an HTTP status.
    public enum Kind: Sendable, Equatable {
        case badRequest, unauthorized, forbidden, notFound, conflict
        case tooLarge, unsupportedMedia, unprocessable, locked, tooManyRequests, internalFailure
        /// The lab cannot take the request now (a full disk); nothing was changed, trying later helps.
        case unavailable
        /// A known address asked with a method it does not take.
        case methodNotAllowed
    }

    public var kind: Kind
    public var code: Code
    public var message: String

    public init(_ kind: Kind, _ code: Code, _ message: String) {
        self.kind = kind
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
