// The text dialogue's operations, done by the lab engine: the same rules as the visual client.
import AnnolabCore
import Foundation

/// Runs the dialogue's operations for one operator on the lab engine, asking only for kinds
/// that work by ear.
struct EngineDialogueLab: DialogueLab {
    let engine: LabEngine
    let operatorId: Int64
    let templates: TemplateCatalog?

    func shift(_ view: LabEngine.ShiftView) -> DialogueShift {
        let phase: DialogueShift.Phase = switch view.phase {
        case .work: .work
        case .pause: view.extraPause ? .extraPause : .pause
        case .ended: .ended
        case .off: .off
        }
        return DialogueShift(phase: phase, blockSecondsLeft: view.blockSecondsLeft, resumesInSeconds: view.resumesInSeconds,
                             workMinutesToday: view.workMinutesToday)
    }

    func status() async throws -> DialogueShift { shift(try await engine.shift(operatorId: operatorId)) }
    func startShift() async throws -> DialogueShift { shift(try await engine.startShift(operatorId: operatorId, startedBy: operatorId)) }
    func pause() async throws -> DialogueShift { shift(try await engine.pause(operatorId: operatorId)) }
    func resume() async throws -> DialogueShift { shift(try await engine.resume(operatorId: operatorId)) }
    func endShift() async throws -> DialogueShift { shift(try await engine.endShift(operatorId: operatorId, byCoach: false)) }

    func next() async throws -> DialogueNext {
        let served: LabEngine.Served?
        do {
            served = try await engine.next(operatorId: operatorId, only: LabEngine.byEar)
        } catch is LabEngine.NotNow {
            return .pause(try await status())
        } catch let error as LabError where error.code == .noShift {
            return .noShift(ended: try await status().phase == .ended)
        }
        guard let served else { return .noWork }
        let template = templates?[served.kind]
        let labels = served.labels.map { id in
            template?.labels.first { $0.id == id } ?? TaskTemplate.Label(id: id, name: .init(nl: id, en: id))
        }
        return .task(DialogueTask(assignmentId: served.assignmentId, kind: served.kind, title: template?.title,
                                  labels: labels, payload: served.payload))
    }

    func answer(_ task: DialogueTask, _ answer: AnswerBody) async throws -> DialogueFeedback {
        let receipt = try await engine.answer(operatorId: operatorId, assignmentId: task.assignmentId, answer: answer,
                                              idempotencyKey: nil).receipt()
        return DialogueFeedback(correct: receipt.feedback?.correct, message: receipt.feedback?.message)
    }

    func skip(_ task: DialogueTask) async throws {
        try await engine.skip(operatorId: operatorId, assignmentId: task.assignmentId, reason: "text mode")
    }

    func unreadMessages() async throws -> [String] {
        let unread = try await engine.store.messages(operatorId: operatorId).map(\.0).filter { $0.readAt == nil }.reversed()
        for message in unread {
            _ = try await engine.store.markMessageRead(id: try message.id.required("message"), operatorId: operatorId,
                                                       at: engine.clock.now())
        }
        return unread.map(\.body)
    }

    func rateInstructions(assignmentId: Int64, clear: Bool) async throws {
        _ = try await engine.store.rateInstructions(operatorId: operatorId, assignmentId: assignmentId, clear: clear,
                                                    comment: nil, at: engine.clock.now())
    }

    func ladder(language: String) async throws -> DialogueLadder? {
        guard engine.ladderEnabled, let progress = try await engine.ladderProgress(operatorId: operatorId, language: language) else {
            return nil
        }
        let reached = progress.steps.filter { $0.reachedAt != nil || $0.via == "always" }.map(\.name)
        guard let next = progress.next else { return DialogueLadder(reached: reached, next: nil) }
        return DialogueLadder(reached: reached, next: next.name, practiceDone: next.practiceDone, practiceNeeded: next.practiceNeeded,
                              percentRight: next.accuracy.map { Int(($0 * 100).rounded()) },
                              percentNeeded: Int((next.accuracyNeeded * 100).rounded()))
    }

    func release(_ task: DialogueTask) async throws {
        try await engine.release(operatorId: operatorId, assignmentId: task.assignmentId)
    }
}
