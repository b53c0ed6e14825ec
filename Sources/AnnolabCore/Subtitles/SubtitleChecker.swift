// Runs every subtitle rule over a file's cues and gives the findings, as import and the command line use it.

/// Checks subtitle cues against the project's ``SubtitleRuleSettings`` before any person
/// looks at them, so that operators spend their time on what only a person can judge.
///
/// ```swift
/// let file = try SubtitleFile.parse(uploadBytes, fileName: "journaal.srt")
/// let report = SubtitleChecker(settings: project.subtitleRules).check(file)
/// report.breaksHardRule          // an overlap or an empty cue
/// report.findings(forCue: 7)     // what to show beside cue 7, hard rules first
/// report.summary                 // counts per rule, for the project page
/// ```
///
/// How each rule measures (durations and gaps in whole milliseconds, as files write them;
/// a value exactly at its limit is allowed):
/// - overlapping-cues (hard): the cue starts before the latest end among the cues before it.
/// - empty-cue (hard): nothing visible to read (see ``SubtitleCue/isEmptyToReader``). An
///   empty cue gets no duration, length or line-break findings: the text is what is missing.
/// - reading-speed: ``SubtitleCue/visibleCharacterCount`` (spaces and punctuation counted,
///   line breaks not) divided by the seconds on screen. A cue of 0 ms gets no reading speed
///   (it has none); minimum-duration flags it.
/// - characters-per-line, lines-per-cue: of ``SubtitleCue/visibleLines``.
/// - minimum-duration, maximum-duration: end minus start.
/// - minimum-gap: start minus the latest earlier end, when the cues do not overlap.
/// - markup: see `SubtitleMarkupCheck`; line-break: see `SubtitleLineBreakCheck`.
public struct SubtitleChecker: Sendable {
    public var settings: SubtitleRuleSettings

    public init(settings: SubtitleRuleSettings = .netflixEnglishAdult) {
        self.settings = settings
    }

    public func check(_ file: SubtitleFile) -> SubtitleCheckReport {
        check(file.cues)
    }

    /// Checks cues in file order (the order of ``SubtitleCue/index``).
    public func check(_ cues: [SubtitleCue]) -> SubtitleCheckReport {
        let markup = SubtitleMarkupCheck(knownTags: settings.knownTags)
        let lineBreaks = SubtitleLineBreakCheck(settings: settings)
        var findings: [SubtitleFinding] = []
        var latest: (end: Int, cue: Int)?
        for cue in cues {
            var own = timingFindings(cue, after: latest)
            own += textFindings(cue, lineBreaks: lineBreaks)
            if let problem = markup.firstProblem(in: cue.text) {
                own.append(SubtitleFinding(cue: cue, rule: .markup, detail: problem.tag,
                                           explanation: SubtitleExplanation.markup(problem)))
            }
            let order = SubtitleRule.allCases
            own.sort { (order.firstIndex(of: $0.rule) ?? 0) < (order.firstIndex(of: $1.rule) ?? 0) }
            findings += own.filter { settings.runs($0.rule) }
            if latest == nil || cue.endMilliseconds > latest?.end ?? 0 {
                latest = (cue.endMilliseconds, cue.index)
            }
        }
        return SubtitleCheckReport(cueCount: cues.count, findings: findings)
    }

    private func timingFindings(_ cue: SubtitleCue, after latest: (end: Int, cue: Int)?) -> [SubtitleFinding] {
        var found: [SubtitleFinding] = []
        let start = cue.startMilliseconds
        if let latest, start < latest.end {
            let overlap = latest.end - start
            found.append(SubtitleFinding(
                cue: cue, rule: .overlappingCues, measured: Double(overlap), limit: 0, otherCue: latest.cue,
                explanation: SubtitleExplanation.overlap(milliseconds: overlap, otherCue: latest.cue)
            ))
        } else if let latest, start - latest.end < settings.minimumGapMilliseconds {
            let gap = start - latest.end, limit = settings.minimumGapMilliseconds
            found.append(SubtitleFinding(
                cue: cue, rule: .minimumGap, measured: Double(gap), limit: Double(limit), otherCue: latest.cue,
                explanation: SubtitleExplanation.minimumGap(gap, limit: limit, frames: settings.minimumGapFrames, otherCue: latest.cue)
            ))
        }
        guard !cue.isEmptyToReader else { return found }
        let duration = cue.durationMilliseconds
        if duration < settings.minimumDurationMilliseconds {
            let limit = settings.minimumDurationMilliseconds
            found.append(SubtitleFinding(
                cue: cue, rule: .minimumDuration, measured: Double(duration), limit: Double(limit),
                explanation: SubtitleExplanation.minimumDuration(duration, limit: limit)
            ))
        } else if duration > settings.maximumDurationMilliseconds {
            let limit = settings.maximumDurationMilliseconds
            found.append(SubtitleFinding(
                cue: cue, rule: .maximumDuration, measured: Double(duration), limit: Double(limit),
                explanation: SubtitleExplanation.maximumDuration(duration, limit: limit)
            ))
        }
        return found
    }
}
