// libFuzzer target: any bytes given to the WebVTT reader and subtitle windows must be read or refused, never crash.
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
    } catch is LabError {
        // A refusal with a plain message is the right answer to a broken file.
    } catch {
        fatalError("The WebVTT reader threw something other than a LabError: \(error)")
    }
    return 0
}
