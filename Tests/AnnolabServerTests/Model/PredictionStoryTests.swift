// A client's model as the starting point, over HTTP: its boxes checked by people, the missed ones drawn, the report and exports.
import AnnolabCore
import AnnolabServer
import AnnolabStore
import Foundation
import Testing

@Suite("Predictions: people verify and correct what the model says")
struct PredictionStoryTests {
    /// The astronaut: a face box at 0.9 (a little loose), a wrong box at 0.7, a weak one at 0.3 (below the threshold).
    /// The cameraman: one box at 0.6.
    static let predictions = PredictionLab.labelStudioTasks([
        (file: "photo-astronaut.jpg", boxes: [(x: 34, y: 12, w: 20, h: 20, score: 0.9), (x: 70, y: 70, w: 10, h: 10, score: 0.7),
                                              (x: 5, y: 80, w: 8, h: 8, score: 0.3)]),
        (file: "photo-cameraman.png", boxes: [(x: 40, y: 10, w: 15, h: 18, score: 0.6)]),
    ])

    @Test("verify mode: confident boxes become checks, least sure first; yes, no and adjust decide; 'anything missed?' follows; exports say where each label came from; the report's figures are the test's own")
    func verifyStory() async throws {
        let setup = try await PredictionLab.start(preannotations: ["mode": "verify", "threshold": 0.5, "order": "uncertain-first"])
        defer { Task { await setup.stop() } }
        let uploaded = try await setup.upload([try PredictionLab.photo("photo-astronaut.jpg"), try PredictionLab.photo("photo-cameraman.png"),
                                               ("tasks.json", Self.predictions)])
        #expect(uploaded.status == 201, "\(uploaded.text)")
        #expect(uploaded.json["imported"] as? Int == 2)
        #expect(uploaded.json["microtasks"] as? Int == 3, "three boxes at or above 0.5 are checks; the pictures' drawing waits")
        let (ada, bas) = (setup.operators[0], setup.operators[1])

        // Uncertain first: 0.6 (cameraman), then 0.7, then 0.9 (astronaut).
        var seen: [(id: Int, task: [String: Any])] = []
        for _ in 0..<3 {
            let task = try #require(try await setup.next(ada))
            #expect(task.task["kind"] as? String == "image-box-verify")
            #expect(task.task["adjustable"] as? Bool == true)
            seen.append((task.id, task.task))
            let served = try #require(try JSONSerialization.jsonObject(with: task.bytes) as? [String: Any])
            #expect(!Self.keys(in: served).contains("score"), "the model's score is not shown: \(Self.keys(in: served).sorted())")
            #expect(Self.numbers(in: served).isDisjoint(with: [0.6, 0.7, 0.9]), "no score under another name: \(Self.numbers(in: served).sorted())")
        }
        let boxes = seen.map { ($0.task["box"] as? [String: Any]) ?? [:] }
        let xs = boxes.map { ($0["x"] as? Double) ?? -1 }
        #expect(xs == [204.8, 358.4, 174.08], "served least sure first: \(xs)")
        // Ada: yes to the cameraman's, no to the wrong one, adjusts the loose face box.
        let adjusted: [String: Any] = ["label": "face", "x": 180.0, "y": 66.0, "w": 94.0, "h": 94.0]
        try await setup.answer(ada, seen[0].id, ["choice": "yes"])
        try await setup.answer(ada, seen[1].id, ["choice": "no"])
        try await setup.answer(ada, seen[2].id, ["boxes": [adjusted]])
        for _ in 0..<3 {
            let task = try #require(try await setup.next(bas))
            let x = ((task.task["box"] as? [String: Any])?["x"] as? Double) ?? -1
            switch x {
            case 204.8: try await setup.answer(bas, task.id, ["choice": "yes"])
            case 358.4: try await setup.answer(bas, task.id, ["choice": "no"])
            default: try await setup.answer(bas, task.id, ["boxes": [["label": "face", "x": 178.0, "y": 68.0, "w": 92.0, "h": 92.0]]])
            }
        }
        // Both pictures' checks are done: each gets "anything missed?", showing what people kept.
        var missed: [String: (id: Int, shown: [[String: Any]])] = [:]
        for _ in 0..<2 {
            let task = try #require(try await setup.next(ada))
            #expect(task.task["kind"] as? String == "image-boxes")
            #expect(task.task["missed"] as? Bool == true)
            let url = ((task.task["image"] as? [String: Any])?["url"] as? String) ?? ""
            missed[url.contains("png") ? "cameraman" : "astronaut"] = (task.id, (task.task["shown"] as? [[String: Any]]) ?? [])
        }
        let astronaut = try #require(missed["astronaut"]), cameraman = try #require(missed["cameraman"])
        #expect(astronaut.shown.count == 1 && (astronaut.shown.first?["x"] as? Double) == 179, "the corrected box is shown: \(astronaut.shown)")
        #expect(cameraman.shown.count == 1 && (cameraman.shown.first?["x"] as? Double) == 204.8)
        // Nothing missed on the astronaut; on the cameraman both draw the face the model did not find.
        let drawn: [String: Any] = ["label": "face", "x": 300.0, "y": 300.0, "w": 60.0, "h": 60.0]
        try await setup.answer(ada, astronaut.id, ["boxes": []])
        try await setup.answer(ada, cameraman.id, ["boxes": [drawn]])
        for _ in 0..<2 {
            let task = try #require(try await setup.next(bas))
            let url = ((task.task["image"] as? [String: Any])?["url"] as? String) ?? ""
            try await setup.answer(bas, task.id, ["boxes": url.contains("png") ? [drawn] : []])
        }
        #expect(try await setup.next(ada) == nil, "all work done")

        // COCO: every label says where it came from.
        let coco = try await setup.lab.request("GET", "/api/v1/projects/\(setup.projectId)/export?format=coco", token: setup.client)
        let document = try #require(try JSONSerialization.jsonObject(with: coco.body) as? [String: Any])
        let images = (document["images"] as? [[String: Any]]) ?? []
        let annotations = (document["annotations"] as? [[String: Any]]) ?? []
        let origins = annotations.map { (($0["attributes"] as? [String: Any])?["origin"] as? String) ?? "none" }.sorted()
        #expect(origins == ["corrected", "model-accepted", "people"], "\(origins)")

        // Label Studio: the model's predictions and the lab's annotations apart.
        let studio = try await setup.lab.request("GET", "/api/v1/projects/\(setup.projectId)/export?format=labelstudio", token: setup.client)
        let tasks = (try JSONSerialization.jsonObject(with: studio.body) as? [[String: Any]]) ?? []
        #expect(tasks.count == 2)
        for task in tasks {
            let predictions = (task["predictions"] as? [[String: Any]]) ?? []
            #expect(predictions.first?["model_version"] as? String == "faces-1")
            #expect(!((task["annotations"] as? [[String: Any]]) ?? []).isEmpty)
        }

        // The report, against the test's own count from the consensus in the COCO file and the boxes the model sent.
        let report = try await setup.lab.request("GET", "/api/v1/projects/\(setup.projectId)/model/report", token: setup.client)
        #expect(report.status == 200, "\(report.text)")
        var consensus: [String: [[Double]]] = [:]
        for annotation in annotations {
            let image = images.first { ($0["id"] as? Int) == (annotation["image_id"] as? Int) }
            let name = (image?["file_name"] as? String) ?? ""
            consensus[name, default: []].append(((annotation["bbox"] as? [Double]) ?? []))
        }
        let sent: [String: [[Double]]] = [
            "photo-astronaut.jpg": [[34, 12, 20, 20], [70, 70, 10, 10], [5, 80, 8, 8]].map { $0.map { $0 * 5.12 } },
            "photo-cameraman.png": [[40, 10, 15, 18]].map { $0.map { $0 * 5.12 } },
        ]
        var truePositives = 0, falsePositives = 0, falseNegatives = 0
        for (file, predicted) in sent {
            var unmatched = consensus[file] ?? []
            for box in predicted {
                if let best = unmatched.indices.max(by: { intersectionOverUnion(box, unmatched[$0]) < intersectionOverUnion(box, unmatched[$1]) }),
                   intersectionOverUnion(box, unmatched[best]) >= 0.5 {
                    truePositives += 1
                    unmatched.remove(at: best)
                } else {
                    falsePositives += 1
                }
            }
            falseNegatives += unmatched.count
        }
        let face = try #require(((report.json["labels"] as? [[String: Any]]) ?? []).first { $0["label"] as? String == "face" })
        let precision = Double(truePositives) / Double(truePositives + falsePositives)
        let recall = Double(truePositives) / Double(truePositives + falseNegatives)
        #expect((truePositives, falsePositives, falseNegatives) == (2, 2, 1), "the story's own count")
        #expect(abs(((face["precision"] as? Double) ?? -1) - precision) < 1e-4, "\(face)")
        #expect(abs(((face["recall"] as? Double) ?? -1) - recall) < 1e-4, "\(face)")
        #expect(face["support"] as? Int == 3)
    }

