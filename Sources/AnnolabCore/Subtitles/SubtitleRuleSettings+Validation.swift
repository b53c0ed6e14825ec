// Which subtitle rule settings make sense: limits a cue can meet, and words and tags that can be matched.

extension SubtitleRuleSettings {
    /// Refuses settings under which the rules would flag every cue or none for a reason
    /// nobody meant: a limit of zero characters, a longest time shorter than the shortest, a
    /// frame rate of zero, a blank word. One `LabError` (code `subtitle_rules_invalid`) with a
    /// plain sentence naming the setting.
    public func validate() throws {
        func refuse(_ message: String) -> LabError {
            LabError(.unprocessable, "subtitle_rules_invalid", message)
        }
        if maximumCharactersPerLine < 1 {
            throw refuse("maximumCharactersPerLine must be at least 1; it is \(maximumCharactersPerLine).")
        }
        if maximumLinesPerCue < 1 {
            throw refuse("maximumLinesPerCue must be at least 1; it is \(maximumLinesPerCue).")
        }
        if !(maximumCharactersPerSecond > 0) || !maximumCharactersPerSecond.isFinite {
            throw refuse("maximumCharactersPerSecond must be a number above 0; it is \(maximumCharactersPerSecond).")
        }
        if minimumDurationMilliseconds < 0 {
            throw refuse("minimumDurationMilliseconds cannot be below 0; it is \(minimumDurationMilliseconds).")
        }
        if maximumDurationMilliseconds < max(minimumDurationMilliseconds, 1) {
            throw refuse("maximumDurationMilliseconds (\(maximumDurationMilliseconds)) must be above 0 and at least minimumDurationMilliseconds (\(minimumDurationMilliseconds)).")
        }
        if minimumGapFrames < 0 {
            throw refuse("minimumGapFrames cannot be below 0; it is \(minimumGapFrames).")
        }
        if !(framesPerSecond > 0 && framesPerSecond <= 1000) {
            throw refuse("framesPerSecond must be above 0 and at most 1000, like 24 or 25; it is \(framesPerSecond).")
        }
        if shortLineWords < 0 {
            throw refuse("shortLineWords cannot be below 0; it is \(shortLineWords).")
        }
        if let word = weakLineEndings.first(where: { $0.isEmpty || $0.contains(where: \.isWhitespace) }) {
            throw refuse("weakLineEndings must hold single words; '\(word)' is not one.")
        }
        if let tag = knownTags.first(where: { $0.isEmpty || !$0.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) } }) {
            throw refuse("knownTags must hold tag names of letters and digits, like \"i\" or \"font\"; '\(tag)' is not one.")
        }
    }
}
