// Rows of the authorization matrix for the operator's own record, the skill ladder, erasure,
// the coach's statement and the ratings of instructions.
import AnnolabCore
import AnnolabServer
import AnnolabStore
import Foundation
import Testing

extension AuthorizationMatrixTests {
    /// Every row: the lab's first routes, then those of the record and what goes with it.
    static var allRoutes: [MatrixRoute] { routes + recordRoutes }

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
        // Left off: with the ladder on, the other rows' operators would get other work.
        .init("PUT", "/api/v1/admin/ladder", .own(.admin), 200) { _, _ in .json("/api/v1/admin/ladder", ["enabled": false]) },
        .init("POST", "/api/v1/admin/operators/{id}/erase", .own(.admin), 200) { lab, _ in
            let id = try await lab.freshUser()
            _ = try await lab.t.store.disableUser(id: id, actor: nil)
            return MatrixCall(path: "/api/v1/admin/operators/\(id)/erase")
        },
    ]
}
