// The model's report, checked against figures worked out by hand.
import AnnolabCore
import Foundation
import Testing

@Suite("The model's report")
struct ModelReportTests {
    static func face(_ x: Double, _ y: Double, _ w: Double = 10, _ h: Double = 10) -> LabeledBox {
        LabeledBox(label: "face", x: x, y: y, w: w, h: h)
    }

    static func plate(_ x: Double, _ y: Double, _ w: Double = 20, _ h: Double = 10) -> LabeledBox {
        LabeledBox(label: "plate", x: x, y: y, w: w, h: h)
    }

    /// Three pictures. A: both faces found (the second at IoU 81/119). B: one face, found by the
    /// 0.4 box; the 0.3 box on the same face comes second and is a false positive, as are a face
    /// far away (0.95) and a plate where there is none (0.7). C: the face box overlaps by 50/150
    /// only (a false positive and a miss); the plate is found.
    /// Faces: 3 found, 3 false, 1 missed, 4 in the consensus. Plates: 1 found, 1 false, 1 there.
    static let images: [ModelReport.BoxImage] = [
        .init(itemId: "a", fileName: "a.png", thumbnail: "/t/a.jpg",
              predicted: [.init(box: face(0, 0), score: 0.9), .init(box: face(21, 21), score: 0.8)],
              consensus: [face(0, 0), face(20, 20)]),
        .init(itemId: "b", fileName: "b.png", thumbnail: "/t/b.jpg",
              predicted: [.init(box: face(0, 0), score: 0.3), .init(box: face(0, 0), score: 0.4),
                          .init(box: face(50, 50), score: 0.95), .init(box: plate(0, 0), score: 0.7)],
              consensus: [face(0, 0)]),
        .init(itemId: "c", fileName: "c.png", thumbnail: "/t/c.jpg",
              predicted: [.init(box: face(5, 0), score: 0.6), .init(box: plate(30, 0), score: 0.5)],
              consensus: [face(0, 0), plate(30, 0)]),
    ]

    static func close(_ a: Double, _ b: Double) -> Bool { abs(a - b) < 1e-9 }

    @Test("Boxes: precision, recall and F1 per label from matches at IoU 0.5, best score first")
    func boxes() throws {
        let report = ModelReport(modelVersion: "faces-2.1", images: Self.images)
        #expect(report.labels.map(\.label) == ["face", "plate"])
        let face = report.labels[0], plate = report.labels[1]
        #expect(Self.close(face.precision, 0.5) && Self.close(face.recall, 0.75) && Self.close(face.f1, 0.6))
        #expect(face.support == 4)
        #expect(Self.close(plate.precision, 0.5) && Self.close(plate.recall, 1) && Self.close(plate.f1, 2.0 / 3))
        #expect(plate.support == 1)
        #expect(report.confusion == nil)

        // B is worst: 0.95 + 0.7 + 0.3 (had the 0.3 box matched first, 0.4 would be counted).
        #expect(report.worst.map(\.itemId) == ["b", "c"])
        #expect(Self.close(report.worst[0].severity, 1.95))
        #expect(report.worst[0].model.map(\.score) == [0.95, 0.7, 0.3])
        #expect(report.worst[0].people.isEmpty)
        #expect(report.worst[0].thumbnail == "/t/b.jpg")
        #expect(Self.close(report.worst[1].severity, 1.6))
        #expect(report.worst[1].model == [ModelReport.Said(box: Self.face(5, 0), score: 0.6)])
        #expect(report.worst[1].people == [ModelReport.Said(box: Self.face(0, 0))])
        #expect(ModelReport(modelVersion: nil, images: Self.images, worstCount: 1).worst.map(\.itemId) == ["b"])
    }

    @Test("A consensus box is found once; a better-overlapping box of lower score comes too late")
    func greedyByScore() {
        let image = ModelReport.BoxImage(
            itemId: "d", fileName: "d.png",
            predicted: [.init(box: Self.face(0, 0), score: 0.5), .init(box: Self.face(2, 0), score: 0.9)],
            consensus: [Self.face(0, 0)])
        let report = ModelReport(modelVersion: nil, images: [image])
        #expect(report.labels.map(\.precision) == [0.5])
        #expect(report.worst.first?.model == [ModelReport.Said(box: Self.face(0, 0), score: 0.5)])
    }

