// The plain English and Dutch sentences that tell an operator why a cue was flagged, as a hint.

/// One sentence per finding, in both languages of the lab, in plain words (CEFR B1). Each says
/// what was measured and what the limit is, and says "may": the operator judges.
///
/// Numbers are written as each language writes them: `20.5` in English, `20,5` in Dutch.
enum SubtitleExplanation {
    typealias Text = TaskTemplate.Text

    static func overlap(milliseconds: Int, otherCue: Int) -> Text {
        Text(
            nl: "Deze ondertitel begint \(seconds(milliseconds, .nl)) voordat ondertitel \(otherCue) eindigt, dus ze staan tegelijk in beeld.",
            en: "This cue starts \(seconds(milliseconds, .en)) before cue \(otherCue) ends, so both are on screen at once."
        )
    }

    static let empty = Text(
        nl: "Deze ondertitel heeft geen tekst om te lezen.",
        en: "This cue has no text to read."
    )

    static func readingSpeed(_ measured: Double, limit: Double) -> Text {
        Text(
            nl: "Deze ondertitel is misschien te snel om te lezen: \(number(measured, .nl)) tekens per seconde (de grens is \(number(limit, .nl))).",
            en: "This cue may be too fast to read: \(number(measured, .en)) characters per second (the limit is \(number(limit, .en)))."
        )
    }

    static func charactersPerLine(_ measured: Int, line: Int, limit: Int) -> Text {
        Text(
            nl: "Regel \(line) van deze ondertitel is misschien te lang: \(measured) tekens (de grens is \(limit)).",
            en: "Line \(line) of this cue may be too long: \(measured) characters (the limit is \(limit))."
        )
    }

    static func linesPerCue(_ measured: Int, limit: Int) -> Text {
        Text(
            nl: "Deze ondertitel heeft misschien te veel regels: \(measured) (de grens is \(limit)).",
            en: "This cue may have too many lines: \(measured) (the limit is \(limit))."
        )
    }

    static func minimumDuration(_ measured: Int, limit: Int) -> Text {
        Text(
            nl: "Deze ondertitel staat misschien te kort in beeld om te lezen: \(seconds(measured, .nl)) (het minimum is \(seconds(limit, .nl))).",
            en: "This cue may be on screen too short to read: \(seconds(measured, .en)) (the minimum is \(seconds(limit, .en)))."
        )
    }

    static func maximumDuration(_ measured: Int, limit: Int) -> Text {
        Text(
            nl: "Deze ondertitel staat misschien te lang in beeld: \(seconds(measured, .nl)) (de grens is \(seconds(limit, .nl))).",
            en: "This cue may stay on screen too long: \(seconds(measured, .en)) (the limit is \(seconds(limit, .en)))."
        )
    }

    static func minimumGap(_ measured: Int, limit: Int, frames: Int, otherCue: Int) -> Text {
        Text(
            nl: "De pauze na ondertitel \(otherCue) is misschien te kort: \(seconds(measured, .nl)) (het minimum is \(seconds(limit, .nl)), \(frames) frames).",
            en: "The pause after cue \(otherCue) may be too short: \(seconds(measured, .en)) (the minimum is \(seconds(limit, .en)), \(frames) frames)."
        )
    }

    static func markup(_ problem: SubtitleMarkupCheck.Problem) -> Text {
        switch problem {
        case let .unclosed(tag):
            Text(nl: "Deze ondertitel opent een opmaakcode die niet wordt gesloten: \(tag). Een speler toont de tekst dan misschien verkeerd.",
                 en: "This cue opens a tag that is not closed: \(tag). A player may then show the text wrongly.")
        case let .unopened(tag):
            Text(nl: "Deze ondertitel sluit een opmaakcode die niet is geopend: \(tag).",
                 en: "This cue closes a tag that was not opened: \(tag).")
        case let .wrongOrder(closing, open):
            Text(nl: "Deze ondertitel sluit de opmaakcodes in de verkeerde volgorde: \(closing) komt voordat \(open) is gesloten.",
                 en: "This cue closes its tags in the wrong order: \(closing) comes before \(open) is closed.")
        case let .cutOff(tag):
            Text(nl: "Deze ondertitel heeft een opmaakcode zonder einde: \(tag). Een speler toont die misschien als tekst.",
                 en: "This cue has a tag without its end: \(tag). A player may show it as text.")
        case let .unknown(tag):
            Text(nl: "Deze ondertitel heeft een opmaakcode die spelers misschien niet kennen: \(tag). Die staat dan als tekst in beeld.",
                 en: "This cue has a tag that players may not know: \(tag). It may show as text.")
        }
    }

    static func lineBreak(_ problem: SubtitleLineBreakCheck.Problem) -> Text {
        switch problem {
        case let .weakEnding(line, word):
            Text(nl: "De regelafbreking splitst misschien een zinsdeel: regel \(line) eindigt op '\(word)'.",
                 en: "The line break may split a phrase: line \(line) ends with '\(word)'.")
        case let .shortLine(line, _, words, other):
            Text(nl: "De regelafbreking staat misschien verkeerd: regel \(line) heeft maar \(words) \(words == 1 ? "woord" : "woorden") naast een regel van \(other) tekens.",
                 en: "The line break may be in a poor place: line \(line) has only \(words) \(words == 1 ? "word" : "words") beside a line of \(other) characters.")
        }
    }

    // MARK: Numbers

    enum Language { case en, nl }

    /// A number with at most three decimals and no trailing zeros: `20`, `20.5`, `0.833`.
    static func number(_ value: Double, _ language: Language) -> String {
        thousandths(Int((value * 1000).rounded()), language)
    }

    /// Milliseconds as seconds, with the word: "0.5 seconds", "1 second"; Dutch "0,5 seconde", "8 seconden".
    static func seconds(_ milliseconds: Int, _ language: Language) -> String {
        let figure = thousandths(milliseconds, language)
        switch language {
        case .en: return figure + (milliseconds == 1000 ? " second" : " seconds")
        case .nl: return figure + (milliseconds <= 1000 ? " seconde" : " seconden")
        }
    }

    private static func thousandths(_ value: Int, _ language: Language) -> String {
        let sign = value < 0 ? "-" : ""
        let whole = abs(value) / 1000, fraction = abs(value) % 1000
        guard fraction > 0 else { return sign + String(whole) }
        var digits = String(fraction)
        digits = String(repeating: "0", count: 3 - digits.count) + digits
        while digits.hasSuffix("0") { digits.removeLast() }
        return sign + String(whole) + (language == .en ? "." : ",") + digits
    }
}
