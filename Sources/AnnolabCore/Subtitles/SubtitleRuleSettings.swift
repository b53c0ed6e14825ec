// The limits of the subtitle rules, per project, with defaults from a named broadcast style guide.

/// Every limit the subtitle rules use, so that a project can follow its own house style.
///
/// The defaults are those of Netflix's published style guides for English subtitles, read on
/// Netflix's Partner Help Center:
/// - *Timed Text Style Guide: General Requirements*: "Minimum duration: 5/6 (five-sixths) of a
///   second per subtitle event (e.g. 20 frames for 24fps)", "Maximum duration: 7 seconds per
///   subtitle event", "Frame Gap: 2 frames minimum (regardless of frame rate)", "Line
///   Treatment: 2 lines maximum", and where a line may and may not be broken.
/// - *English (USA) Timed Text Style Guide*: "Character Limitation: 42 characters per line";
///   "Reading Speed Limits: Adult programs: up to 20 characters per second; Children's
///   programs: up to 17 characters per second".
/// - *How is reading speed measured? Do punctuation and spaces count?*: "Spaces and punctuation
///   are counted ... towards both the character count and the reading speed limit."
///
/// A project stores these as JSON; a partial object keeps the defaults for the keys it leaves
/// out, and `preset` chooses which defaults (see ``decode(_:)``):
/// ```swift
/// let settings = try SubtitleRuleSettings.decode(Data(#"{"maximumCharactersPerLine": 37}"#.utf8))
/// settings.maximumCharactersPerSecond   // 20, Netflix's figure for adult programmes
/// ```
public struct SubtitleRuleSettings: Sendable, Equatable {
    /// A named set of defaults, each from one published guide.
    public enum Preset: String, Sendable, Hashable, Codable, CaseIterable {
        /// Netflix, English (USA) Timed Text Style Guide, adult programmes: 20 characters per second.
        case netflixEnglishAdult = "netflix-english-adult"
        /// The same guide for children's programmes: 17 characters per second, all else the same.
        case netflixEnglishChildren = "netflix-english-children"
    }

    /// The guide the defaults came from; the other keys override its figures one by one.
    public var preset: Preset
    /// The most characters in one line, as a viewer sees them (see ``SubtitleCue/visibleLines``).
    /// Netflix English: 42.
    public var maximumCharactersPerLine: Int
    /// The most lines in one cue. Netflix: 2.
    public var maximumLinesPerCue: Int
    /// The fastest reading speed: visible characters (spaces and punctuation included, a line
    /// break not counted) divided by the seconds on screen. Netflix English: 20 for adult
    /// programmes, 17 for children's.
    public var maximumCharactersPerSecond: Double
    /// The shortest time on screen. Netflix: 5/6 of a second, which is 833.3 ms; files give
    /// times in whole milliseconds and a cue of 20 frames at 24 fps is written as 833 ms, so
    /// 833 is allowed.
    public var minimumDurationMilliseconds: Int
    /// The longest time on screen. Netflix: 7 seconds.
    public var maximumDurationMilliseconds: Int
    /// The shortest gap between one cue's end and the next cue's start, in frames. Netflix: 2.
    /// A gap of 0 (cues back to back) is below it; an overlap is ``SubtitleRule/overlappingCues``.
    public var minimumGapFrames: Int
    /// The frame rate that turns ``minimumGapFrames`` into milliseconds. 24, the rate of
    /// Netflix's own example; set 25 for European broadcast (2 frames are then 80 ms).
    public var framesPerSecond: Double
    /// A line of at most this many words beside a line longer than half
    /// ``maximumCharactersPerLine``, in the same sentence, is a poor line break.
    public var shortLineWords: Int
    /// Words a line should not end on when the sentence goes on below it: articles,
    /// prepositions, conjunctions and subject pronouns, in English and Dutch (the guide's rule
    /// "the line break should not separate a noun from an article, ... a verb from a subject
    /// pronoun", and "break before conjunctions, before prepositions"). Words that often end a
    /// clause as a verb particle ("in", "on", Dutch "op", "uit") are left out on purpose.
    /// Compared without regard to case.
    public var weakLineEndings: [String]
    /// Tag names a player knows: SubRip's `i b u font` and WebVTT's `c i b u v lang ruby rt`.
    /// Timestamp tags (`<00:01.000>`) and `{\an1}`...`{\an9}` are always known.
    public var knownTags: [String]
    /// Rules this project does not run.
    public var ignoredRules: [SubtitleRule]

    /// The defaults of a published guide.
    public init(preset: Preset = .netflixEnglishAdult) {
        self.preset = preset
        maximumCharactersPerLine = 42
        maximumLinesPerCue = 2
        maximumCharactersPerSecond = preset == .netflixEnglishChildren ? 17 : 20
        minimumDurationMilliseconds = 833
        maximumDurationMilliseconds = 7_000
        minimumGapFrames = 2
        framesPerSecond = 24
        shortLineWords = 2
        weakLineEndings = Self.englishWeakEndings + Self.dutchWeakEndings
        knownTags = ["i", "b", "u", "font", "c", "v", "lang", "ruby", "rt"]
        ignoredRules = []
    }

    /// Netflix English (USA), adult programmes: the lab's default.
    public static let netflixEnglishAdult = SubtitleRuleSettings(preset: .netflixEnglishAdult)
    /// Netflix English (USA), children's programmes.
    public static let netflixEnglishChildren = SubtitleRuleSettings(preset: .netflixEnglishChildren)

    /// ``minimumGapFrames`` at ``framesPerSecond``, rounded down to whole milliseconds (the
    /// precision of subtitle files): 2 frames at 24 fps are 83 ms, at 25 fps 80 ms.
    public var minimumGapMilliseconds: Int {
        guard framesPerSecond > 0 else { return 0 }
        return Int((Double(minimumGapFrames) * 1000 / framesPerSecond + 1e-9).rounded(.down))
    }

    /// Whether the project runs `rule`.
    public func runs(_ rule: SubtitleRule) -> Bool { !ignoredRules.contains(rule) }

    static let englishWeakEndings = [
        "a", "an", "the",
        "of", "to", "for", "with", "from", "at", "into", "onto", "than",
        "and", "but", "or", "nor", "because", "although", "unless", "if",
        "i", "we", "he", "she", "they",
    ]

    static let dutchWeakEndings = [
        "de", "een",
        "van", "met", "naar", "tot", "zonder", "tussen", "vanaf", "sinds", "tijdens",
        "en", "maar", "want", "omdat", "terwijl", "hoewel", "zodat", "als",
        "ik", "jij", "hij", "wij", "zij",
    ]
}
