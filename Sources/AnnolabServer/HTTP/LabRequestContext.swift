// The per-request context: who is asking, and how JSON is read and written.
import AnnolabCore
import AnnolabStore
import Foundation
import Hummingbird

/// The request context of every Annolab route: the signed-in person, once known.
public struct LabRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Set by ``AuthenticationMiddleware`` when the request carries a valid session or token.
    public var user: User?
    /// The raw token that signed this request in, so that logout can revoke exactly it.
    public var token: String?
    /// The token came from the browser's session cookie (not an `Authorization` header), so a
    /// request that changes something must prove it came from the lab's own pages.
    public var signedInByCookie = false

    /// The address the request came from, for limiting repeated failed sign-ins.
    public var remoteAddress: String?
    /// The project whose live model sent this request with its media token; nil for people.
    public var modelProject: Int64?

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.remoteAddress = source.channel.remoteAddress?.ipAddress
    }

    /// JSON bodies of ordinary routes stay small; uploads read their own, larger limit.
    public var maxUploadSize: Int { 1 << 20 }

    public var requestDecoder: JSONDecoder { LabJSON.decoder }
    public var responseEncoder: JSONEncoder { LabJSON.encoder }

    /// The signed-in person; routes behind ``RoleMiddleware`` always have one.
    public func requireUser() throws -> User {
        guard let user else {
            throw LabError(.unauthorized, "not_signed_in", "Please sign in first.")
        }
        return user
    }

    /// The signed-in person's id, for a route that acts on their own behalf.
    ///
    /// ```swift
    /// try await engine.pause(operatorId: try context.requireUserID())
    /// ```
    public func requireUserID() throws -> Int64 {
        try requireUser().id.required("signed-in person")
    }
}
