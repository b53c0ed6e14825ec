// The subtitle rule limits: Netflix's published figures by default, and a project's own partial settings.
import AnnolabCore
import Foundation
import Testing

@Suite("Subtitle rule settings")
struct SubtitleRuleSettingsTests {
    @Test("the defaults are the Netflix Timed Text Style Guide's figures for English, adult programmes")
    func netflixFigures() {
        let settings = SubtitleRuleSettings()
        #expect(settings == .netflixEnglishAdult)
        #expect(settings.preset == .netflixEnglishAdult)
        // English (USA) Timed Text Style Guide: "42 characters per line"; adult programmes
        // "up to 20 characters per second".
        #expect(settings.maximumCharactersPerLine == 42)
        #expect(settings.maximumCharactersPerSecond == 20)
        // General Requirements: "2 lines maximum".
        #expect(settings.maximumLinesPerCue == 2)
        // General Requirements: "Minimum duration: 5/6 (five-sixths) of a second ... (e.g. 20 frames for 24fps)".
        #expect(settings.minimumDurationMilliseconds == Int(5.0 / 6.0 * 1000))
        #expect(settings.minimumDurationMilliseconds == Int(20.0 / 24.0 * 1000))
        #expect(settings.minimumDurationMilliseconds == 833)
        // General Requirements: "Maximum duration: 7 seconds per subtitle event".
        #expect(settings.maximumDurationMilliseconds == 7_000)
        // General Requirements: "Frame Gap: 2 frames minimum (regardless of frame rate)".
        #expect(settings.minimumGapFrames == 2)
        #expect(settings.framesPerSecond == 24)
        #expect(settings.minimumGapMilliseconds == 83)
        #expect(settings.ignoredRules.isEmpty)
    }

    @Test("the children's preset reads 17 characters per second and keeps every other figure")
    func childrensPreset() {
        var children = SubtitleRuleSettings.netflixEnglishChildren
        #expect(children.maximumCharactersPerSecond == 17)
        children.maximumCharactersPerSecond = 20
        children.preset = .netflixEnglishAdult
        #expect(children == .netflixEnglishAdult)
    }

    @Test("2 frames are 83 ms at 24 fps, 80 at 25, 66 at 30; 23.976 and 29.97 fps round down the same way")
    func gapInMilliseconds() {
        var settings = SubtitleRuleSettings()
        for (rate, milliseconds) in [(24.0, 83), (25.0, 80), (30.0, 66), (23.976, 83), (29.97, 66), (50.0, 40)] {
            settings.framesPerSecond = rate
            #expect(settings.minimumGapMilliseconds == milliseconds, "\(rate) fps")
        }
        settings.framesPerSecond = 25
        settings.minimumGapFrames = 0
        #expect(settings.minimumGapMilliseconds == 0)
    }

