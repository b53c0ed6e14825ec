// The web version, the sound and the limits of a run, checked by reading the results back with ffprobe.
import AnnolabCore
@testable import AnnolabMedia
import Foundation
import XCTest

final class VideoPreparationTests: XCTestCase {
    private var maker: VideoMaker!

    override func setUpWithError() throws {
        maker = try VideoMaker()
    }

    override func tearDown() {
        maker?.remove()
    }

    private func streams(_ file: URL) throws -> [[String: Any]] {
        try maker.ffprobe(file)["streams"] as? [[String: Any]] ?? []
    }

    func testAnMP4ThatPlaysInTheBrowserIsOnlyRemuxedWithItsIndexFirst() async throws {
        let source = try maker.make("original.mp4", ["-f", "lavfi", "-i", "testsrc2=s=640x360:r=25:d=4", "-f", "lavfi", "-i", "sine=d=4",
                                                      "-c:v", "libx264", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest"])
        XCTAssertEqual(try VideoMaker.topLevelBoxes(source).suffix(2), ["mdat", "moov"])
        let ffmpeg = FFmpeg()
        let probe = try await ffmpeg.probe(source)
        let target = maker.folder.appending(path: "programme.mp4")
        let reported = ProgressBox()
        try await ffmpeg.webVersion(of: source, probe: probe, to: target) { reported.add($0) }
        let boxes = try VideoMaker.topLevelBoxes(target)
        XCTAssertLessThan(try XCTUnwrap(boxes.firstIndex(of: "moov")), try XCTUnwrap(boxes.firstIndex(of: "mdat")))
        let result = try streams(target)
        XCTAssertEqual(result.compactMap { $0["codec_name"] as? String }, ["h264", "aac"])
        XCTAssertEqual(result.first?["width"] as? Int, 640, "a remux keeps the picture as it was")
        // A remux copies the packets, so the programme keeps its length.
        XCTAssertEqual(try maker.ffprobe(target)["format"].flatMap { ($0 as? [String: Any])?["duration"] as? String }.flatMap(Double.init) ?? 0,
                       probe.duration, accuracy: 0.05)
        XCTAssertEqual(reported.values.last, 1)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: maker.folder.path).sorted(), ["original.mp4", "programme.mp4"])
    }

    func testAWebMIsTranscodedToH264AtMost854By480() async throws {
        let source = try maker.make("original.webm", ["-f", "lavfi", "-i", "testsrc2=s=1280x720:r=25:d=3", "-f", "lavfi", "-i", "sine=d=3",
                                                       "-c:v", "libvpx-vp9", "-deadline", "realtime", "-cpu-used", "8",
                                                       "-c:a", "libopus", "-shortest"])
        let ffmpeg = FFmpeg()
        let probe = try await ffmpeg.probe(source)
        let target = maker.folder.appending(path: "programme.mp4")
        let reported = ProgressBox()
        try await ffmpeg.webVersion(of: source, probe: probe, to: target) { reported.add($0) }
        let result = try streams(target)
        XCTAssertEqual(result.compactMap { $0["codec_name"] as? String }, ["h264", "aac"])
        // 16:9 at 480 lines is 853.3 pixels wide: the even width below it.
        XCTAssertEqual(result.first?["width"] as? Int, 852)
        XCTAssertEqual(result.first?["height"] as? Int, 480)
        XCTAssertEqual(result.first?["pix_fmt"] as? String, "yuv420p")
        let boxes = try VideoMaker.topLevelBoxes(target)
        XCTAssertLessThan(try XCTUnwrap(boxes.firstIndex(of: "moov")), try XCTUnwrap(boxes.firstIndex(of: "mdat")))
        XCTAssertTrue(reported.values.allSatisfy { (0...1).contains($0) }, "\(reported.values)")
        XCTAssertEqual(reported.values.last, 1)
        let again = try await ffmpeg.probe(target)
        XCTAssertTrue(again.playsInBrowser)
    }

    func testAPortraitPictureKeepsItsShapeAndEvenSides() async throws {
        let source = try maker.make("original.mkv", ["-f", "lavfi", "-i", "testsrc2=s=721x1283:r=10:d=1", "-c:v", "ffv1"])
        let ffmpeg = FFmpeg()
        let target = maker.folder.appending(path: "programme.mp4")
        try await ffmpeg.webVersion(of: source, probe: try await ffmpeg.probe(source), to: target) { _ in }
        let video = try XCTUnwrap(try streams(target).first)
        let width = try XCTUnwrap(video["width"] as? Int), height = try XCTUnwrap(video["height"] as? Int)
        XCTAssertEqual(height, 480)
        XCTAssertEqual(width % 2, 0)
        XCTAssertEqual(Double(width) / Double(height), 721.0 / 1283.0, accuracy: 0.01)
    }

    func testASoundFileGetsAWebVersionOfAACAlone() async throws {
        let source = try maker.make("original.flac", ["-f", "lavfi", "-i", "sine=d=2", "-c:a", "flac"])
        let ffmpeg = FFmpeg()
        let target = maker.folder.appending(path: "programme.mp4")
        try await ffmpeg.webVersion(of: source, probe: try await ffmpeg.probe(source), to: target) { _ in }
        XCTAssertEqual(try streams(target).compactMap { $0["codec_name"] as? String }, ["aac"])
    }

