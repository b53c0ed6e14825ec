// Programmes made by ffmpeg's own test sources for the video tests, in a folder of their own.
@testable import AnnolabMedia
import AnnolabCore
import Foundation
import XCTest

/// Makes test programmes with ffmpeg (testsrc2, sine, anullsrc, ...) in a fresh temporary folder.
struct VideoMaker {
    let folder: URL

    init() throws {
        guard FFmpeg.isInstalled else { throw XCTSkip("ffmpeg and ffprobe are not installed") }
        folder = FileManager.default.temporaryDirectory.appending(path: "annolab-video-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    func remove() {
        try? FileManager.default.removeItem(at: folder)
    }

    /// Runs ffmpeg with `arguments` (inputs and options) and writes `name` in the folder.
    @discardableResult
    func make(_ name: String, _ arguments: [String]) throws -> URL {
        let target = folder.appending(path: name)
        let result = try Self.run("/usr/bin/ffmpeg", ["-nostdin", "-hide_banner", "-v", "error"] + arguments + ["-y", target.path])
        XCTAssertEqual(result.status, 0, "ffmpeg failed making \(name): \(result.error)")
        return target
    }

    /// A text file in the folder.
    func write(_ name: String, _ text: String) throws -> URL {
        let target = folder.appending(path: name)
        try Data(text.utf8).write(to: target)
        return target
    }

    /// ffprobe's JSON of a file's streams and format, read independently of `FFmpeg.probe`.
    func ffprobe(_ file: URL) throws -> [String: Any] {
        let result = try Self.run("/usr/bin/ffprobe", ["-v", "error", "-print_format", "json", "-show_format", "-show_streams", file.path])
        return (try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any]) ?? [:]
    }

    static func run(_ program: String, _ arguments: [String]) throws -> (status: Int32, output: String, error: String) {
        let process = ChildProcess()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = arguments
        let output = Pipe(), error = Pipe()
        process.standardOutput = output
        process.standardError = error
        try process.run()
        let outData = output.fileHandleForReading.readDataToEndOfFile()
        let errData = error.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: outData, as: UTF8.self), String(decoding: errData, as: UTF8.self))
    }

    /// True while any process's command line contains `text` (`pgrep -f`).
    static func processRunning(_ text: String) throws -> Bool {
        try run("/usr/bin/pgrep", ["-f", text]).status == 0
    }

    /// The top-level boxes of an MP4, in order (`ftyp`, `moov`, `mdat`, ...).
    static func topLevelBoxes(_ file: URL) throws -> [String] {
        let data = try Data(contentsOf: file)
        var boxes: [String] = []
        var offset = 0
        while offset + 8 <= data.count {
            var size = data[offset..<(offset + 4)].reduce(0) { $0 << 8 | Int($1) }
            let type = String(decoding: data[(offset + 4)..<(offset + 8)], as: UTF8.self)
            if size == 1, offset + 16 <= data.count {
                size = data[(offset + 8)..<(offset + 16)].reduce(0) { $0 << 8 | Int($1) }
            } else if size == 0 {
                size = data.count - offset
            }
            boxes.append(type)
            guard size >= 8 else { break }
            offset += size
        }
        return boxes
    }
}

final class VideoMakerTests: XCTestCase {
    func testProgrammeNamesAreKnownByTheirExtension() {
        for name in ["news.mp4", "a.M4V", "b.mov", "c.mkv", "d.webm", "e.mp3", "f.m4a", "g.aac", "h.ogg", "i.oga", "j.opus", "k.flac"] {
            XCTAssertTrue(FFmpeg.isProgramme(name), name)
        }
        for name in ["news.wav", "photo.jpg", "subs.srt", "mp4", "archive.zip", "movie.mp4.txt"] {
            XCTAssertFalse(FFmpeg.isProgramme(name), name)
        }
    }

    func testFrameNumbersFollowTheFrameRate() {
        let video = VideoStream(codec: "h264", width: 640, height: 360, frameRate: 30000.0 / 1001)
        let probe = ProgrammeProbe(format: "mov,mp4", duration: 10, streamCount: 1, video: video, audio: nil,
                                   subtitleStreams: [], playsInBrowser: true)
        XCTAssertEqual(probe.frameNumber(at: 0), 0)
        XCTAssertEqual(probe.frameNumber(at: 1), 30)
        XCTAssertEqual(probe.frameNumber(at: 4.92), 147)
        var sound = probe
        sound.video = nil
        XCTAssertEqual(sound.frameNumber(at: 4.92), 0)
    }

    func testOnlyAPlainComplaintOfFFmpegReachesTheMessage() {
        func last(_ line: String) -> String? {
            ChildOutput(succeeded: false, timedOut: false, output: [], errorLines: ["earlier", line]).lastErrorLine
        }
        XCTAssertEqual(last("[h264 @ 0x55d0c8a0] Invalid NAL unit size (1234 > 99)."), "Invalid NAL unit size (1234 > 99).")
        XCTAssertNil(last("file:/srv/lab/media/7/12/original.mp4: Invalid data found when processing input"))
        XCTAssertNil(last("Error \u{1B}[31mred"))
        XCTAssertNil(last(String(repeating: "x", count: 400)))
        XCTAssertNil(last("   "))
    }

    func testLengthsAreSaidInHoursAndMinutes() {
        XCTAssertEqual(FFmpeg.spokenLength(20 * 3600), "20 hours")
        XCTAssertEqual(FFmpeg.spokenLength(4 * 3600), "4 hours")
        XCTAssertEqual(FFmpeg.spokenLength(3 * 3600 + 1200), "3 hours 20 minutes")
        XCTAssertEqual(FFmpeg.spokenLength(61), "1 minute")
        XCTAssertEqual(FFmpeg.spokenLength(3), "3 seconds")
    }
}
