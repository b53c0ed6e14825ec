// How many cues break each subtitle rule: the figures for a project page, a CSV row and the command line.

/// Counts per rule over one file or many, every rule listed (zero included) in
/// ``SubtitleRule`` order, so that tables and CSV columns stay the same from file to file.
///
/// ```swift
/// let page = SubtitleRuleSummary.combining(reports.map(\.summary))
/// page.cues(breaking: .readingSpeed)   // 12
/// page.text.en   // "40 cues checked, 13 flagged: overlapping-cues 1 (hard), reading-speed 12."
/// ```
public struct SubtitleRuleSummary: Sendable, Equatable, Codable {
    public struct RuleCount: Sendable, Equatable, Codable {
        public var rule: SubtitleRule
        public var severity: SubtitleRule.Severity
        /// Cues that break the rule.
        public var cues: Int
    }

    public var cueCount: Int
    /// Cues with at least one finding.
    public var flaggedCueCount: Int
    /// Cues that break a hard rule.
    public var hardCueCount: Int
    public var rules: [RuleCount]

    public init(cueCount: Int, findings: [SubtitleFinding]) {
        self.cueCount = cueCount
        flaggedCueCount = Set(findings.map(\.cue)).count
        hardCueCount = Set(findings.filter { $0.severity == .hard }.map(\.cue)).count
        rules = SubtitleRule.allCases.map { rule in
            RuleCount(rule: rule, severity: rule.severity, cues: findings.filter { $0.rule == rule }.count)
        }
    }

    /// The figures of several files (each cue counted in its own file) added up.
    public static func combining(_ summaries: [SubtitleRuleSummary]) -> SubtitleRuleSummary {
        var total = SubtitleRuleSummary(cueCount: 0, findings: [])
        for summary in summaries {
            total.cueCount += summary.cueCount
            total.flaggedCueCount += summary.flaggedCueCount
            total.hardCueCount += summary.hardCueCount
            for (n, count) in summary.rules.enumerated() where n < total.rules.count {
                total.rules[n].cues += count.cues
            }
        }
        return total
    }

    public func cues(breaking rule: SubtitleRule) -> Int {
        rules.first { $0.rule == rule }?.cues ?? 0
    }

    public var breaksHardRule: Bool { hardCueCount > 0 }

    /// One line in both languages: how many cues were checked and flagged, then each rule
    /// broken with its count, hard rules first and marked.
    public var text: TaskTemplate.Text {
        let broken = rules.filter { $0.cues > 0 }
        guard !broken.isEmpty else {
            return TaskTemplate.Text(
                nl: "\(cueCount) \(cueCount == 1 ? "ondertitel" : "ondertitels") gecontroleerd, geen regel overtreden.",
                en: "\(cueCount) \(cueCount == 1 ? "cue" : "cues") checked, no rule broken."
            )
        }
        func list(_ hard: String) -> String {
            broken.map { "\($0.rule.rawValue) \($0.cues)" + ($0.severity == .hard ? " (\(hard))" : "") }.joined(separator: ", ")
        }
        return TaskTemplate.Text(
            nl: "\(cueCount) \(cueCount == 1 ? "ondertitel" : "ondertitels") gecontroleerd, \(flaggedCueCount) gemarkeerd: \(list("hard")).",
            en: "\(cueCount) \(cueCount == 1 ? "cue" : "cues") checked, \(flaggedCueCount) flagged: \(list("hard"))."
        )
    }
}