    @Test("A label the model never found, or never drew, scores 0 rather than nothing")
    func undefinedScoresAreZero() {
        let image = ModelReport.BoxImage(itemId: "e", fileName: "e.png", predicted: [
            .init(box: Self.plate(100, 100), score: nil)], consensus: [Self.face(0, 0)])
        let report = ModelReport(modelVersion: nil, images: [image])
        #expect(report.labels == [
            .init(label: "face", precision: 0, recall: 0, f1: 0, support: 1),
            .init(label: "plate", precision: 0, recall: 0, f1: 0, support: 0),
        ])
        // An unscored false box counts as a sure one.
        #expect(report.worst.first?.severity == 2)
    }

    /// Consensus / model: 1 cat/cat, 2 dog/cat (0.8), 3 dog/dog, 4 dog/bird (no score), 5 cat/dog (0.7).
    static let items: [ModelReport.CategoryItem] = [
        .init(itemId: "1", fileName: "1.jpg", predicted: .init(label: "cat", score: 0.9), consensus: "cat"),
        .init(itemId: "2", fileName: "2.jpg", predicted: .init(label: "cat", score: 0.8), consensus: "dog"),
        .init(itemId: "3", fileName: "3.jpg", predicted: .init(label: "dog", score: 0.6), consensus: "dog"),
        .init(itemId: "4", fileName: "4.jpg", predicted: .init(label: "bird"), consensus: "dog"),
        .init(itemId: "5", fileName: "5.jpg", predicted: .init(label: "dog", score: 0.7), consensus: "cat"),
    ]

    @Test("Categories: per-label scores and a confusion table with the consensus in rows")
    func categories() throws {
        let report = ModelReport(modelVersion: "pets-1", items: Self.items)
        #expect(report.labels.map(\.label) == ["bird", "cat", "dog"])
        let bird = report.labels[0], cat = report.labels[1], dog = report.labels[2]
        #expect(bird == .init(label: "bird", precision: 0, recall: 0, f1: 0, support: 0))
        #expect(cat == .init(label: "cat", precision: 0.5, recall: 0.5, f1: 0.5, support: 2))
        #expect(Self.close(dog.precision, 0.5) && Self.close(dog.recall, 1.0 / 3) && Self.close(dog.f1, 0.4))
        #expect(dog.support == 3)
        #expect(report.confusion == .init(labels: ["bird", "cat", "dog"], counts: [[0, 0, 0], [0, 1, 1], [1, 1, 1]]))
        #expect(report.worst.map(\.itemId) == ["4", "2", "5"])
        #expect(report.worst.map(\.severity) == [1, 0.8, 0.7])
        #expect(report.worst[1].model == [.init(label: "cat", score: 0.8)])
        #expect(report.worst[1].people == [.init(label: "dog")])
    }

    @Test("Calibration: only bins with predictions, each with its shares and mean score")
    func calibration() throws {
        let outcomes: [ModelReport.Outcome] = [
            .init(score: 0.95, verdict: .accepted), .init(score: 0.92, verdict: .changed),
            .init(score: 1.0, verdict: .accepted), .init(score: 0.55, verdict: .accepted),
            .init(score: 0.5, verdict: .changed), .init(score: 0.05, verdict: .changed),
            .init(score: 0.3, verdict: .accepted), .init(score: .nan, verdict: .accepted),
        ]
        let bins = ModelReport(modelVersion: nil, outcomes: outcomes).calibration
        #expect(bins.map(\.from) == [0, 0.3, 0.5, 0.9])
        #expect(bins.map(\.to) == [0.1, 0.4, 0.6, 1])
        #expect(bins.map(\.count) == [1, 1, 2, 3])
        #expect(bins.map(\.accepted) == [0, 1, 0.5, 2.0 / 3])
        #expect(zip(bins.map(\.changed), [1, 0, 0.5, 1.0 / 3]).allSatisfy { Self.close($0, $1) })
        #expect(zip(bins.map(\.meanScore), [0.05, 0.3, 0.525, 2.87 / 3]).allSatisfy { Self.close($0, $1) })
    }

    @Test("Hours saved: accepted boxes times the median drawing time less the median checking time")
    func hoursSaved() {
        let saved = ModelReport.TimeSaved(acceptedBoxes: 120, drawSeconds: [12, 20, 15], verifySeconds: [4, 2, 3, 100])
        #expect(Self.close(saved.hours, 120 * 11.5 / 3600))
        #expect(Self.close(ModelReport(modelVersion: nil, timeSaved: saved).hoursSaved, 0.38333333333333336))
        #expect(ModelReport.TimeSaved(acceptedBoxes: 10, drawSeconds: [2], verifySeconds: [5]).hours == 0)
        #expect(ModelReport.TimeSaved(acceptedBoxes: 10, drawSeconds: [], verifySeconds: [5]).hours == 0)
        #expect(ModelReport.TimeSaved(acceptedBoxes: 0, drawSeconds: [30], verifySeconds: [5]).hours == 0)
    }

    @Test("The JSON has the keys the client's page reads, and reads back the same")
    func json() throws {
        let report = ModelReport(
            modelVersion: "faces-2.1", images: Self.images, items: Self.items,
            outcomes: [.init(score: 0.9, verdict: .accepted)],
            timeSaved: .init(acceptedBoxes: 3, drawSeconds: [10], verifySeconds: [4]))
        let data = try JSONEncoder().encode(report)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(Set(object.keys) == ["modelVersion", "labels", "confusion", "calibration", "worst", "hoursSaved"])
        let label = try #require((object["labels"] as? [[String: Any]])?.first)
        #expect(Set(label.keys) == ["label", "precision", "recall", "f1", "support"])
        let confusion = try #require(object["confusion"] as? [String: Any])
        #expect(Set(confusion.keys) == ["labels", "counts"])
        #expect(try JSONDecoder().decode(ModelReport.self, from: data) == report)

        let boxesOnly = try JSONEncoder().encode(ModelReport(modelVersion: "v", images: Self.images))
        let boxesObject = try #require(try JSONSerialization.jsonObject(with: boxesOnly) as? [String: Any])
        #expect(boxesObject["confusion"] == nil)
    }
}
