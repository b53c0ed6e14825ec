// What the exports are written from: consensus results per file, stripped of anything personal.
import Foundation

/// One consensus box on a whole image, ready to be written out.
///
/// Coordinates are whole-image pixels with the origin at the top-left corner: `x, y` is the
/// box's top-left corner, `w, h` its size. `confidence` is the consensus confidence, 0...1.
///
/// ```swift
/// let box = ExportBox(label: "car", x: 10, y: 20, w: 100, h: 50, confidence: 0.93)
/// let fromFusion = ExportBox(fused)   // a FusedBox from BoxFusion, in the same pixels
/// ```
public struct ExportBox: Sendable, Hashable, Codable {
    public var label: String
    public var x: Double
    public var y: Double
    public var w: Double
    public var h: Double
    public var confidence: Double
    /// Where the box came from in a project that started from a client's model: `model-accepted`,
    /// `corrected` or `people`; nil in a project without a model.
    public var origin: String?

    public init(label: String, x: Double, y: Double, w: Double, h: Double, confidence: Double, origin: String? = nil) {
        self.origin = origin
        self.label = label
        self.x = x
        self.y = y
        self.w = w
        self.h = h
        self.confidence = confidence
    }

    /// A fused box with its confidence; its pixels are whatever the fusion was given
    /// (tile pixels for a tiled image: see ``TileMerge``).
    public init(_ fused: FusedBox) {
        self.init(label: fused.box.label, x: fused.box.x, y: fused.box.y, w: fused.box.w, h: fused.box.h,
                  confidence: fused.confidence)
    }

    /// The same box as a ``LabeledBox``, for IoU and the other box tools.
    public var labeledBox: LabeledBox { LabeledBox(label: label, x: x, y: y, w: w, h: h) }

    /// The box clipped to an image of `width` x `height`, or nil when nothing of it is inside
    /// (or a coordinate is not a finite number). Every image export writes clipped boxes, so
    /// that all formats agree.
    public func clipped(width: Int, height: Int) -> ExportBox? {
        guard [x, y, w, h].allSatisfy(\.isFinite) else { return nil }
        let left = min(max(x, 0), Double(width)), right = min(max(x + w, 0), Double(width))
        let top = min(max(y, 0), Double(height)), bottom = min(max(y + h, 0), Double(height))
        guard right > left, bottom > top else { return nil }
        return ExportBox(label: label, x: left, y: top, w: right - left, h: bottom - top,
                         confidence: confidence.isFinite ? min(max(confidence, 0), 1) : 0, origin: origin)
    }
}

/// The consensus boxes of one uploaded image.
///
/// `fileName` is the name the client uploaded (a relative path such as `cars/001.png` when the
/// upload was a ZIP); exports name their per-image files after it. `url`, when set, is what
/// the Label Studio export puts in `data.image` (else the file name is used).
///
/// ```swift
/// let image = ImageAnnotations(fileName: "street.png", width: 1920, height: 1080, boxes: [box])
/// ```
public struct ImageAnnotations: Sendable, Hashable, Codable {
    public var fileName: String
    public var width: Int
    public var height: Int
    public var boxes: [ExportBox]
    public var url: String?
    /// In a project that started from a client's model: what the model itself said, apart from
    /// the lab's labels, and the model's version.
    public var modelBoxes: [ExportBox]?
    public var modelVersion: String?

    public init(fileName: String, width: Int, height: Int, boxes: [ExportBox], url: String? = nil) {
        self.fileName = fileName
        self.width = width
        self.height = height
        self.boxes = boxes
        self.url = url
    }

    /// The boxes as every image export writes them: clipped to the image, empty ones left out.
    public var exportBoxes: [ExportBox] {
        boxes.compactMap { $0.clipped(width: width, height: height) }
    }
}

