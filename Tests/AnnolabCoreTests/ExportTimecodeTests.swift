// Timecodes and frame numbers in the exports of programmes: HH:MM:SS.mmm as editing tools read them.
import AnnolabCore
import Foundation
import Testing

@Suite("Timecodes of programmes in exports")
struct ExportTimecodeTests {
    @Test("times are written HH:MM:SS.mmm, rounded to the millisecond, hours past 99 kept")
    func timecodeText() {
        #expect(Timecode.text(0) == "00:00:00.000")
        #expect(Timecode.text(4.92) == "00:00:04.920")
        #expect(Timecode.text(59.9996) == "00:01:00.000")
        #expect(Timecode.text(3725.5) == "01:02:05.500")
        #expect(Timecode.text(-3) == "00:00:00.000")
        #expect(Timecode.text(360_000.001) == "100:00:00.001")
    }

    @Test("frame numbers count from 0 at the frame rate, rounded to the nearest frame")
    func frameNumbers() {
        #expect(Timecode.frame(4.92, frameRate: 25) == 123)
        #expect(Timecode.frame(1, frameRate: 30000.0 / 1001) == 30)
        #expect(Timecode.frame(10, frameRate: 0) == 0)
        #expect(Timecode.frame(.nan, frameRate: 25) == 0)
    }

    @Test("sound ranges from a programme get time and frame columns; other files keep them empty")
    func audioTagsWithProgrammes() throws {
        let ranges = [
            TagResult(fileName: "news.mp4", start: 10, end: 20, tag: "music", confidence: 0.9),
            TagResult(fileName: "radio.mp3", start: 0, end: 10, tag: "speech", confidence: 1),
            TagResult(fileName: "old.wav", start: 0, end: 10, tag: "speech", confidence: 1),
        ]
        let csv = String(decoding: AudioTagsExport().csv(ranges, programmes: ["news.mp4": 25, "radio.mp3": 0]), as: UTF8.self)
        let lines = csv.components(separatedBy: "\r\n")
        #expect(lines[0] == "file,start,end,tag,confidence,start_time,end_time,start_frame,end_frame")
        #expect(lines.contains("news.mp4,10.000,20.000,music,0.9000,00:00:10.000,00:00:20.000,250,500"))
        #expect(lines.contains("radio.mp3,0.000,10.000,speech,1.0000,00:00:00.000,00:00:10.000,,"))
        #expect(lines.contains("old.wav,0.000,10.000,speech,1.0000,,,,"))
        // Without programmes the columns are today's, unchanged.
        #expect(String(decoding: AudioTagsExport().csv(ranges), as: UTF8.self).hasPrefix("file,start,end,tag,confidence\r\n"))
        let json = String(decoding: AudioTagsExport().json(ranges, programmes: ["news.mp4": 25]), as: UTF8.self)
        #expect(json.contains("\"endFrame\":500,\"endTime\":\"00:00:20.000\",\"file\":\"news.mp4\""))
        #expect(!json.contains("\"file\":\"old.wav\",\"start\":0,\"startTime\""))
    }

    @Test("a subtitle report of a programme ends each row with the cue's times and frames")
    func subtitleReportWithProgrammes() {
        let file = SubtitleFileResult(fileName: "news.mp4", cues: [
            CueResult(index: 1, start: 1.5, end: 3.04, text: "Goedenavond.", verdict: "correct", confidence: 0.99),
        ])
        let csv = String(decoding: SubtitleReportCSV().write([file], programmes: ["news.mp4": 25]), as: UTF8.self)
        let lines = csv.components(separatedBy: "\r\n")
        #expect(lines[0].hasSuffix(",start_time,end_time,start_frame,end_frame"))
        #expect(lines[1].hasPrefix("news.mp4,1,1.500,3.040,correct,0.9900,Goedenavond.,"))
        #expect(lines[1].hasSuffix(",00:00:01.500,00:00:03.040,38,76"))
        #expect(!String(decoding: SubtitleReportCSV().write([file]), as: UTF8.self).contains("start_time"))
    }
}
