// What the subtitle rules found in one file: the findings per cue, hard rules first, and their counts.

/// What ``SubtitleChecker`` found in one file.
///
/// Findings are in cue order and, within a cue, in ``SubtitleRule`` order, so a cue's hard
/// findings come before its advice.
public struct SubtitleCheckReport: Sendable, Equatable, Codable {
    public var cueCount: Int
    public var findings: [SubtitleFinding]
    public var summary: SubtitleRuleSummary

    public init(cueCount: Int, findings: [SubtitleFinding]) {
        self.cueCount = cueCount
        self.findings = findings
        summary = SubtitleRuleSummary(cueCount: cueCount, findings: findings)
    }

    /// Whether any cue breaks a hard rule (an overlap or an empty cue).
    public var breaksHardRule: Bool { summary.breaksHardRule }

    /// The findings on one cue (by ``SubtitleCue/index``), hard rules first.
    public func findings(forCue index: Int) -> [SubtitleFinding] {
        findings.filter { $0.cue == index }
    }

    /// Every finding with the hard ones first, each group in cue order: the order in which an
    /// operator should be shown them.
    public var hardFirst: [SubtitleFinding] {
        findings.filter { $0.severity == .hard } + findings.filter { $0.severity != .hard }
    }
}
