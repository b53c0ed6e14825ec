// The fast path's output and truth against the plain ones: the labels file byte for byte, the accuracy, the decimals.
@testable import AnnolabCore
import Foundation
import Testing

@Suite("Consensus: the fast path writes the labels ConsensusTable writes")
struct AnswerFileOutputTests {
    /// The output both ways for one method: the reference (`CodedAnswers`, `decode`,
    /// `ConsensusTable.csv`) and the fast one (`AnswerFile`, `consensusCSV`).
    static func bothOutputs(_ bytes: [UInt8], _ method: any CategoricalAggregator) throws -> (reference: String, fast: String) {
        let coded = try CodedAnswers(AnswerTable.parse(bytes).answers)
        let reference = ConsensusTable.csv(coded.decode(method.fit(coded.matrix)))
        let file = try bytes.withUnsafeBytes { try AnswerFile.read($0) }
        let fast = String(decoding: file.consensusCSV(method.fit(try file.matrix())), as: UTF8.self)
        return (reference, fast)
    }

    @Test("The real duck and dog answers give the same labels file, byte for byte, with both methods")
    func realData() throws {
        for name in ["duck", "dog"] {
            let url = CrowdDataFolder.url().appendingPathComponent(name).appendingPathComponent("answer.csv")
            let bytes = try [UInt8](Data(contentsOf: url))
            for method in [DawidSkene() as any CategoricalAggregator, MajorityVote()] {
                let (reference, fast) = try Self.bothOutputs(bytes, method)
                #expect(fast == reference, "\(name) with \(method)")
                #expect(fast.hasPrefix("task,label,confidence\n"))
            }
        }
    }

    @Test("Tasks out of order, as text, as numbers with signs and zeros, with commas, quotes and accents, are sorted and quoted the same way")
    func sortingAndQuoting() throws {
        let files = [
            "task,worker,label\n10,a,x\n9,a,y\n100,b,x\n-3,a,y\n+7,b,x\n007,a,x\n7,b,y\n",
            "task,worker,label\nb,a,x\na,a,y\nB,b,\"x,y\"\n\"c,d\",a,\"say \"\"hi\"\"\"\n10,b,x\n9,a,x\n",
            "task,worker,label\nété,a,x\nete,a,y\nzoo,b,ü\n\"é\"\"a\",a,x\n9223372036854775808,b,x\n",
            "task,worker,label\n3,a,1\n2,a,\n1,b,2\n",
        ]
        for text in files {
            for method in [DawidSkene() as any CategoricalAggregator, MajorityVote()] {
                let (reference, fast) = try Self.bothOutputs(Array(text.utf8), method)
                #expect(fast == reference, "\(text.debugDescription)")
            }
        }
    }

    @Test("A synthetic crowd of 20,000 answers in shuffled order gives the same labels file")
    func shuffledCrowd() throws {
        var random = SplitMix64(seed: 2026)
        var rows: [String] = []
        for t in 0..<4000 {
            let truth = random.next(below: 3)
            for _ in 0..<5 {
                let worker = random.next(below: 50)
                let label = random.nextUnit() < 0.7 ? truth : random.next(below: 3)
                rows.append("\(t * 7 % 4001),w\(worker),\(["cat", "dog", "bird"][label])")
            }
        }
        for i in stride(from: rows.count - 1, to: 0, by: -1) { rows.swapAt(i, random.next(below: i + 1)) }
        let bytes = Array(("task,worker,label\n" + rows.joined(separator: "\n")).utf8)
        let (reference, fast) = try Self.bothOutputs(bytes, DawidSkene())
        #expect(fast == reference)
        #expect(fast.split(separator: "\n").count == 4001)
    }