/// The consensus on one subtitle cue.
///
/// `verdict` is a verdict id (`correct`, `text-error`, `timing-error`, `missing-speech`) or nil
/// when nobody judged the cue. `text` is the text a viewer reads (``SubtitleCue/plainText``):
/// exports escape it, so markup such as `<i>` would be shown as written, not applied.
///
/// ```swift
/// let cue = CueResult(index: 3, start: 4.2, end: 6.8, text: "Goedenavond.",
///                     verdict: "text-error", confidence: 0.91, correction: "Goede avond.")
/// ```
public struct CueResult: Sendable, Equatable, Codable {
    public var index: Int
    public var start: Double
    public var end: Double
    public var text: String
    public var verdict: String?
    public var confidence: Double
    public var correction: String?
    /// What the subtitle rules found in the cue at import.
    public var findings: [SubtitleFinding]
    /// True when a reviewer decided this cue because the operators' verdicts split.
    public var reviewed = false

    public init(index: Int, start: Double, end: Double, text: String, verdict: String?,
                confidence: Double, correction: String? = nil, findings: [SubtitleFinding] = []) {
        self.findings = findings
        self.index = index
        self.start = start
        self.end = end
        self.text = text
        self.verdict = verdict
        self.confidence = confidence
        self.correction = correction
    }

    /// Whether the consensus found something wrong: a verdict other than `correct`.
    /// An undecided cue (no verdict) is not flagged.
    public var isFlagged: Bool { verdict != nil && verdict != "correct" }
}

/// The cues of one uploaded subtitle file.
///
/// ```swift
/// let file = SubtitleFileResult(fileName: "journaal.srt", cues: cues)
/// ```
public struct SubtitleFileResult: Sendable, Equatable, Codable {
    public var fileName: String
    public var cues: [CueResult]

    public init(fileName: String, cues: [CueResult]) {
        self.fileName = fileName
        self.cues = cues
    }
}

/// A stretch of an uploaded sound file where the consensus heard a tag.
///
/// ```swift
/// let range = TagResult(fileName: "show.wav", start: 0, end: 20, tag: "music", confidence: 0.97)
/// ```
public struct TagResult: Sendable, Hashable, Codable {
    public var fileName: String
    public var start: Double
    public var end: Double
    public var tag: String
    public var confidence: Double

    public init(fileName: String, start: Double, end: Double, tag: String, confidence: Double) {
        self.fileName = fileName
        self.start = start
        self.end = end
        self.tag = tag
        self.confidence = confidence
    }
}

/// One operator's raw answer, as a client who runs their own aggregation receives it.
///
/// `operatorPseudonym` must be a per-project pseudonym such as `operator-3` (see
/// ``OperatorPseudonyms``), never a name, badge or user id: ``RawAnswersExport`` refuses
/// anything else. `answerJSON` is the stored answer body.
///
/// ```swift
/// let row = RawAnswerRow(microtaskId: 12, kind: "image-boxes", operatorPseudonym: "operator-1",
///                        answerJSON: #"{"boxes":[]}"#, createdAt: Date(), isGold: false)
/// ```
public struct RawAnswerRow: Sendable, Hashable, Codable {
    public var microtaskId: Int64
    public var kind: String
    public var operatorPseudonym: String
    public var answerJSON: String
    public var createdAt: Date
    public var isGold: Bool
    /// For a reviewer's answer: the microtask whose split answers it decided (its label).
    public var decides: Int64?

    public init(microtaskId: Int64, kind: String, operatorPseudonym: String, answerJSON: String,
                createdAt: Date, isGold: Bool, decides: Int64? = nil) {
        self.decides = decides
        self.microtaskId = microtaskId
        self.kind = kind
        self.operatorPseudonym = operatorPseudonym
        self.answerJSON = answerJSON
        self.createdAt = createdAt
        self.isGold = isGold
    }
}

/// The label list an image export writes: the project's labels in their order, then any label
/// found on a box that the project does not list (sorted), so that no box is lost.
///
/// ```swift
/// ExportLabels.resolve(["car", "person"], images: images)   // ["car", "person", "bus"]
/// ```
public enum ExportLabels {
    public static func resolve(_ labels: [String], images: [ImageAnnotations]) -> [String] {
        var seen = Set<String>()
        var ordered: [String] = []
        for label in labels where seen.insert(label).inserted { ordered.append(label) }
        let extra = Set(images.flatMap { $0.boxes.map(\.label) }).subtracting(seen)
        return ordered + extra.sorted()
    }
}
