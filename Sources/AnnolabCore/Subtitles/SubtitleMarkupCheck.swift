// Finds markup a player may show as text or apply to the wrong words: unbalanced, cut-off or unknown tags.

/// Reads the tags of a cue's raw text the way ``SubtitleParsing/plainText(_:)`` recognises
/// them (`<` then a letter, digit or `/`, up to the next `>` on the same line; `{\` up to the
/// next `}`), and reports the first problem:
/// - a tag opened and never closed in the cue (`<i>Hello`); a WebVTT voice tag `<v Name>` may
///   stay open, as the WebVTT format allows;
/// - a tag closed that was not open (`Hello</b>`);
/// - tags closed in the wrong order (`<i><b>Hi</i></b>`);
/// - a tag cut off before its `>` or `}`, which players show as text (`<i Hello`);
/// - a tag name the project does not list in ``SubtitleRuleSettings/knownTags``, or a `{\...}`
///   code other than the position codes `{\an1}`...`{\an9}`.
///
/// Tag names are compared without regard to case; WebVTT classes and annotations
/// (`<c.yellow>`, `<v Roger>`) belong to the name before the dot or space, and timestamp
/// tags (`<00:01.500>`) are always known.
struct SubtitleMarkupCheck {
    enum Problem: Equatable {
        case unclosed(String)
        case unopened(String)
        case wrongOrder(closing: String, open: String)
        case cutOff(String)
        case unknown(String)

        /// The tag as the viewer would meet it, for the explanation.
        var tag: String {
            switch self {
            case let .unclosed(tag), let .unopened(tag), let .cutOff(tag), let .unknown(tag): tag
            case let .wrongOrder(closing, _): closing
            }
        }
    }

    let knownTags: Set<String>

    init(knownTags: [String]) {
        self.knownTags = Set(knownTags.map { $0.lowercased() })
    }

    func firstProblem(in text: String) -> Problem? {
        var open: [(name: String, written: String)] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let characters = Array(line)
            var i = 0
            while i < characters.count {
                let c = characters[i]
                if c == "<", i + 1 < characters.count, Self.isTagStart(characters[i + 1]) {
                    guard let close = characters[(i + 1)...].firstIndex(of: ">") else {
                        return .cutOff(Self.shown(characters[i...]))
                    }
                    let inside = String(characters[(i + 1)..<close])
                    let written = "<" + inside + ">"
                    if let problem = read(tag: inside, written: written, open: &open) { return problem }
                    i = close + 1
                } else if c == "{", i + 1 < characters.count, characters[i + 1] == "\\" {
                    guard let close = characters[(i + 1)...].firstIndex(of: "}") else {
                        return .cutOff(Self.shown(characters[i...]))
                    }
                    let code = String(characters[(i + 2)..<close]).lowercased()
                    let isPosition = code.count == 3 && code.hasPrefix("an") && code.last.map { $0 >= "1" && $0 <= "9" } == true
                    if !isPosition { return .unknown(String(characters[i...close])) }
                    i = close + 1
                } else {
                    i += 1
                }
            }
        }
        if let left = open.first(where: { $0.name != "v" }) { return .unclosed(left.written) }
        return nil
    }

    /// Handles one tag; `inside` is what stands between `<` and `>`.
    private func read(tag inside: String, written: String, open: inout [(name: String, written: String)]) -> Problem? {
        if inside.hasPrefix("/") {
            let name = Self.name(inside.dropFirst())
            guard knownTags.contains(name) else { return .unknown(written) }
            guard let position = open.lastIndex(where: { $0.name == name }) else { return .unopened(written) }
            if position != open.count - 1, let top = open.last {
                return .wrongOrder(closing: written, open: top.written)
            }
            open.removeLast()
            return nil
        }
        if let first = inside.first, first.isASCII, first.isNumber { return nil }
        let name = Self.name(inside[...])
        guard knownTags.contains(name) else { return .unknown(written) }
        open.append((name, written))
        return nil
    }

    private static func name(_ text: Substring) -> String {
        String(text.prefix { !($0 == "." || $0 == " " || $0 == "\t") }).lowercased()
    }

    private static func isTagStart(_ c: Character) -> Bool {
        c == "/" || (c.isASCII && (c.isLetter || c.isNumber))
    }

    /// A cut-off tag as shown in an explanation: at most 20 characters.
    private static func shown(_ text: ArraySlice<Character>) -> String {
        let part = String(text.prefix(20))
        return text.count > 20 ? part + "..." : part
    }
}
