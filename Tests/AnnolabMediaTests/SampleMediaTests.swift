// The lab's own sample media are complete, deterministic, and their right answers are true to the pixel and the second.

import AnnolabCore
import Foundation
import Testing

@testable import AnnolabMedia

/// Reads the samples of a mono 16-bit WAV written by the sample set.
func wavSamples(_ data: Data) throws -> (rate: Int, samples: [Double]) {
    let bytes = [UInt8](data)
    try #require(bytes.count >= 44 && bytes[0..<4].elementsEqual("RIFF".utf8) && bytes[36..<40].elementsEqual("data".utf8))
    let rate = Int(bytes[24]) | Int(bytes[25]) << 8 | Int(bytes[26]) << 16
    let size = Int(bytes[40]) | Int(bytes[41]) << 8 | Int(bytes[42]) << 16 | Int(bytes[43]) << 24
    try #require(size == bytes.count - 44)
    let samples = stride(from: 44, to: bytes.count - 1, by: 2).map {
        Double(Int16(bitPattern: UInt16(bytes[$0]) | UInt16(bytes[$0 + 1]) << 8)) / 32768
    }
    return (rate, samples)
}

func rms(_ samples: ArraySlice<Double>) -> Double {
    samples.isEmpty ? 0 : (samples.reduce(0) { $0 + $1 * $1 } / Double(samples.count)).squareRoot()
}

/// One sample set, written once for the tests that only read it (writing takes seconds in debug
/// builds), into a fixed folder that each run overwrites instead of leaving copies behind.
let sharedSampleSet: Result<(folder: URL, manifest: SampleMedia.Manifest), LabError> = {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("annolab-sample-media-tests")
    do {
        return .success((folder, try SampleMedia.write(to: folder, speech: false)))
    } catch let error as LabError {
        return .failure(error)
    } catch {
        return .failure(LabError(.internalFailure, "test", "\(error)"))
    }
}()

@Suite("The sample media set for the demo lab and the tests")
struct SampleMediaTests {
    @Test("the sample pictures' boxes are exactly where the objects are drawn")
    func boxesAreExact() throws {
        for picture in SampleMedia.pictures() {
            let width = picture.image.width, height = picture.image.height
            let background = SampleMedia.street(width: width, height: height, seed: picture.backgroundSeed)
            // Which pixels the objects changed, compared with the bare street.
            var changed = [Bool](repeating: false, count: width * height)
            picture.image.pixels.withUnsafeBufferPointer { drawn in
                background.pixels.withUnsafeBufferPointer { street in
                    for p in 0..<(width * height) {
                        let i = p * 4
                        changed[p] = drawn[i] != street[i] || drawn[i + 1] != street[i + 1] || drawn[i + 2] != street[i + 2]
                    }
                }
            }
            for box in picture.boxes {
                // The bounding box of changed pixels near this box must be the box itself.
                let search = PixelRect(x: box.rect.x - 3, y: box.rect.y - 3, width: box.rect.width + 6, height: box.rect.height + 6)
                    .intersection(picture.image.bounds)
                var minX = Int.max, minY = Int.max, maxX = Int.min, maxY = Int.min
                for y in search.y..<search.maxY {
                    for x in search.x..<search.maxX where changed[y * width + x] {
                        minX = min(minX, x); maxX = max(maxX, x); minY = min(minY, y); maxY = max(maxY, y)
                    }
                }
                let found = PixelRect(x: minX, y: minY, width: maxX - minX + 1, height: maxY - minY + 1)
                #expect(found == box.rect, "\(picture.file) \(box.label)")
            }
            // Nothing else was drawn: every changed pixel lies in a box.
            var stray = 0
            for p in changed.indices where changed[p] {
                let x = p % width, y = p / width
                if !picture.boxes.contains(where: { x >= $0.rect.x && x < $0.rect.maxX && y >= $0.rect.y && y < $0.rect.maxY }) { stray += 1 }
            }
            #expect(stray == 0, "\(picture.file)")
        }
    }

    @Test("writing the set gives pictures, subtitles and sounds that match the manifest")
    func writeSet() throws {
        let (folder, manifest) = try sharedSampleSet.get()

        #expect(manifest.images.map(\.file) == ["street-01.png", "street-02.png", "street-03.png", "street-04.png", "large-3000x2000.png"])
        #expect(manifest.images[2].boxes.isEmpty, "one picture has nothing to box")
        for image in manifest.images {
            let header = try PNGImage.readHeader(try Data(contentsOf: folder.appendingPathComponent(image.file)))
            #expect(header.width == image.width && header.height == image.height)
        }
        let large = try #require(manifest.images.last)
        #expect(ImageTiling().tiles(width: large.width, height: large.height).count == 12)
        #expect(Set(manifest.images.flatMap(\.boxes).map(\.label)) == ["car", "person", "bicycle"])

        let srt = try String(contentsOf: folder.appendingPathComponent("news.srt"), encoding: .utf8)
        #expect(srt.components(separatedBy: " --> ").count - 1 == 12)
        #expect(srt.contains("autmobilisten"), "the misspelling is in the file")
        #expect(srt.contains("00:00:24,900 --> 00:00:27,400"), "the late cue is late")
        let verdicts = manifest.subtitles.cues.map(\.verdict)
        #expect(verdicts.filter { $0 == "correct" }.count == 8)
        #expect(Set(verdicts) == ["correct", "text-error", "timing-error", "missing-speech"])
        for cue in manifest.subtitles.cues {
            #expect((cue.text == cue.spoken) == (cue.verdict == "correct" || cue.verdict == "timing-error"))
            #expect((abs(cue.start - cue.speechStart) > 1) == (cue.verdict == "timing-error"))
        }

        let decoded = try JSONDecoder().decode(SampleMedia.Manifest.self,
                                               from: try Data(contentsOf: folder.appendingPathComponent("manifest.json")))
        #expect(decoded == manifest)
        #expect(manifest.spokenPrompt == nil && manifest.subtitles.spokenWavFile == nil)
    }

