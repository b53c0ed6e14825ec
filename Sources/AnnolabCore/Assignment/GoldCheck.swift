// Comparing an answer with a gold answer, for immediate and kind feedback.
import Foundation

/// Whether an answer matches the known answer of a gold microtask.
public enum GoldCheck {
    /// True when the answer matches: the same choice, the same set of tags, the same verdict
    /// for every cue, or every known box matched by a drawn box (IoU >= 0.5) and no extra box.
    public static func matches(_ answer: AnswerBody, gold: AnswerBody, kind: TaskKind) -> Bool {
        switch kind {
        case .choice, .imageBoxVerify, .thumbnailChoice:
            return answer.choice == gold.choice
        case .audioTags:
            return Set(answer.tags ?? []) == Set(gold.tags ?? [])
        case .subtitleCheck:
            let given = Dictionary((answer.cues ?? []).map { ($0.index, $0.verdict) }, uniquingKeysWith: { a, _ in a })
            return (gold.cues ?? []).allSatisfy { given[$0.index] == $0.verdict }
        case .imageBoxes, .frameBoxes:
            let drawn = answer.boxes ?? [], known = gold.boxes ?? []
            guard drawn.count == known.count else { return false }
            var unused = Array(drawn.indices)
            for box in known {
                guard let best = unused.max(by: { iou(drawn[$0], box) < iou(drawn[$1], box) }),
                      drawn[best].label == box.label, iou(drawn[best], box) >= 0.5 else { return false }
                unused.removeAll { $0 == best }
            }
            return true
        }
    }

    static func iou(_ a: LabeledBox, _ b: LabeledBox) -> Double {
        let w = max(0, min(a.x + a.w, b.x + b.w) - max(a.x, b.x))
        let h = max(0, min(a.y + a.h, b.y + b.h) - max(a.y, b.y))
        let inter = w * h
        let union = a.w * a.h + b.w * b.h - inter
        return union > 0 ? inter / union : 0
    }
}