    @Test("Four decimals are written as String(format: \"%.4f\") writes them, halves to even included")
    func fourDecimals() {
        var values: [Double] = [0, 1, 0.5, 0.00005, 0.99995, 0.12345, 0.00004999, 1e-300, 5e-324,
                                .leastNormalMagnitude, 1.0.nextDown, 0.5.nextUp, 0.5.nextDown, -0.0, -0.25, 1.5, .nan]
        // Exact halves of the last place: k / 32 with k odd is exactly x.xxxx5.
        values += stride(from: 1, to: 32, by: 2).map { Double($0) / 32 }
        values += (0...10_000).flatMap { k in [Double(k) / 10_000, (Double(k) + 0.5) / 10_000] }
        var random = SplitMix64(seed: 4)
        values += (0..<100_000).map { _ in random.nextUnit() }
        for value in values {
            var bytes: [UInt8] = []
            FourDecimals.append(value, to: &bytes)
            let expected = String(format: "%.4f", value)
            if String(decoding: bytes, as: UTF8.self) != expected {
                Issue.record("\(value): \(String(decoding: bytes, as: UTF8.self)), expected \(expected)")
                return
            }
        }
    }

    @Test("Accuracy against a truth file is TruthTable's, and its errors are TruthTable's")
    func truth() throws {
        for name in ["duck", "dog"] {
            let folder = CrowdDataFolder.url().appendingPathComponent(name)
            let answers = try [UInt8](Data(contentsOf: folder.appendingPathComponent("answer.csv")))
            let truthBytes = try [UInt8](Data(contentsOf: folder.appendingPathComponent("truth.csv")))
            let coded = try CodedAnswers(AnswerTable.parse(answers).answers)
            let reference = try TruthTable.parse(truthBytes).accuracy(of: coded.decode(DawidSkene().fit(coded.matrix)))
            let file = try answers.withUnsafeBytes { try AnswerFile.read($0) }
            let codes = try truthBytes.withUnsafeBytes { try file.truthCodes($0) }
            let fast = file.accuracy(of: DawidSkene().fit(try file.matrix()), truth: codes)
            #expect(fast.tasks == reference.tasks)
            #expect(fast.accuracy == reference.accuracy)
        }
        // Unknown tasks and labels, a task listed twice (the last wins), quoted names.
        let answers = Array("task,worker,label\n1,a,yes\n2,a,no\n\"3,x\",a,yes\n".utf8)
        let file = try answers.withUnsafeBytes { try AnswerFile.read($0) }
        let consensus = MajorityVote().fit(try file.matrix())
        let truthText = "label,task\nno,1\nyes,1\nmaybe,2\nyes,\"3,x\"\nyes,99\n"
        let codes = try Array(truthText.utf8).withUnsafeBytes { try file.truthCodes($0) }
        let reference = try TruthTable.parse(truthText)
            .accuracy(of: try CodedAnswers(AnswerTable.parse(answers).answers).decode(consensus))
        #expect(file.accuracy(of: consensus, truth: codes) == reference)
        #expect(reference.tasks == 3 && reference.accuracy == 2.0 / 3.0)
        for broken in ["", "question,worker\n1,yes\n", "question,truth\n1,yes,no\n", "question,truth\n1,\"yes\n"] {
            let old = #expect(throws: LabError.self) { try TruthTable.parse(broken) }
            let new = #expect(throws: LabError.self) { try Array(broken.utf8).withUnsafeBytes { try file.truthCodes($0) } }
            #expect(new?.code == old?.code)
            #expect(new?.message == old?.message)
        }
    }

    @Test("File bytes come from a mapped file, an empty file, or a device; a folder and a missing file are told apart")
    func fileBytes() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("filebytes-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("answers.csv")
        try Data("task,worker,label\n1,a,b\n".utf8).write(to: file)
        #expect(try FileBytes.withBytes(of: file.path) { Array($0) } == Array("task,worker,label\n1,a,b\n".utf8))
        let empty = folder.appendingPathComponent("empty.csv")
        try Data().write(to: empty)
        #expect(try FileBytes.withBytes(of: empty.path) { $0.count } == 0)
        #expect(try FileBytes.withBytes(of: "/dev/null") { $0.count } == 0)
        #expect(throws: FileBytes.Failure.missing) { try FileBytes.withBytes(of: folder.appendingPathComponent("none.csv").path) { $0.count } }
        #expect(throws: FileBytes.Failure.unreadable) { try FileBytes.withBytes(of: folder.path) { $0.count } }
    }
}