    @Test("the programme sound has a voice where the cues are spoken and quiet in between")
    func programmeSound() throws {
        let (folder, manifest) = try sharedSampleSet.get()
        let (rate, samples) = try wavSamples(try Data(contentsOf: folder.appendingPathComponent("news.wav")))
        #expect(rate == 16_000)
        let cues = manifest.subtitles.cues
        #expect(Double(samples.count) / Double(rate) >= cues.last!.speechEnd)
        for (cue, next) in zip(cues, cues.dropFirst()) {
            let voice = rms(samples[Int(cue.speechStart * 16_000)..<Int(cue.speechEnd * 16_000)])
            let gap = rms(samples[Int((cue.speechEnd + 0.1) * 16_000)..<Int((next.speechStart - 0.1) * 16_000)])
            #expect(voice > 0.05 && gap < voice / 10, "cue \(cue.index)")
        }
    }

    @Test("the tagged sounds are loud, noisy or silent exactly where their tags say")
    func taggedSounds() throws {
        let (folder, manifest) = try sharedSampleSet.get()
        #expect(manifest.sounds.map(\.file) == ["tone-440.wav", "tones.wav", "white-noise.wav", "silence.wav", "mix.wav"])
        for sound in manifest.sounds {
            let (rate, samples) = try wavSamples(try Data(contentsOf: folder.appendingPathComponent(sound.file)))
            #expect(rate == sound.sampleRate)
            #expect(abs(Double(samples.count) / Double(rate) - sound.seconds) < 0.001)
            #expect(sound.parts.last?.end == sound.seconds)
            for part in sound.parts {
                let level = rms(samples[Int(part.start * Double(rate))..<Int(part.end * Double(rate))])
                if part.tags == ["silence"] { #expect(level == 0, "\(sound.file) \(part)") } else { #expect(level > 0.04, "\(sound.file) \(part)") }
            }
        }
        // A 440 Hz tone crosses zero 880 times a second.
        let (_, tone) = try wavSamples(try Data(contentsOf: folder.appendingPathComponent("tone-440.wav")))
        let crossings = zip(tone, tone.dropFirst()).prefix(16_000).filter { ($0 < 0) != ($1 < 0) }.count
        #expect(abs(crossings - 880) <= 2)
    }

    @Test("the sample set is the same, byte for byte, every time it is written")
    func deterministic() throws {
        let first = try sharedSampleSet.get().folder, second = try scratchFolder()
        defer { try? FileManager.default.removeItem(at: second) }
        try SampleMedia.write(to: second, speech: false)
        let files = try FileManager.default.contentsOfDirectory(atPath: first.path).sorted()
        #expect(files.count == 5 + 2 + 5 + 1)
        for file in files {
            #expect(try Data(contentsOf: first.appendingPathComponent(file)) == Data(contentsOf: second.appendingPathComponent(file)), "\(file)")
        }
    }

    @Test("with espeak-ng installed, the bulletin and a prompt are also spoken in Dutch",
          .enabled(if: SampleSpeech.espeakPath() != nil, "espeak-ng is not installed: apt-get install -y espeak-ng"))
    func spokenFiles() throws {
        let folder = try scratchFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let manifest = try SampleMedia.write(to: folder)
        let spoken = try #require(manifest.subtitles.spokenWavFile)
        let prompt = try #require(manifest.spokenPrompt)
        let (rate, samples) = try wavSamples(try Data(contentsOf: folder.appendingPathComponent(spoken)))
        #expect(rate == 22_050)
        let first = manifest.subtitles.cues[0]
        #expect(rms(samples[Int(first.speechStart * 22_050)..<Int((first.speechStart + 1.5) * 22_050)]) > 0.01)
        #expect(rms(samples[0..<Int(0.9 * 22_050)]) < 0.001, "silence before the first cue")
        let promptData = try Data(contentsOf: folder.appendingPathComponent(prompt))
        #expect(promptData.count > 10_000 && promptData.prefix(4).elementsEqual("RIFF".utf8))
    }
}
