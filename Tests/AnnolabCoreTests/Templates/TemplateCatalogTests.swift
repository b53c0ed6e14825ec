// The task templates in Tasks/ load and check out, and a broken template names its file and field.

import Foundation
import Testing

@testable import AnnolabCore

/// The repository's Tasks/ folder, found from this file's place in Tests/AnnolabCoreTests/Templates/.
let shippedTasksFolder = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Tasks")

/// A scratch copy of Tasks/ (named Tasks, so messages read as in production) with one file changed.
func brokenCatalog(_ file: String, _ change: (inout [String: Any]) -> Void) throws -> LabError? {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("annolab-templates-\(UUID().uuidString)")
    let folder = root.appendingPathComponent("Tasks")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: root) }
    for kind in TaskKind.allCases {
        let name = "\(kind.rawValue).json"
        var data = try Data(contentsOf: shippedTasksFolder.appendingPathComponent(name))
        if name == file {
            var json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
            change(&json)
            data = try JSONSerialization.data(withJSONObject: json)
        }
        try data.write(to: folder.appendingPathComponent(name))
    }
    do {
        _ = try TemplateCatalog.load(from: folder)
        return nil
    } catch let error as LabError {
        return error
    }
}

@Suite("Task templates in Tasks/")
struct TemplateCatalogTests {
    @Test("the five templates in Tasks/ load and pass every check")
    func shippedTemplatesLoad() throws {
        let catalog = try TemplateCatalog.load(from: shippedTasksFolder)
        #expect(Set(catalog.templates.keys) == Set(TaskKind.allCases))
        for template in catalog.templates.values {
            #expect(template.defaultOverlap == 3)
            #expect(template.adaptiveOverlap == TaskTemplate.AdaptiveOverlap(min: 2, max: 5))
            #expect((5...60).contains(template.estimatedSeconds))
            #expect(template.title.nl != template.title.en, "\(template.kind): the Dutch title is translated")
            #expect(template.instructions.nl != template.instructions.en)
            #expect(template.examples.count >= 2)
        }
    }

    @Test("each template has the labels, consensus and settings of its kind")
    func templateContents() throws {
        let catalog = try TemplateCatalog.load(from: shippedTasksFolder)
        let boxes = try catalog.template(for: .imageBoxes)
        #expect(boxes.labels.map(\.id) == ["car", "person", "bicycle"])
        #expect(boxes.label("car")?.name.nl == "auto")
        #expect(boxes.consensus.method == "box-fusion")
        #expect(boxes.tiling?.rule == ImageTiling())
        #expect(boxes.tiling == TaskTemplate.TilingSettings(tileSize: 1024, tileOverlap: 128, tileThreshold: 2048))

        let verify = try catalog.template(for: .imageBoxVerify)
        #expect(verify.labels.map(\.id) == ["yes", "no"])
        #expect(verify.derivedFrom == .imageBoxes)
        #expect(verify.question?.nl.contains("{label}") == true && verify.question?.en.contains("{label}") == true)

        let subtitles = try catalog.template(for: .subtitleCheck)
        #expect(subtitles.labels.map(\.id) == ["correct", "text-error", "timing-error", "missing-speech"])
        #expect(subtitles.consensus.method == "dawid-skene")
        #expect(subtitles.subtitles == TaskTemplate.WindowSettings(windowCues: 4, windowMaxSeconds: 30))

        let tags = try catalog.template(for: .audioTags)
        #expect(tags.labels.map(\.id) == ["music", "speech", "applause", "laughter", "silence", "noise"])
        #expect(tags.audio == TaskTemplate.ClipSettings(clipSeconds: 10, minTailSeconds: 2))

        let choice = try catalog.template(for: .choice)
        #expect(choice.labels.isEmpty && choice.labelsSetPerProject == true)
        #expect(choice.consensus.method == "majority-vote")
    }

    @Test("instruction lines are short, one instruction per line")
    func shortLines() throws {
        for template in try TemplateCatalog.load(from: shippedTasksFolder).templates.values {
            for line in template.instructions.nl + template.instructions.en {
                #expect(line.count <= 100, "\(template.kind): '\(line)'")
            }
        }
    }

