// WAV uploads of every common shape are read, measured and cut into valid new WAV files.
import Foundation
import Testing
@testable import AnnolabCore

@Suite("Reading and cutting WAV sound")
struct WaveTests {
    typealias Wave = ParserFixtures.Wave

    struct Shape: Sendable, CustomTestStringConvertible {
        var kind: WaveFormat.SampleKind
        var bits: Int
        var channels: Int
        var sampleRate: Int
        var extensible = false
        var testDescription: String {
            "\(bits)-bit \(kind.rawValue), \(channels) ch, \(sampleRate) Hz\(extensible ? ", extensible" : "")"
        }
    }

    static let shapes: [Shape] = [
        Shape(kind: .unsignedInteger, bits: 8, channels: 1, sampleRate: 8000),
        Shape(kind: .signedInteger, bits: 16, channels: 2, sampleRate: 44100),
        Shape(kind: .signedInteger, bits: 24, channels: 2, sampleRate: 48000),
        Shape(kind: .signedInteger, bits: 32, channels: 1, sampleRate: 48000),
        Shape(kind: .float, bits: 32, channels: 2, sampleRate: 44100),
        Shape(kind: .float, bits: 64, channels: 1, sampleRate: 8000),
        Shape(kind: .signedInteger, bits: 16, channels: 6, sampleRate: 48000),
        Shape(kind: .signedInteger, bits: 24, channels: 6, sampleRate: 48000, extensible: true),
        Shape(kind: .float, bits: 32, channels: 2, sampleRate: 44100, extensible: true),
        Shape(kind: .unsignedInteger, bits: 8, channels: 1, sampleRate: 8000, extensible: true),
    ]

    @Test("every supported sample format reads with the right length and level", arguments: shapes)
    func formats(_ shape: Shape) throws {
        let frames = shape.sampleRate * 3 / 2   // 1.5 s
        let upload = Wave(
            kind: shape.kind, channels: shape.channels, sampleRate: shape.sampleRate, bits: shape.bits,
            extensible: shape.extensible, channelMask: shape.extensible ? 0x3F : 0, frames: frames
        ).data
        let sound = try WaveSound(upload)
        #expect(sound.format.sampleKind == shape.kind)
        #expect(sound.format.bitsPerSample == shape.bits)
        #expect(sound.format.channelCount == shape.channels)
        #expect(sound.format.sampleRate == shape.sampleRate)
        #expect(sound.format.isExtensible == shape.extensible)
        #expect(sound.frameCount == frames)
        #expect(sound.duration == 1.5)
        #expect(sound.sampleDataOffset == upload.count - frames * shape.channels * shape.bits / 8)
        #expect(!sound.runsToEndOfFile)
        // A sine of amplitude 0.5 has an RMS of 0.5 / sqrt(2) = 0.354 in channel 0.
        var sum = 0.0
        sound.forEachFrame(in: 0..<frames) { frame in sum += Double(frame[0]) * Double(frame[0]) }
        let rms = (sum / Double(frames)).squareRoot()
        #expect(abs(rms - 0.3536) < (shape.bits == 8 ? 0.01 : 0.001))
        // Channel c was written at amplitude 0.5 / (c + 1): the channels must not be mixed up.
        if shape.channels > 1 {
            let frame = 10
            let first = sound.sample(frame: frame, channel: 0)
            for channel in 1..<shape.channels {
                let expected = first / Float(channel + 1)
                #expect(abs(sound.sample(frame: frame, channel: channel) - expected) < 0.001)
            }
        }
    }

    @Test("the common sample rates give exact durations", arguments: [8000, 11025, 22050, 44100, 48000, 96000])
    func sampleRates(_ rate: Int) throws {
        let sound = try WaveSound(Wave(sampleRate: rate, frames: rate * 2, samples: [UInt8](repeating: 0, count: rate * 4)).data)
        #expect(sound.duration == 2.0)
    }

    @Test("samples scale to -1...1 at the extremes of each integer format")
    func scaling() throws {
        let eight = try WaveSound(Wave(kind: .unsignedInteger, bits: 8, samples: [0, 128, 255, 64]).data)
        #expect((0..<4).map { eight.sample(frame: $0, channel: 0) } == [-1, 0, 127.0 / 128, -0.5])
        let sixteen = try WaveSound(Wave(samples: [0x00, 0x80, 0xFF, 0x7F, 0x00, 0x00, 0x00, 0xC0]).data)
        #expect((0..<4).map { sixteen.sample(frame: $0, channel: 0) } == [-1, 32767.0 / 32768, 0, -0.5])
        let twentyFour = try WaveSound(Wave(bits: 24, samples: [0x00, 0x00, 0x80, 0xFF, 0xFF, 0x7F, 0x00, 0x00, 0x40]).data)
        #expect((0..<3).map { twentyFour.sample(frame: $0, channel: 0) } == [-1, Float(8_388_607) / 8_388_608, 0.5])
        let float = try WaveSound(Wave(kind: .float, bits: 32, samples: ParserFixtures.encode(2.0, bits: 32, kind: .float)
            + [0x00, 0x00, 0xC0, 0x7F] + ParserFixtures.encode(-0.25, bits: 32, kind: .float)).data)
        #expect((0..<3).map { float.sample(frame: $0, channel: 0) } == [1, 0, -0.25])
    }

