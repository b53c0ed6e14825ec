// What a store shared by several servers decides itself: whether a place is free, and what an answer completes.
import AnnolabCore
import Foundation

/// A store that several `annolab serve` processes use at once (PostgreSQL) decides leases and answers
/// under the microtask's row lock, so that no server's memory can give a place twice. Each server's
/// queue is then a cache: it proposes a microtask, the store takes or refuses it.
///
/// ```swift
/// do {
///     let leased = try await store.lease(microtaskId: 9, operatorId: 7, at: now, until: expiry, withTask: true)
/// } catch let taken as PlacesTaken {
///     // another server's operators hold every place: look again after `taken.freeAt`, or never (nil)
/// }
/// ```
public struct PlacesTaken: Error, Sendable, Equatable {
    public var microtaskId: Int64
    /// Places taken by others (answers and live leases).
    public var taken: Int
    /// When the earliest of those leases runs out; nil when every place is answered or the microtask is
    /// finished: it will not be served again.
    public var freeAt: Date?

    public init(microtaskId: Int64, taken: Int, freeAt: Date?) {
        self.microtaskId = microtaskId
        self.taken = taken
        self.freeAt = freeAt
    }
}

/// An answer as a shared store counted it: against every answer the microtask has, whichever server took them.
public struct SharedAnswerCount: Sendable {
    public var answer: AnswerRecord
    /// The microtask's overlap after this answer (adaptive overlap may have raised it).
    public var required: Int
    /// Whether this answer finished the microtask.
    public var complete: Bool
    /// Every answer's body on the microtask, oldest first, this one last.
    public var bodies: [String]
    /// Leases on the microtask whose time ran out, ended with this answer.
    public var expired: [Int64]

    public init(answer: AnswerRecord, required: Int, complete: Bool, bodies: [String], expired: [Int64]) {
        self.answer = answer
        self.required = required
        self.complete = complete
        self.bodies = bodies
        self.expired = expired
    }
}

/// How a shared store decides what an answer completes: given every answer's body on the microtask
/// (this one last) and its overlap, the new overlap and whether it is done. The engine's adaptive overlap.
public typealias AnswerDecision = @Sendable (_ bodies: [String], _ required: Int) -> (required: Int, complete: Bool)
