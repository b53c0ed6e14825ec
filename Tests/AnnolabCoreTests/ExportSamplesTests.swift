// Sample export files for the independent validator (Tests/Exports/validate.py) to read.
import AnnolabCore
import Foundation
import Testing

/// Writes one file of every export format into the folder named by the environment variable
/// `EXPORT_SAMPLES`, for `Tests/Exports/validate.py` to check with other people's readers:
/// ```
/// EXPORT_SAMPLES=/tmp/samples swift test --filter ExportSamples
/// python Tests/Exports/validate.py coco /tmp/samples/coco.json --images 3 --annotations 4
/// ```
/// Without the variable the test only checks that every writer runs.
@Suite("Export samples for the validator")
struct ExportSamplesTests {
    static func samples() throws -> [String: Data] {
        var files: [String: Data] = [:]
        let images = ExportFixtures.images
        files["coco.json"] = COCOExport().write(images, labels: ExportFixtures.labels)
        for (path, data) in try YOLOExport().write(images, labels: ExportFixtures.labels) { files["yolo/" + path] = data }
        for (path, data) in try PascalVOCExport().write(images) { files["voc/" + path] = data }
        files["labelstudio.json"] = LabelStudioExport().write(images)
        for (path, data) in try WebVTTExport().write(files: [SubtitleFixtures.file]) { files["vtt/" + path] = data }
        files["subtitles.csv"] = SubtitleReportCSV().write([SubtitleFixtures.file])
        let ranges = [
            TagResult(fileName: "show.wav", start: 0, end: 20, tag: "music", confidence: 0.97),
            TagResult(fileName: "show, part 2.wav", start: 10, end: 30, tag: "applause", confidence: 0.7),
        ]
        files["audio-tags.csv"] = AudioTagsExport().csv(ranges)
        files["audio-tags.json"] = AudioTagsExport().json(ranges)
        files["answers.jsonl"] = try RawAnswersExport().write(ExportRawAnswersTests.rows)
        return files
    }

    @Test("Every writer produces its sample; with EXPORT_SAMPLES set they are written to that folder")
    func writeSamples() throws {
        let files = try Self.samples()
        #expect(files.count == 14)
        guard let folder = ProcessInfo.processInfo.environment["EXPORT_SAMPLES"], !folder.isEmpty else { return }
        let root = URL(fileURLWithPath: folder, isDirectory: true)
        for (path, data) in files {
            let url = root.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try data.write(to: url)
        }
    }
}
