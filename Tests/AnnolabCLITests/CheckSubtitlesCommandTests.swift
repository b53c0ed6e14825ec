// `annolab check-subtitles` run as a newsroom's pipeline would: exit codes, finding lines, JSON and refusals.
import Foundation
import Testing

@Suite("annolab check-subtitles")
struct CheckSubtitlesCommandTests {
    /// The crafted cue files in Tests/Fixtures/subtitle-rules.
    static let fixtures = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()   // AnnolabCLITests
        .deletingLastPathComponent()   // Tests
        .appendingPathComponent("Fixtures/subtitle-rules")

    static func fixture(_ name: String) -> String { fixtures.appendingPathComponent(name).path }

    func lines(_ text: String) -> [String] {
        text.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
    }

    @Test("a clean file exits 0 with one summary line")
    func cleanFile() throws {
        let path = Self.fixture("clean.srt")
        let result = try annolab(["check-subtitles", path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(lines(result.stdout) == ["\(path): 5 cues checked, no rule broken."])
        #expect(result.stderr.isEmpty)
    }

    @Test("a file with overlapping cues exits 1 and names each cue, its start and the rule")
    func hardRule() throws {
        let path = Self.fixture("overlapping-cues.srt")
        let result = try annolab(["check-subtitles", path])
        #expect(result.status == 1)
        #expect(lines(result.stdout) == [
            "\(path):2 00:00:03,500 overlapping-cues: This cue starts 0.5 seconds before cue 1 ends, so both are on screen at once.",
            "\(path):4 00:00:08,999 overlapping-cues: This cue starts 0.001 seconds before cue 3 ends, so both are on screen at once.",
            "\(path):6 00:00:21,000 overlapping-cues: This cue starts 5 seconds before cue 5 ends, so both are on screen at once.",
            "\(path):7 00:00:24,000 overlapping-cues: This cue starts 2 seconds before cue 5 ends, so both are on screen at once.",
            "\(path): 7 cues checked, 4 flagged: overlapping-cues 4 (hard).",
        ])
        #expect(result.stderr.isEmpty)
    }

