// What a viewer reads of a cue and for how long: visible lines, characters counted as seen, times in milliseconds.

extension SubtitleCue {
    /// The lines a viewer reads: ``plainText`` (markup removed, entities decoded, each line
    /// trimmed, empty lines dropped) split at its line breaks.
    public var visibleLines: [String] {
        plainText.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
    }

    /// The characters of one line as a reader sees them: grapheme clusters, so `é` written as
    /// `e` plus an accent, or an emoji made of several code points, counts once. Invisible
    /// format characters (direction marks, zero-width spaces) count nothing. Spaces and
    /// punctuation count, as in Netflix's reading-speed measure.
    public static func visibleCharacterCount(_ line: some StringProtocol) -> Int {
        line.reduce(0) { count, character in
            character.unicodeScalars.allSatisfy { $0.properties.generalCategory == .format } ? count : count + 1
        }
    }

    /// The characters of all lines together; a line break counts nothing (it is not on screen).
    public var visibleCharacterCount: Int {
        visibleLines.reduce(0) { $0 + Self.visibleCharacterCount($1) }
    }

    /// Whether the cue shows nothing to read: no line, or only spaces and invisible characters.
    public var isEmptyToReader: Bool {
        plainText.unicodeScalars.allSatisfy { $0.properties.isWhitespace || $0.properties.generalCategory == .format }
    }

    /// ``start`` in whole milliseconds, the precision of SubRip and WebVTT times.
    public var startMilliseconds: Int { Int((start * 1000).rounded()) }

    /// ``end`` in whole milliseconds.
    public var endMilliseconds: Int { Int((end * 1000).rounded()) }

    /// How long the cue is on screen, in milliseconds.
    public var durationMilliseconds: Int { max(0, endMilliseconds - startMilliseconds) }
}
