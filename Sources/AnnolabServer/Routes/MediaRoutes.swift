// The media of microtasks (pictures, tiles, clips), for signed-in people who may see them.
import AnnolabStore
import Foundation
import Hummingbird

/// `GET /media/{project}/{folder}/{file}`: operators, coaches and admins see every project's
/// media; a client only their own.
struct MediaRoutes {
    let store: LabStore

    static let types = ["png": "image/png", "jpg": "image/jpeg", "wav": "audio/wav", "srt": "text/plain; charset=utf-8",
                        "vtt": "text/vtt; charset=utf-8"]

    func register(on router: LabRouter) {
        router.group("media").add(middleware: RoleMiddleware(.operator, .coach, .admin, .client))
            .get("{project}/{folder}/{file}", use: file)
    }

    @Sendable func file(_ request: Request, context: LabRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let notFound = LabError(.notFound, "media_not_found", "This picture or sound is not there.")
        guard let projectText = context.parameters.get("project"), let projectId = Int64(projectText),
              let folder = context.parameters.get("folder"), let name = context.parameters.get("file"),
              Self.isSafe(folder), Self.isSafe(name),
              let type = Self.types[(name as NSString).pathExtension.lowercased()] else { throw notFound }
        if user.role == .client {
            guard let project = try await store.project(id: projectId), project.clientId == user.clientId else { throw notFound }
        }
        let url = store.mediaFolder.appendingPathComponent("\(projectId)").appendingPathComponent(folder)
            .appendingPathComponent(name)
        guard let data = FileManager.default.contents(atPath: url.path) else { throw notFound }
        return Response(status: .ok, headers: [.contentType: type, .cacheControl: "private, max-age=3600"],
                        body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// Only plain names made by the importer: letters, digits, dashes and one dot.
    static func isSafe(_ part: String) -> Bool {
        !part.isEmpty && part.count <= 80 && !part.hasPrefix(".")
            && part.unicodeScalars.allSatisfy { CharacterSet.alphanumerics.contains($0) && $0.isASCII || $0 == "-" || $0 == "." }
            && !part.contains("..")
    }
}
