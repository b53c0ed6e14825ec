// Answer and truth CSV files: the forms people bring, and errors that say which line is wrong.
import AnnolabCore
import Testing

@Suite("Answer and truth CSV files")
struct AnswerTableTests {
    @Test("Both header conventions are read, with CRLF line ends and a byte order mark")
    func headers() throws {
        let crowdKit = try AnswerTable.parse("task,worker,label\n1,ann,yes\n2,bo,no\n")
        #expect(crowdKit.answers == [CrowdAnswer(task: "1", worker: "ann", label: "yes"),
                                     CrowdAnswer(task: "2", worker: "bo", label: "no")])
        let benchmark = try AnswerTable.parse(Array("\u{FEFF}question,worker,answer\r\n7,w1,0\r\n".utf8))
        #expect(benchmark.answers == [CrowdAnswer(task: "7", worker: "w1", label: "0")])
        let reordered = try AnswerTable.parse("Worker, Label ,Task\nann,cat,9")
        #expect(reordered.answers == [CrowdAnswer(task: "9", worker: "ann", label: "cat")])
    }

    @Test("Quoted labels may hold commas, quotes and line breaks")
    func quoting() throws {
        let text = "task,worker,label\n1,ann,\"hallo, wereld\"\n2,bo,\"zei \"\"ja\"\"\"\n3,cem,\"twee\nregels\"\n4,dirk,x\n"
        let labels = try AnswerTable.parse(text).answers.map(\.label)
        #expect(labels == ["hallo, wereld", "zei \"ja\"", "twee\nregels", "x"])
    }

    @Test("A row with the wrong number of fields is refused, naming its line")
    func wrongFieldCount() {
        // The quoted label spans lines 3-4, so the short row is on line 5.
        let text = "task,worker,label\n1,ann,yes\n2,bo,\"two\nlines\"\n3,cem\n"
        let error = #expect(throws: LabError.self) { try AnswerTable.parse(text) }
        #expect(error?.code == "csv_fields")
        #expect(error?.message.hasPrefix("Line 5 has 2 fields, but the header has 3.") == true)
    }

    @Test("A file without the expected header says which header it needs")
    func unknownHeader() {
        let error = #expect(throws: LabError.self) { try AnswerTable.parse("id,person,value\n1,ann,yes\n") }
        #expect(error?.code == "csv_header")
        #expect(error?.message.contains("task,worker,label") == true)
        #expect(error?.message.contains("id,person,value") == true)
        let empty = #expect(throws: LabError.self) { try AnswerTable.parse("") }
        #expect(empty?.code == "csv_empty")
    }

    @Test("An unclosed quote is refused, naming the line where it opens")
    func openQuote() {
        let error = #expect(throws: LabError.self) { try AnswerTable.parse("task,worker,label\n1,ann,yes\n2,bo,\"no\n") }
        #expect(error?.message.hasPrefix("Line 3 ") == true)
    }

    @Test("An answer without a worker is refused, naming its line")
    func emptyWorker() {
        let error = #expect(throws: LabError.self) { try AnswerTable.parse("task,worker,label\n1,,yes\n") }
        #expect(error?.message.hasPrefix("Line 2 has an empty worker") == true)
    }

    @Test("Results are sorted by task number when every task is a number, with four decimals")
    func numericOrder() {
        let rows = [DecodedLabel(task: "10", label: "b", confidence: 0.5),
                    DecodedLabel(task: "9", label: "a", confidence: 2.0 / 3.0),
                    DecodedLabel(task: "100", label: "a,b", confidence: 1)]
        #expect(ConsensusTable.csv(rows) == "task,label,confidence\n9,a,0.6667\n10,b,0.5000\n100,\"a,b\",1.0000\n")
    }

    @Test("Results are sorted as text when a task id is not a number")
    func stringOrder() {
        let rows = [DecodedLabel(task: "10", label: "b", confidence: 0.5),
                    DecodedLabel(task: "9", label: "a", confidence: 0.25),
                    DecodedLabel(task: "clip", label: nil, confidence: 0)]
        #expect(ConsensusTable.csv(rows) == "task,label,confidence\n10,b,0.5000\n9,a,0.2500\nclip,,0.0000\n")
    }

    @Test("Accuracy counts only tasks that have both a consensus label and a truth")
    func accuracy() throws {
        let truth = try TruthTable.parse("question,truth\n1,yes\n2,no\n3,yes\n")
        let rows = [DecodedLabel(task: "1", label: "yes", confidence: 1),
                    DecodedLabel(task: "2", label: "yes", confidence: 1),
                    DecodedLabel(task: "4", label: "no", confidence: 1)]
        let result = truth.accuracy(of: rows)
        #expect(result.tasks == 2)
        #expect(result.accuracy == 0.5)
        #expect(try TruthTable.parse("task,label\nx,1\n").truth == ["x": "1"])
    }
}
