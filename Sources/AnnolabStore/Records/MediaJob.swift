// Media jobs: a programme's preparation (web version, sound, frames) after its upload.
import AnnolabCore
import Foundation
import GRDB

/// The preparation of one uploaded programme. Its microtasks are made when it is `ready`; a
/// job left `working` by a stopped server is taken up again from the start when it starts.
public struct MediaJob: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "mediaJob"
    public var id: Int64?
    public var projectId: Int64
    public var itemId: Int64
    /// The programme's name as uploaded.
    public var file: String
    public var state: State
    /// How far the preparation is, from 0 to 1.
    public var progress: Double
    /// Why a job failed, in plain words.
    public var reason: String?
    public var createdAt: Date
    public var updatedAt: Date

    public enum State: String, Codable, Sendable, CaseIterable, DatabaseValueConvertible {
        case waiting, working, ready, failed
    }

    public enum Columns {
        public static let id = Column(CodingKeys.id)
        public static let projectId = Column(CodingKeys.projectId)
        public static let state = Column(CodingKeys.state)
    }

    public init(projectId: Int64, itemId: Int64 = 0, file: String, state: State = .waiting, at now: Date = Date()) {
        self.projectId = projectId
        self.itemId = itemId
        self.file = file
        self.state = state
        self.progress = 0
        self.createdAt = now
        self.updatedAt = now
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

extension LabStore {
    /// Stores programmes as items, each with its waiting job, in one transaction.
    public func addProgrammes(_ entries: [(item: Item, job: MediaJob)], actor: Int64?) async throws -> [MediaJob] {
        try await write { db in
            var jobs: [MediaJob] = []
            for entry in entries {
                var item = entry.item
                try item.insert(db)
                var job = entry.job
                job.itemId = item.id ?? db.lastInsertedRowID
                try job.insert(db)
                jobs.append(job)
            }
            if let first = entries.first {
                try AuditEntry.record(db, actor: actor, action: "items.import", subject: "project:\(first.item.projectId)",
                                      detail: "\(entries.count) programmes to prepare")
            }
            return jobs
        }
    }

    public func mediaJobs(projectId: Int64) async throws -> [MediaJob] {
        try await read { db in
            try MediaJob.filter(MediaJob.Columns.projectId == projectId).order(MediaJob.Columns.id).fetchAll(db)
        }
    }

    /// Jobs still to do, oldest first; a `working` job was cut off by a stop and starts again.
    public func unfinishedMediaJobs() async throws -> [MediaJob] {
        try await read { db in
            try MediaJob.filter([MediaJob.State.waiting.rawValue, MediaJob.State.working.rawValue].contains(MediaJob.Columns.state))
                .order(MediaJob.Columns.id).fetchAll(db)
        }
    }

    public func updateMediaJob(id: Int64, state: MediaJob.State, progress: Double, reason: String? = nil, at now: Date = Date()) async throws {
        try await write { db in
            try db.execute(sql: "UPDATE mediaJob SET state = ?, progress = ?, reason = ?, updatedAt = ? WHERE id = ?",
                           arguments: [state.rawValue, progress, reason, now, id])
        }
    }

    /// Finishes a job: its microtasks (with the frames each shows) are stored and the job is
    /// ready, in one transaction, so a stop in between leaves the job to be done again whole.
    public func finishMediaJob(_ job: MediaJob, microtasks: [(microtask: Microtask, media: [String])],
                               at now: Date = Date()) async throws -> [Microtask] {
        try await write { db in
            // A second runner on the same data folder (a server and `annolab import`) may finish
            // the same job: only the first stores its microtasks.
            let state = try MediaJob.State.fetchOne(db, sql: "SELECT state FROM mediaJob WHERE id = ?", arguments: [job.id])
            guard state != .ready else { return [] }
            var stored: [Microtask] = []
            for entry in microtasks {
                var microtask = entry.microtask
                microtask.itemId = job.itemId
                try microtask.insert(db)
                let id = microtask.id ?? db.lastInsertedRowID
                for url in Set(entry.media) {
                    try db.execute(sql: "INSERT INTO microtaskMedia (url, microtaskId) VALUES (?, ?)", arguments: [url, id])
                }
                stored.append(microtask)
            }
            try db.execute(sql: "UPDATE mediaJob SET state = 'ready', progress = 1, reason = NULL, updatedAt = ? WHERE id = ?",
                           arguments: [now, job.id])
            try AuditEntry.record(db, actor: nil, action: "items.prepared", subject: "project:\(job.projectId)",
                                  detail: "\(job.file): \(stored.count) microtasks")
            return stored
        }
    }
}
