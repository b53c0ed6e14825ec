// The client's routes: projects and their progress.
import AnnolabCore
import AnnolabMedia
import AnnolabStore
import Foundation
import Hummingbird

/// Routes for clients (media companies). Every route checks that the project is theirs.
struct ClientRoutes {
    let store: any LabStoring
    let projects: ProjectService
    let importer: ImportService
    /// The largest upload taken in one request, in bytes; larger is answered with 413.
    let maxUploadBytes: Int
    /// Tells the coaches of new work and takes the client's feedback to them.
    let monitor: CoachMonitor

    func register(on router: LabRouter) {
        let group = router.group("api/v1/projects").add(middleware: RoleMiddleware(.client))
        group.post(use: create)
        group.get(use: list)
        group.get("{id}", use: show)
        group.post("{id}/items", use: upload)
        group.post("{id}/gold", use: gold)
        group.post("{id}/feedback", use: feedback)
        group.get("{id}/export", use: export)
    }

    /// `?format=coco|yolo|voc|labelstudio|vtt|csv|json|jsonl`: the consensus so far, as a download.
    @Sendable func export(_ request: Request, context: LabRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let project = try await ownProject(context, user: user)
        guard let format = request.uri.queryParameters["format"].map(String.init), !format.isEmpty else {
            let offered = ExportService.formats[project.template] ?? ["jsonl"]
            throw LabError(.badRequest, "format_missing", "Say which format you want: ?format= one of \(offered.joined(separator: ", ")).")
        }
        // Everything that can be refused is refused here; COCO and YOLO then stream as they are written.
        let file = try await ExportService(store: store).export(project: project, format: format, actor: user.id)
        return Response(status: .ok, headers: [
            .contentType: file.contentType,
            .contentDisposition: "attachment; filename=\"\(file.fileName)\"",
            .cacheControl: "no-store",
        ], body: file.responseBody)
    }

    struct FeedbackRequest: Decodable {
        var kind: String?
        var text: String
    }

    struct FeedbackReceipt: ResponseEncodable {
        var id: Int64
        var kind: String
        var status: String
        var note: String
    }

    /// Feedback or a "good job" note on a project; it goes to the coaches, who decide what
    /// reaches the operators and in what words.
    @Sendable func feedback(_ request: Request, context: LabRequestContext) async throws -> EditedResponse<FeedbackReceipt> {
        let user = try context.requireUser()
        let project = try await ownProject(context, user: user)
        let body = try await request.decode(as: FeedbackRequest.self, context: context)
        let kind = body.kind ?? "feedback"
        guard ["feedback", "good-job"].contains(kind) else {
            throw LabError(.unprocessable, "invalid_feedback", "The kind must be feedback or good-job.")
        }
        let text = body.text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty, text.count <= 2000 else {
            throw LabError(.unprocessable, "invalid_feedback", "Write your feedback in 1 to 2000 characters.")
        }
        let item = try await store.addFeedback(projectId: try project.id.required("project"), kind: kind, body: text,
                                               actor: user.id, at: Date())
        return EditedResponse(status: .created, response: FeedbackReceipt(
            id: try item.id.required("feedback"), kind: kind, status: item.status,
            note: "Thank you. The lab's coaches read this and pass it on to the people who did the work."))
    }

    @Sendable func upload(_ request: Request, context: LabRequestContext) async throws -> EditedResponse<UploadReport> {
        let user = try context.requireUser()
        let project = try await ownProject(context, user: user)
        if let length = request.headers[.contentLength].flatMap(Int.init), length > maxUploadBytes {
            throw Self.tooLarge(maxUploadBytes)
        }
        let contentType = request.headers[.contentType] ?? ""
        guard let boundary = MultipartFormData.boundary(in: contentType) else {
            throw LabError(.unsupportedMedia, "not_multipart", "Send the files as multipart/form-data, each in a part named 'file'.")
        }
        // Each file goes to disk as it arrives: programmes stay there for ffmpeg, other files
        // (pictures, subtitles, WAVs, archives) are read back, as the import cuts them in memory.
        let received = try await UploadReceiver.receive(request.body, boundary: boundary, into: importer.incomingFolder,
                                                        maxBytes: maxUploadBytes)
        var files: [(name: String, data: Data)] = []
        var programmes: [UploadedProgramme] = []
        var refused: [RejectedFile] = []
        defer { received.discard() }
        for file in received.files {
            if ItemPreparer.isProgramme(file.name) {
                programmes.append(UploadedProgramme(name: ItemPreparer.cleanName(file.name), url: file.url, owned: true))
            } else if file.size > importer.limits.maxFileBytes {
                refused.append(RejectedFile(file: ItemPreparer.cleanName(file.name),
                                            reason: "The file is larger than \(importer.limits.maxFileBytes >> 20) MB.", code: "file_too_large"))
            } else {
                files.append((name: file.name, data: try Data(contentsOf: file.url)))
            }
        }
        guard !received.files.isEmpty else {
            throw LabError(.badRequest, "no_files", "Send at least one file, in a part named 'file'.")
        }
        let strict: Bool
        switch request.uri.queryParameters["strict"].map(String.init) {
        case nil, "false": strict = false
        case "true": strict = true
        default: throw LabError(.badRequest, "invalid_strict", "Give ?strict= as true or false.")
        }
        let projectId = try project.id.required("project")
        if strict, !refused.isEmpty {
            let list = refused.map { "\($0.file): \($0.reason)" }.joined(separator: " ")
            throw LabError(.unprocessable, "upload_refused", "Nothing was stored, because some files were refused. \(list)")
        }
        var report = refused.count == received.files.count
            ? ImportService.Report(imported: 0, microtasks: 0, rejected: [])
            : try await importer.importFiles(files, programmes: programmes, into: projectId, strict: strict, actor: user.id)
        report.rejected = refused + report.rejected
        if report.microtasks > 0 {
            // The upload is stored whatever happens here; a coach's notice that could not be
            // made is logged, not turned into a failed upload.
            do {
                try await monitor.datasetUploaded(projectId: projectId, projectName: project.name)
            } catch {
                context.logger.error("The coaches could not be told of a new dataset", metadata: ["project": "\(projectId)", "error": "\(error)"])
            }
        }
        return EditedResponse(status: .created, response: UploadReport(report))
    }

