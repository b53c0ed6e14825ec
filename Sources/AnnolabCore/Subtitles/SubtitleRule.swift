// The machine checks a subtitle cue goes through before any person looks at it.

/// One machine check on subtitle cues, named as exports, settings and the command line spell it.
///
/// Two rules are hard: two cues on screen at once, and a cue with nothing to read, are
/// mistakes in any style. The others are advice taken from a broadcast style guide (see
/// ``SubtitleRuleSettings``): an operator sees them as a hint, and judges.
///
/// The order of the cases is the order in which a cue's findings are shown: hard rules first.
///
/// ```swift
/// for rule in SubtitleRule.allCases where rule.isHard { print(rule.rawValue) }
/// // overlapping-cues, empty-cue
/// ```
public enum SubtitleRule: String, Sendable, Hashable, Codable, CaseIterable {
    /// The cue starts before an earlier cue has ended.
    case overlappingCues = "overlapping-cues"
    /// The cue has no text a viewer can read (only spaces, or only markup).
    case emptyCue = "empty-cue"
    /// More characters per second than a viewer can read.
    case readingSpeed = "reading-speed"
    /// A line with more characters than fit the screen.
    case charactersPerLine = "characters-per-line"
    /// More lines than the style allows.
    case linesPerCue = "lines-per-cue"
    /// On screen too short to be read.
    case minimumDuration = "minimum-duration"
    /// On screen so long that it lingers after the speech.
    case maximumDuration = "maximum-duration"
    /// Too little time between this cue and the one before, so the eye does not see a change.
    case minimumGap = "minimum-gap"
    /// Markup that a player may show as text or apply to the wrong words: a tag opened and not
    /// closed, closed and not opened, closed in the wrong order, cut off, or unknown.
    case markup
    /// A line break that splits a short phrase: a line ending on an article, preposition,
    /// conjunction or subject pronoun, or a line of one or two words beside a long one.
    case lineBreak = "line-break"

    /// Whether a finding is a mistake in any style or a hint to weigh.
    public enum Severity: String, Sendable, Hashable, Codable, CaseIterable {
        case hard
        case advice
    }

    /// What a rule's measured value and limit count.
    public enum Unit: String, Sendable, Hashable, Codable, CaseIterable {
        case characters
        case lines
        case charactersPerSecond = "characters-per-second"
        case milliseconds
    }

    public var severity: Severity {
        switch self {
        case .overlappingCues, .emptyCue: .hard
        default: .advice
        }
    }

    public var isHard: Bool { severity == .hard }

    /// The unit of ``SubtitleFinding/measured`` and ``SubtitleFinding/limit``; nil for rules
    /// that find a shape rather than measure a number (empty cues, markup, line breaks).
    public var unit: Unit? {
        switch self {
        case .readingSpeed: .charactersPerSecond
        case .charactersPerLine: .characters
        case .linesPerCue: .lines
        case .minimumDuration, .maximumDuration, .minimumGap, .overlappingCues: .milliseconds
        case .emptyCue, .markup, .lineBreak: nil
        }
    }
}