    func testTheSoundIsA16kHzMonoWAVTheLabReads() async throws {
        let source = try maker.make("original.mkv", ["-f", "lavfi", "-i", "testsrc2=s=320x240:r=25:d=2",
                                                      "-f", "lavfi", "-i", "sine=frequency=1000:sample_rate=44100:duration=2",
                                                      "-ac", "2", "-c:v", "libx264", "-c:a", "aac"])
        let target = maker.folder.appending(path: "sound.wav")
        try await FFmpeg().sound(of: source, to: target)
        let wave = try WaveSound(contentsOf: target)
        XCTAssertEqual(wave.format.sampleRate, 16000)
        XCTAssertEqual(wave.format.channelCount, 1)
        XCTAssertEqual(wave.format.bitsPerSample, 16)
        XCTAssertEqual(wave.format.sampleKind, .signedInteger)
        XCTAssertEqual(wave.duration, 2, accuracy: 0.1)
    }

    func testAFailedRunSaysSoAndLeavesNoFile() async throws {
        let source = try maker.make("original.mp3", ["-f", "lavfi", "-i", "sine=d=1", "-c:a", "libmp3lame"])
        let target = maker.folder.appending(path: "subtitles.vtt")
        do {
            try await FFmpeg().subtitleTrack(of: source, stream: 0, to: target)
            XCTFail("a sound stream became subtitles")
        } catch let error as LabError {
            XCTAssertEqual(error.kind, .internalFailure)
            XCTAssertEqual(error.code.rawValue, "media_preparation_failed")
            XCTAssertTrue(error.message.hasPrefix("Making the subtitles failed."), error.message)
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: maker.folder.path), ["original.mp3"])
    }

    func testTheMemoryLimitHoldsEveryChild() async throws {
        let source = try maker.make("original.mp4", ["-f", "lavfi", "-i", "testsrc2=s=320x240:r=25:d=1", "-c:v", "libx264"])
        let probe = try await FFmpeg().probe(source)
        var limits = MediaLimits()
        limits.memoryBytes = 16 << 20  // less than ffmpeg's own libraries need
        do {
            try await FFmpeg(limits: limits).webVersion(of: source, probe: probe, to: maker.folder.appending(path: "programme.mp4")) { _ in }
            XCTFail("ffmpeg ran in 16 MB")
        } catch let error as LabError {
            XCTAssertEqual(error.code.rawValue, "media_preparation_failed")
        }
    }

    // MARK: Time limit and cancellation

    /// A programme that takes seconds to transcode here, under a name no other process has.
    private func slowProgramme() throws -> URL {
        try maker.make("slow-\(UUID().uuidString).mkv", ["-f", "lavfi", "-i", "testsrc2=s=1280x720:r=25:d=30",
                                                        "-c:v", "libx264", "-preset", "ultrafast", "-crf", "40"])
    }

    func testTheTimeLimitKillsALongRunAndLeavesNoFFmpeg() async throws {
        let source = try slowProgramme()
        var limits = MediaLimits()
        limits.workSeconds = 1
        let ffmpeg = FFmpeg(limits: limits)
        let probe = try await ffmpeg.probe(source)
        let target = maker.folder.appending(path: "programme.mp4")
        let started = ContinuousClock.now
        do {
            try await ffmpeg.webVersion(of: source, probe: probe, to: target) { _ in }
            XCTFail("a 30-second 720p transcode ended within one second")
        } catch let error as LabError {
            XCTAssertEqual(error.code.rawValue, "media_preparation_failed")
            XCTAssertEqual(error.message, "Making the web version took longer than the lab allows.")
        }
        XCTAssertLessThan(ContinuousClock.now - started, .seconds(5))
        XCTAssertFalse(try VideoMaker.processRunning(source.lastPathComponent))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: maker.folder.path), [source.lastPathComponent])
    }

    func testCancellingTheTaskKillsFFmpeg() async throws {
        let source = try slowProgramme()
        let ffmpeg = FFmpeg()
        let probe = try await ffmpeg.probe(source)
        let target = maker.folder.appending(path: "programme.mp4")
        let work = Task { try await ffmpeg.webVersion(of: source, probe: probe, to: target) { _ in } }
        try await Task.sleep(for: .milliseconds(700))
        XCTAssertTrue(try VideoMaker.processRunning(source.lastPathComponent), "ffmpeg should be at work")
        work.cancel()
        let result = await work.result
        XCTAssertThrowsError(try result.get()) { XCTAssertTrue($0 is CancellationError, "\($0)") }
        XCTAssertFalse(try VideoMaker.processRunning(source.lastPathComponent))
        XCTAssertFalse(FileManager.default.fileExists(atPath: target.path))
    }
}

/// Progress values as reported, from any thread.
final class ProgressBox: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [Double] = []

    func add(_ value: Double) { lock.withLock { stored.append(value) } }
    var values: [Double] { lock.withLock { stored } }
}
