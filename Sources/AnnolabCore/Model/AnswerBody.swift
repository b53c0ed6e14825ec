// An operator's answer in the shape of its task kind, and the checks it must pass.
import Foundation

/// The verdicts an operator can give a subtitle cue.
public enum SubtitleVerdictName: String, Codable, Sendable, CaseIterable {
    case correct
    case textError = "text-error"
    case timingError = "timing-error"
    case missingSpeech = "missing-speech"
}

/// An answer as sent by the operator. Only the field of the task's kind is set:
/// image-boxes `boxes`, subtitle-check `cues`, audio-tags `tags`, choice and image-box-verify `choice`.
public struct AnswerBody: Codable, Sendable, Equatable {
    public struct CueAnswer: Codable, Sendable, Equatable {
        public var index: Int
        public var verdict: String
        public var correction: String?
        public init(index: Int, verdict: String, correction: String? = nil) {
            self.index = index
            self.verdict = verdict
            self.correction = correction
        }
    }

    public var boxes: [LabeledBox]?
    public var cues: [CueAnswer]?
    public var tags: [String]?
    public var choice: String?

    public init(boxes: [LabeledBox]? = nil, cues: [CueAnswer]? = nil, tags: [String]? = nil, choice: String? = nil) {
        self.boxes = boxes
        self.cues = cues
        self.tags = tags
        self.choice = choice
    }

    /// The options of an image-box-verify task.
    public static let verifyOptions = ["yes", "no"]

    /// Whether two answers say the same, once put in the canonical form ``validated(kind:payload:labels:)``
    /// gives (tags as a set, cues in order, corrections trimmed): a repeat of an answer is the same answer.
    public func says(theSameAs other: AnswerBody) -> Bool {
        func canonical(_ answer: AnswerBody) -> AnswerBody {
            var copy = answer
            copy.tags = answer.tags.map { Array(Set($0)).sorted() }
            copy.cues = answer.cues?.sorted { $0.index < $1.index }.map { cue in
                let correction = cue.correction?.trimmingCharacters(in: .whitespacesAndNewlines)
                return CueAnswer(index: cue.index, verdict: cue.verdict, correction: correction?.isEmpty == false ? correction : nil)
            }
            return copy
        }
        return canonical(self) == canonical(other)
    }

    /// Checks the answer against its task: boxes inside the image, known labels, one verdict per cue.
    /// Returns the answer in canonical form (tags sorted, corrections trimmed).
    public func validated(kind: TaskKind, payload: MicrotaskPayload, labels: [String]) throws -> AnswerBody {
        func refuse(_ code: LabError.Code, _ message: String) -> LabError { LabError(.unprocessable, code, message) }
        switch kind {
        case .imageBoxes, .frameBoxes:
            guard let boxes else { throw refuse("answer_shape", "An image-boxes answer needs a list of boxes (it may be empty).") }
            guard boxes.count <= 500 else { throw refuse("too_many_boxes", "At most 500 boxes fit in one answer.") }
            let width = Double(payload.image?.width ?? 0), height = Double(payload.image?.height ?? 0)
            for (n, box) in boxes.enumerated() {
                guard labels.contains(box.label) else {
                    throw refuse("unknown_label", "Box \(n + 1) has the label '\(box.label)', which this task does not use. Use one of: \(labels.joined(separator: ", ")).")
                }
                let values = [box.x, box.y, box.w, box.h]
                guard values.allSatisfy(\.isFinite), box.w > 0, box.h > 0, box.x >= 0, box.y >= 0,
                      box.x + box.w <= width + 0.5, box.y + box.h <= height + 0.5 else {
                    throw refuse("box_outside_image", "Box \(n + 1) is not inside the image (\(Int(width)) by \(Int(height)) pixels).")
                }
            }
            return AnswerBody(boxes: boxes)
        case .subtitleCheck:
            guard let cues else { throw refuse("answer_shape", "A subtitle-check answer needs a verdict for each cue.") }
            let expected = (payload.cues ?? []).map(\.index)
            let given = cues.map(\.index)
            guard given.sorted() == expected.sorted(), Set(given).count == given.count else {
                throw refuse("one_verdict_per_cue", "Give exactly one verdict for each cue: \(expected.map(String.init).joined(separator: ", ")).")
            }
            var canonical: [CueAnswer] = []
            for cue in cues.sorted(by: { $0.index < $1.index }) {
                guard SubtitleVerdictName(rawValue: cue.verdict) != nil else {
                    throw refuse("unknown_verdict", "Cue \(cue.index) has the verdict '\(cue.verdict)'. Use correct, text-error, timing-error or missing-speech.")
                }
                let correction = cue.correction?.trimmingCharacters(in: .whitespacesAndNewlines)
                if let correction, correction.count > 1000 {
                    throw refuse("correction_too_long", "The correction for cue \(cue.index) is longer than 1000 characters.")
                }
                canonical.append(CueAnswer(index: cue.index, verdict: cue.verdict,
                                           correction: correction?.isEmpty == false ? correction : nil))
            }
            return AnswerBody(cues: canonical)
        case .audioTags:
            guard let tags else { throw refuse("answer_shape", "An audio-tags answer needs the list of sounds heard (it may be empty).") }
            for tag in tags where !labels.contains(tag) {
                throw refuse("unknown_label", "'\(tag)' is not one of this task's sounds: \(labels.joined(separator: ", ")).")
            }
            return AnswerBody(tags: Array(Set(tags)).sorted())
        case .imageBoxVerify where payload.adjustable == true && boxes != nil && choice == nil:
            // The one box as the operator adjusted it, inside the picture shown.
            guard let boxes, boxes.count == 1, let box = boxes.first else {
                throw refuse("answer_shape", "An adjusted box check holds exactly one box.")
            }
            let width = Double(payload.image?.width ?? 0), height = Double(payload.image?.height ?? 0)
            let label = payload.box?.label ?? box.label
            guard [box.x, box.y, box.w, box.h].allSatisfy(\.isFinite), box.w > 0, box.h > 0, box.x >= 0, box.y >= 0,
                  box.x + box.w <= width + 0.5, box.y + box.h <= height + 0.5 else {
                throw refuse("box_outside_image", "The adjusted box is not inside the image (\(Int(width)) by \(Int(height)) pixels).")
            }
            return AnswerBody(boxes: [LabeledBox(label: label, x: box.x, y: box.y, w: box.w, h: box.h)])
        case .choice, .imageBoxVerify, .thumbnailChoice:
            let options = kind == .imageBoxVerify ? Self.verifyOptions : (payload.options ?? labels)
            guard let choice else { throw refuse("answer_shape", "A choice answer needs the option chosen.") }
            guard options.contains(choice) else {
                throw refuse("unknown_option", "'\(choice)' is not one of the options: \(options.joined(separator: ", ")).")
            }
            return AnswerBody(choice: choice)
        }
    }
}
