// Box fusion: operators' boxes on one image become consensus boxes with a confidence.
import AnnolabCore
import Testing

@Suite("Box fusion for image-boxes")
struct BoxFusionTests {
    static func box(_ label: String, _ x: Double, _ y: Double, _ w: Double, _ h: Double) -> LabeledBox {
        LabeledBox(label: label, x: x, y: y, w: w, h: h)
    }

    /// Three operators box the same car and the same person with small offsets; Bo also boxes
    /// a car that nobody else saw.
    static let threeOperators = [
        BoxAnswer(operatorID: "ann", boxes: [box("car", 10, 10, 100, 50), box("person", 200, 100, 40, 80)]),
        BoxAnswer(operatorID: "bo", boxes: [box("person", 202, 98, 40, 80), box("car", 12, 10, 100, 50),
                                            box("car", 400, 300, 30, 30)]),
        BoxAnswer(operatorID: "cem", boxes: [box("car", 14, 13, 100, 50), box("person", 201, 102, 40, 83)]),
    ]

    @Test("Three operators boxing the same two objects give two boxes at the mean position; a stray box is dropped")
    func twoObjectsAndAStray() throws {
        let consensus = BoxFusion().fuse(Self.threeOperators)
        #expect(consensus.boxes.count == 2)
        let car = try #require(consensus.boxes.first { $0.box.label == "car" })
        let person = try #require(consensus.boxes.first { $0.box.label == "person" })
        // car: x (10+12+14)/3, y (10+10+13)/3; person: y (100+98+102)/3, h (80+80+83)/3.
        #expect(abs(car.box.x - 12) < 1e-9 && abs(car.box.y - 11) < 1e-9)
        #expect(abs(car.box.w - 100) < 1e-9 && abs(car.box.h - 50) < 1e-9)
        #expect(abs(person.box.x - 201) < 1e-9 && abs(person.box.y - 100) < 1e-9)
        #expect(abs(person.box.w - 40) < 1e-9 && abs(person.box.h - 81) < 1e-9)
        #expect(car.drawnBy == ["ann", "bo", "cem"])
        // All three drew it, so the confidence is the mean IoU to the fused box.
        #expect(car.support == 1)
        #expect(car.confidence > 0.85 && car.confidence < 1)
        #expect(abs(car.confidence - car.meanIoU) < 1e-12)

        let bo = consensus.operatorQuality[1]
        #expect(bo.operatorID == "bo")
        #expect(bo.boxes == 3 && bo.matched == 2 && bo.stray == 1 && bo.missed == 0)
        #expect(consensus.operatorQuality.map(\.operatorID) == ["ann", "bo", "cem"])
        #expect(consensus.operatorQuality[0].stray == 0)
        // The stray box is a low-agreement cluster: a candidate for image-box-verify.
        let candidate = try #require(consensus.verifyCandidates.first)
        #expect(consensus.verifyCandidates.count == 1)
        #expect(candidate.label == "car" && candidate.box.x == 400 && !candidate.kept)
        #expect(abs(candidate.confidence - 1.0 / 3.0) < 1e-12)
    }

    @Test("A box drawn by one of three operators is dropped at quorum 0.5 and kept at quorum 0.3")
    func quorum() {
        #expect(BoxFusion(quorum: 0.5).fuse(Self.threeOperators).boxes.count == 2)
        let lenient = BoxFusion(quorum: 0.3).fuse(Self.threeOperators)
        #expect(lenient.boxes.count == 3)
        #expect(lenient.operatorQuality[1].stray == 0)
        #expect(lenient.operatorQuality[0].missed == 1)
    }

