// The demo's news programme on video: the generated news sound under a test picture, with its subtitles.
import AnnolabCore
import AnnolabMedia
import AnnolabStore
import Foundation

extension DemoLab {
    static let programmeProject = DemoProject(name: "Evening news on video: subtitle check", kind: .subtitleCheck,
                                              labels: DemoProject.verdicts, overlap: nil, generated: true, real: [])

    /// Makes the evening news as a programme (ffmpeg's test picture with the news sound, spoken by
    /// espeak-ng when it is there) and imports it with its subtitles into a subtitle check of its
    /// own, so that the demo shows the work page's video player. Its job prepares it when the lab serves.
    static func addNewsProgramme(server: LabServer, manifest: SampleMedia.Manifest, folder: URL, clientId: Int64) async throws {
        guard FFmpeg.isInstalled else { return }
        let sound = folder.appendingPathComponent(manifest.subtitles.spokenWavFile ?? manifest.subtitles.wavFile)
        let programme = folder.appendingPathComponent("evening-news.mp4")
        let process = ChildProcess()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/ffmpeg")
        process.arguments = ["-nostdin", "-hide_banner", "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=25",
                             "-i", sound.path, "-shortest", "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p",
                             "-c:a", "aac", "-b:a", "64k", "-movflags", "+faststart", programme.path]
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw LabError(.internalFailure, "demo_programme_failed", "ffmpeg could not make the demo's news programme.")
        }
        let subtitles = try Data(contentsOf: folder.appendingPathComponent(manifest.subtitles.srtFile))
        let project = try await server.store.createProject(programmeProject.project(clientId: clientId, createdAt: Date()), actor: nil)
        server.engine.projectChanged(project)
        _ = try await server.importer.importFiles(
            [(name: "evening-news.srt", data: subtitles)],
            programmes: [UploadedProgramme(name: "evening-news.mp4", url: programme, owned: false)],
            into: try project.id.required("project"), strict: true, actor: nil)
    }
}
