// One rule a cue breaks: which cue, which rule, what was measured against which limit, and why in plain words.

/// What one subtitle rule found in one cue. A cue has at most one finding per rule.
///
/// As JSON (keys without a value are left out):
/// ```json
/// {"cue": 7, "identifier": "7", "start": 21.5, "end": 23.1,
///  "rule": "reading-speed", "severity": "advice",
///  "measured": 24.4, "limit": 20, "unit": "characters-per-second",
///  "explanation": {"en": "This cue may be too fast to read: 24.4 characters per second (the limit is 20).",
///                  "nl": "Deze ondertitel is misschien te snel om te lezen: 24,4 tekens per seconde (de grens is 20)."}}
/// ```
public struct SubtitleFinding: Sendable, Equatable, Codable {
    /// The cue's 1-based position in its file (``SubtitleCue/index``).
    public var cue: Int
    /// The cue's own name as written (the SRT number, a WebVTT identifier), when it has one.
    public var identifier: String?
    /// When the cue appears and disappears, in seconds from the start of the programme.
    public var start: Double
    public var end: Double
    public var rule: SubtitleRule
    /// Hard rules are mistakes in any style; show them to the operator first.
    public var severity: SubtitleRule.Severity
    /// What was measured, in ``unit``: the longest line's characters, the cue's lines, its
    /// characters per second, its time on screen, the gap before it, or how long it overlaps
    /// the earlier cue. Nil for empty cues, markup and line breaks, which find a shape.
    public var measured: Double?
    /// The limit ``measured`` was held against (0 for an overlap: no time at all may overlap).
    public var limit: Double?
    public var unit: SubtitleRule.Unit?
    /// The 1-based line of the cue the finding is about (characters per line, line breaks).
    public var line: Int?
    /// The earlier cue an overlap or short gap is with.
    public var otherCue: Int?
    /// The words or tag concerned: the tag for markup, the word a line ends on or the short
    /// line for a line break.
    public var detail: String?
    /// Why the cue was flagged, as a hint to the operator, in both languages of the lab.
    public var explanation: TaskTemplate.Text

    public init(
        cue: SubtitleCue, rule: SubtitleRule, measured: Double? = nil, limit: Double? = nil,
        line: Int? = nil, otherCue: Int? = nil, detail: String? = nil, explanation: TaskTemplate.Text
    ) {
        self.cue = cue.index
        self.identifier = cue.identifier
        self.start = cue.start
        self.end = cue.end
        self.rule = rule
        self.severity = rule.severity
        self.measured = measured
        self.limit = limit
        self.unit = measured == nil ? nil : rule.unit
        self.line = line
        self.otherCue = otherCue
        self.detail = detail
        self.explanation = explanation
    }
}
