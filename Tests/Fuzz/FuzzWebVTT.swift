// libFuzzer target: any bytes given to the WebVTT reader, subtitle windows and subtitle rules must be read or refused, never crash.
import AnnolabCore
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let upload = Data(bytes: data, count: size)
    do {
        let cues = try WebVTT.parse(upload)
        if cues.isEmpty { fatalError("an empty cue list was returned instead of a refusal") }
        for (position, cue) in cues.enumerated() {
            if cue.index != position + 1 { fatalError("cue \(position) has index \(cue.index)") }
            if !(cue.start.isFinite && cue.start >= 0 && cue.end >= cue.start) {
                fatalError("cue \(cue.index) has times \(cue.start) --> \(cue.end)")
            }
            if cue.identifier?.contains("-->") == true { fatalError("an identifier holds an arrow") }
        }
        // A WebVTT file is recognised as one by the format detector, whatever its name.
        let file = try SubtitleFile.parse(upload, fileName: "upload.vtt")
        if file.format != .webVTT || file.cues != cues { fatalError("SubtitleFile and WebVTT disagree") }
        let windows = try SubtitleWindows.make(from: cues)
        if windows.last?.cueRange.upperBound != cues.count { fatalError("windows do not cover all cues") }
        checkRules(SubtitleChecker().check(cues), cues: cues)
    } catch is LabError {
        // A refusal with a plain message is the right answer to a broken file.
    } catch {
        fatalError("The WebVTT reader threw something other than a LabError: \(error)")
    }
    return 0
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
