// Job carving: the boxes a finished picture's drawers did not agree on, made into yes/no checks.
import AnnolabCore
import AnnolabStore
import Foundation
import Logging

/// Turns the boxes the operators did not agree on into yes/no questions ("is this box tight
/// around a car?") for people who judge boxes rather than draw them.
///
/// It is a step of its own after the answer that finished a picture: that answer is stored and
/// counted first, and the checks are made before the answer is acknowledged, so they are in the
/// queue by the time the drawer hears back. A failure here is not the drawer's: their answer
/// stands and is acknowledged, and the failure is logged with the picture's microtask id.
///
/// ```swift
/// await engine.boxChecks.carve(from: task, answers: counted.answers, project: project)
/// ```
struct BoxCheckCarving: Sendable {
    let store: any LabStoring
    let queue: WorkQueue
    let logger: Logger

    /// The checks for the boxes these answers did not agree on: none when everyone drew the same.
    static func checks(for task: WorkQueue.TaskFacts, answers: [AnswerBody],
                       project: WorkQueue.ProjectInfo) throws -> [Microtask] {
        let drawn = answers.enumerated().map { BoxAnswer(operatorID: "\($0.offset)", boxes: $0.element.boxes ?? []) }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try BoxFusion().fuse(drawn).verifyCandidates.map { candidate in
            var payload = task.payload
            payload.box = candidate.box
            payload.options = AnswerBody.verifyOptions
            return Microtask(projectId: task.projectId, itemId: nil, kind: .imageBoxVerify,
                             payload: String(decoding: try encoder.encode(payload), as: UTF8.self), estimatedSeconds: 8,
                             requiredAnswers: project.overlap ?? project.adaptiveMin)
        }
    }

    /// Makes, stores and queues the checks for a finished picture; true when any were made. Never
    /// throws: a failure is logged.
    @discardableResult
    func carve(from task: WorkQueue.TaskFacts, answers: [AnswerBody], project: WorkQueue.ProjectInfo) async -> Bool {
        do {
            let checks = try Self.checks(for: task, answers: answers, project: project)
            guard !checks.isEmpty else { return false }
            queue.add(try await store.addMicrotasks(checks))
            return true
        } catch {
            logger.error("The box checks of a finished picture could not be made; its answers are stored.",
                         metadata: ["microtask": "\(task.id)", "answers": "\(answers.count)", "error": "\(error)"])
            return false
        }
    }
}
