// The lab `bench serve` measures: one client, one choice project of N microtasks, and its operators.
import AnnolabCore
import AnnolabStore
import Foundation

/// A data folder seeded for the benchmark, and the badges of its operators.
struct BenchLab {
    let folder: URL
    let badges: [String]
    /// Seconds the seeding took, closing the store included (SQLite folds its log back in then).
    let seedSeconds: Double

    /// The operators' profile: one work block of two hours, the longest the lab allows, so that
    /// no run (a five-minute soak included) meets a pause; a fresh operator starts a new shift.
    static let profile = WorkProfile(workMinutes: 120, pauseMinutes: 15, shiftMinutes: 240, dailyCapMinutes: 240)

    static func seed(folder: URL, microtasks: Int, overlap: Int, operators: Int) async throws -> BenchLab {
        let started = monotonicNanoseconds()
        let badges = try await fill(folder: folder, microtasks: microtasks, overlap: overlap, operators: operators)
        return BenchLab(folder: folder, badges: badges, seedSeconds: Double(monotonicNanoseconds() - started) / 1e9)
    }

    private static func fill(folder: URL, microtasks: Int, overlap: Int, operators: Int) async throws -> [String] {
        let store = try LabStore(folder: folder)
        let client = try await store.createClient(name: "Benchmark newsroom")
        guard let clientId = client.id else { throw CommandFailure(description: "The benchmark client was not stored.") }
        let project = try await store.createProject(
            Project(clientId: clientId, name: "Benchmark", template: .choice, labels: ["A", "B"], overlap: overlap,
                    adaptiveMin: nil, adaptiveMax: nil, goldRate: 0, deadline: nil, createdAt: Date()), actor: nil)
        guard let projectId = project.id else { throw CommandFailure(description: "The benchmark project was not stored.") }
        let payload = String(decoding: try JSONEncoder().encode(MicrotaskPayload(options: ["A", "B"])), as: UTF8.self)
        let now = Date()
        let one = Microtask(projectId: projectId, itemId: nil, kind: .choice, payload: payload, estimatedSeconds: 10,
                            requiredAnswers: overlap, createdAt: now)
        // Transactions of 100,000 rows: few durable commits, and a write-ahead log that stays small.
        var left = microtasks
        while left > 0 {
            let batch = min(left, 100_000)
            _ = try await store.addMicrotasks(Array(repeating: one, count: batch))
            left -= batch
        }
        let badges = (0..<operators).map { String(format: "OP-B%05d", $0) }
        try await store.addOperatorsInBulk(badges: badges, namePrefix: "Bench operator", profile: profile)
        return badges
    }
}
