// Label Studio: a team moves a project over (task import) and takes the consensus back as pre-annotations (export).
import AnnolabCore
import Foundation
import Testing

@Suite("Label Studio export")
struct ExportLabelStudioTests {
    @Test("Boxes become rectanglelabels predictions in percent of the image, each with its score")
    func percentConversion() throws {
        let data = LabelStudioExport().write(ExportFixtures.images)
        let tasks = try #require(try JSONSerialization.jsonObject(with: data) as? [[String: Any]])
        #expect(tasks.count == 3)
        #expect(tasks.map { ($0["data"] as? [String: Any])?["image"] as? String } == ["field.png", "harbour.jpg", "photos/street.png"])

        let street = try #require(tasks.last)
        #expect(street["annotations"] == nil, "consensus is a prediction, not a person's annotation")
        let prediction = try #require((street["predictions"] as? [[String: Any]])?.first)
        #expect(prediction["model_version"] as? String == "annolab-consensus")
        let results = try #require(prediction["result"] as? [[String: Any]])
        #expect(results.count == 3)
        // Mean of 0.93456, 1 and 0.5.
        #expect(prediction["score"] as? Double == 0.8115)

        let car = results[0]
        #expect(car["type"] as? String == "rectanglelabels")
        #expect(car["from_name"] as? String == "label" && car["to_name"] as? String == "image")
        #expect(car["original_width"] as? Int == 200 && car["original_height"] as? Int == 100)
        #expect(car["image_rotation"] as? Int == 0)
        #expect(car["score"] as? Double == 0.9346)
        #expect(car["id"] as? String == "annolab-3-1")
        let value = try #require(car["value"] as? [String: Any])
        // x 50 of 200 px = 25 %, y 45 of 100 = 45 %, w 50 of 200 = 25 %, h 10 of 100 = 10 %.
        #expect(value["x"] as? Double == 25 && value["y"] as? Double == 45)
        #expect(value["width"] as? Double == 25 && value["height"] as? Double == 10)
        #expect(value["rotation"] as? Int == 0)
        #expect(value["rectanglelabels"] as? [String] == ["car"])
        let bus = try #require(results[2]["value"] as? [String: Any])
        #expect(bus["x"] as? Double == 60.125 && bus["y"] as? Double == 10.5)

        // The boat reaching past the harbour photo's edge ends at 100 %; the one outside is gone.
        let harbour = try #require((tasks[1]["predictions"] as? [[String: Any]])?.first?["result"] as? [[String: Any]])
        #expect(harbour.count == 1)
        let boat = try #require(harbour.first?["value"] as? [String: Any])
        #expect(boat["x"] as? Double == 75 && boat["y"] as? Double == 0)
        #expect(boat["width"] as? Double == 25 && boat["height"] as? Double == 13.3333)

        // Nothing found is still a prediction: an empty result, no score.
        let field = try #require((tasks[0]["predictions"] as? [[String: Any]])?.first)
        #expect((field["result"] as? [Any])?.isEmpty == true && field["score"] == nil)
    }

    @Test("An image's URL, when known, is what data.image points to")
    func url() throws {
        var image = ExportFixtures.field
        image.url = "/media/12/field.png"
        let text = String(decoding: LabelStudioExport().write([image]), as: UTF8.self)
        #expect(text.hasPrefix(#"[{"data":{"image":"/media/12/field.png"}"#))
    }

    @Test("The labeling config names the same from_name, to_name and labels, escaped")
    func labelingConfig() {
        let config = LabelStudioExport().labelingConfig(labels: ["car", "R&D"])
        #expect(config.contains(#"<Image name="image" value="$image"/>"#))
        #expect(config.contains(#"<RectangleLabels name="label" toName="image">"#))
        #expect(config.contains(#"<Label value="R&amp;D"/>"#))
    }
}

