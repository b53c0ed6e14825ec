// Finds the crafted cue files in Tests/Fixtures/subtitle-rules and states what a test expects of a finding.
import AnnolabCore
import Foundation
import Testing

/// The crafted files: one per rule, each breaking only that rule, and `clean.srt`, which breaks none.
enum SubtitleRuleFixtures {
    /// `Tests/Fixtures/subtitle-rules`, two folders above this file's folder.
    static let folder = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()   // Subtitles
        .deletingLastPathComponent()   // AnnolabCoreTests
        .deletingLastPathComponent()   // Tests
        .appendingPathComponent("Fixtures/subtitle-rules")

    static func file(_ name: String) throws -> SubtitleFile {
        let url = folder.appendingPathComponent(name)
        let data = try #require(FileManager.default.contents(atPath: url.path), "missing fixture \(url.path)")
        return try SubtitleFile.parse(data, fileName: name)
    }

    static func check(_ name: String, settings: SubtitleRuleSettings = .netflixEnglishAdult) throws -> SubtitleCheckReport {
        SubtitleChecker(settings: settings).check(try file(name))
    }
}

/// What a test says about one finding: the cue, the rule and why (the measured value, or the
/// words concerned), and for overlaps and gaps the other cue.
struct Flag: Equatable, CustomStringConvertible {
    var cue: Int
    var rule: SubtitleRule
    var measured: Double?
    var detail: String?
    var otherCue: Int?

    init(_ cue: Int, _ rule: SubtitleRule, measured: Double? = nil, detail: String? = nil, otherCue: Int? = nil) {
        self.cue = cue
        self.rule = rule
        self.measured = measured
        self.detail = detail
        self.otherCue = otherCue
    }

    init(_ finding: SubtitleFinding) {
        self.init(finding.cue, finding.rule, measured: finding.measured, detail: finding.detail, otherCue: finding.otherCue)
    }

    var description: String {
        "cue \(cue) \(rule.rawValue)" + (measured.map { " \($0)" } ?? "") + (detail.map { " '\($0)'" } ?? "")
            + (otherCue.map { " (with cue \($0))" } ?? "")
    }
}

extension SubtitleCheckReport {
    var flags: [Flag] { findings.map(Flag.init) }
}

/// A cue with times in milliseconds, for tests that build their own.
func ruleCue(_ index: Int, _ startMilliseconds: Int, _ endMilliseconds: Int, _ text: String) -> SubtitleCue {
    SubtitleCue(index: index, start: Double(startMilliseconds) / 1000, end: Double(endMilliseconds) / 1000, text: text)
}