    @Test("blind mode: the model's boxes never reach an operator, in any byte of next; they are compared afterwards")
    func blindNeverShows() async throws {
        let setup = try await PredictionLab.start(preannotations: ["mode": "blind", "order": "uncertain-first"])
        defer { Task { await setup.stop() } }
        let uploaded = try await setup.upload([try PredictionLab.photo("photo-astronaut.jpg"), try PredictionLab.photo("photo-cameraman.png"),
                                               ("tasks.json", Self.predictions)])
        #expect(uploaded.status == 201, "\(uploaded.text)")
        #expect(uploaded.json["microtasks"] as? Int == 2, "one drawing task per picture, as without a model")
        var order: [String] = []
        for token in setup.operators.prefix(1) {
            for _ in 0..<2 {
                let task = try #require(try await setup.next(token))
                let bytes = String(decoding: task.bytes, as: UTF8.self)
                #expect(task.task["kind"] as? String == "image-boxes")
                for leak in ["174.08", "204.8", "358.4", "faces-1", "suggestion", "shown", "adjustable", "score", "prediction"] {
                    #expect(!bytes.contains(leak), "the task gives away '\(leak)': \(bytes)")
                }
                order.append(((task.task["image"] as? [String: Any])?["url"] as? String) ?? "")
                try await setup.answer(token, task.id, ["boxes": []])
            }
        }
        // The cameraman's least sure box (0.6) is above the astronaut's least sure (0.3)? No: 0.3 < 0.6, astronaut first.
        #expect(order.first?.hasSuffix(".jpg") == true, "the picture the model was least sure of comes first: \(order)")
    }