@Suite("Label Studio task import")
struct ExportLabelStudioImportTests {
    @Test("A list of tasks gives each task's media by key, with the name the file had before upload")
    func listOfTasks() throws {
        let json = #"""
        [
          {"id": 41, "data": {"image": "/data/upload/3/6a3f0c1e-street%20view.png", "caption": "A busy street"},
           "annotations": [{"result": []}]},
          {"data": {"audio": "https://cdn.example.com/shows/news.wav?sig=abc#t=3", "text": "hello"}},
          {"data": {"image": "/data/local-files/?d=images%2Fharbour.jpg"}},
          {"data": {"img": "photo.JPG", "n": 3, "nested": {"image": "x.png"}}}
        ]
        """#
        let tasks = try LabelStudioImport.parse(Data(json.utf8))
        #expect(tasks.count == 4)
        #expect(tasks.map(\.position) == [1, 2, 3, 4])
        #expect(tasks[0].id == 41 && tasks[1].id == nil)

        let street = try #require(tasks[0].media("image"))
        #expect(tasks[0].media.count == 1, "plain text is not media")
        #expect(street.reference == "/data/upload/3/6a3f0c1e-street%20view.png")
        #expect(street.fileName == "6a3f0c1e-street view.png")
        #expect(street.originalName == "street view.png")
        #expect(street.kind == .image)

        let news = try #require(tasks[1].media("audio"))
        #expect(news.fileName == "news.wav" && news.originalName == "news.wav" && news.kind == .audio)
        #expect(tasks[1].media.map(\.key) == ["audio"])

        #expect(tasks[2].media("image")?.fileName == "harbour.jpg")
        let photo = try #require(tasks[3].media("img"))
        #expect(photo.fileName == "photo.JPG" && photo.kind == .image)
        #expect(tasks[3].media.count == 1)
    }

    /// Two tasks as Label Studio 1.23.2 exported them (JSON format) after an image upload and
    /// an import of Annolab's own export: predictions are listed by id, the uploaded file got a
    /// hex prefix and its space became an underscore.
    static let realExport = #"""
    [{"id":3,"annotations":[],"drafts":[],"predictions":[3],"data":{"image":"photos\/street.png"},"meta":{},"created_at":"2026-11-23T17:16:03.063766Z","updated_at":"2026-11-23T17:16:03.063772Z","allow_skip":true,"inner_id":3,"total_annotations":0,"cancelled_annotations":0,"total_predictions":1,"comment_count":0,"unresolved_comment_count":0,"last_comment_updated_at":null,"project":1,"updated_by":null,"comment_authors":[]},{"id":4,"annotations":[],"file_upload":"06a276a7-street_view.png","drafts":[],"predictions":[],"data":{"image":"\/data\/upload\/1\/06a276a7-street_view.png"},"meta":{},"created_at":"2026-11-23T17:16:13.334630Z","updated_at":"2026-11-23T17:16:13.334659Z","allow_skip":true,"inner_id":4,"total_annotations":0,"cancelled_annotations":0,"total_predictions":0,"comment_count":0,"unresolved_comment_count":0,"last_comment_updated_at":null,"project":1,"updated_by":null,"comment_authors":[]}]
    """#

    @Test("A real Label Studio export is read, and its uploaded file matches the name the client uploads")
    func realExport() throws {
        let tasks = try LabelStudioImport.parse(Data(Self.realExport.utf8))
        #expect(tasks.map(\.id) == [3, 4])
        let street = try #require(tasks[0].media("image"))
        #expect(street.fileName == "street.png" && street.matches(uploadName: "photos/street.png"))
        let upload = try #require(tasks[1].media("image"))
        #expect(upload.reference == "/data/upload/1/06a276a7-street_view.png")
        #expect(upload.originalName == "street_view.png")
        #expect(upload.matches(uploadName: "street view.png"))
        #expect(upload.matches(uploadName: "shots/street view.png"))
        #expect(!upload.matches(uploadName: "street.png"))
        #expect(LabelStudioMedia.djangoValidFileName(" Één foto (1).jpg ") == "Één_foto_1.jpg")
    }

    @Test("A single task object is read as one task")
    func singleTask() throws {
        let tasks = try LabelStudioImport.parse(Data(#"{"data": {"image": "https://example.com/a/b/cat.webp"}}"#.utf8))
        #expect(tasks.count == 1)
        #expect(tasks[0].media("image")?.originalName == "cat.webp")
        let withBOM = Data([0xEF, 0xBB, 0xBF]) + Data(#"[{"data":{"image":"dog.png"}}]"#.utf8)
        #expect(try LabelStudioImport.parse(withBOM).first?.media("image")?.fileName == "dog.png")
    }

    @Test("Garbage is refused with invalid_labelstudio and a plain sentence", arguments: [
        "this is not json",
        "",
        "42",
        "\"image.png\"",
        "[]",
        "[1, 2]",
        #"[{"image": "/data/upload/1/ab12cd34-photo.png", "id": 3}]"#,
        #"[{"data": "photo.png"}]"#,
        #"[{"data": {"text": "just words", "n": 1}}]"#,
        #"[{"data": {"image": "photo.png"}}, {"data": {}}]"#,
        "[{\"data\": {\"image\": \"a.png\"}}",
        String(repeating: "[", count: 5000) + String(repeating: "]", count: 5000),
    ])
    func garbage(_ text: String) {
        #expect {
            try LabelStudioImport.parse(Data(text.utf8))
        } throws: { error in
            guard let error = error as? LabError else { return false }
            return error.code == "invalid_labelstudio" && error.message.hasSuffix(".") && !error.message.contains("Error")
        }
    }

    @Test("The error names the task that is wrong")
    func namesTheTask() {
        #expect {
            try LabelStudioImport.parse(Data(#"[{"data": {"image": "a.png"}}, {"data": {"text": "b"}}]"#.utf8))
        } throws: { ($0 as? LabError)?.message.hasPrefix("Task 2 ") == true }
    }

    @Test("An exported task file can be imported again: the export and import agree on the shape")
    func roundTrip() throws {
        let tasks = try LabelStudioImport.parse(LabelStudioExport().write(ExportFixtures.images))
        #expect(tasks.map { $0.media("image")?.fileName } == ["field.png", "harbour.jpg", "street.png"])
    }
}
