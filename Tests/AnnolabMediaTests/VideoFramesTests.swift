// Thumbnail candidates and keyframes on a programme of known shots: cuts found, black and repeats left out.
import AnnolabCore
@testable import AnnolabMedia
import Foundation
import XCTest

final class VideoFramesTests: XCTestCase {
    private var maker: VideoMaker!

    override func setUpWithError() throws {
        maker = try VideoMaker()
    }

    override func tearDown() {
        maker?.remove()
    }

    /// Six shots of 3 seconds with hard cuts: the test picture, black, SMPTE bars, Mandelbrot,
    /// the same SMPTE bars again, and a picture of colour gradients blurred out of focus.
    private func programme() throws -> URL {
        let shots = ["testsrc2", "color=c=black", "smptebars", "mandelbrot", "smptebars", "yuvtestsrc"]
        var arguments: [String] = []
        for shot in shots { arguments += ["-f", "lavfi", "-t", "3", "-i", shot + (shot.contains("=") ? ":" : "=") + "s=640x360:r=25"] }
        let inputs = (0..<shots.count).map { "[\($0):v]" }.joined()
        arguments += ["-filter_complex", "[5:v]gblur=sigma=6[soft];" + inputs.replacingOccurrences(of: "[5:v]", with: "[soft]")
                      + "concat=n=\(shots.count):v=1:a=0,format=yuv420p[v]",
                      "-map", "[v]", "-c:v", "libx264", "-preset", "veryfast", "-g", "250"]
        return try maker.make("shots.mp4", arguments)
    }

    private func shot(at time: Double) -> Int { Int(time / 3) }

    func testThumbnailCandidatesLeaveOutBlackBlurredAndRepeatedShots() async throws {
        let source = try programme()
        let ffmpeg = FFmpeg()
        let probe = try await ffmpeg.probe(source)
        XCTAssertEqual(probe.duration, 18, accuracy: 0.1)
        let folder = maker.folder.appending(path: "frames")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let frames = try await ffmpeg.thumbnailCandidates(of: source, probe: probe, into: folder, count: 8)
        let shots = frames.map { shot(at: $0.time) }
        XCTAssertFalse(shots.contains(1), "a black frame: \(frames)")
        XCTAssertFalse(shots.contains(5), "a blurred frame: \(frames)")
        XCTAssertEqual(shots.filter { $0 == 2 || $0 == 4 }.count, 1, "the bars once: \(frames)")
        XCTAssertTrue(shots.contains(0) && shots.contains(3), "the test picture and Mandelbrot: \(frames)")
        XCTAssertEqual(frames.map(\.time), frames.map(\.time).sorted())
        for frame in frames {
            XCTAssertEqual(frame.file, String(format: "frame-%06d.jpg", frame.frame))
            XCTAssertEqual(frame.frame, probe.frameNumber(at: frame.time))
            XCTAssertEqual(frame.width, 640)
            XCTAssertEqual(frame.height, 360)
            let size = try ImageProbe.read(Data(contentsOf: folder.appending(path: frame.file)))
            XCTAssertEqual(size, ImageProbe(format: .jpeg, width: 640, height: 360))
        }
        // Frames at the cuts are the first of their shot.
        XCTAssertTrue(frames.contains { abs($0.time - 9) < 0.05 }, "the cut to Mandelbrot: \(frames)")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted(), frames.map(\.file))
    }

    func testFewerCandidatesAreReturnedWhenFewerAreAskedFor() async throws {
        let source = try programme()
        let ffmpeg = FFmpeg()
        let probe = try await ffmpeg.probe(source)
        let frames = try await ffmpeg.thumbnailCandidates(of: source, probe: probe, into: maker.folder, count: 2)
        XCTAssertEqual(frames.count, 2)
    }

    func testKeyframesFallAtCutsAndNeverFurtherApartThanTheGap() async throws {
        let source = try programme()
        let ffmpeg = FFmpeg()
        let probe = try await ffmpeg.probe(source)
        let folder = maker.folder.appending(path: "keyframes")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let frames = try await ffmpeg.keyframes(of: source, probe: probe, into: folder, maxGap: 2)
        let times = frames.map(\.time)
        XCTAssertEqual(times, times.sorted())
        XCTAssertEqual(Set(frames.map(\.frame)).count, frames.count)
        XCTAssertEqual(try XCTUnwrap(times.first), 0, accuracy: 0.05)
        for (earlier, later) in zip(times, times.dropFirst()) {
            XCTAssertLessThanOrEqual(later - earlier, 2 + 1e-6, "\(times)")
        }
        XCTAssertGreaterThanOrEqual(try XCTUnwrap(times.last), probe.duration - 2)
        for cut in [3.0, 6.0, 9.0, 12.0, 15.0] {
            XCTAssertTrue(times.contains { abs($0 - cut) < 0.05 }, "no frame at the cut at \(cut) s: \(times)")
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted(), frames.map(\.file))
    }

    /// Real footage: Big Buck Bunny (Tasks/samples, CC BY 3.0 Blender Foundation), one 5.3-second
    /// shot of 1280x720 H.264 with its index at the end.
    private var bigBuckBunny: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appending(path: "Tasks/samples/bigbuckbunny.mp4")
    }

    func testRealFootageOffersSeveralDifferentSharpFrames() async throws {
        let ffmpeg = FFmpeg()
        let probe = try await ffmpeg.probe(bigBuckBunny)
        XCTAssertTrue(probe.playsInBrowser)
        XCTAssertEqual(probe.video?.width, 1280)
        let frames = try await ffmpeg.thumbnailCandidates(of: bigBuckBunny, probe: probe, into: maker.folder, count: 4)
        XCTAssertGreaterThanOrEqual(frames.count, 3, "a choice needs three pictures: \(frames)")
        XCTAssertLessThanOrEqual(frames.count, 4)
        for frame in frames {
            XCTAssertEqual(frame.width, 852)
            XCTAssertEqual(frame.height, 480)
            XCTAssertTrue((0..<probe.duration).contains(frame.time))
        }
        // Spread over the shot, not bunched at its start.
        XCTAssertGreaterThan(try XCTUnwrap(frames.last?.time) - (frames.first?.time ?? 0), 2)
    }

    func testAProgrammeWithoutPictureHasNoFrames() async throws {
        let source = try maker.make("sound.mp3", ["-f", "lavfi", "-i", "sine=d=2", "-c:a", "libmp3lame"])
        let ffmpeg = FFmpeg()
        let probe = try await ffmpeg.probe(source)
        do {
            _ = try await ffmpeg.keyframes(of: source, probe: probe, into: maker.folder, maxGap: 2)
            XCTFail("frames from sound")
        } catch let error as LabError {
            XCTAssertEqual(error.code.rawValue, "media_no_picture")
        }
    }
}
