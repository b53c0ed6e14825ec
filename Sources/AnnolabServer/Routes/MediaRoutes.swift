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
    let store: any LabStoring
    /// The lab's clock, which leases are measured by (tests run it by hand).
    var clock: any LabClock = SystemClock()

    static let types = ["png": "image/png", "jpg": "image/jpeg", "wav": "audio/wav", "srt": "text/plain; charset=utf-8",
                        "vtt": "text/vtt; charset=utf-8", "mp4": "video/mp4"]

    func register(on router: LabRouter) {
        router.group("media").add(middleware: ModelMediaMiddleware(store: store))
            .add(middleware: RoleMiddleware(.operator, .coach, .admin, .client))
            .get("{project}/{folder}/{file}", use: file)
    }

    @Sendable func file(_ request: Request, context: LabRequestContext) async throws -> Response {
        // A client's live model reads its own project's pictures with the token the lab gave it in /setup.
        let modelProject = context.modelProject
        let user = modelProject == nil ? try context.requireUser() : nil
        // Answered here rather than thrown: a thrown 404 sends the static-file fallback looking
        // through Web/, which answers a path with `..` in it differently (400).
        let notFound = try LabError(.notFound, "media_not_found", "This picture or sound is not there.")
            .response(from: request, context: context)
        guard let projectId = context.parameters.get("project", as: Int64.self), projectId > 0,
              let folder = context.parameters.get("folder"), let name = context.parameters.get("file"),
              Self.isSafe(folder), Self.isSafe(name),
              let type = Self.types[(name as NSString).pathExtension.lowercased()] else { return notFound }
        if let modelProject {
            guard modelProject == projectId else { return notFound }
        } else if let user {
            guard try await maySee(user, projectId: projectId, url: "/media/\(projectId)/\(folder)/\(name)") else { return notFound }
        }
        let url = store.mediaFolder.appendingPathComponent("\(projectId)").appendingPathComponent(folder)
            .appendingPathComponent(name)
        guard let handle = try? FileHandle(forReadingFrom: url) else { return notFound }
        defer { try? handle.close() }
        let size = Int((try? handle.seekToEnd()) ?? 0)
        // Kept by the browser no longer than a lease lasts: enough for the work page's preloading,
        // and a shared lab computer does not keep a task's picture for the next person for long.
        var headers: HTTPFields = [.contentType: type, .cacheControl: "private, max-age=600", .acceptRanges: "bytes"]
        guard let asked = request.headers[.range] else {
            try handle.seek(toOffset: 0)
            let data = try handle.readToEnd() ?? Data()
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
        }
        // A player asks for the stretch it needs (`bytes=a-b`, `bytes=a-`, `bytes=-n`); an open
        // end gets a few megabytes at a time, so a long programme is never read whole.
        guard let range = Self.byteRange(asked, size: size) else {
            headers[.contentRange] = "bytes */\(size)"
            return Response(status: .rangeNotSatisfiable, headers: headers)
        }
        try handle.seek(toOffset: UInt64(range.lowerBound))
        let data = try handle.read(upToCount: range.count) ?? Data()
        headers[.contentRange] = "bytes \(range.lowerBound)-\(range.lowerBound + data.count - 1)/\(size)"
        return Response(status: .partialContent, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// The most an open-ended range gets in one answer.
    static let rangeChunk = 4 << 20

    /// The bytes a `Range` header asks for, within a file of `size` bytes; nil when it asks for
    /// none of them or for several ranges at once.
    static func byteRange(_ header: String, size: Int) -> Range<Int>? {
        guard header.hasPrefix("bytes="), size > 0 else { return nil }
        let spec = header.dropFirst(6).trimmingCharacters(in: .whitespaces)
        guard !spec.contains(","), let dash = spec.firstIndex(of: "-") else { return nil }
        let first = spec[..<dash], last = spec[spec.index(after: dash)...]
        if first.isEmpty {
            guard let suffix = Int(last), suffix > 0 else { return nil }
            return max(0, size - suffix)..<size
        }
        guard let start = Int(first), start >= 0, start < size else { return nil }
        if last.isEmpty { return start..<min(size, start + rangeChunk) }
        guard let end = Int(last), end >= start else { return nil }
        return start..<min(size, end + 1)
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
