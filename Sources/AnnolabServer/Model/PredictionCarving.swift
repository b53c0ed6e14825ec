// Job carving from a model's predictions: box checks for confident boxes, drawing for the rest, in the project's order.
import AnnolabCore
import AnnolabStore
import Foundation

/// Turns pictures (or clips, or files to choose for) with the model's predictions into work.
///
/// In *verify* mode every predicted box at or above the threshold becomes one box check
/// ("is this a face, and is the box tight? yes / no / adjust"), and the picture's drawing
/// microtasks wait, as "anything missed?", until those checks are done; a picture with no box
/// above the threshold is drawn afresh at once. In *blind* mode the work is the same as without
/// a model: the predictions are only stored, to be compared afterwards, and never reach an
/// operator. `uncertain-first` serves the work the model was least sure of first (the lowest
/// score of a box check, or of a picture's least sure prediction); `in-order` keeps the upload's order.
struct PredictionCarving: Sendable {
    let projectId: Int64
    let kind: TaskKind
    let setting: ModelSetting
    let required: Int

    /// One file with its prepared work and what the model said about it.
    struct Input: Sendable {
        var item: Item
        /// The work the file would get without a model, in order.
        var payloads: [MicrotaskPayload]
        var estimatedSeconds: Int
        /// The picture's size and the address of its whole picture (pictures only).
        var width: Int
        var height: Int
        var pictureURL: String?
        var prediction: FilePrediction?
        /// `upload` or `model`.
        var source: String
        /// Set when the file waits for a live model: no work is made yet.
        var waitForModel = false
    }

    private struct Ranked {
        var key: Double
        var position: Int
        var work: PredictedUpload.Work
    }

    func carve(_ inputs: [Input]) throws -> PredictedUpload {
        var entries: [PredictedUpload.Entry] = []
        var ranked: [Ranked] = []
        func add(_ entry: Int, _ microtask: Microtask, key: Double?, check: (region: Int, score: Double?)? = nil) {
            ranked.append(Ranked(key: key ?? 1, position: ranked.count, work: .init(entry: entry, microtask: microtask, check: check)))
        }
        for input in inputs {
            let entry = entries.count
            let held = HeldWork(payloads: try Self.json(input.payloads), estimatedSeconds: input.estimatedSeconds)
            let stored = try input.prediction.map { prediction in
                (source: input.source, modelVersion: prediction.modelVersion ?? "unnamed", body: try Self.json(prediction))
            }
            if input.waitForModel {
                entries.append(.init(item: input.item, prediction: nil, wait: held))
                continue
            }
            let checks = setting.mode == "verify" && kind == .imageBoxes ? confidentBoxes(input) : []
            if checks.isEmpty {
                entries.append(.init(item: input.item, prediction: stored))
                for payload in input.payloads {
                    var payload = payload
                    if setting.mode == "verify", kind == .choice {
                        payload.suggestion = input.prediction?.choices.max { ($0.score ?? 1) < ($1.score ?? 1) }?.label
                    }
                    add(entry, try microtask(kind.workKind, payload, seconds: input.estimatedSeconds), key: input.prediction?.confidence)
                }
            } else {
                entries.append(.init(item: input.item, prediction: stored, drawLater: held))
                for check in checks {
                    let payload = MicrotaskPayload(image: .init(url: input.pictureURL ?? "", width: input.width, height: input.height),
                                                   box: check.box, options: AnswerBody.verifyOptions, sourceFile: input.item.fileName)
                    var adjustable = payload
                    adjustable.adjustable = true
                    add(entry, try microtask(.imageBoxVerify, adjustable, seconds: 8), key: check.score,
                        check: (region: check.region, score: check.score))
                }
            }
        }
        if setting.ordering == "uncertain-first" {
            ranked.sort { $0.key != $1.key ? $0.key < $1.key : $0.position < $1.position }
        }
        return PredictedUpload(entries: entries, work: ranked.map(\.work))
    }

    /// The predicted boxes at or above the threshold, in pixels of the whole picture (kept inside it).
    func confidentBoxes(_ input: Input) -> [(region: Int, box: LabeledBox, score: Double?)] {
        guard let prediction = input.prediction, input.pictureURL != nil, input.width > 0, input.height > 0 else { return [] }
        return prediction.regions.enumerated().compactMap { index, region in
            guard (region.score ?? 1) >= setting.threshold, let box = Self.pixels(region, width: input.width, height: input.height) else { return nil }
            return (index, box, region.score)
        }
    }

    /// A region in pixels, clipped to the picture; nil when nothing of it is inside.
    static func pixels(_ region: PredictedRegion, width: Int, height: Int) -> LabeledBox? {
        let w = Double(width), h = Double(height)
        let x0 = max(0, min(w, region.x * w)), y0 = max(0, min(h, region.y * h))
        let x1 = max(0, min(w, (region.x + region.w) * w)), y1 = max(0, min(h, (region.y + region.h) * h))
        guard x1 - x0 >= 1, y1 - y0 >= 1 else { return nil }
        func round2(_ value: Double) -> Double { (value * 100).rounded() / 100 }
        return LabeledBox(label: region.label, x: round2(x0), y: round2(y0), w: round2(x1 - x0), h: round2(y1 - y0))
    }

    private func microtask(_ kind: TaskKind, _ payload: MicrotaskPayload, seconds: Int) throws -> Microtask {
        Microtask(projectId: projectId, itemId: nil, kind: kind, payload: try Self.json(payload), estimatedSeconds: seconds,
                  requiredAnswers: required)
    }

    static func json<T: Encodable>(_ value: T) throws -> String {
        String(decoding: try LabJSON.encoder.encode(value), as: UTF8.self)
    }
}
