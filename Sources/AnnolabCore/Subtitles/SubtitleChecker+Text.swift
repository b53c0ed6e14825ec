// The subtitle rules that read a cue's text: empty cues, reading speed, line length, line count and line breaks.

extension SubtitleChecker {
    func textFindings(_ cue: SubtitleCue, lineBreaks: SubtitleLineBreakCheck) -> [SubtitleFinding] {
        if cue.isEmptyToReader {
            return [SubtitleFinding(cue: cue, rule: .emptyCue, explanation: SubtitleExplanation.empty)]
        }
        var found: [SubtitleFinding] = []
        let lines = cue.visibleLines
        let duration = cue.durationMilliseconds
        let characters = cue.visibleCharacterCount
        let speedLimit = settings.maximumCharactersPerSecond
        if duration > 0, Double(characters) * 1000 > speedLimit * Double(duration) {
            let speed = Self.shownSpeed(characters: characters, milliseconds: duration, above: speedLimit)
            found.append(SubtitleFinding(
                cue: cue, rule: .readingSpeed, measured: speed, limit: speedLimit,
                explanation: SubtitleExplanation.readingSpeed(speed, limit: speedLimit)
            ))
        }
        let lengths = lines.map { SubtitleCue.visibleCharacterCount($0) }
        if let longest = lengths.max(), longest > settings.maximumCharactersPerLine,
           let line = lengths.firstIndex(of: longest) {
            let limit = settings.maximumCharactersPerLine
            found.append(SubtitleFinding(
                cue: cue, rule: .charactersPerLine, measured: Double(longest), limit: Double(limit), line: line + 1,
                explanation: SubtitleExplanation.charactersPerLine(longest, line: line + 1, limit: limit)
            ))
        }
        if lines.count > settings.maximumLinesPerCue {
            let limit = settings.maximumLinesPerCue
            found.append(SubtitleFinding(
                cue: cue, rule: .linesPerCue, measured: Double(lines.count), limit: Double(limit),
                explanation: SubtitleExplanation.linesPerCue(lines.count, limit: limit)
            ))
        }
        if let problem = lineBreaks.firstProblem(in: lines) {
            let (line, detail): (Int, String) = switch problem {
            case let .weakEnding(at, word): (at, word)
            case let .shortLine(at, text, _, _): (at, text)
            }
            found.append(SubtitleFinding(cue: cue, rule: .lineBreak, line: line, detail: detail,
                                         explanation: SubtitleExplanation.lineBreak(problem)))
        }
        return found
    }

    /// The reading speed as it is shown: to one decimal, or to as many more (up to three) as
    /// it takes to stay above the limit it broke, so that a hint never reads "20 (the limit is 20)".
    static func shownSpeed(characters: Int, milliseconds: Int, above limit: Double) -> Double {
        let exact = Double(characters) * 1000 / Double(milliseconds)
        for scale in [10.0, 100.0] {
            let shown = (exact * scale).rounded() / scale
            if shown > limit { return shown }
        }
        return (exact * 1000).rounded() / 1000
    }
}