    @Test("a template with a missing field names the file and the field")
    func missingField() throws {
        let error = try #require(try brokenCatalog("audio-tags.json") { json in
            var instructions = json["instructions"] as! [String: Any]
            instructions["nl"] = nil
            json["instructions"] = instructions
        })
        #expect(error.code == "template_field_missing")
        #expect(error.message.hasPrefix("Tasks/audio-tags.json: field 'instructions.nl' is missing."))
    }

    @Test("an empty instruction list is named as empty")
    func emptyField() throws {
        let error = try #require(try brokenCatalog("audio-tags.json") { json in
            json["instructions"] = ["nl": [String](), "en": ["Listen."]]
        })
        #expect(error.code == "template_field_empty")
        #expect(error.message.hasPrefix("Tasks/audio-tags.json: field 'instructions.nl' is empty."))
    }

    @Test("a blank English title is named as empty")
    func blankTitle() throws {
        let error = try brokenCatalog("choice.json") { json in json["title"] = ["nl": "Kies", "en": "  "] }
        #expect(error?.code == "template_field_empty")
        #expect(error?.message.contains("field 'title.en'") == true)
    }

    @Test("an unknown kind is refused with the list of known kinds")
    func unknownKind() throws {
        let error = try brokenCatalog("choice.json") { json in json["kind"] = "video-cuts" }
        #expect(error?.code == "template_unknown_kind")
        #expect(error?.message.contains("image-boxes") == true)
    }

    @Test("a file whose kind does not match its name is refused")
    func kindMismatch() throws {
        let error = try brokenCatalog("choice.json") { json in json["kind"] = "audio-tags"; json["audio"] = ["clipSeconds": 10, "minTailSeconds": 2] }
        #expect(error?.code == "template_kind_mismatch")
    }

    @Test("a label listed twice is refused")
    func duplicateLabel() throws {
        let error = try brokenCatalog("image-boxes.json") { json in
            var labels = json["labels"] as! [Any]
            labels.append(labels[0])
            json["labels"] = labels
        }
        #expect(error?.code == "template_field_invalid")
        #expect(error?.message.contains("labels[3].id") == true)
    }

    @Test("no labels at all is refused for kinds whose labels come from the template")
    func noLabels() throws {
        let error = try brokenCatalog("audio-tags.json") { json in json["labels"] = [Any]() }
        #expect(error?.code == "template_field_empty")
        #expect(error?.message.contains("'labels'") == true)
    }

    @Test("a microtask estimated at 90 seconds is refused: cut it smaller")
    func tooLong() throws {
        let error = try brokenCatalog("subtitle-check.json") { json in json["estimatedSeconds"] = 90 }
        #expect(error?.code == "template_field_invalid")
        #expect(error?.message.contains("estimatedSeconds") == true)
    }

    @Test("adaptive overlap with min above max, or an overlap of 0, is refused")
    func overlaps() throws {
        let inverted = try brokenCatalog("audio-tags.json") { json in json["adaptiveOverlap"] = ["min": 5, "max": 2] }
        #expect(inverted?.code == "template_field_invalid")
        let zero = try brokenCatalog("audio-tags.json") { json in json["defaultOverlap"] = 0 }
        #expect(zero?.message.contains("defaultOverlap") == true)
    }

    @Test("a template without worked examples is refused")
    func noExamples() throws {
        let error = try brokenCatalog("image-box-verify.json") { json in json["examples"] = [Any]() }
        #expect(error?.code == "template_field_empty")
        #expect(error?.message.contains("'examples'") == true)
    }

    @Test("a number written as text is named as the wrong type")
    func wrongType() throws {
        let error = try brokenCatalog("choice.json") { json in json["defaultOverlap"] = "three" }
        #expect(error?.code == "template_field_wrong_type")
        #expect(error?.message.contains("'defaultOverlap'") == true && error?.message.contains("a number") == true)
    }

    @Test("an unknown consensus method, or box fusion for a non-box kind, is refused")
    func consensusMethod() throws {
        let unknown = try brokenCatalog("audio-tags.json") { json in json["consensus"] = ["method": "vibes"] }
        #expect(unknown?.message.contains("consensus.method") == true)
        let boxes = try brokenCatalog("audio-tags.json") { json in json["consensus"] = ["method": "box-fusion"] }
        #expect(boxes?.code == "template_field_invalid")
    }

    @Test("kind settings that are missing or impossible are refused")
    func settings() throws {
        let noTiling = try brokenCatalog("image-boxes.json") { json in json["tiling"] = nil }
        #expect(noTiling?.message.contains("'tiling'") == true)
        let badOverlap = try brokenCatalog("image-boxes.json") { json in
            json["tiling"] = ["tileSize": 1024, "tileOverlap": 1024, "tileThreshold": 2048]
        }
        #expect(badOverlap?.message.contains("tiling.tileOverlap") == true)
        let badTail = try brokenCatalog("audio-tags.json") { json in json["audio"] = ["clipSeconds": 10, "minTailSeconds": 12] }
        #expect(badTail?.message.contains("audio.minTailSeconds") == true)
    }

    @Test("a file that is not JSON is refused as not JSON")
    func notJSON() throws {
        let error = try TemplateCatalogTests.decodeError(Data("{ \"kind\": \"choice\", ".utf8))
        #expect(error.code == "template_not_json")
        #expect(error.message.hasPrefix("Tasks/choice.json"))
    }

    @Test("a missing template file is named")
    func missingKind() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("annolab-templates-\(UUID().uuidString)/Tasks")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root.deletingLastPathComponent()) }
        try Data(contentsOf: shippedTasksFolder.appendingPathComponent("choice.json")).write(to: root.appendingPathComponent("choice.json"))
        do {
            _ = try TemplateCatalog.load(from: root)
            Issue.record("a catalog without four of its kinds loaded")
        } catch let error as LabError {
            #expect(error.code == "template_missing")
            #expect(error.message.hasPrefix("Tasks/image-boxes.json is missing"))
        }
        let partial = try TemplateCatalog.load(from: root, required: [.choice])
        #expect(partial[.choice] != nil && partial[.audioTags] == nil)
        #expect(throws: LabError.self) { try partial.template(for: .audioTags) }
    }

    static func decodeError(_ data: Data) throws -> LabError {
        do {
            _ = try TemplateCatalog.decode(data, shownAs: "Tasks/choice.json")
        } catch let error as LabError {
            return error
        }
        throw LabError(.internalFailure, "test", "decoding succeeded")
    }
}