    @Test("unknown chunks of odd size are skipped with their pad byte; LIST before fmt is fine")
    func chunkOrder() throws {
        var upload = Wave(frames: 100)
        upload.chunksBeforeFmt = [ParserFixtures.chunk("LIST", Array("INFOISFT\u{05}\0\0\0sox!\0".utf8))]
        upload.chunksBeforeData = [ParserFixtures.chunk("bext", [1, 2, 3]), ParserFixtures.chunk("JUNK", [UInt8](repeating: 0, count: 7))]
        upload.chunksAfterData = [ParserFixtures.chunk("id3 ", [9])]
        let sound = try WaveSound(upload.data)
        #expect(sound.frameCount == 100)
        #expect(sound.rootMeanSquare() > 0.3)
    }

    @Test("fmt after the data chunk is found too")
    func fmtAfterData() throws {
        let samples = ParserFixtures.sineSamples(frames: 80, channels: 1, sampleRate: 8000, bits: 16, kind: .signedInteger)
        let wave = Wave()
        var body = Array("WAVE".utf8) + ParserFixtures.chunk("data", samples) + ParserFixtures.chunk("fmt ", wave.fmtBody)
        body = Array("RIFF".utf8) + ParserFixtures.littleEndian(UInt64(body.count), bytes: 4) + body
        let sound = try WaveSound(Data(body))
        #expect(sound.frameCount == 80)
        #expect(sound.sampleDataOffset == 20)
    }

    @Test("an odd-sized data chunk of 8-bit sound keeps all its frames")
    func oddData() throws {
        var upload = Wave(kind: .unsignedInteger, bits: 8, frames: 101)
        upload.chunksAfterData = [ParserFixtures.chunk("LIST", Array("INFO".utf8))]
        let sound = try WaveSound(upload.data)
        #expect(sound.frameCount == 101)
    }

    @Test("streaming writers' sizes mean the sound runs to the end of the file", arguments: [
        (UInt32(0), UInt32?.none), (0xFFFF_FFFF, nil), (0x7FFF_F000, 0x7FFF_F024), (0xFFFF_FFFF, 0xFFFF_FFFF), (0, 0),
    ])
    func streamingSizes(_ dataSize: UInt32, _ riffSize: UInt32?) throws {
        var upload = Wave(frames: 1234)
        upload.dataSizeOverride = dataSize
        upload.riffSizeOverride = riffSize
        let sound = try WaveSound(upload.data)
        #expect(sound.frameCount == 1234)
        #expect(sound.runsToEndOfFile)
    }

    @Test("a streamed file cut mid-frame drops only the last partial frame")
    func streamingPartialFrame() throws {
        var upload = Wave(channels: 2, frames: 50)
        upload.dataSizeOverride = 0xFFFF_FFFF
        let sound = try WaveSound(upload.data + Data([1, 2, 3]))
        #expect(sound.frameCount == 50)
    }

    @Test("a streaming RIFF size excuses a data size larger than the file")
    func streamingRiff() throws {
        var upload = Wave(frames: 100)
        upload.dataSizeOverride = 1_000_000
        upload.riffSizeOverride = 0xFFFF_FFFF
        let sound = try WaveSound(upload.data)
        #expect(sound.frameCount == 100)
        #expect(sound.runsToEndOfFile)
    }

    @Test("an RF64 file takes its data size from the ds64 chunk")
    func rf64() throws {
        let samples = ParserFixtures.sineSamples(frames: 400, channels: 1, sampleRate: 8000, bits: 16, kind: .signedInteger)
        let ds64 = ParserFixtures.littleEndian(0, bytes: 8) + ParserFixtures.littleEndian(UInt64(samples.count - 2), bytes: 8)
            + ParserFixtures.littleEndian(399, bytes: 8) + ParserFixtures.littleEndian(0, bytes: 4)
        var body = Array("WAVE".utf8) + ParserFixtures.chunk("ds64", ds64) + ParserFixtures.chunk("fmt ", Wave().fmtBody)
        body += ParserFixtures.chunk("data", samples, declaredSize: 0xFFFF_FFFF)
        let file = Array("RF64".utf8) + ParserFixtures.littleEndian(0xFFFF_FFFF, bytes: 4) + body
        let sound = try WaveSound(Data(file))
        #expect(sound.isRF64)
        #expect(sound.frameCount == 399)
        #expect(!sound.runsToEndOfFile)
        let clip = try WaveSound(sound.slice(from: 0, to: 1))
        #expect(!clip.isRF64)
        #expect(clip.frameCount == 399)
    }

