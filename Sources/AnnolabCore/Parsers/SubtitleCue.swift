// One subtitle of a programme: when it is shown and what it says, as SubRip and WebVTT both read it.

/// One subtitle of a programme: when it is shown and what it says.
///
/// Both ``SubRip`` and ``WebVTT`` produce these; a `subtitle-check` microtask shows a few of
/// them next to the sound they belong to.
public struct SubtitleCue: Sendable, Equatable {
    /// The 1-based position of the cue in its file (not the number written in an SRT file,
    /// which is often missing or wrong; that is ``identifier``).
    public var index: Int
    /// When the cue appears, in seconds from the start of the programme (read to the millisecond).
    public var start: Double
    /// When the cue disappears, in seconds; never before ``start``.
    public var end: Double
    /// The cue's lines joined by "\n", markup kept as written (so exports can write it back).
    public var text: String
    /// The words a viewer reads: styling tags (`<i>`, `<b>`, `<font ...>`, `{\an8}`, `<c.x>`,
    /// `<v Name>`, `<00:01.000>`) removed, `&amp;` `&lt;` `&gt;` `&nbsp;` (and a few other
    /// entities) decoded, each line trimmed, empty lines dropped.
    public var plainText: String
    /// The cue's own name: the number before an SRT cue, or a WebVTT cue identifier.
    public var identifier: String?
    /// What follows the end time: WebVTT cue settings (`align:start position:10%`) or SRT
    /// position coordinates (`X1:100 X2:600 Y1:50 Y2:80`); empty when there is nothing.
    public var settings: String

    public init(
        index: Int, start: Double, end: Double, text: String,
        plainText: String? = nil, identifier: String? = nil, settings: String = ""
    ) {
        self.index = index
        self.start = start
        self.end = end
        self.text = text
        self.plainText = plainText ?? SubtitleParsing.plainText(text)
        self.identifier = identifier
        self.settings = settings
    }
}
