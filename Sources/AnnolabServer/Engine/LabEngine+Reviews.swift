// Reviewers: a finished microtask whose answers did not agree goes to a reviewer, who decides.
import AnnolabCore
import AnnolabStore
import Foundation

extension LabEngine {
    /// The kinds a reviewer decides: those whose exports are made from every answer at once.
    /// Boxes are not among them: their consensus is fused per picture as the export streams.
    static let reviewable: Set<TaskKind> = [.subtitleCheck, .choice, .audioTags, .thumbnailChoice, .imageBoxVerify]

    /// Whether the lab's ladder has a reviewer's step and this operator reached it.
    func isReviewer(operatorId: Int64) async throws -> Bool {
        guard let ladder = skills.activeLadder else { return false }
        let steps = Set(ladder.steps.filter { $0.reviews == true }.map(\.id))
        guard !steps.isEmpty else { return false }
        return !steps.isDisjoint(with: try await reachedSteps(operatorId: operatorId))
    }

    /// After a microtask finished: when its answers did not settle it (split verdicts, no clear
    /// majority) and the lab has a reviewer, a reviewer's microtask is made for it. Its answer
    /// becomes the label. Without any reviewer the consensus of the answers stays the label, and
    /// no project waits for a decision nobody can make.
    func reviewIfSplit(_ task: WorkQueue.TaskFacts, answers: [AnswerBody], project: WorkQueue.ProjectInfo) async {
        guard !task.isReview, !task.isGold, Self.reviewable.contains(task.kind), answers.count >= 2,
              let ladder = skills.activeLadder,
              !adaptive.isSettled(kind: task.kind, answers: answers, labels: project.labels, payload: task.payload) else { return }
        let steps = ladder.steps.filter { $0.reviews == true }.map(\.id)
        do {
            guard try await store.anyoneReached(steps: steps) else { return }
            guard let original = try await store.microtask(id: task.id) else { return }
            var payload = try JSONDecoder().decode(MicrotaskPayload.self, from: Data(original.payload.utf8))
            payload.review = .init(of: task.id, answers: answers)
            let json = String(decoding: try JSONEncoder().encode(payload), as: UTF8.self)
            guard let (review, excluded) = try await store.addReview(of: original, payload: json, at: clock.now()) else { return }
            queue.addReview(review, excluded: excluded)
            announceWork()
        } catch {
            // The answers stand; without a review the consensus of the answers is the label.
            logger.error("A reviewer's microtask could not be made for microtask \(task.id): \(error)")
        }
    }
}