    @Test("Boxes that overlap just below the IoU threshold are not matched")
    func iouThreshold() {
        // IoU of these two boxes is 50 / 150 = 1/3; the third operator saw nothing.
        let answers = [
            BoxAnswer(operatorID: "ann", boxes: [Self.box("car", 0, 0, 10, 10)]),
            BoxAnswer(operatorID: "bo", boxes: [Self.box("car", 5, 0, 10, 10)]),
            BoxAnswer(operatorID: "cem", boxes: []),
        ]
        let overlap = answers[0].boxes[0].iou(answers[1].boxes[0])
        #expect(abs(overlap - 1.0 / 3.0) < 1e-12)
        #expect(BoxFusion(iouThreshold: overlap + 1e-9).fuse(answers).boxes.isEmpty)
        #expect(BoxFusion(iouThreshold: 0.34).fuse(answers).clusters.count == 2)
        let matched = BoxFusion(iouThreshold: overlap).fuse(answers)
        #expect(matched.boxes.count == 1)
        #expect(abs(matched.boxes[0].box.x - 2.5) < 1e-12)
        #expect(BoxFusion(iouThreshold: 0.33).fuse(answers).boxes.count == 1)
    }

    @Test("When every operator says there is nothing here, there are no boxes")
    func allEmpty() {
        let consensus = BoxFusion().fuse([
            BoxAnswer(operatorID: "ann", boxes: []),
            BoxAnswer(operatorID: "bo", boxes: []),
            BoxAnswer(operatorID: "cem", boxes: []),
        ])
        #expect(consensus.boxes.isEmpty && consensus.verifyCandidates.isEmpty)
        #expect(consensus.operatorsAnswered == 3)
        #expect(consensus.operatorQuality.allSatisfy { $0.meanIoU == nil && $0.missed == 0 })
    }

    @Test("An operator's 'nothing here' counts against a box the others drew")
    func emptyAnswerIsAVote() {
        let box = Self.box("car", 0, 0, 10, 10)
        let answers = [
            BoxAnswer(operatorID: "ann", boxes: [box]),
            BoxAnswer(operatorID: "bo", boxes: []),
            BoxAnswer(operatorID: "cem", boxes: []),
        ]
        #expect(BoxFusion().fuse(answers).boxes.isEmpty)
        #expect(BoxFusion().fuse(Array(answers.prefix(1))).boxes.count == 1)
    }

    @Test("A more reliable operator pulls the fused box towards their box")
    func reliabilityMovesTheBox() {
        let answers = [
            BoxAnswer(operatorID: "ann", boxes: [Self.box("car", 0, 0, 10, 10)]),
            BoxAnswer(operatorID: "bo", boxes: [Self.box("car", 2, 0, 10, 10)]),
        ]
        #expect(abs(BoxFusion().fuse(answers).boxes[0].box.x - 1) < 1e-12)
        let weighted = BoxFusion(reliability: ["ann": 1, "bo": 3]).fuse(answers).boxes[0]
        #expect(abs(weighted.box.x - 1.5) < 1e-12)
    }

    @Test("Confidence is the weighted share of operators who drew the box times their mean IoU")
    func confidenceFormula() {
        let box = Self.box("person", 50, 50, 20, 40)
        let answers = [
            BoxAnswer(operatorID: "ann", boxes: [box]),
            BoxAnswer(operatorID: "bo", boxes: [box]),
            BoxAnswer(operatorID: "cem", boxes: []),
        ]
        let fused = BoxFusion().fuse(answers).boxes[0]
        #expect(abs(fused.confidence - 2.0 / 3.0) < 1e-12)
        let trusted = BoxFusion(reliability: ["cem": 2]).fuse(answers).boxes[0]
        #expect(abs(trusted.confidence - 0.5) < 1e-12)
    }

    @Test("Boxes of different labels never merge, and one operator's two boxes never share a cluster")
    func clustersStayApart() {
        let answers = [
            BoxAnswer(operatorID: "ann", boxes: [Self.box("car", 0, 0, 10, 10), Self.box("car", 1, 0, 10, 10)]),
            BoxAnswer(operatorID: "bo", boxes: [Self.box("bus", 0, 0, 10, 10)]),
        ]
        let consensus = BoxFusion(quorum: 0).fuse(answers)
        #expect(consensus.clusters.count == 3)
        #expect(consensus.clusters.allSatisfy { $0.drawnBy.count == 1 })
    }
}
