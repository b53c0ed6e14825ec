// libFuzzer target: any bytes given to the WAV reader must be read or refused; what is read must slice into valid WAVs.
import AnnolabCore
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let upload = Data(bytes: data, count: size)
    do {
        let sound = try WaveSound(upload)
        let format = sound.format
        if sound.sampleDataOffset + sound.sampleDataByteCount > upload.count
            || sound.sampleDataByteCount != sound.frameCount * format.blockAlign {
            fatalError("the sound runs past the file: offset \(sound.sampleDataOffset), \(sound.sampleDataByteCount) bytes of \(upload.count)")
        }
        if !sound.duration.isFinite || sound.duration < 0 { fatalError("duration \(sound.duration)") }

        // Reading samples: every value is a level between -1 and 1.
        let level = sound.rootMeanSquare(frames: 0..<min(sound.frameCount, 4096))
        if !(0...1).contains(level) { fatalError("RMS \(level) is outside 0...1") }
        _ = sound.sample(frame: sound.frameCount - 1, channel: format.channelCount - 1)

        // The whole sound, sliced, reads back as the same sound in a plain RIFF file.
        let whole = try WaveSound(sound.slice(frames: 0..<sound.frameCount))
        // (An empty slice has data size 0, which the streaming convention also reads as "to the end".)
        if whole.format != format || whole.frameCount != sound.frameCount || (whole.runsToEndOfFile && whole.frameCount > 0) {
            fatalError("a slice of all \(sound.frameCount) frames read back as \(whole.frameCount) frames of \(whole.format)")
        }

        // Clips as audio-tags makes them, each sliced by seconds.
        guard sound.frameCount > 0 else { return 0 }
        let clips = try AudioClips.make(for: sound, length: max(sound.duration / 3, 1e-6))
        for clip in [clips.first, clips.last].compactMap({ $0 }) {
            do {
                let piece = try WaveSound(sound.slice(from: clip.start, to: clip.end))
                if piece.format != format || piece.frameCount > sound.frameCount { fatalError("a clip grew") }
            } catch let error as LabError where error.code == "wave_slice_outside_sound" {
                // A clip shorter than half a frame holds no frame; that refusal is right.
            }
        }
    } catch is LabError {
        // A refusal with a plain message is the right answer to a broken file.
    } catch {
        fatalError("The WAV reader threw something other than a LabError: \(error)")
    }
    return 0
}
