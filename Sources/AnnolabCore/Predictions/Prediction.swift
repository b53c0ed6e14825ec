// What a client's model said about one media file: boxes, a category, sound tags, with scores.
import Foundation

/// A box the model drew, in fractions of the picture (0...1 from the top-left corner), so that it
/// does not depend on the size the picture is shown at; the lab turns it into pixels with the
/// stored picture's size.
public struct PredictedRegion: Codable, Sendable, Equatable {
    public var label: String
    public var x: Double
    public var y: Double
    public var w: Double
    public var h: Double
    /// The model's confidence, 0...1, when it gave one.
    public var score: Double?

    public init(label: String, x: Double, y: Double, w: Double, h: Double, score: Double? = nil) {
        self.label = label
        self.x = x
        self.y = y
        self.w = w
        self.h = h
        self.score = score
    }
}

/// A category the model chose for a whole file (a choice project), with its confidence.
public struct PredictedChoice: Codable, Sendable, Equatable {
    public var label: String
    public var score: Double?

    public init(label: String, score: Double? = nil) {
        self.label = label
        self.score = score
    }
}

/// A sound tag the model heard between two moments of a recording, in seconds.
public struct PredictedTag: Codable, Sendable, Equatable {
    public var start: Double
    public var end: Double
    public var tag: String
    public var score: Double?

    public init(start: Double, end: Double, tag: String, score: Double? = nil) {
        self.start = start
        self.end = end
        self.tag = tag
        self.score = score
    }
}

/// One model's prediction for one media file.
///
/// `fileName` is the media file as the client named it (`street.png`); the lab matches it against
/// the uploaded files the way it matches Label Studio task files (``LabelStudioMedia/matches(uploadName:)``).
public struct FilePrediction: Codable, Sendable, Equatable {
    public var fileName: String
    public var modelVersion: String?
    /// The prediction's own overall score, when the model gave one.
    public var score: Double?
    public var regions: [PredictedRegion]
    public var choices: [PredictedChoice]
    public var tags: [PredictedTag]

    public init(fileName: String, modelVersion: String? = nil, score: Double? = nil, regions: [PredictedRegion] = [],
                choices: [PredictedChoice] = [], tags: [PredictedTag] = []) {
        self.fileName = fileName
        self.modelVersion = modelVersion
        self.score = score
        self.regions = regions
        self.choices = choices
        self.tags = tags
    }

    /// How sure the model was of this file as a whole: its least sure box, choice or tag; the
    /// prediction's own score when it has none of those with a score; nil when nothing has a score.
    /// Work on the least sure files teaches the client most, so "uncertain first" orders by this.
    public var confidence: Double? {
        let scores = regions.compactMap(\.score) + choices.compactMap(\.score) + tags.compactMap(\.score)
        return scores.min() ?? score
    }
}
