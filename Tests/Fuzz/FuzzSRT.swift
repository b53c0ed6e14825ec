// libFuzzer target: any bytes given to the SRT reader, subtitle windows and subtitle rules must be read or refused, never crash.
import AnnolabCore
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let upload = Data(bytes: data, count: size)
    do {
        let cues = try SubRip.parse(upload)
        checkCues(cues)
        // The format detector must agree with the SRT reader when the file is named .srt.
        let file = try SubtitleFile.parse(upload, fileName: "upload.srt")
        if file.format == .subRip, file.cues != cues { fatalError("SubtitleFile and SubRip disagree") }
        checkWindows(try SubtitleWindows.make(from: cues), cues: cues)
        checkRules(SubtitleChecker().check(cues), cues: cues)
    } catch is LabError {
        // A refusal with a plain message is the right answer to a broken file.
    } catch {
        fatalError("The SRT reader threw something other than a LabError: \(error)")
    }
    return 0
}

/// What every caller relies on: numbered from 1 in file order, times finite and in order.
private func checkCues(_ cues: [SubtitleCue]) {
    if cues.isEmpty { fatalError("an empty cue list was returned instead of a refusal") }
    for (position, cue) in cues.enumerated() {
        if cue.index != position + 1 { fatalError("cue \(position) has index \(cue.index)") }
        if !(cue.start.isFinite && cue.end.isFinite && cue.start >= 0 && cue.end >= cue.start) {
            fatalError("cue \(cue.index) has times \(cue.start) --> \(cue.end)")
        }
        if cue.text.contains("\r") { fatalError("cue \(cue.index) kept a carriage return") }
    }
}

/// Windows cover every cue once, in order, at most 4 at a time.
private func checkWindows(_ windows: [SubtitleWindow], cues: [SubtitleCue]) {
    var next = 0
    for window in windows {
        if window.cueRange.lowerBound != next || window.cueRange.isEmpty || window.cueRange.count > 4 {
            fatalError("window \(window.cueRange) does not follow \(next)")
        }
        if window.start > window.end { fatalError("window ends before it starts") }
        next = window.cueRange.upperBound
    }
    if next != cues.count { fatalError("windows cover \(next) of \(cues.count) cues") }
}

/// The subtitle rules never crash on what the reader accepts: each finding names a cue of the
/// file, carries a plain explanation in both languages, and the counts add up.
private func checkRules(_ report: SubtitleCheckReport, cues: [SubtitleCue]) {
    let indexes = Set(cues.map(\.index))
    for finding in report.findings {
        if !indexes.contains(finding.cue) { fatalError("a finding names cue \(finding.cue), which the file does not have") }
        if finding.explanation.en.isEmpty || finding.explanation.nl.isEmpty { fatalError("a finding without an explanation") }
        if let measured = finding.measured, !measured.isFinite { fatalError("a measured value of \(measured)") }
    }
    if report.summary.cueCount != cues.count { fatalError("the summary counts \(report.summary.cueCount) of \(cues.count) cues") }
    if report.summary.rules.map(\.cues).reduce(0, +) != report.findings.count { fatalError("the per-rule counts do not add up") }
}
