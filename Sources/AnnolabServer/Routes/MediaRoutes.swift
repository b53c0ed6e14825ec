// The media of microtasks (pictures, tiles, clips), only for the people whose work needs them.
import AnnolabCore
import AnnolabStore
import Foundation
import Hummingbird

/// `GET /media/{project}/{folder}/{file}`.
///
/// - a client: every file of their own projects;
/// - an operator: the file of a microtask leased to them right now, or answered by them;
/// - a coach: the file of a microtask leased to, or answered by, an operator of their group;
/// - an admin: every file.
///
/// Everything else is 404 `media_not_found`, never 403: whether a project, folder or file exists
/// is not told to someone who may not see it, so guessing ids teaches nothing.
struct MediaRoutes {
    let store: LabStore
    /// The lab's clock, which leases are measured by (tests run it by hand).
    var clock: any LabClock = SystemClock()

    static let types = ["png": "image/png", "jpg": "image/jpeg", "wav": "audio/wav", "srt": "text/plain; charset=utf-8",
                        "vtt": "text/vtt; charset=utf-8"]

    func register(on router: LabRouter) {
        router.group("media").add(middleware: RoleMiddleware(.operator, .coach, .admin, .client))
            .get("{project}/{folder}/{file}", use: file)
    }

    @Sendable func file(_ request: Request, context: LabRequestContext) async throws -> Response {
        let user = try context.requireUser()
        // Answered here rather than thrown: a thrown 404 sends the static-file fallback looking
        // through Web/, which answers a path with `..` in it differently (400).
        let notFound = try LabError(.notFound, "media_not_found", "This picture or sound is not there.")
            .response(from: request, context: context)
        guard let projectId = context.parameters.get("project", as: Int64.self), projectId > 0,
              let folder = context.parameters.get("folder"), let name = context.parameters.get("file"),
              Self.isSafe(folder), Self.isSafe(name),
              let type = Self.types[(name as NSString).pathExtension.lowercased()] else { return notFound }
        guard try await maySee(user, projectId: projectId, url: "/media/\(projectId)/\(folder)/\(name)") else { return notFound }
        let url = store.mediaFolder.appendingPathComponent("\(projectId)").appendingPathComponent(folder)
            .appendingPathComponent(name)
        guard let data = FileManager.default.contents(atPath: url.path) else { return notFound }
        // Kept by the browser no longer than a lease lasts: enough for the work page's preloading,
        // and a shared lab computer does not keep a task's picture for the next person for long.
        return Response(status: .ok, headers: [.contentType: type, .cacheControl: "private, max-age=600"],
                        body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// Whether this person may see the file at `url` (the path as microtask payloads name it).
    func maySee(_ user: User, projectId: Int64, url: String) async throws -> Bool {
        switch user.role {
        case .admin:
            return true
        case .client:
            guard let clientId = user.clientId, let project = try await store.project(id: projectId) else { return false }
            return project.clientId == clientId
        case .operator:
            return try await store.mediaIsOpen(url: url, to: .operator(try user.id.required("person")), at: clock.now())
        case .coach:
            return try await store.mediaIsOpen(url: url, to: .coach(try user.id.required("person")), at: clock.now())
        }
    }

    /// Only plain names made by the importer: letters, digits, dashes and one dot.
    static func isSafe(_ part: String) -> Bool {
        !part.isEmpty && part.count <= 80 && !part.hasPrefix(".")
            && part.unicodeScalars.allSatisfy { CharacterSet.alphanumerics.contains($0) && $0.isASCII || $0 == "-" || $0 == "." }
            && !part.contains("..")
    }
}
