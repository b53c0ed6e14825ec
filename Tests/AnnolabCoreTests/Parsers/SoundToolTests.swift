// WAV files written by the real tools the lab meets (sox, espeak-ng) are read as those tools meant them.
import Foundation
import Testing
@testable import AnnolabCore

@Suite("WAV files from sox and espeak-ng")
struct SoundToolTests {
    struct SoxShape: Sendable, CustomTestStringConvertible {
        var encoding: String
        var bits: Int
        var channels: Int
        var rate: Int
        var testDescription: String { "sox \(encoding) \(bits)-bit, \(channels) ch, \(rate) Hz" }
    }

    // sox writes WAVE_FORMAT_EXTENSIBLE for more than 2 channels or more than 16 bits, and
    // adds a fact chunk for float: together these cover the shapes clients' tools write.
    static let soxShapes: [SoxShape] = [
        SoxShape(encoding: "unsigned-integer", bits: 8, channels: 1, rate: 8000),
        SoxShape(encoding: "signed-integer", bits: 16, channels: 2, rate: 44100),
        SoxShape(encoding: "signed-integer", bits: 24, channels: 2, rate: 48000),
        SoxShape(encoding: "signed-integer", bits: 32, channels: 1, rate: 22050),
        SoxShape(encoding: "floating-point", bits: 32, channels: 2, rate: 44100),
        SoxShape(encoding: "floating-point", bits: 64, channels: 1, rate: 16000),
        SoxShape(encoding: "signed-integer", bits: 16, channels: 6, rate: 48000),
        SoxShape(encoding: "signed-integer", bits: 24, channels: 3, rate: 8000),
    ]

    // Needs sox (apt-get install -y sox); .ci/run installs it so CI never skips this.
    @Test("sox WAV files read with sox's own length, and our slices read back in sox",
          .enabled(if: ParserTools.hasSox, "sox is not installed (apt-get install -y sox), so files written by sox cannot be tested"),
          arguments: soxShapes)
    func soxFiles(_ shape: SoxShape) throws {
        let folder = try ParserTools.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("sox.wav").path
        try ParserTools.run("sox", [
            "-n", "-r", "\(shape.rate)", "-e", shape.encoding, "-b", "\(shape.bits)", "-c", "\(shape.channels)",
            path, "synth", "2.5", "sine", "440", "vol", "0.5",
        ])
        let sound = try WaveSound(contentsOf: URL(fileURLWithPath: path))
        let soxSamples = String(decoding: try ParserTools.run("sox", ["--i", "-s", path]), as: UTF8.self)
        #expect(sound.frameCount == Int(soxSamples.trimmingCharacters(in: .whitespacesAndNewlines)))
        #expect(sound.duration == 2.5)
        #expect(sound.format.channelCount == shape.channels)
        #expect(sound.format.sampleRate == shape.rate)
        #expect(sound.format.bitsPerSample == shape.bits)
        #expect(sound.format.sampleKind == (shape.encoding == "floating-point" ? .float : shape.bits == 8 ? .unsignedInteger : .signedInteger))
        #expect(abs(sound.rootMeanSquare() - 0.3536) < 0.01)

        let clipPath = folder.appendingPathComponent("clip.wav")
        try sound.slice(from: 0.5, to: 2.0).write(to: clipPath)
        let clipSamples = String(decoding: try ParserTools.run("sox", ["--i", "-s", clipPath.path]), as: UTF8.self)
        #expect(Int(clipSamples.trimmingCharacters(in: .whitespacesAndNewlines)) == shape.rate * 3 / 2)
        // sox reads our clip and finds the same sound level in it.
        let stat = String(decoding: try ParserTools.run("sox", [clipPath.path, "-n", "stat"], errorOutput: true), as: UTF8.self)
        let soxRMS = stat.split(separator: "\n").first { $0.hasPrefix("RMS     amplitude:") }
            .flatMap { Double($0.split(separator: " ").last ?? "") }
        let clip = try WaveSound(contentsOf: clipPath)
        #expect(clip.duration == 1.5)
        #expect(abs(clip.rootMeanSquare() - 0.3536) < 0.01)
        #expect(abs(clip.rootMeanSquare() - (soxRMS ?? -1)) < 0.001)
    }

    // Needs espeak-ng (apt-get install -y espeak-ng); .ci/run installs it so CI never skips this.
    @Test("espeak-ng's streamed WAV (sizes unknown when written) reads to the end and is speech, not silence",
          .enabled(if: ParserTools.hasEspeak, "espeak-ng is not installed (apt-get install -y espeak-ng), so its streamed WAV cannot be tested"))
    func espeakStream() throws {
        let upload = try ParserTools.run("espeak-ng", ["-v", "nl", "--stdout", "Goedemorgen. Je pauze begint over vijf minuten."])
        let sound = try WaveSound(upload)
        #expect(sound.runsToEndOfFile)
        #expect(sound.frameCount == (upload.count - 44) / 2)
        #expect(sound.duration > 1.5)
        #expect(sound.rootMeanSquare() > 0.01)
        let clips = try AudioClips.make(for: sound, length: 1)
        for clip in clips {
            let piece = try WaveSound(sound.slice(from: clip.start, to: clip.end))
            #expect(!piece.runsToEndOfFile)
            #expect(abs(piece.duration - clip.duration) < 1.0 / Double(sound.format.sampleRate))
        }
    }
}
