// Finds a line break that splits a short phrase: a line ending on a small joining word, or a lone word beside a long line.

/// Looks at each line break inside one sentence of a cue, as the Netflix guide's line
/// treatment asks: break "after punctuation marks, before conjunctions, before prepositions",
/// and do not separate "a noun from an article ... a verb from a subject pronoun".
///
/// A break is left alone when the line above ends with punctuation (a new sentence or clause
/// starts below) or the line below starts with a dash (a second speaker). Otherwise it is poor
/// when
/// - the line above ends on a word of ``SubtitleRuleSettings/weakLineEndings`` ("Tomorrow
///   we go to the" / "market."), or
/// - one of the two lines has at most ``SubtitleRuleSettings/shortLineWords`` words while
///   the other is longer than half ``SubtitleRuleSettings/maximumCharactersPerLine``
///   ("I do not think that this is what we" / "want.").
struct SubtitleLineBreakCheck {
    enum Problem: Equatable {
        /// Line `line` (1-based) ends on `word`.
        case weakEnding(line: Int, word: String)
        /// Line `line` has `words` words beside a line of `otherCharacters` characters.
        case shortLine(line: Int, text: String, words: Int, otherCharacters: Int)
    }

    let weakEndings: Set<String>
    let shortLineWords: Int
    let longLineCharacters: Int

    init(settings: SubtitleRuleSettings) {
        weakEndings = Set(settings.weakLineEndings.map { $0.lowercased() })
        shortLineWords = settings.shortLineWords
        // "Longer than half the limit": 22 characters or more when the limit is 42.
        longLineCharacters = settings.maximumCharactersPerLine / 2 + 1
    }

    func firstProblem(in lines: [String]) -> Problem? {
        guard lines.count >= 2 else { return nil }
        for k in 0..<(lines.count - 1) {
            let upper = lines[k], lower = lines[k + 1]
            if let last = upper.last, Self.endsClause(last) { continue }
            if let first = lower.first, Self.dashes.contains(first) { continue }
            let upperWords = Self.words(upper), lowerWords = Self.words(lower)
            if let word = upperWords.last, weakEndings.contains(Self.bare(word).lowercased()) {
                return .weakEnding(line: k + 1, word: Self.bare(word))
            }
            let upperLength = SubtitleCue.visibleCharacterCount(upper)
            let lowerLength = SubtitleCue.visibleCharacterCount(lower)
            if upperWords.count <= shortLineWords, lowerLength >= longLineCharacters {
                return .shortLine(line: k + 1, text: upper, words: upperWords.count, otherCharacters: lowerLength)
            }
            if lowerWords.count <= shortLineWords, upperLength >= longLineCharacters {
                return .shortLine(line: k + 2, text: lower, words: lowerWords.count, otherCharacters: upperLength)
            }
        }
        return nil
    }

    private static let dashes: Set<Character> = ["-", "\u{2013}", "\u{2014}"]

    /// Punctuation after which a line may end: the guide's "after punctuation marks".
    private static func endsClause(_ c: Character) -> Bool {
        ".,;:!?\u{2026})]\"'\u{201D}\u{2019}\u{00BB}".contains(c) || dashes.contains(c)
    }

    private static func words(_ line: String) -> [Substring] {
        line.split(whereSeparator: \.isWhitespace)
    }

    /// A word without the quotes or brackets that may open it.
    private static func bare(_ word: Substring) -> String {
        String(word.drop { "\"'(\u{201C}\u{2018}\u{00AB}[".contains($0) })
    }
}
