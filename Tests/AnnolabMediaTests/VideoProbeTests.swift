// Probing programmes made by ffmpeg: what is found in each container, and which files are refused.
import AnnolabCore
@testable import AnnolabMedia
import Foundation
import XCTest

final class VideoProbeTests: XCTestCase {
    private var maker: VideoMaker!

    override func setUpWithError() throws {
        maker = try VideoMaker()
    }

    override func tearDown() {
        maker?.remove()
    }

    private let picture = ["-f", "lavfi", "-i", "testsrc2=s=320x240:r=25:d=3"]
    private let tone = ["-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000:duration=3"]

    func testMP4WithH264AndAACPlaysInTheBrowser() async throws {
        let file = try maker.make("news.mp4", picture + tone + ["-c:v", "libx264", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest"])
        let probe = try await FFmpeg().probe(file)
        XCTAssertTrue(probe.format.contains("mp4"), probe.format)
        XCTAssertEqual(probe.duration, 3, accuracy: 0.1)
        XCTAssertEqual(probe.streamCount, 2)
        XCTAssertEqual(probe.video, VideoStream(codec: "h264", width: 320, height: 240, frameRate: 25, pixelFormat: "yuv420p"))
        XCTAssertEqual(probe.audio, AudioStream(codec: "aac", sampleRate: 48000, channels: 1))
        XCTAssertEqual(probe.subtitleStreams, [])
        XCTAssertTrue(probe.playsInBrowser)
        XCTAssertEqual(probe.frameNumber(at: 1.5), 38)
    }

    func testWebMWithVP9AndOpusIsTranscodedLater() async throws {
        let file = try maker.make("clip.webm", picture + tone + [
            "-c:v", "libvpx-vp9", "-deadline", "realtime", "-cpu-used", "8", "-c:a", "libopus", "-shortest",
        ])
        let probe = try await FFmpeg().probe(file)
        XCTAssertTrue(probe.format.contains("webm"), probe.format)
        XCTAssertEqual(probe.video?.codec, "vp9")
        XCTAssertEqual(probe.video?.frameRate, 25)
        XCTAssertEqual(probe.audio?.codec, "opus")
        XCTAssertEqual(probe.duration, 3, accuracy: 0.1)
        XCTAssertFalse(probe.playsInBrowser)
    }

    func testMKVWithASubripTrackGivesItsIndexAndItsWebVTT() async throws {
        let subtitles = try maker.write("talk.srt", "1\n00:00:00,500 --> 00:00:02,000\nGood evening.\n\n2\n00:00:02,100 --> 00:00:02,900\nThe news.\n")
        let file = try maker.make("talk.mkv", picture + tone + ["-i", subtitles.path, "-map", "0:v", "-map", "1:a", "-map", "2:s",
                                                                "-c:v", "libx264", "-c:a", "flac", "-c:s", "srt"])
        let probe = try await FFmpeg().probe(file)
        XCTAssertEqual(probe.subtitleStreams, [2])
        XCTAssertFalse(probe.playsInBrowser)
        let vtt = maker.folder.appending(path: "subtitles.vtt")
        try await FFmpeg().subtitleTrack(of: file, stream: 2, to: vtt)
        let text = try String(contentsOf: vtt, encoding: .utf8)
        XCTAssertTrue(text.hasPrefix("WEBVTT"), text)
        let cues = try WebVTT.parse(text)
        XCTAssertEqual(cues.map(\.start), [0.5, 2.1])
        XCTAssertEqual(cues.map(\.end), [2.0, 2.9])
        XCTAssertEqual(cues.map(\.plainText), ["Good evening.", "The news."])
    }

    func testCompressedSoundFilesHaveSoundAndNoPicture() async throws {
        let cases: [(name: String, codec: String, arguments: [String])] = [
            ("song.mp3", "mp3", ["-c:a", "libmp3lame"]),
            ("song.flac", "flac", ["-c:a", "flac"]),
            ("song.opus", "opus", ["-c:a", "libopus"]),
            ("song.ogg", "vorbis", ["-c:a", "libvorbis"]),
            ("song.aac", "aac", ["-c:a", "aac"]),
        ]
        for sample in cases {
            let file = try maker.make(sample.name, tone + sample.arguments)
            let probe = try await FFmpeg().probe(file)
            XCTAssertNil(probe.video, sample.name)
            XCTAssertEqual(probe.audio?.codec, sample.codec, sample.name)
            XCTAssertEqual(probe.audio?.channels, 1, sample.name)
            XCTAssertEqual(probe.duration, 3, accuracy: 0.15, sample.name)
            XCTAssertEqual(probe.frameNumber(at: 2), 0, sample.name)
            XCTAssertFalse(probe.playsInBrowser, sample.name)
        }
        // AAC in an MP4 box (M4A) plays as it is.
        let m4a = try maker.make("song.m4a", tone + ["-c:a", "aac"])
        let probe = try await FFmpeg().probe(m4a)
        XCTAssertEqual(probe.audio?.codec, "aac")
        XCTAssertTrue(probe.playsInBrowser)
    }

    func testAnMP3WithACoverPictureHasNoProgrammePicture() async throws {
        let cover = try maker.make("cover.png", ["-f", "lavfi", "-i", "smptebars=s=64x64", "-frames:v", "1"])
        let file = try maker.make("album.mp3", tone + ["-i", cover.path, "-map", "0:a", "-map", "1:v", "-c:a", "libmp3lame",
                                                        "-c:v", "png", "-disposition:v", "attached_pic"])
        let probe = try await FFmpeg().probe(file)
        XCTAssertNil(probe.video)
        XCTAssertEqual(probe.audio?.codec, "mp3")
        XCTAssertEqual(probe.streamCount, 2)
    }

    func testASlowSlideShowIsNotTakenForCutOff() async throws {
        // One picture every four seconds: the last second and a half holds no frame at all.
        let file = try maker.make("slides.mp4", ["-f", "lavfi", "-i", "testsrc2=s=320x240:r=0.25:d=12", "-c:v", "libx264"])
        let probe = try await FFmpeg().probe(file)
        XCTAssertEqual(try XCTUnwrap(probe.video?.frameRate), 0.25, accuracy: 0.001)
    }

    // MARK: Refusals

    private func assertRefused(_ file: URL, _ code: String, limits: MediaLimits = MediaLimits(),
                               line: UInt = #line) async -> String {
        do {
            let probe = try await FFmpeg(limits: limits).probe(file)
            XCTFail("\(file.lastPathComponent) was taken: \(probe)", line: line)
        } catch let error as LabError {
            XCTAssertEqual(error.kind, .unprocessable, line: line)
            XCTAssertEqual(error.code.rawValue, code, error.message, line: line)
            return error.message
        } catch {
            XCTFail("unexpected \(error)", line: line)
        }
        return ""
    }

    func testAnMP4CutOffBeforeItsIndexIsRefused() async throws {
        let whole = try maker.make("whole.mp4", ["-f", "lavfi", "-i", "testsrc2=s=320x240:r=25:d=4", "-c:v", "libx264"])
        let data = try Data(contentsOf: whole)
        XCTAssertEqual(try VideoMaker.topLevelBoxes(whole).suffix(2), ["mdat", "moov"])
        let cut = maker.folder.appending(path: "cut.mp4")
        try data.prefix(data.count / 2).write(to: cut)
        let message = await assertRefused(cut, "media_cut_off")
        XCTAssertEqual(message, "The file is cut off: its index is missing, so it cannot be played.")
    }

    func testAMatroskaFileCutOffAtTheEndIsRefused() async throws {
        let whole = try maker.make("whole.mkv", ["-f", "lavfi", "-i", "testsrc2=s=320x240:r=25:d=20", "-c:v", "libx264", "-g", "25"])
        let data = try Data(contentsOf: whole)
        let cut = maker.folder.appending(path: "cut.mkv")
        try data.prefix(data.count / 2).write(to: cut)
        _ = await assertRefused(cut, "media_cut_off")
    }

    func testATextFileNamedMP4IsRefused() async throws {
        let file = try maker.write("notes.mp4", "These are my notes about tonight's programme.\n")
        let message = await assertRefused(file, "media_unreadable")
        XCTAssertEqual(message, "The file is not a video or sound file the lab can read.")
    }

    func testAFileWithoutPictureOrSoundIsRefused() async throws {
        let subtitles = try maker.write("only.srt", "1\n00:00:00,500 --> 00:00:02,000\nNothing else.\n")
        let file = try maker.make("only-subtitles.mkv", ["-i", subtitles.path, "-c:s", "srt"])
        _ = await assertRefused(file, "media_no_streams")
    }

    func testAnMKVWithFortySoundTracksIsRefused() async throws {
        let maps = Array(repeating: ["-map", "0:a"], count: 40).flatMap { $0 }
        let file = try maker.make("forty.mkv", ["-f", "lavfi", "-t", "1", "-i", "anullsrc=r=8000:cl=mono"] + maps + ["-c:a", "pcm_u8"])
        let message = await assertRefused(file, "media_too_many_streams")
        XCTAssertEqual(message, "The file holds 40 streams; at most 16 are taken.")
    }

    func testAPictureWiderThanTheLimitIsRefused() async throws {
        let file = try maker.make("wide.mkv", ["-f", "lavfi", "-i", "color=c=red:s=8200x16", "-frames:v", "1", "-c:v", "ffv1"])
        let message = await assertRefused(file, "media_picture_too_large")
        XCTAssertTrue(message.hasPrefix("The picture is 8200 by 16 pixels"), message)
    }

    func testASixteenThousandPixelSquarePictureIsRefusedByItsSize() async throws {
        // ffmpeg cannot make a 16384x16384 picture, so an 8200x300 Matroska file is told it is one:
        // its PixelWidth (B0) and PixelHeight (BA) elements are rewritten in place.
        let made = try maker.make("made.mkv", ["-f", "lavfi", "-i", "color=c=red:s=8200x300", "-frames:v", "1", "-c:v", "ffv1"])
        var data = try Data(contentsOf: made)
        for element in [[0xB0, 0x82, 0x20, 0x08], [0xBA, 0x82, 0x01, 0x2C]] as [[UInt8]] {
            let found = try XCTUnwrap(data.firstRange(of: Data(element)), "no element \(element) in the Matroska header")
            data.replaceSubrange((found.lowerBound + 2)..<found.upperBound, with: [0x40, 0x00])
        }
        let huge = maker.folder.appending(path: "huge.mkv")
        try data.write(to: huge)
        let message = await assertRefused(huge, "media_picture_too_large")
        XCTAssertTrue(message.hasPrefix("The picture is 16384 by 16384 pixels"), message)
    }

    func testAPictureOfTooManyPixelsIsRefused() async throws {
        let file = try maker.make("square.mp4", ["-f", "lavfi", "-i", "color=c=red:s=400x400:d=1", "-c:v", "libx264"])
        var limits = MediaLimits()
        limits.maxPixels = 300 * 300
        _ = await assertRefused(file, "media_picture_too_large", limits: limits)
        limits.maxPixels = 400 * 400
        limits.maxSide = 399
        _ = await assertRefused(file, "media_picture_too_large", limits: limits)
        limits.maxSide = 400
        let probe = try await FFmpeg(limits: limits).probe(file)
        XCTAssertEqual(probe.video?.width, 400)
    }

    func testATwentyHourProgrammeIsRefused() async throws {
        // A sound track at the start and another twenty hours later: a 20-hour file of a few kilobytes.
        let file = try maker.make("marathon.mkv", ["-f", "lavfi", "-t", "1", "-i", "anullsrc=r=8000:cl=mono",
                                                    "-itsoffset", "71999", "-f", "lavfi", "-t", "1", "-i", "anullsrc=r=8000:cl=mono",
                                                    "-map", "0:a", "-map", "1:a", "-c:a", "pcm_u8"])
        let message = await assertRefused(file, "media_too_long")
        XCTAssertEqual(message, "The programme lasts 20 hours; at most 4 hours fit.")
    }

    func testAProgrammeLongerThanALowerLimitIsRefused() async throws {
        let file = try maker.make("three.mp3", tone + ["-c:a", "libmp3lame"])
        var limits = MediaLimits()
        limits.maxSeconds = 2
        let message = await assertRefused(file, "media_too_long", limits: limits)
        XCTAssertEqual(message, "The programme lasts 3 seconds; at most 2 seconds fit.")
    }

    func testNamesThatLookLikeOptionsOrProtocolsAreReadAsFiles() async throws {
        let file = try maker.make("news.mp4", picture + ["-c:v", "libx264"])
        for name in ["-i evil;rm -rf.mp4", "http:x.mp4", "$(touch pwned) `x` 'q'.mp4"] {
            let renamed = maker.folder.appending(path: name)
            try FileManager.default.copyItem(at: file, to: renamed)
            let probe = try await FFmpeg().probe(renamed)
            XCTAssertEqual(probe.video?.codec, "h264", name)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: maker.folder.appending(path: "pwned").path))
    }
}