    @Test("a slice is a valid WAV file with exactly the frames asked for", arguments: shapes)
    func slice(_ shape: Shape) throws {
        let frames = shape.sampleRate * 2
        let sound = try WaveSound(Wave(
            kind: shape.kind, channels: shape.channels, sampleRate: shape.sampleRate, bits: shape.bits,
            extensible: shape.extensible, channelMask: shape.extensible ? 0x3F : 0, frames: frames
        ).data)
        let clipBytes = try sound.slice(from: 0.5, to: 1.75)
        let clip = try WaveSound(clipBytes)
        #expect(clip.duration == 1.25)
        #expect(clip.format == sound.format)
        #expect(abs(clip.rootMeanSquare() - sound.rootMeanSquare(frames: shape.sampleRate / 2..<shape.sampleRate * 7 / 4)) < 0.0001)
        // The RIFF size covers the whole file; the data chunk holds the frames (plus a pad byte).
        let riffSize = clipBytes.withUnsafeBytes { Int($0.loadUnaligned(fromByteOffset: 4, as: UInt32.self)) }
        #expect(riffSize == clipBytes.count - 8)
        let start = sound.sampleDataOffset + shape.sampleRate / 2 * sound.format.blockAlign
        #expect(clipBytes[clip.sampleDataOffset..<(clip.sampleDataOffset + clip.sampleDataByteCount)]
            == sound.fileData[start..<(start + clip.sampleDataByteCount)])
    }

    @Test("12-bit sound in 16-bit containers (plain header) keeps its valid bits through a slice")
    func twelveBit() throws {
        var upload = Wave(frames: 10)
        upload.fmtBodyOverride = { body in var b = body; b[14] = 12; return b }
        let sound = try WaveSound(upload.data)
        #expect(sound.format.bitsPerSample == 16)
        #expect(sound.format.validBitsPerSample == 12)
        let clip = try WaveSound(sound.slice(frames: 0..<5))
        #expect(clip.format == sound.format)
    }

    @Test("slicing an odd number of 8-bit frames pads the data chunk and still re-reads")
    func oddSlice() throws {
        let sound = try WaveSound(Wave(kind: .unsignedInteger, bits: 8, frames: 8000).data)
        let clipBytes = try sound.slice(frames: 0..<101)
        #expect(clipBytes.count % 2 == 0)
        #expect(try WaveSound(clipBytes).frameCount == 101)
    }

    @Test("a slice running past the end is cut back; one outside the sound is refused")
    func sliceBounds() throws {
        let sound = try WaveSound(ParserFixtures.monoWAV(seconds: 10))
        #expect(try WaveSound(sound.slice(from: 8, to: 12)).duration == 2)
        #expect(try sound.frameRange(from: 0, to: 10) == 0..<80000)
        let outside = #expect(throws: LabError.self) { try sound.slice(from: 11, to: 12) }
        #expect(outside?.code == "wave_slice_outside_sound")
        let backwards = #expect(throws: LabError.self) { try sound.slice(from: 5, to: 4) }
        #expect(backwards?.code == "wave_slice_bad_range")
        let notANumber = #expect(throws: LabError.self) { try sound.slice(from: .nan, to: 4) }
        #expect(notANumber?.code == "wave_slice_bad_range")
    }

    @Test("a file that is silent measures as silence")
    func silence() throws {
        let sound = try WaveSound(Wave(frames: 800, samples: [UInt8](repeating: 0, count: 1600)).data)
        #expect(sound.rootMeanSquare() == 0)
    }

    @Test("compressed WAV files are refused, saying which compression")
    func compressed() {
        let error = #expect(throws: LabError.self) { try WaveSound(Wave(formatTagOverride: 0x0055).data) }
        #expect(error?.code == "wave_compressed_audio")
        #expect(error?.message == "This WAV uses compressed audio (format 0x0055, MP3). Please upload PCM or float WAV.")
        let adpcm = #expect(throws: LabError.self) { try WaveSound(Wave(formatTagOverride: 0x0002).data) }
        #expect(adpcm?.message.contains("0x0002, Microsoft ADPCM") == true)
    }

    @Test("sample sizes Annolab cannot read are refused, saying the size")
    func unsupportedDepth() {
        let error = #expect(throws: LabError.self) { try WaveSound(Wave(kind: .float, bits: 16, samples: [0, 0]).data) }
        #expect(error?.code == "wave_unsupported_bit_depth")
        #expect(error?.message.contains("16-bit float") == true)
    }

    @Test("a file read from disk is the same as one read from memory")
    func fromDisk() throws {
        let folder = try ParserTools.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("programma.wav")
        try ParserFixtures.monoWAV(seconds: 3).write(to: url)
        let sound = try WaveSound(contentsOf: url)
        #expect(sound.duration == 3)
    }
}
