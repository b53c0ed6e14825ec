// Which leases and answers open a microtask's picture or sound to an operator or their coach.
import AnnolabCore
import Foundation
import GRDB

/// Who asks for a media file, for ``LabStore/mediaIsOpen(url:to:at:)``.
public enum MediaViewer: Sendable, Equatable {
    /// An operator: media of microtasks leased to them now, or answered by them.
    case `operator`(Int64)
    /// A coach: media of microtasks leased to, or answered by, an operator of their own group.
    case coach(Int64)
}

extension LabStore {
    /// Whether the media file at `url` (as a microtask's payload names it, e.g.
    /// `/media/12/3f2a…/clip-1.wav`) is shown by a microtask that the viewer (or, for a coach,
    /// one of their operators) holds a live lease on at `now`, or has answered.
    ///
    /// A skipped, released or expired lease opens nothing: the operator no longer works on it.
    /// Files no microtask shows (an upload's original, a programme's whole sound) are never
    /// open to operators and coaches; clients and admins are decided by the route.
    ///
    /// One query over indexes only: the microtasks showing this file (the `microtask_media_*`
    /// expression indexes, usually one row, a few when box checks were derived from a tile),
    /// then their assignments by the `(microtaskId, operatorId)` key, and for a coach the
    /// operator's profile by its primary key. Its cost does not grow with the lab's history.
    ///
    /// ```swift
    /// let open = try await store.mediaIsOpen(url: "/media/12/3f2a/clip-1.wav", to: .operator(7), at: clock.now())
    /// ```
    public func mediaIsOpen(url: String, to viewer: MediaViewer, at now: Date) async throws -> Bool {
        let (sql, person): (String, Int64) = switch viewer {
        case .operator(let id): (Self.mediaOpenToOperatorSQL, id)
        case .coach(let id): (Self.mediaOpenToCoachSQL, id)
        }
        return try await read { db in
            try Bool.fetchOne(db, sql: sql, arguments: ["url": url, "person": person, "now": now]) ?? false
        }
    }

    /// The microtasks that show a file: the same expressions as the indexes of migrations
    /// `v9-media-lookup` and `v12-programmes`, so that SQLite uses them; the frames of a
    /// thumbnail choice through `microtaskMedia`.
    static let microtasksShowingMedia = """
        (json_extract(microtask.payload, '$.image.url') = :url OR json_extract(microtask.payload, '$.audio.url') = :url \
        OR json_extract(microtask.payload, '$.video.url') = :url \
        OR microtask.id IN (SELECT microtaskId FROM microtaskMedia WHERE microtaskMedia.url = :url))
        """

    /// A lease counts while it is live; an answer counts for good. The unary `+` keeps SQLite
    /// from reading these through the lease index, which would walk the lab's whole history.
    static let leaseOrAnswer = """
        (+assignment.state = '\(Assignment.State.answered.rawValue)' OR \
        (+assignment.state = '\(Assignment.State.leased.rawValue)' AND +assignment.leaseExpiresAt > :now))
        """

    // CROSS JOIN fixes the order: first the microtasks showing the file, then their assignments.
    // Left to itself, SQLite may start from the operator's (or every) assignment instead.
    package static let mediaOpenToOperatorSQL = """
        SELECT EXISTS (
            SELECT 1 FROM microtask
            CROSS JOIN assignment ON assignment.microtaskId = microtask.id AND assignment.operatorId = :person
            WHERE \(microtasksShowingMedia) AND \(leaseOrAnswer))
        """

    package static let mediaOpenToCoachSQL = """
        SELECT EXISTS (
            SELECT 1 FROM microtask
            CROSS JOIN assignment ON assignment.microtaskId = microtask.id
            CROSS JOIN operatorProfile ON operatorProfile.operatorId = assignment.operatorId AND operatorProfile.coachId = :person
            WHERE \(microtasksShowingMedia) AND \(leaseOrAnswer))
        """

    /// SQLite's plan for a query, one line per step (for tests that hold a query to its indexes).
    package func queryPlan(_ sql: String, arguments: StatementArguments) async throws -> [String] {
        try await read { db in
            try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql, arguments: arguments).map { $0["detail"] as String }
        }
    }
}