    static func tooLarge(_ limit: Int) -> LabError {
        LabError(.tooLarge, "upload_too_large", "The upload is larger than \(limit >> 20) MB. Send it in smaller parts.")
    }

    struct UploadReport: ResponseEncodable {
        var imported: Int
        var microtasks: Int
        var rejected: [Rejected]
        struct Rejected: Codable {
            var file: String
            var reason: String
            var code: String
        }
        init(_ report: ImportService.Report) {
            imported = report.imported
            microtasks = report.microtasks
            rejected = report.rejected.map { Rejected(file: $0.file, reason: $0.reason, code: $0.code) }
        }
    }

    struct GoldRequest: Decodable {
        struct Entry: Decodable {
            var microtask: Int64
            var answer: AnswerBody
            var explanation: [String: String]?
        }
        var answers: [Entry]
    }

    struct GoldReport: ResponseEncodable {
        var gold: Int
    }

    /// Known answers for some microtasks: they become gold, mixed in at the project's gold rate.
    @Sendable func gold(_ request: Request, context: LabRequestContext) async throws -> GoldReport {
        let user = try context.requireUser()
        let project = try await ownProject(context, user: user)
        let body = try await request.decode(as: GoldRequest.self, context: context)
        var answers: [GoldAnswer] = []
        for entry in body.answers {
            guard let microtask = try await store.microtask(id: entry.microtask), microtask.projectId == project.id else {
                throw LabError(.unprocessable, "unknown_microtask", "Microtask \(entry.microtask) is not part of this project.")
            }
            let payload = (try? JSONDecoder().decode(MicrotaskPayload.self, from: Data(microtask.payload.utf8))) ?? MicrotaskPayload()
            let known = try entry.answer.validated(kind: microtask.kind, payload: payload, labels: project.labels)
            answers.append(GoldAnswer(
                microtaskId: entry.microtask,
                body: String(decoding: try JSONEncoder().encode(known), as: UTF8.self),
                explanation: try LabJSON.text(entry.explanation ?? [:])))
        }
        try await store.setGold(projectId: try project.id.required("project"), answers: answers)
        projects.engine.goldAdded(answers.map(\.microtaskId))
        return GoldReport(gold: answers.count)
    }

    @Sendable func create(_ request: Request, context: LabRequestContext) async throws -> EditedResponse<ProjectView> {
        let user = try context.requireUser()
        let body = try await request.decode(as: ProjectService.NewProject.self, context: context)
        let project = try await projects.create(body, clientId: try clientId(of: user), actor: user.id)
        return EditedResponse(status: .created, response: try await projects.view(project))
    }

    struct ProjectList: ResponseEncodable {
        var projects: [ProjectView]
    }

    @Sendable func list(_ request: Request, context: LabRequestContext) async throws -> ProjectList {
        let user = try context.requireUser()
        var views: [ProjectView] = []
        for project in try await store.projects(clientId: try clientId(of: user)) {
            views.append(try await projects.view(project))
        }
        return ProjectList(projects: views)
    }

    @Sendable func show(_ request: Request, context: LabRequestContext) async throws -> ProjectView {
        let user = try context.requireUser()
        let project = try await ownProject(context, user: user)
        return try await projects.view(project)
    }

    /// The project of the path's `{id}` when it belongs to the signed-in client; 404 otherwise,
    /// so that one client cannot learn which project ids another has.
    func ownProject(_ context: LabRequestContext, user: User) async throws -> Project {
        try await Self.ownProject(context, user: user, store: store)
    }

    static func ownProject(_ context: LabRequestContext, user: User, store: any LabStoring) async throws -> Project {
        let notFound = LabError(.notFound, "project_not_found", "There is no project \(context.parameters.get("id") ?? "") among your projects.")
        guard let project = try await store.project(id: try context.parameters.requireID(else: notFound)),
              project.clientId == (try Self.clientId(of: user)) else {
            throw notFound
        }
        return project
    }

    func clientId(of user: User) throws -> Int64 { try Self.clientId(of: user) }

    static func clientId(of user: User) throws -> Int64 {
        guard let id = user.clientId else {
            throw LabError(.forbidden, "no_client", "This account is not linked to a client company. Ask the lab's admin.")
        }
        return id
    }
}