    @Test("a partial JSON object keeps the defaults for the keys it leaves out")
    func partialObject() throws {
        let shorter = try SubtitleRuleSettings.decode(Data(#"{"maximumCharactersPerLine": 37}"#.utf8))
        var expected = SubtitleRuleSettings()
        expected.maximumCharactersPerLine = 37
        #expect(shorter == expected)

        #expect(try SubtitleRuleSettings.decode(Data("{}".utf8)) == .netflixEnglishAdult)
        // null, as a form sends an emptied field, means "the default" too.
        #expect(try SubtitleRuleSettings.decode(Data(#"{"maximumCharactersPerSecond": null}"#.utf8)) == .netflixEnglishAdult)

        let children = try SubtitleRuleSettings.decode(Data(#"{"preset": "netflix-english-children", "maximumLinesPerCue": 3, "ignoredRules": ["markup"]}"#.utf8))
        #expect(children.maximumCharactersPerSecond == 17)
        #expect(children.maximumLinesPerCue == 3)
        #expect(children.ignoredRules == [.markup])
        #expect(children.maximumCharactersPerLine == 42)

        let plainDecoder = try JSONDecoder().decode(SubtitleRuleSettings.self, from: Data(#"{"framesPerSecond": 25}"#.utf8))
        #expect(plainDecoder.minimumGapMilliseconds == 80)
        #expect(plainDecoder.maximumDurationMilliseconds == 7_000)
    }

    @Test("settings written as JSON read back the same")
    func roundTrip() throws {
        var settings = SubtitleRuleSettings.netflixEnglishChildren
        settings.weakLineEndings = ["the", "de"]
        settings.knownTags = ["i"]
        settings.ignoredRules = [.lineBreak, .minimumGap]
        settings.framesPerSecond = 25
        let data = try JSONEncoder().encode(settings)
        #expect(try SubtitleRuleSettings.decode(data) == settings)
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.contains(#""preset":"netflix-english-children""#))
        #expect(text.contains(#""ignoredRules":["line-break","minimum-gap"]"#))
    }

    @Test("a misspelt key, a value of the wrong kind, and a limit that makes no sense are refused in one plain sentence")
    func refusals() {
        let cases: [(json: String, says: String)] = [
            (#"{"maximumCharacterPerLine": 37}"#, "'maximumCharacterPerLine' is not a subtitle rule setting"),
            (#"{"maximumCharactersPerLine": "42"}"#, "'maximumCharactersPerLine' cannot be read: it should be a whole number"),
            (#"{"maximumCharactersPerLine": 37.5}"#, "'maximumCharactersPerLine' cannot be read"),
            (#"{"maximumCharactersPerSecond": "fast"}"#, "'maximumCharactersPerSecond' cannot be read: it should be a number"),
            (#"{"preset": "bbc"}"#, "'preset' cannot be read: it should be one of netflix-english-adult, netflix-english-children"),
            (#"{"ignoredRules": ["speed"]}"#, "'speed' in ignoredRules is not a subtitle rule"),
            (#"{"maximumCharactersPerLine": 0}"#, "maximumCharactersPerLine must be at least 1"),
            (#"{"maximumLinesPerCue": 0}"#, "maximumLinesPerCue must be at least 1"),
            (#"{"maximumCharactersPerSecond": 0}"#, "maximumCharactersPerSecond must be a number above 0"),
            (#"{"minimumDurationMilliseconds": 8000}"#, "must be above 0 and at least minimumDurationMilliseconds"),
            (#"{"minimumGapFrames": -1}"#, "minimumGapFrames cannot be below 0"),
            (#"{"framesPerSecond": 0}"#, "framesPerSecond must be above 0"),
            (#"{"weakLineEndings": ["of the"]}"#, "'of the' is not one"),
            (#"{"knownTags": ["<i>"]}"#, "'<i>' is not one"),
            ("[42]", "must be one JSON object"),
            ("{maximumCharactersPerLine: 37", "not valid JSON"),
        ]
        for (json, says) in cases {
            let refusal = labRefusal { _ = try SubtitleRuleSettings.decode(Data(json.utf8)) }
            #expect(refusal?.code == "subtitle_rules_invalid", "\(json)")
            #expect(refusal?.message.contains(says) == true, "\(json): \(refusal?.message ?? "accepted")")
            #expect(refusal?.message.contains("\n") == false)
        }
    }

    @Test("a rule the project ignores gives no finding")
    func ignoredRule() throws {
        var settings = SubtitleRuleSettings()
        settings.ignoredRules = [.lineBreak]
        #expect(try SubtitleRuleFixtures.check("line-break.srt", settings: settings).findings.isEmpty)
        settings.ignoredRules = [.overlappingCues]
        #expect(!(try SubtitleRuleFixtures.check("overlapping-cues.srt", settings: settings).breaksHardRule))
    }

    @Test("a project's own limits change what is flagged: at 50 characters per line the long line passes")
    func ownLimits() throws {
        let settings = try SubtitleRuleSettings.decode(Data(#"{"maximumCharactersPerLine": 50}"#.utf8))
        #expect(try SubtitleRuleFixtures.check("characters-per-line.srt", settings: settings).findings.isEmpty)
        let strict = try SubtitleRuleSettings.decode(Data(#"{"maximumCharactersPerSecond": 15}"#.utf8))
        let flags = try SubtitleRuleFixtures.check("clean.srt", settings: strict).flags
        #expect(flags == [Flag(1, .readingSpeed, measured: 15.2), Flag(2, .readingSpeed, measured: 20), Flag(5, .readingSpeed, measured: 17.7)])
    }
}
