// What a microtask shows the operator: its media and the details of this piece of work.
import Foundation

/// The payload of a microtask, stored as JSON and sent to the operator as part of the task.
///
/// Only the fields of the task's kind are set:
/// - image-boxes: `image` (the tile or whole image shown) and `tile` (where it sits in the image)
/// - image-box-verify: `image` and `box` (the box to judge, in the shown image's pixels)
/// - subtitle-check: `cues` and, when the programme's sound was uploaded, `audio` with its span
/// - audio-tags: `audio` with `start` and `end` in the programme
/// - choice: `options`; from a programme (thumbnail-choice) also `frames`, one per option
/// - subtitle-check from a programme: also `video`, the programme's web version and the window's span
/// - image-boxes from a programme (frame-boxes): also `frame`, the keyframe's number and time
public struct MicrotaskPayload: Codable, Sendable, Equatable {
    public struct Image: Codable, Sendable, Equatable {
        /// The URL path the browser loads, e.g. `/media/12/tile-0-1.png`.
        public var url: String
        public var width: Int
        public var height: Int
        public init(url: String, width: Int, height: Int) {
            self.url = url
            self.width = width
            self.height = height
        }
    }

    /// Where a tile sits in its whole image; boxes drawn on the tile map back by adding x and y.
    public struct Tile: Codable, Sendable, Equatable {
        public var x: Int
        public var y: Int
        public var imageWidth: Int
        public var imageHeight: Int
        public init(x: Int, y: Int, imageWidth: Int, imageHeight: Int) {
            self.x = x
            self.y = y
            self.imageWidth = imageWidth
            self.imageHeight = imageHeight
        }
    }

    public struct Cue: Codable, Sendable, Equatable {
        /// The cue's position in the subtitle file, 1-based.
        public var index: Int
        public var start: Double
        public var end: Double
        public var text: String
        /// What the subtitle rules found in this cue at import: hints for the operator, hard
        /// rules first, never the answer. Nil when the cue breaks no rule.
        public var findings: [SubtitleFinding]?
        public init(index: Int, start: Double, end: Double, text: String, findings: [SubtitleFinding]? = nil) {
            self.index = index
            self.start = start
            self.end = end
            self.text = text
            self.findings = findings
        }
    }

    public struct Audio: Codable, Sendable, Equatable {
        public var url: String
        /// Seconds into the programme where this clip starts and ends.
        public var start: Double
        public var end: Double
        public init(url: String, start: Double, end: Double) {
            self.url = url
            self.start = start
            self.end = end
        }
    }

    /// A stretch of a programme's web version: seconds from `start` to `end`.
    public struct Video: Codable, Sendable, Equatable {
        public var url: String
        public var start: Double
        public var end: Double
        public init(url: String, start: Double, end: Double) {
            self.url = url
            self.start = start
            self.end = end
        }
    }

    /// A frame of a programme shown as one option of a choice; `id` is the option's value.
    public struct Frame: Codable, Sendable, Equatable {
        public var id: String
        public var url: String
        public var width: Int
        public var height: Int
        public var frame: Int
        public var time: Double
        public init(id: String, url: String, width: Int, height: Int, frame: Int, time: Double) {
            self.id = id
            self.url = url
            self.width = width
            self.height = height
            self.frame = frame
            self.time = time
        }
    }

    /// Where a keyframe sits in its programme.
    public struct FramePosition: Codable, Sendable, Equatable {
        public var number: Int
        public var time: Double
        public init(number: Int, time: Double) {
            self.number = number
            self.time = time
        }
    }

    public var image: Image?
    public var tile: Tile?
    public var box: LabeledBox?
    public var cues: [Cue]?
    public var audio: Audio?
    public var options: [String]?
    public var sourceFile: String?
    public var video: Video?
    public var frames: [Frame]?
    public var frame: FramePosition?
    /// For a reviewer: the answers that split, without names; the reviewer's answer decides.
    public var review: Review?
    /// A box check of a box the client's model drew: the operator may also adjust the box
    /// (answering with the one adjusted box) instead of only yes or no.
    public var adjustable: Bool?
    /// "Anything missed?": the boxes already accepted on this picture, shown and not to be drawn again.
    public var shown: [LabeledBox]?
    public var missed: Bool?
    /// What the client's model suggests (a choice's option), shown to accept or change; verify mode only.
    public var suggestion: String?

    /// What a reviewer sees of a microtask whose answers did not agree.
    public struct Review: Codable, Sendable, Equatable {
        /// The microtask being decided.
        public var of: Int64
        /// The answers given, in the order they came, without who gave them.
        public var answers: [AnswerBody]
        public init(of: Int64, answers: [AnswerBody]) {
            self.of = of
            self.answers = answers
        }
    }

    public init(image: Image? = nil, tile: Tile? = nil, box: LabeledBox? = nil, cues: [Cue]? = nil, audio: Audio? = nil,
                options: [String]? = nil, sourceFile: String? = nil, video: Video? = nil, frames: [Frame]? = nil,
                frame: FramePosition? = nil) {
        self.image = image
        self.tile = tile
        self.box = box
        self.cues = cues
        self.audio = audio
        self.options = options
        self.sourceFile = sourceFile
        self.video = video
        self.frames = frames
        self.frame = frame
    }
}
