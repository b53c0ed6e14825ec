// Subtitle rule settings as a project stores them: a JSON object in which every key may be left out.
import Foundation

extension SubtitleRuleSettings: Codable {
    enum CodingKeys: String, CodingKey, CaseIterable {
        case preset, maximumCharactersPerLine, maximumLinesPerCue, maximumCharactersPerSecond
        case minimumDurationMilliseconds, maximumDurationMilliseconds, minimumGapFrames, framesPerSecond
        case shortLineWords, weakLineEndings, knownTags, ignoredRules

        /// What a value of this key looks like, for the message when it cannot be read.
        var expected: String {
            switch self {
            case .preset: "one of " + Preset.allCases.map(\.rawValue).joined(separator: ", ")
            case .maximumCharactersPerSecond, .framesPerSecond: "a number, like 20 or 17.5"
            case .weakLineEndings, .knownTags: "a list of words, like [\"the\", \"of\"]"
            case .ignoredRules: "a list of rule names, like [\"markup\"]"
            default: "a whole number, like 42"
            }
        }
    }

    private struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    /// Reads a partial object over the defaults of its `preset` (Netflix English, adult
    /// programmes, when none is given). A key the lab does not know is refused, so that a
    /// misspelt limit is not silently left at its default; the values are then checked with
    /// ``validate()``.
    public init(from decoder: any Decoder) throws {
        let names = try decoder.container(keyedBy: AnyKey.self).allKeys.map(\.stringValue)
        if let unknown = names.first(where: { CodingKeys(stringValue: $0) == nil }) {
            throw LabError(
                .unprocessable, "subtitle_rules_invalid",
                "'\(unknown)' is not a subtitle rule setting. The settings are: \(CodingKeys.allCases.map(\.stringValue).joined(separator: ", "))."
            )
        }
        let container = try decoder.container(keyedBy: CodingKeys.self)
        var presetChoice = Preset.netflixEnglishAdult
        let presetName: String?
        do {
            presetName = try container.decodeIfPresent(String.self, forKey: .preset)
        } catch is DecodingError {
            throw Self.unreadable(.preset)
        }
        if let name = presetName {
            guard let known = Preset(rawValue: name) else { throw Self.unreadable(.preset) }
            presetChoice = known
        }
        self.init(preset: presetChoice)
        // Each key's own error names the key, whatever the JSON reader says of a wrong value.
        func read<T: Decodable>(_ key: CodingKeys, into value: inout T) throws {
            do {
                if let given = try container.decodeIfPresent(T.self, forKey: key) { value = given }
            } catch is DecodingError {
                throw Self.unreadable(key)
            }
        }
        // Whole numbers are read as numbers and then checked, because the JSON reader calls
        // 37.5 given for a whole number "not valid JSON", which would not name the key.
        func readWhole(_ key: CodingKeys, into value: inout Int) throws {
            var number = Double(value)
            try read(key, into: &number)
            guard number.rounded() == number, abs(number) <= 1_000_000_000 else { throw Self.unreadable(key) }
            value = Int(number)
        }
        try readWhole(.maximumCharactersPerLine, into: &maximumCharactersPerLine)
        try readWhole(.maximumLinesPerCue, into: &maximumLinesPerCue)
        try read(.maximumCharactersPerSecond, into: &maximumCharactersPerSecond)
        try readWhole(.minimumDurationMilliseconds, into: &minimumDurationMilliseconds)
        try readWhole(.maximumDurationMilliseconds, into: &maximumDurationMilliseconds)
        try readWhole(.minimumGapFrames, into: &minimumGapFrames)
        try read(.framesPerSecond, into: &framesPerSecond)
        try readWhole(.shortLineWords, into: &shortLineWords)
        try read(.weakLineEndings, into: &weakLineEndings)
        try read(.knownTags, into: &knownTags)
        var ruleNames = ignoredRules.map(\.rawValue)
        try read(.ignoredRules, into: &ruleNames)
        ignoredRules = try ruleNames.map { name in
            guard let rule = SubtitleRule(rawValue: name) else {
                throw LabError(
                    .unprocessable, "subtitle_rules_invalid",
                    "'\(name)' in ignoredRules is not a subtitle rule. The rules are: \(SubtitleRule.allCases.map(\.rawValue).joined(separator: ", "))."
                )
            }
            return rule
        }
        try validate()
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(preset.rawValue, forKey: .preset)
        try container.encode(maximumCharactersPerLine, forKey: .maximumCharactersPerLine)
        try container.encode(maximumLinesPerCue, forKey: .maximumLinesPerCue)
        try container.encode(maximumCharactersPerSecond, forKey: .maximumCharactersPerSecond)
        try container.encode(minimumDurationMilliseconds, forKey: .minimumDurationMilliseconds)
        try container.encode(maximumDurationMilliseconds, forKey: .maximumDurationMilliseconds)
        try container.encode(minimumGapFrames, forKey: .minimumGapFrames)
        try container.encode(framesPerSecond, forKey: .framesPerSecond)
        try container.encode(shortLineWords, forKey: .shortLineWords)
        try container.encode(weakLineEndings, forKey: .weakLineEndings)
        try container.encode(knownTags, forKey: .knownTags)
        try container.encode(ignoredRules.map(\.rawValue), forKey: .ignoredRules)
    }

    /// Reads settings from JSON bytes, refusing with one plain sentence (a `LabError` with
    /// code `subtitle_rules_invalid`) what cannot be used: not JSON, not an object, a value of
    /// the wrong kind, an unknown key or rule, or a limit that makes no sense.
    public static func decode(_ data: Data) throws -> SubtitleRuleSettings {
        do {
            return try JSONDecoder().decode(SubtitleRuleSettings.self, from: data)
        } catch let error as LabError {
            throw error
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context) {
            throw unreadable(context.codingPath)
        } catch let DecodingError.dataCorrupted(context) where !context.codingPath.isEmpty {
            throw unreadable(context.codingPath)
        } catch {
            throw LabError(
                .unprocessable, "subtitle_rules_invalid",
                "The subtitle rule settings are not valid JSON. Write one object, like {\"maximumCharactersPerLine\": 37}."
            )
        }
    }

    private static func unreadable(_ path: [any CodingKey]) -> LabError {
        guard let first = path.first, let key = CodingKeys(stringValue: first.stringValue) else {
            return LabError(
                .unprocessable, "subtitle_rules_invalid",
                "The subtitle rule settings must be one JSON object, like {\"maximumCharactersPerLine\": 37}."
            )
        }
        return unreadable(key)
    }

    private static func unreadable(_ key: CodingKeys) -> LabError {
        LabError(.unprocessable, "subtitle_rules_invalid",
                 "The subtitle rule setting '\(key.stringValue)' cannot be read: it should be \(key.expected).")
    }
}
