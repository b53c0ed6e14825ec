// Prepares uploaded programmes in the background, one at a time, and resumes after a restart.
import AnnolabCore
import AnnolabMedia
import AnnolabStore
import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// Runs the media jobs of uploaded programmes: web version, sound, frames, then microtasks.
///
/// One job runs at a time (ffmpeg already uses every core). A job the server was stopped in
/// the middle of is `working` in the store and is done again from the start when the lab
/// serves again; its microtasks are stored only when the whole job is done.
public final class ProgrammeJobs: Service, Sendable {
    let store: any LabStoring
    let engine: LabEngine
    let templates: TemplateCatalog
    let ffmpeg: FFmpeg
    let logger = Logger(label: "annolab.programmes")
    private let wake: AsyncStream<Void>.Continuation
    private let wakes: AsyncStream<Void>

    public init(store: any LabStoring, engine: LabEngine, templates: TemplateCatalog, ffmpeg: FFmpeg = FFmpeg()) {
        self.store = store
        self.engine = engine
        self.templates = templates
        self.ffmpeg = ffmpeg
        (wakes, wake) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(1))
    }

    /// Tells the runner that new jobs wait.
    public func nudge() { wake.yield() }

    /// Runs jobs as they come. On a graceful shutdown the job under way is cancelled (its ffmpeg
    /// is killed) and stays `working`, to be done again from the start when the lab serves again,
    /// so that stopping the lab never waits for a long transcode.
    public func run() async throws {
        try await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                // With servers sharing the store, one of them prepares programmes: programmes uploaded to
                // another server, and the work of a server that stopped, are looked for every 10 seconds.
                if self.store.sharedByServers {
                    group.addTask {
                        while !Task.isCancelled {
                            try? await Task.sleep(for: .seconds(10))
                            self.nudge()
                        }
                    }
                }
                await self.runAll()
                for await _ in self.wakes {
                    await self.runAll()
                }
                group.cancelAll()
            }
        }
    }

    /// Runs every unfinished job, oldest first, until none is left (also used by `annolab import`).
    public func runAll() async {
        // Several servers on one store: only the one running the lab's background work prepares programmes.
        while !Task.isCancelled, await store.mayRunBackgroundWork() {
            do {
                guard let job = try await store.unfinishedMediaJobs().first else { return }
                await prepare(job)
            } catch {
                logger.error("The programmes waiting to be prepared could not be read", metadata: ["error": "\(error)"])
                return
            }
        }
    }

    func prepare(_ job: MediaJob) async {
        guard let id = job.id else { return }
        do {
            try await store.updateMediaJob(id: id, state: .working, progress: 0)
            guard let item = try await store.item(id: job.itemId), let project = try await store.project(id: job.projectId),
                  let projectId = project.id else {
                throw LabError(.notFound, "item_not_found", "The programme is no longer in the lab.")
            }
            let facts = try ProgrammeFacts.read(item.meta)
            let preparer = ProgrammePreparer(projectId: projectId, kind: project.template, template: templates[project.template],
                                             subtitleRules: try project.ruleSettings(), ffmpeg: ffmpeg)
            let folder = store.mediaFolder.appendingPathComponent(item.mediaPath, isDirectory: true)
            let reporter = ProgressReporter()
            let writer = reporter.writer(store: store, jobId: id)
            defer { writer.cancel() }
            let made = try await preparer.prepare(folder: folder, mediaPath: item.mediaPath, original: facts.original,
                                                  probe: facts.probe) { reporter.report($0) }
            writer.cancel()
            await writer.value
            let required = project.overlap ?? project.adaptiveMin ?? 2
            let rows = try made.map { entry in
                (microtask: Microtask(projectId: projectId, itemId: job.itemId, kind: project.template.workKind,
                                      payload: String(decoding: try LabJSON.encoder.encode(entry.microtask.payload), as: UTF8.self),
                                      estimatedSeconds: entry.microtask.estimatedSeconds, requiredAnswers: required),
                 media: entry.media)
            }
            let stored = try await store.finishMediaJob(job, microtasks: rows)
            engine.microtasksAdded(stored)
            logger.info("A programme is ready for work", metadata: ["file": "\(job.file)", "microtasks": "\(stored.count)"])
        } catch {
            // Stopped with the lab: the job stays as it is and is taken up again at the next start.
            if Task.isCancelled { return }
            let reason = (error as? LabError)?.message ?? "The programme could not be prepared."
            logger.error("A programme could not be prepared", metadata: ["file": "\(job.file)", "error": "\(error)"])
            try? await store.updateMediaJob(id: id, state: .failed, progress: 0, reason: reason)
        }
    }
}

/// The latest progress ffmpeg reported, written to the store at most once a second.
final class ProgressReporter: Sendable {
    private let latest = Mutex<Double?>(nil)

    func report(_ value: Double) { latest.withLock { $0 = value } }

    func take() -> Double? {
        latest.withLock { value in
            defer { value = nil }
            return value
        }
    }

    /// Writes what was reported, once a second, until cancelled.
    func writer(store: any LabStoring, jobId: Int64) -> Task<Void, Never> {
        Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(1))
                if let value = take() {
                    try? await store.updateMediaJob(id: jobId, state: .working, progress: min(0.99, max(0, value)))
                }
            }
        }
    }
}
