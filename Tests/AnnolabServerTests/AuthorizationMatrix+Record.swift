// Rows of the authorization matrix for the operator's own record, the skill ladder, erasure,
// the coach's statement and the ratings of instructions.
import AnnolabCore
import AnnolabServer
import AnnolabStore
import Foundation
import Testing

extension AuthorizationMatrixTests {
    /// Every row: the lab's first routes, then those of the record and what goes with it.
    static var allRoutes: [MatrixRoute] { routes + recordRoutes + modelRoutes }

    static let recordRoutes: [MatrixRoute] = [
        // The operator's own record and ladder: only ever their own (the path names nobody).
        .init("GET", "/api/v1/me/record", .own(.operator), 200),
        .init("GET", "/api/v1/me/record.html", .own(.operator), 200),
        .init("GET", "/api/v1/me/ladder", .own(.operator), 200),
        .init("POST", "/api/v1/me/erasure", .own(.operator), 200),
        // A coach sees and opens steps only for their own operators.
        .init("GET", "/api/v1/coach/operators/{id}/skills", .owner(.coach), 200) { lab, _ in
            MatrixCall(path: "/api/v1/coach/operators/\(lab.t.operatorA2.id)/skills")
        },
        .init("POST", "/api/v1/coach/operators/{id}/skills", .owner(.coach), 200) { lab, _ in
            .json("/api/v1/coach/operators/\(lab.t.operatorA2.id)/skills", ["step": "subtitle-check"])
        },
        // The admin makes anyone's record, switches the ladder, and erases a closed account.
        .init("GET", "/api/v1/admin/operators/{id}/record", .own(.admin), 200) { lab, _ in
            MatrixCall(path: "/api/v1/admin/operators/\(lab.t.operatorA2.id)/record")
        },
        .init("GET", "/api/v1/admin/ladder", .own(.admin), 200),
        .init("GET", "/api/v1/admin/settings/record", .own(.admin), 200),
        .init("PUT", "/api/v1/admin/settings/record", .own(.admin), 200) { _, _ in
            .json("/api/v1/admin/settings/record", ["name": "Werkplaats Data", "place": "Utrecht", "showClients": false])
        },
        // Left off: with the ladder on, the other rows' operators would get other work.
        .init("PUT", "/api/v1/admin/ladder", .own(.admin), 200) { _, _ in .json("/api/v1/admin/ladder", ["enabled": false]) },
        .init("POST", "/api/v1/admin/operators/{id}/erase", .own(.admin), 200) { lab, _ in
            let id = try await lab.freshUser()
            _ = try await lab.t.store.disableUser(id: id, actor: nil)
            return MatrixCall(path: "/api/v1/admin/operators/\(id)/erase")
        },

        // The coach's statement: a coach writes it for their own operators; the operator reads it,
        // agrees or asks for a change (the path names nobody: always their own).
        .init("GET", "/api/v1/coach/operators/{id}/statement", .owner(.coach), 200) { lab, _ in
            try await lab.freshStatement(for: lab.t.operatorA2)
            return MatrixCall(path: "/api/v1/coach/operators/\(lab.t.operatorA2.id)/statement")
        },
        .init("PUT", "/api/v1/coach/operators/{id}/statement", .owner(.coach), 200) { lab, _ in
            .json("/api/v1/coach/operators/\(lab.t.operatorA2.id)/statement", ["text": "Works with care and asks when unsure."])
        },
        .init("GET", "/api/v1/me/statement", .own(.operator), 200) { lab, _ in
            try await lab.freshStatement(for: lab.t.operatorA)
            return MatrixCall(path: "/api/v1/me/statement")
        },
        .init("POST", "/api/v1/me/statement/agree", .own(.operator), 200) { lab, _ in
            try await lab.freshStatement(for: lab.t.operatorA)
            return MatrixCall(path: "/api/v1/me/statement/agree")
        },
        .init("POST", "/api/v1/me/statement/change", .own(.operator), 200) { lab, _ in
            try await lab.freshStatement(for: lab.t.operatorA)
            return .json("/api/v1/me/statement/change", ["request": "Please mention the subtitle work."])
        },

        // Ratings of instructions: the operator rates their own finished task; any coach decides on a
        // comment (comments carry no operator); the client reads and changes their own project's.
        .init("POST", "/api/v1/assignments/{id}/rating", .own(.operator), 201) { lab, _ in
            .json("/api/v1/assignments/\(try await lab.skippedTask())/rating", ["clear": true])
        },
        .init("GET", "/api/v1/coach/ratings", .own(.coach), 200),
        .init("POST", "/api/v1/coach/ratings/{id}", .own(.coach), 200) { lab, _ in
            .json("/api/v1/coach/ratings/\(try await lab.freshComment())", ["decision": "dismiss"])
        },
        .init("GET", "/api/v1/projects/{id}/ratings", .owner(.client), 200) { lab, _ in
            MatrixCall(path: "/api/v1/projects/\(lab.t.projectA)/ratings")
        },
        .init("PUT", "/api/v1/projects/{id}/instructions", .owner(.client), 200) { lab, _ in
            .json("/api/v1/projects/\(lab.t.projectA)/instructions", ["instructions": ["nl": ["Luister goed."], "en": ["Listen well."]]])
        },
    ]
}

extension MatrixLab {
    /// A statement of coach A for one of their operators, waiting for agreement.
    func freshStatement(for person: TenantLab.Person) async throws {
        _ = try await t.store.writeCoachStatement(operatorId: person.id, coachId: t.coachA.id,
                                                  body: "Careful and punctual.", at: Date())
    }

    /// A task operator A skipped just now, ready to be rated once.
    func skippedTask() async throws -> Int64 {
        let served = try await freshLease()
        try await t.lab.server.engine.skip(operatorId: t.operatorA.id, assignmentId: served.assignment, reason: nil)
        return served.assignment
    }

    /// A comment on instructions no coach has decided on yet.
    func freshComment() async throws -> Int64 {
        let rating = try await t.store.rateInstructions(operatorId: t.operatorA.id, assignmentId: try await skippedTask(),
                                                        clear: false, comment: "Which sound counts as music?", at: Date())
        return try #require(rating.id)
    }
}
