// The browser pages at their stable paths; their scripts and styles come from Web/.
import AnnolabCore
import Foundation
import Hummingbird

/// Serves the HTML page for each stable path in API.md.
struct PageRoutes {
    let webFolder: URL

    /// Path -> file in Web/.
    static let pages: [String: String] = [
        "/": "index.html",
        "/work": "work.html",
        "/settings": "settings.html",
        "/text": "text.html",
        "/coach": "coach.html",
        "/coach/summary": "coach-summary.html",
        "/client": "client.html",
        "/client/new": "client-new.html",
        "/client/project": "client-project.html",
        "/client/projects/:id/model": "client-model.html",
        "/admin": "admin.html",
    ]

    func register(on router: LabRouter) {
        for (path, file) in Self.pages {
            router.get(RouterPath(path)) { _, _ in try self.page(file) }
        }
    }

    func page(_ file: String) throws -> Response {
        let url = webFolder.appendingPathComponent(file)
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw LabError(.notFound, "page_not_found", "This page is not there yet.")
        }
        return Response(status: .ok,
                        headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-cache"],
                        body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
