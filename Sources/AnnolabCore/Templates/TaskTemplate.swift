// The template of one task kind, as written in Tasks/<kind>.json: what operators read and what the lab assumes.

/// A task kind's template: title, plain-language instructions in Dutch and English, labels,
/// overlap, the estimated effort per microtask, worked examples and the consensus method.
///
/// Templates are read once at start by `TemplateCatalog` and checked with `validate(file:)`;
/// a project copies its template's defaults and may change labels and overlap.
///
/// ```swift
/// let catalog = try TemplateCatalog.load(from: URL(fileURLWithPath: "Tasks"))
/// let tags = try catalog.template(for: .audioTags)
/// print(tags.title.nl, tags.labels.map(\.id))
/// ```
public struct TaskTemplate: Sendable, Equatable, Codable {
    /// One short text in both languages of the lab.
    public struct Text: Sendable, Equatable, Codable {
        public var nl: String
        public var en: String
        public init(nl: String, en: String) { self.nl = nl; self.en = en }
    }

    /// Several short lines in both languages: one instruction per line.
    public struct Lines: Sendable, Equatable, Codable {
        public var nl: [String]
        public var en: [String]
        public init(nl: [String], en: [String]) { self.nl = nl; self.en = en }
    }

    /// One answer an operator can give, with a stable `id` used in answers and exports.
    public struct Label: Sendable, Equatable, Codable {
        public var id: String
        public var name: Text
        /// An optional one-line hint, read out after the name in text and audio mode.
        public var hint: Text?
        public init(id: String, name: Text, hint: Text? = nil) { self.id = id; self.name = name; self.hint = hint }
    }

    /// How many operators answer each microtask when the lab adapts to their agreement.
    public struct AdaptiveOverlap: Sendable, Equatable, Codable {
        public var min: Int
        public var max: Int
        public init(min: Int, max: Int) { self.min = min; self.max = max }
    }

    /// How the answers of several operators are combined.
    public struct Consensus: Sendable, Equatable, Codable {
        /// "box-fusion", "dawid-skene" or "majority-vote".
        public var method: String
        /// Boxes only: the overlap (intersection over union) from which two boxes count as the same object.
        public var iouThreshold: Double?
        /// Boxes only: the share of operators that must have drawn a box for it to be kept.
        public var quorum: Double?
        public init(method: String, iouThreshold: Double? = nil, quorum: Double? = nil) {
            self.method = method; self.iouThreshold = iouThreshold; self.quorum = quorum
        }

        public static let knownMethods = ["box-fusion", "dawid-skene", "majority-vote"]
    }

    /// A worked example: an input told in words, the right answer, and why it is right.
    public struct Example: Sendable, Equatable, Codable {
        public var input: Text
        public var answer: Text
        public var why: Text
        public init(input: Text, answer: Text, why: Text) { self.input = input; self.answer = answer; self.why = why }
    }

    /// image-boxes: when and how a large image is cut into tiles (see `ImageTiling`).
    public struct TilingSettings: Sendable, Equatable, Codable {
        public var tileSize: Int
        public var tileOverlap: Int
        public var tileThreshold: Int
        public init(tileSize: Int, tileOverlap: Int, tileThreshold: Int) {
            self.tileSize = tileSize; self.tileOverlap = tileOverlap; self.tileThreshold = tileThreshold
        }

        /// The tiling rule these settings describe.
        public var rule: ImageTiling {
            ImageTiling(tileSize: tileSize, overlap: tileOverlap, threshold: tileThreshold)
        }
    }

    /// audio-tags: how a recording is cut into clips.
    public struct ClipSettings: Sendable, Equatable, Codable {
        public var clipSeconds: Double
        /// A last piece shorter than this joins the clip before it.
        public var minTailSeconds: Double
        public init(clipSeconds: Double, minTailSeconds: Double) {
            self.clipSeconds = clipSeconds; self.minTailSeconds = minTailSeconds
        }
    }

    /// subtitle-check: how cues are grouped into windows.
    public struct WindowSettings: Sendable, Equatable, Codable {
        public var windowCues: Int
        public var windowMaxSeconds: Double
        public init(windowCues: Int, windowMaxSeconds: Double) {
            self.windowCues = windowCues; self.windowMaxSeconds = windowMaxSeconds
        }
    }

    /// thumbnail-choice and frame-boxes: which frames of a programme become work.
    public struct FrameSettings: Sendable, Equatable, Codable {
        /// thumbnail-choice: how many candidate frames a programme gives at most.
        public var candidates: Int?
        /// thumbnail-choice: frames shown in one choice (3 or 4).
        public var framesPerTask: Int?
        /// frame-boxes: the longest stretch without a keyframe, in seconds.
        public var maxGapSeconds: Double?
        public init(candidates: Int? = nil, framesPerTask: Int? = nil, maxGapSeconds: Double? = nil) {
            self.candidates = candidates; self.framesPerTask = framesPerTask; self.maxGapSeconds = maxGapSeconds
        }
    }

    public var kind: TaskKind
    public var title: Text
    public var instructions: Lines
    /// The question asked for each microtask, when the kind asks one (e.g. "Is this box tight
    /// around a {label}?"); `{label}` is replaced by the label's name.
    public var question: Text?
    public var labels: [Label]
    /// True when each project brings its own labels (the options of a choice task).
    public var labelsSetPerProject: Bool?
    /// For a kind made from another kind's results (image-box-verify from image-boxes).
    public var derivedFrom: TaskKind?
    public var defaultOverlap: Int
    public var adaptiveOverlap: AdaptiveOverlap
    /// The effort of one microtask for a practised operator, used for planning only, never as a timer.
    public var estimatedSeconds: Int
    public var consensus: Consensus
    public var examples: [Example]
    public var tiling: TilingSettings?
    public var audio: ClipSettings?
    public var subtitles: WindowSettings?
    public var frames: FrameSettings?

    public init(kind: TaskKind, title: Text, instructions: Lines, question: Text? = nil, labels: [Label],
                labelsSetPerProject: Bool? = nil, derivedFrom: TaskKind? = nil, defaultOverlap: Int,
                adaptiveOverlap: AdaptiveOverlap, estimatedSeconds: Int, consensus: Consensus,
                examples: [Example], tiling: TilingSettings? = nil, audio: ClipSettings? = nil,
                subtitles: WindowSettings? = nil) {
        self.kind = kind
        self.title = title
        self.instructions = instructions
        self.question = question
        self.labels = labels
        self.labelsSetPerProject = labelsSetPerProject
        self.derivedFrom = derivedFrom
        self.defaultOverlap = defaultOverlap
        self.adaptiveOverlap = adaptiveOverlap
        self.estimatedSeconds = estimatedSeconds
        self.consensus = consensus
        self.examples = examples
        self.tiling = tiling
        self.audio = audio
        self.subtitles = subtitles
    }

    /// The label with this id, if the template has it.
    public func label(_ id: String) -> Label? { labels.first { $0.id == id } }
}
