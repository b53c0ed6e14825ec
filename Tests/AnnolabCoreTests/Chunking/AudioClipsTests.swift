// A programme's sound becomes 10-second clips for audio-tags, with no clip too short to judge.
import Foundation
import Testing
@testable import AnnolabCore

@Suite("Cutting sound into audio-tags clips")
struct AudioClipsTests {
    static func bounds(_ clips: [AudioClip]) -> [[Double]] { clips.map { [$0.start, $0.end] } }

    @Test("a 60 s WAV gives 6 clips of exactly 10 s")
    func sixtySeconds() throws {
        let sound = try WaveSound(ParserFixtures.monoWAV(seconds: 60))
        let clips = try AudioClips.make(for: sound)
        #expect(Self.bounds(clips) == [[0, 10], [10, 20], [20, 30], [30, 40], [40, 50], [50, 60]])
        #expect(clips.map(\.index) == Array(0..<6))
    }

    @Test("a 61 s WAV gives 6 clips: the last second joins the clip before it, making it 11 s")
    func sixtyOneSeconds() throws {
        let sound = try WaveSound(ParserFixtures.monoWAV(seconds: 61))
        let clips = try AudioClips.make(for: sound)
        #expect(Self.bounds(clips) == [[0, 10], [10, 20], [20, 30], [30, 40], [40, 50], [50, 61]])
        #expect(clips.last?.duration == 11)
        // The clip files cut from the sound have those lengths too.
        let last = try WaveSound(sound.slice(from: clips[5].start, to: clips[5].end))
        #expect(last.duration == 11)
        #expect(last.frameCount == 88_000)
    }

    @Test("a last piece of 2 s or more is a clip of its own")
    func lastPieceKept() throws {
        #expect(Self.bounds(try AudioClips.make(duration: 22)) == [[0, 10], [10, 20], [20, 22]])
        #expect(Self.bounds(try AudioClips.make(duration: 21.999)) == [[0, 10], [10, 21.999]])
    }

    @Test("a sound shorter than one clip is one clip, however short")
    func shortSound() throws {
        #expect(Self.bounds(try AudioClips.make(duration: 1.5)) == [[0, 1.5]])
        #expect(Self.bounds(try AudioClips.make(duration: 10)) == [[0, 10]])
        #expect(Self.bounds(try AudioClips.make(duration: 11.5)) == [[0, 11.5]])
    }

    @Test("a WAV of 0 s is refused: there is nothing to listen to")
    func emptySound() throws {
        let sound = try WaveSound(ParserFixtures.Wave(frames: 0, samples: []).data)
        #expect(sound.duration == 0)
        let error = #expect(throws: LabError.self) { try AudioClips.make(for: sound) }
        #expect(error?.code == "audio_no_sound")
    }

    @Test("clip length and overlap are configurable; the uncovered rest decides about the last clip")
    func overlap() throws {
        #expect(Self.bounds(try AudioClips.make(duration: 30, length: 10, overlap: 5)) == [[0, 10], [5, 15], [10, 20], [15, 25], [20, 30]])
        #expect(Self.bounds(try AudioClips.make(duration: 21, length: 10, overlap: 5)) == [[0, 10], [5, 15], [10, 21]])
        #expect(Self.bounds(try AudioClips.make(duration: 11.5, length: 5)) == [[0, 5], [5, 11.5]])
    }

    @Test("impossible settings are refused")
    func badSettings() {
        for (length, overlap) in [(0.0, 0.0), (10, 10), (10, -1), (.infinity, 0)] {
            let error = #expect(throws: LabError.self) { try AudioClips.make(duration: 60, length: length, overlap: overlap) }
            #expect(error?.code == "audio_clips_bad_settings")
        }
        let tooMany = #expect(throws: LabError.self) { try AudioClips.make(duration: 1e9, length: 1) }
        #expect(tooMany?.code == "audio_too_many_clips")
    }
}
