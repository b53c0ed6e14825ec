// After the people checked a model's boxes on a picture: its "anything missed?" drawing work is made.
import AnnolabCore
import AnnolabStore
import Foundation

extension LabEngine {
    /// Called when a box check of a model's box is done: when it was the picture's last, the
    /// picture's drawing microtasks are made, each showing the boxes the people kept, and queued.
    /// A failure is logged; the answer that finished the check stands.
    func releaseAfterCheck(_ task: WorkQueue.TaskFacts, project: WorkQueue.ProjectInfo) async {
        do {
            let made = try await store.releaseHeldDrawing(afterCheck: task.id, required: project.firstRequired) { checks, payload in
                Self.shownBoxes(checks, in: payload)
            }
            if !made.isEmpty {
                queue.add(made)
                announceWork()
            }
        } catch {
            logger.error("The drawing work after a picture's box checks could not be made; the answers are stored.",
                         metadata: ["microtask": "\(task.id)", "error": "\(error)"])
        }
    }

    /// The boxes the people kept (accepted or corrected), in the pixels of the tile `payload` shows.
    static func shownBoxes(_ checks: [AnsweredCheck], in payload: MicrotaskPayload) -> [LabeledBox] {
        let left = Double(payload.tile?.x ?? 0), top = Double(payload.tile?.y ?? 0)
        let width = Double(payload.image?.width ?? 0), height = Double(payload.image?.height ?? 0)
        return checks.compactMap { check -> LabeledBox? in
            guard let predicted = check.payload.box, let box = BoxCheckDecision(box: predicted, answers: check.answers).box else { return nil }
            let x0 = max(box.x - left, 0), y0 = max(box.y - top, 0)
            let x1 = min(box.x + box.w - left, width), y1 = min(box.y + box.h - top, height)
            guard x1 - x0 >= 1, y1 - y0 >= 1 else { return nil }
            return LabeledBox(label: box.label, x: x0, y: y0, w: x1 - x0, h: y1 - y0)
        }
    }
}
