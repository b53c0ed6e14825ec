// Fills the demo lab's projects: the lab's generated sample media, and the real ones in Tasks/samples.
import AnnolabMedia
import AnnolabStore
import Foundation

extension DemoLab {
    /// Fills the demo projects: pictures with known boxes, news subtitles with deliberate errors
    /// and their sound, and sounds to tag, all generated, with the recorded sounds after them;
    /// then makes the "Real ..." projects with the real photographs and the LibriVox reading.
    ///
    /// The real media come from the samples folder beside the task templates (`Tasks/samples`).
    /// A lab whose template folder has no samples folder gets the generated media only; a
    /// samples folder with a file missing is an error naming it. Every file goes through the
    /// lab's own import rules, strictly: a refused file stops the demo instead of leaving a
    /// project half filled.
    public static func addSampleMedia(server: LabServer) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("annolab-samples-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let manifest = try SampleMedia.write(to: folder)
        let realFolder = DemoRealMedia.folder(tasksFolder: server.options.tasksFolder)
        let withReal = FileManager.default.fileExists(atPath: realFolder.path)

        var projects = try await server.store.projects(clientId: nil)
        let seeded = Dictionary(DemoProject.seeded.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        for project in projects {
            guard let plan = seeded[project.name] else { continue }
            let names: [String] = switch project.template {
            case .imageBoxes: manifest.images.map(\.file)
            case .choice: manifest.images.filter { $0.width <= 2048 && $0.height <= 2048 }.map(\.file)
            case .subtitleCheck: [manifest.subtitles.srtFile, manifest.subtitles.wavFile]
            case .audioTags: manifest.sounds.map(\.file)
            case .imageBoxVerify, .thumbnailChoice, .frameBoxes: []
            }
            let generated = try names.map { (name: $0, data: try Data(contentsOf: folder.appendingPathComponent($0))) }
            let real = withReal ? try DemoRealMedia.read(plan.real, from: realFolder) : []
            try await importStrictly(generated + real, into: project, server: server)
        }

        guard withReal, let clientId = projects.first?.clientId else { return }
        for plan in DemoProject.real where !projects.contains(where: { $0.name == plan.name }) {
            let files = try DemoRealMedia.read(plan.real, from: realFolder)
            let project = try await server.store.createProject(plan.project(clientId: clientId, createdAt: Date()), actor: nil)
            server.engine.projectChanged(project)
            projects.append(project)
            try await importStrictly(files, into: project, server: server)
        }
        if !projects.contains(where: { $0.name == programmeProject.name }) {
            try await addNewsProgramme(server: server, manifest: manifest, folder: folder, clientId: clientId)
        }
    }

    private static func importStrictly(_ files: [(name: String, data: Data)], into project: Project, server: LabServer) async throws {
        guard !files.isEmpty else { return }
        _ = try await server.importer.importFiles(files, into: try project.id.required("project"), strict: true, actor: nil)
    }
}