    @Test("advice only exits 0 but still prints the finding; Dutch on request")
    func adviceOnly() throws {
        let path = Self.fixture("reading-speed.srt")
        let english = try annolab(["check-subtitles", path])
        #expect(english.status == 0)
        #expect(lines(english.stdout) == [
            "\(path):2 00:00:02,500 reading-speed: This cue may be too fast to read: 24.5 characters per second (the limit is 20).",
            "\(path): 3 cues checked, 1 flagged: reading-speed 1.",
        ])
        let dutch = try annolab(["check-subtitles", "--language", "nl", path])
        #expect(dutch.status == 0)
        #expect(lines(dutch.stdout).first
            == "\(path):2 00:00:02,500 reading-speed: Deze ondertitel is misschien te snel om te lezen: 24,5 tekens per seconde (de grens is 20).")
    }

    @Test("several files: any hard rule in any file exits 1, and one summary covers them all")
    func severalFiles() throws {
        let clean = Self.fixture("clean.srt"), empty = Self.fixture("empty-cue.vtt")
        let result = try annolab(["check-subtitles", clean, empty])
        #expect(result.status == 1)
        let out = lines(result.stdout)
        #expect(out.filter { $0.hasPrefix(empty + ":") && $0.contains(" empty-cue: This cue has no text to read.") }.count == 3)
        #expect(out.last == "2 files: 10 cues checked, 3 flagged: empty-cue 3 (hard).")
    }

    @Test("--json writes one document with every finding, the counts per rule and the settings used")
    func json() throws {
        let path = Self.fixture("minimum-gap.srt")
        let result = try annolab(["check-subtitles", "--json", path])
        #expect(result.status == 0)
        #expect(lines(result.stdout).count == 1)
        let document = jsonObject(result.stdout)
        #expect(document["breaksHardRule"] as? Bool == false)
        let files = try #require(document["files"] as? [[String: Any]])
        #expect(files.first?["file"] as? String == path)
        #expect(files.first?["format"] as? String == "srt")
        let findings = try #require(files.first?["findings"] as? [[String: Any]])
        #expect(findings.map { $0["cue"] as? Int } == [2, 4, 5])
        #expect(findings.map { $0["measured"] as? Double } == [40, 0, 82])
        #expect(findings.allSatisfy { $0["rule"] as? String == "minimum-gap" && $0["severity"] as? String == "advice" && $0["limit"] as? Double == 83 })
        #expect((findings.first?["explanation"] as? [String: Any])?["nl"] as? String != nil)
        let summary = try #require(document["summary"] as? [String: Any])
        #expect(summary["flaggedCueCount"] as? Int == 3)
        let settings = try #require(document["settings"] as? [String: Any])
        #expect(settings["maximumCharactersPerLine"] as? Int == 42)
    }

    @Test("--settings with a partial object changes only the limits it names")
    func settingsFile() throws {
        let folder = temporaryFolder()
        let wide = folder.appendingPathComponent("wide.json")
        try Data(#"{"maximumCharactersPerLine": 50}"#.utf8).write(to: wide)
        let path = Self.fixture("characters-per-line.srt")
        let before = try annolab(["check-subtitles", path])
        #expect(lines(before.stdout).first?.contains("characters-per-line: Line 2 of this cue may be too long: 43 characters (the limit is 42).") == true)
        let after = try annolab(["check-subtitles", "--settings", wide.path, path])
        #expect(after.status == 0)
        #expect(lines(after.stdout) == ["\(path): 3 cues checked, no rule broken."])

        let lenient = folder.appendingPathComponent("lenient.json")
        try Data(#"{"ignoredRules": ["overlapping-cues"]}"#.utf8).write(to: lenient)
        #expect(try annolab(["check-subtitles", "--settings", lenient.path, Self.fixture("overlapping-cues.srt")]).status == 0)
    }

    @Test("a missing file, a folder, a text file without cues, binary data and bad settings exit 2 with one line and check nothing")
    func badInput() throws {
        let folder = temporaryFolder()
        let notes = folder.appendingPathComponent("notes.txt")
        try Data("Remember to buy milk.\n".utf8).write(to: notes)
        let picture = folder.appendingPathComponent("photo.srt")
        try Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D, 0x49, 0x48, 0x44, 0x52]).write(to: picture)
        let badSettings = folder.appendingPathComponent("bad.json")
        try Data(#"{"maximumCharacterPerLine": 37}"#.utf8).write(to: badSettings)
        let clean = Self.fixture("clean.srt")
        let missing = folder.appendingPathComponent("gone.srt").path
        let cases: [(arguments: [String], says: String)] = [
            ([missing], "The file \(missing) does not exist."),
            ([clean, missing], "The file \(missing) does not exist."),
            ([folder.path], "\(folder.path) is a folder, not a file."),
            ([notes.path], "\(notes.path) is not a subtitle file that can be checked: This SRT file has no subtitles"),
            ([picture.path], "\(picture.path) is not a subtitle file that can be checked:"),
            (["--settings", badSettings.path, clean], "The settings file \(badSettings.path) cannot be used: 'maximumCharacterPerLine' is not a subtitle rule setting."),
            (["--settings", folder.appendingPathComponent("none.json").path, clean], "The settings file"),
        ]
        for (arguments, says) in cases {
            let result = try annolab(["check-subtitles"] + arguments)
            #expect(result.status == 2, "\(arguments): \(result.stdout) \(result.stderr)")
            #expect(result.stdout.isEmpty, "\(arguments)")
            let errors = lines(result.stderr)
            #expect(errors.count == 1, "\(arguments): \(result.stderr)")
            #expect(errors.first?.hasPrefix("Error: " + says) == true, "\(arguments): \(result.stderr)")
        }
    }

    @Test("--help says what each exit status means")
    func help() throws {
        let result = try annolab(["check-subtitles", "--help"])
        #expect(result.status == 0)
        let help = result.stdout.replacingOccurrences(of: "\n", with: " ").split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(help.contains("0 when no hard rule breaks"))
        #expect(help.contains("1 when a hard rule breaks in any file"))
        #expect(help.contains("2 when a file or the settings cannot be read"))
        #expect(help.contains("--json"))
        let usage = try annolab(["check-subtitles"])
        #expect(usage.status == 64)
        #expect(usage.stdout.isEmpty)
    }
}