    @Test("COCO results beside their COCO file, and YOLO label files with classes.txt, become the same box checks as Label Studio's predictions")
    func cocoAndYOLO() async throws {
        let setup = try await PredictionLab.start(preannotations: ["mode": "verify", "threshold": 0.5])
        defer { Task { await setup.stop() } }
        let cocoFile = Data(#"{"images": [{"id": 7, "file_name": "photo-astronaut.jpg", "width": 512, "height": 512}], "categories": [{"id": 1, "name": "face"}], "annotations": []}"#.utf8)
        let results = Data(#"[{"image_id": 7, "category_id": 1, "bbox": [174.08, 61.44, 102.4, 102.4], "score": 0.9}, {"image_id": 7, "category_id": 1, "bbox": [10, 10, 20, 20], "score": 0.2}]"#.utf8)
        // Ultralytics' save_txt with save_conf: class, centre x, centre y, width, height (0..1), confidence.
        let yolo = Data("0 0.475 0.19 0.15 0.18 0.6\n".utf8)
        let uploaded = try await setup.upload([try PredictionLab.photo("photo-astronaut.jpg"), try PredictionLab.photo("photo-cameraman.png"),
                                               ("instances.json", cocoFile), ("results.json", results),
                                               ("photo-cameraman.txt", yolo), ("classes.txt", Data("face\n".utf8))])
        #expect(uploaded.status == 201, "\(uploaded.text)")
        #expect((uploaded.json["rejected"] as? [Any])?.isEmpty == true, "\(uploaded.text)")
        #expect(uploaded.json["imported"] as? Int == 2, "only the pictures are files of the project")
        #expect(uploaded.json["microtasks"] as? Int == 2, "one box above the threshold per picture")
        var boxes: [String: [Double]] = [:]
        for _ in 0..<2 {
            let task = try #require(try await setup.next(setup.operators[0]))
            let box = (task.task["box"] as? [String: Any]) ?? [:]
            let url = ((task.task["image"] as? [String: Any])?["url"] as? String) ?? ""
            boxes[url.hasSuffix(".png") ? "yolo" : "coco"] = ["x", "y", "w", "h"].map { (box[$0] as? Double) ?? -1 }
        }
        #expect(boxes["coco"] == [174.08, 61.44, 102.4, 102.4], "\(boxes)")
        #expect(boxes["yolo"] == [204.8, 51.2, 76.8, 92.16], "\(boxes)")
    }

    @Test("a choice project: the model's choice is a suggestion in verify mode, votes as one more worker, never labels a file alone; each label says where it came from")
    func choiceSuggestionAndVote() async throws {
        let setup = try await PredictionLab.start(preannotations: ["mode": "verify", "modelVotes": true], template: "choice",
                                                  labels: ["animal", "object"])
        defer { Task { await setup.stop() } }
        let choices = try JSONSerialization.data(withJSONObject: [("photo-cat.png", "animal"), ("photo-coffee.jpg", "animal"), ("photo-rocket.jpg", "object")].map {
            ["data": ["image": $0.0],
             "predictions": [["model_version": "kinds-1",
                              "result": [["type": "choices", "from_name": "choice", "to_name": "image", "score": 0.8,
                                          "value": ["choices": [$0.1]]]]]]] as [String: Any]
        })
        let uploaded = try await setup.upload([try PredictionLab.photo("photo-cat.png"), try PredictionLab.photo("photo-coffee.jpg"),
                                               try PredictionLab.photo("photo-rocket.jpg"), ("tasks.json", choices)])
        #expect(uploaded.status == 201 && uploaded.json["microtasks"] as? Int == 3, "\(uploaded.text)")
        // Both operators label the cat and the coffee; nobody gets to the rocket.
        for token in setup.operators.prefix(2) {
            for _ in 0..<2 {
                let task = try #require(try await setup.next(token))
                let url = ((task.task["image"] as? [String: Any])?["url"] as? String) ?? ""
                #expect(task.task["suggestion"] as? String == "animal", "verify mode shows the model's choice: \(task.task)")
                try await setup.answer(token, task.id, ["choice": url.contains("cat") || url.hasSuffix(".png") ? "animal" : "object"])
            }
        }
        let export = try await setup.lab.request("GET", "/api/v1/projects/\(setup.projectId)/export?format=json", token: setup.client)
        let rows = (try JSONSerialization.jsonObject(with: export.body) as? [[String: Any]]) ?? []
        let byFile = Dictionary(rows.map { (($0["file"] as? String) ?? "", $0) }, uniquingKeysWith: { a, _ in a })
        #expect(byFile["photo-cat.png"]?["label"] as? String == "animal")
        #expect(byFile["photo-cat.png"]?["origin"] as? String == "model-accepted")
        #expect(byFile["photo-coffee.jpg"]?["label"] as? String == "object", "two people outvote the model")
        #expect(byFile["photo-coffee.jpg"]?["origin"] as? String == "corrected")
        #expect(byFile["photo-rocket.jpg"]?["label"] is NSNull, "the model alone labels nothing: \(rows)")
        // The report compares the finished files only: the cat (right) and the coffee (wrong); rows are the people's label.
        let report = try await setup.lab.request("GET", "/api/v1/projects/\(setup.projectId)/model/report", token: setup.client)
        let confusion = (report.json["confusion"] as? [String: Any]) ?? [:]
        #expect(confusion["labels"] as? [String] == ["animal", "object"], "\(report.text)")
        #expect(confusion["counts"] as? [[Int]] == [[1, 0], [1, 0]], "\(report.text)")
        let animal = ((report.json["labels"] as? [[String: Any]]) ?? []).first { $0["label"] as? String == "animal" }
        #expect(animal?["precision"] as? Double == 0.5 && animal?["recall"] as? Double == 1, "\(report.text)")
    }

    @Test("prediction files that are broken, name labels the project lacks, or name no uploaded picture are refused with a reason; the pictures still come in")
    func refusals() async throws {
        let setup = try await PredictionLab.start(preannotations: ["mode": "verify"])
        defer { Task { await setup.stop() } }
        let wrongLabel = try JSONSerialization.data(withJSONObject: [[
            "data": ["image": "photo-astronaut.jpg"],
            "predictions": [["result": [["type": "rectanglelabels", "value": ["x": 1, "y": 1, "width": 5, "height": 5, "rectanglelabels": ["dog"]]]]]],
        ]])
        let uploaded = try await setup.upload([try PredictionLab.photo("photo-astronaut.jpg"), ("tasks.json", wrongLabel),
                                               ("results.json", Data("[{\"image_id\": 1, \"category_id\": 1, \"bbox\": [1,2,3,4], \"score\": 0.5}]".utf8)),
                                               ("photo-astronaut.txt", Data("0 0.5 0.5 0.2 0.2 0.9\n".utf8))])
        #expect(uploaded.status == 201, "\(uploaded.text)")
        let rejected = (uploaded.json["rejected"] as? [[String: Any]]) ?? []
        let codes = Dictionary(rejected.map { (($0["file"] as? String) ?? "", ($0["code"] as? String) ?? "") }, uniquingKeysWith: { a, _ in a })
        #expect(codes["tasks.json"] == "prediction_label_unknown", "\(rejected)")
        #expect(codes["results.json"] == "invalid_coco_results", "\(rejected)")
        #expect(codes["photo-astronaut.txt"] == "invalid_yolo", "\(rejected)")
        for refusal in rejected { #expect(((refusal["reason"] as? String) ?? "").count > 20, "a reason in words: \(refusal)") }
        #expect(uploaded.json["imported"] as? Int == 1)
        let strict = try await setup.lab.request("POST", "/api/v1/projects/\(setup.projectId)/items?strict=true",
                                                 body: TestMedia.multipart([try PredictionLab.photo("photo-cameraman.png"), ("tasks.json", wrongLabel)]),
                                                 token: setup.client, headers: ["Content-Type": "multipart/form-data; boundary=annolab-test-boundary"])
        #expect(strict.status == 422, "strict refuses the whole upload")
    }

    /// Every number in a JSON value, however deep.
    static func numbers(in value: Any) -> Set<Double> {
        if let object = value as? [String: Any] {
            return object.values.reduce(into: Set<Double>()) { $0.formUnion(numbers(in: $1)) }
        }
        if let array = value as? [Any] {
            return array.reduce(into: Set<Double>()) { $0.formUnion(numbers(in: $1)) }
        }
        if let number = value as? NSNumber, !(value is Bool) { return [number.doubleValue] }
        return []
    }

    /// Every key of every object in a JSON value, however deep.
    static func keys(in value: Any) -> Set<String> {
        if let object = value as? [String: Any] {
            return object.reduce(into: Set(object.keys)) { $0.formUnion(keys(in: $1.value)) }
        }
        if let array = value as? [Any] {
            return array.reduce(into: Set<String>()) { $0.formUnion(keys(in: $1)) }
        }
        return []
    }
}
