// Broken and hostile uploads are refused with a specific, plain error, never a crash or a hang.
import Foundation
import Testing
@testable import AnnolabCore

@Suite("Broken and hostile uploads")
struct HostileUploadTests {
    typealias Wave = ParserFixtures.Wave

    enum Parser: String, Sendable {
        case subRip, webVTT, wave
    }

    struct BrokenUpload: Sendable, CustomTestStringConvertible {
        var story: String
        var parser: Parser
        var bytes: Data
        var code: LabError.Code
        var testDescription: String { story }
    }

    static let corpus: [BrokenUpload] = {
        let goodWAV = Wave(frames: 100).data
        var uploads: [BrokenUpload] = [
            BrokenUpload(story: "an empty subtitle file", parser: .subRip, bytes: Data(), code: "subtitle_empty"),
            BrokenUpload(story: "a subtitle file of blank lines", parser: .webVTT, bytes: Data("\r\n \n\t\n".utf8), code: "subtitle_empty"),
            BrokenUpload(story: "garbage in a timestamp", parser: .subRip,
                         bytes: Data("1\n00:00:01,000 --> 00:00:02,000\nGoed\n\n2\n00:00:0?,000 --> 00:00:05,000\nFout\n".utf8), code: "subtitle_bad_time"),
            BrokenUpload(story: "a cue that ends before it starts", parser: .subRip,
                         bytes: Data("1\n00:00:05,000 --> 00:00:04,999\nTerug\n".utf8), code: "subtitle_end_before_start"),
            BrokenUpload(story: "a WebVTT file without its WEBVTT line", parser: .webVTT,
                         bytes: Data("00:01.000 --> 00:02.000\nHoi\n".utf8), code: "webvtt_missing_header"),
            BrokenUpload(story: "binary junk uploaded as subtitles", parser: .subRip,
                         bytes: Data((0..<600).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ ($0 >> 3)) }), code: "text_binary_data"),
            BrokenUpload(story: "text without any cue", parser: .subRip, bytes: Data("Hallo\nwereld\n".utf8), code: "subtitle_no_cues"),
            BrokenUpload(story: "one endless line (a minified or non-subtitle file)", parser: .subRip,
                         bytes: Data(String(repeating: "a", count: 20_000).utf8), code: "subtitle_line_too_long"),
            BrokenUpload(story: "extremely many tiny cues", parser: .subRip,
                         bytes: Data(String(repeating: "0:0:0,0 --> 0:0:0,1\n", count: SubtitleParsing.maximumCueCount + 1).utf8),
                         code: "subtitle_too_many_cues"),
            BrokenUpload(story: "a WAV header cut off after 8 bytes", parser: .wave, bytes: goodWAV.prefix(8), code: "wave_too_short"),
            BrokenUpload(story: "a WAV cut off inside its fmt chunk", parser: .wave, bytes: goodWAV.prefix(30), code: "wave_fmt_cut_off"),
            BrokenUpload(story: "a PNG uploaded as sound", parser: .wave,
                         bytes: Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]), code: "wave_not_riff"),
            BrokenUpload(story: "a WAV whose data chunk claims more than the file holds", parser: .wave,
                         bytes: { var w = Wave(frames: 100); w.dataSizeOverride = 100_000; return w.data }(), code: "wave_cut_off"),
            BrokenUpload(story: "a WAV whose data was cut off in the middle", parser: .wave, bytes: goodWAV.prefix(goodWAV.count - 10), code: "wave_cut_off"),
            BrokenUpload(story: "an fmt chunk too short to describe anything", parser: .wave, bytes: Wave(fmtBodyLength: 14).data, code: "wave_fmt_too_short"),
            BrokenUpload(story: "a WAV with zero channels", parser: .wave, bytes: Wave(channelsOverride: 0).data, code: "wave_no_channels"),
            BrokenUpload(story: "a WAV with a sample rate of zero", parser: .wave, bytes: Wave(sampleRate: 0, samples: [0, 0]).data, code: "wave_no_sample_rate"),
            BrokenUpload(story: "a WAV whose block align lies", parser: .wave, bytes: Wave(channels: 2, blockAlignOverride: 3).data, code: "wave_block_align_mismatch"),
            BrokenUpload(story: "a chunk claiming nearly 4 GB before the sound", parser: .wave,
                         bytes: { var w = Wave(frames: 10); w.chunksBeforeFmt = [ParserFixtures.chunk("LIST", [1, 2, 3, 4], declaredSize: 0xFFFF_FFF7)]; return w.data }(),
                         code: "wave_chunk_too_long"),
            BrokenUpload(story: "a WAV with no data chunk", parser: .wave,
                         bytes: Data(Array("RIFF".utf8) + ParserFixtures.littleEndian(28, bytes: 4) + Array("WAVE".utf8) + ParserFixtures.chunk("fmt ", Wave().fmtBody)),
                         code: "wave_no_data"),
            BrokenUpload(story: "a WAV with no fmt chunk", parser: .wave,
                         bytes: Data(Array("RIFF".utf8) + ParserFixtures.littleEndian(16, bytes: 4) + Array("WAVE".utf8) + ParserFixtures.chunk("data", [0, 0, 0, 0])),
                         code: "wave_no_fmt"),
            BrokenUpload(story: "an MP3 inside a WAV", parser: .wave, bytes: Wave(formatTagOverride: 0x0055).data, code: "wave_compressed_audio"),
            BrokenUpload(story: "an extensible WAV with a short description", parser: .wave,
                         bytes: Wave(extensible: true, fmtBodyLength: 30).data, code: "wave_extensible_too_short"),
            BrokenUpload(story: "12-bit float samples", parser: .wave, bytes: Wave(kind: .float, bits: 12, samples: [0, 0]).data, code: "wave_unsupported_bit_depth"),
            BrokenUpload(story: "a big-endian RIFX file", parser: .wave, bytes: { var w = Wave(); w.magic = "RIFX"; return w.data }(), code: "wave_big_endian"),
        ]
        var unknownGUID = Array(Wave(extensible: true).data)
        unknownGUID[20 + 26] = 0x01   // a sub-format GUID that is not the PCM/float family
        uploads.append(BrokenUpload(story: "an extensible WAV with an unknown sub-format", parser: .wave, bytes: Data(unknownGUID), code: "wave_unsupported_format"))
        return uploads
    }()

    static func parse(_ upload: BrokenUpload) throws {
        switch upload.parser {
        case .subRip: _ = try SubRip.parse(upload.bytes)
        case .webVTT: _ = try WebVTT.parse(upload.bytes)
        case .wave: _ = try WaveSound(upload.bytes)
        }
    }

    @Test("each broken upload is refused with its own code and a plain sentence", arguments: corpus)
    func refused(_ upload: BrokenUpload) {
        let error = #expect(throws: LabError.self) { try Self.parse(upload) }
        #expect(error?.code == upload.code)
        #expect(error?.kind == .unprocessable)
        // A sentence for a person: starts with a capital, ends with a full stop, no internals.
        #expect(error?.message.first?.isUppercase == true)
        #expect(error?.message.hasSuffix(".") == true)
    }

    @Test("the broken uploads cover at least twelve different failures")
    func corpusIsVaried() {
        #expect(Set(Self.corpus.map(\.code)).count >= 12)
    }

    /// A small, reproducible pseudo-random generator, so a failure here can be replayed.
    struct SplitMix: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static func mutate(_ bytes: [UInt8], using random: inout SplitMix) -> [UInt8] {
        var out = bytes
        for _ in 0..<Int.random(in: 1...8, using: &random) {
            switch Int.random(in: 0..<4, using: &random) {
            case 0 where !out.isEmpty:
                out[Int.random(in: 0..<out.count, using: &random)] = UInt8.random(in: 0...255, using: &random)
            case 1 where !out.isEmpty:
                out.removeSubrange(Int.random(in: 0..<out.count, using: &random)...)
            case 2:
                let at = Int.random(in: 0...out.count, using: &random)
                out.insert(contentsOf: [0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x2D, 0x2D, 0x3E, 0x0A, 0x3A].shuffled(using: &random).prefix(4), at: at)
            default:
                if out.count > 8 {
                    let a = Int.random(in: 0..<out.count, using: &random), b = Int.random(in: 0..<out.count, using: &random)
                    out.swapAt(a, b)
                }
            }
        }
        return out
    }

    @Test("thousands of damaged variants of good files either read or are refused, never crash")
    func mutations() throws {
        var random = SplitMix(state: 20260101)
        let srt = Array(SubRipTests.journaal.utf8)
        let vtt = Array(WebVTTTests.streamingFile.utf8)
        let wav = Array(Wave(kind: .float, channels: 2, bits: 32, extensible: true, frames: 40).data)
        var refused = 0, read = 0
        for _ in 0..<1500 {
            for (parser, seed) in [(Parser.subRip, srt), (.webVTT, vtt), (.wave, wav)] {
                let bytes = Data(Self.mutate(seed, using: &random))
                do {
                    switch parser {
                    case .subRip:
                        let cues = try SubRip.parse(bytes)
                        #expect(cues.allSatisfy { $0.end >= $0.start })
                    case .webVTT:
                        _ = try WebVTT.parse(bytes)
                    case .wave:
                        let sound = try WaveSound(bytes)
                        if sound.frameCount > 0 {
                            let clip = try WaveSound(sound.slice(frames: 0..<sound.frameCount))
                            #expect(clip.frameCount == sound.frameCount)
                        }
                    }
                    read += 1
                } catch is LabError {
                    refused += 1
                }
            }
        }
        // Both outcomes must occur, or the mutations are not exercising anything.
        #expect(read > 100)
        #expect(refused > 100)
    }
}
