// `annolab check-subtitles`: the subtitle rules on files, for a newsroom's own pipeline.
import AnnolabCore
import ArgumentParser
import Foundation

struct CheckSubtitlesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-subtitles",
        abstract: "Check SRT and WebVTT files against the subtitle rules; exit 1 when a hard rule breaks.",
        discussion: """
            The rules: overlapping-cues and empty-cue (hard), and reading-speed, characters-per-line, \
            lines-per-cue, minimum-duration, maximum-duration, minimum-gap, markup and line-break \
            (advice). The limits are those of the Netflix English (USA) Timed Text Style Guide for \
            adult programmes (42 characters per line, 2 lines, 20 characters per second, 5/6 second \
            (833 ms) to 7 seconds on screen, 2 frames at 24 fps (83 ms) between cues) unless \
            --settings gives others.

            Output: one line per finding, FILE:CUE HH:MM:SS,mmm rule: explanation (CUE is the cue's \
            position in its file, the time is when it starts), then one summary line. With --json, \
            one JSON document instead: {"files": [{"file", "format", "encoding", "cueCount", \
            "findings": [{"cue", "identifier"?, "start", "end", "rule", "severity", "measured"?, \
            "limit"?, "unit"?, "line"?, "otherCue"?, "detail"?, "explanation": {"en", "nl"}}], \
            "summary"}], "summary": {"cueCount", "flaggedCueCount", "hardCueCount", "rules": \
            [{"rule", "severity", "cues"}]}, "breaksHardRule", "settings"}.

            Exit status: 0 when no hard rule breaks (advice only, or a clean file); 1 when a hard \
            rule breaks in any file; 2 when a file or the settings cannot be read (missing, not a \
            subtitle file, not valid settings), with one line saying why and nothing checked;             64 when the command line itself is wrong (an unknown option, no file named).
            """
    )

    enum Language: String, ExpressibleByArgument, CaseIterable {
        case en, nl
    }

    @Option(help: "A JSON file of rule settings; keys left out keep their defaults, e.g. {\"maximumCharactersPerLine\": 37} or {\"preset\": \"netflix-english-children\"}.")
    var settings: String?

    @Flag(help: "Write one JSON document (described above) instead of lines.")
    var json = false

    @Option(help: "The language of the explanations: en or nl.")
    var language: Language = .en

    @Argument(help: "The subtitle files (.srt or .vtt).")
    var files: [String]

    /// Input the command cannot check: reported in one line, exit status 2.
    struct BadInput: Error {
        let reason: String
    }

    func run() throws {
        let checked: [CheckedFile]
        let rules: SubtitleRuleSettings
        do {
            let chosen = try readSettings()
            let checker = SubtitleChecker(settings: chosen)
            checked = try files.map { path in
                let file = try readSubtitles(path)
                return CheckedFile(path: path, file: file, report: checker.check(file))
            }
            rules = chosen
        } catch let failure as BadInput {
            FileHandle.standardError.write(Data("Error: \(failure.reason)\n".utf8))
            throw ExitCode(2)
        }
        let summary = SubtitleRuleSummary.combining(checked.map(\.report.summary))
        if json {
            try writeJSON(checked, summary: summary, settings: rules)
        } else {
            for entry in checked {
                for finding in entry.report.findings {
                    let explanation = language == .nl ? finding.explanation.nl : finding.explanation.en
                    say("\(entry.path):\(finding.cue) \(Self.clock(finding.start)) \(finding.rule.rawValue): \(explanation)")
                }
            }
            let text = language == .nl ? summary.text.nl : summary.text.en
            let filesWord = language == .nl ? "bestanden" : "files"
            say((checked.count == 1 ? checked[0].path : "\(checked.count) \(filesWord)") + ": " + text)
        }
        if summary.breaksHardRule { throw ExitCode(1) }
    }

    struct CheckedFile {
        var path: String
        var file: SubtitleFile
        var report: SubtitleCheckReport
    }

    private func readSettings() throws -> SubtitleRuleSettings {
        guard let path = settings else { return .netflixEnglishAdult }
        let data = try readBytes(path, what: "The settings file")
        do {
            return try SubtitleRuleSettings.decode(data)
        } catch let error as LabError {
            throw BadInput(reason: "The settings file \(path) cannot be used: \(error.message)")
        }
    }

    private func readSubtitles(_ path: String) throws -> SubtitleFile {
        let data = try readBytes(path, what: "The file")
        do {
            return try SubtitleFile.parse(data, fileName: path)
        } catch let error as LabError {
            throw BadInput(reason: "\(path) is not a subtitle file that can be checked: \(error.message)")
        }
    }

    private func readBytes(_ path: String, what: String) throws -> Data {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
            throw BadInput(reason: "\(what) \(path) does not exist.")
        }
        if isFolder.boolValue { throw BadInput(reason: "\(path) is a folder, not a file.") }
        let attribute = (try? FileManager.default.attributesOfItem(atPath: path))?[.size]
        let size = (attribute as? NSNumber)?.intValue ?? (attribute as? Int) ?? 0
        if size > TextDecoding.maximumByteCount {
            throw BadInput(reason: "\(what) \(path) is \(size) bytes, more than any subtitle file (at most \(TextDecoding.maximumByteCount)).")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw BadInput(reason: "\(what) \(path) cannot be opened; check that you may read it.")
        }
        return data
    }

    /// The JSON document described in the help.
    private struct Document: Encodable {
        struct File: Encodable {
            var file: String
            var format: String
            var encoding: String
            var cueCount: Int
            var findings: [SubtitleFinding]
            var summary: SubtitleRuleSummary
        }

        var files: [File]
        var summary: SubtitleRuleSummary
        var breaksHardRule: Bool
        var settings: SubtitleRuleSettings
    }

    private func writeJSON(_ checked: [CheckedFile], summary: SubtitleRuleSummary, settings: SubtitleRuleSettings) throws {
        let document = Document(
            files: checked.map {
                Document.File(file: $0.path, format: $0.file.format.rawValue, encoding: $0.file.encoding.rawValue,
                              cueCount: $0.report.cueCount, findings: $0.report.findings, summary: $0.report.summary)
            },
            summary: summary, breaksHardRule: summary.breaksHardRule, settings: settings
        )
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        say(String(decoding: try encoder.encode(document), as: UTF8.self))
    }

    /// `HH:MM:SS,mmm`, as SubRip writes times.
    static func clock(_ seconds: Double) -> String {
        let total = max(0, Int((seconds * 1000).rounded()))
        func pad(_ n: Int, _ width: Int) -> String {
            let digits = String(n)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return "\(pad(total / 3_600_000, 2)):\(pad(total / 60_000 % 60, 2)):\(pad(total / 1000 % 60, 2)),\(pad(total % 1000, 3))"
    }
}
