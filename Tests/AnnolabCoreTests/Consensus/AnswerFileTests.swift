// The fast answer reader against the plain one: same answers, same codes, same errors, same output.
@testable import AnnolabCore
import Foundation
import Testing

/// Reads bytes both ways: `AnswerTable.parse` + `CodedAnswers` (the reference) and `AnswerFile`.
enum BothReaders {
    static func reference(_ bytes: [UInt8]) -> Result<CodedAnswers, LabError> {
        Result { try CodedAnswers(AnswerTable.parse(bytes).answers) }.mapError(labError)
    }

    static func fast(_ bytes: [UInt8]) -> Result<AnswerFile, LabError> {
        Result { try bytes.withUnsafeBytes { try AnswerFile.read($0) } }.mapError(labError)
    }

    static func labError(_ error: any Error) -> LabError {
        error as? LabError ?? LabError(.internalFailure, "not_a_lab_error", "\(error)")
    }

    /// Expects the same codes and names, or the same error code and message.
    static func expectSame(_ bytes: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) {
        let shown = String(decoding: bytes, as: UTF8.self).debugDescription
        switch (reference(bytes), fast(bytes)) {
        case let (.success(old), .success(file)):
            guard let new = try? file.codedAnswers() else {
                Issue.record("\(shown): the fast reader's codes do not make a matrix", sourceLocation: sourceLocation)
                return
            }
            #expect(new.matrix == old.matrix, "\(shown)", sourceLocation: sourceLocation)
            #expect(new.codebook == old.codebook, "\(shown)", sourceLocation: sourceLocation)
        case let (.failure(old), .failure(new)):
            #expect(new.code == old.code, "\(shown)", sourceLocation: sourceLocation)
            #expect(new.message == old.message, "\(shown)", sourceLocation: sourceLocation)
        case let (old, new):
            Issue.record("\(shown): reference \(old), fast \(new)", sourceLocation: sourceLocation)
        }
    }
}

@Suite("Consensus: the fast answer file reader reads what AnswerTable reads")
struct AnswerFileTests {
    @Test("Both header conventions, any column order, CRLF and a byte order mark")
    func headers() throws {
        for text in ["task,worker,label\n1,ann,yes\n2,bo,no\n",
                     "\u{FEFF}question,worker,answer\r\n7,w1,0\r\n",
                     "Worker, Label ,Task\nann,cat,9",
                     "extra,TASK,worker,label,more\nx,1,ann,yes,y\r\nx,2,bo,no,y\r\n"] {
            BothReaders.expectSame(Array(text.utf8))
        }
        let file = try BothReaders.fast(Array("Worker, Label ,Task\r\nann,cat,9\r\nbo,dog,9\r\n".utf8)).get()
        #expect(file.tasks.names == ["9"])
        #expect(file.workers.names == ["ann", "bo"])
        #expect(file.labels.names == ["cat", "dog"])
        #expect(file.count == 2)
    }

    @Test("Quoted fields hold commas, doubled quotes and line breaks")
    func quoting() throws {
        let text = "task,worker,label\n1,ann,\"hallo, wereld\"\n2,bo,\"zei \"\"ja\"\"\"\n3,cem,\"twee\nregels\"\n\"4\",\"dirk\",x\n5,eva,\"a\"b\"c\n6,fe,x\"y\n7,gus,\"\"\n"
        BothReaders.expectSame(Array(text.utf8))
        let coded = try BothReaders.fast(Array(text.utf8)).get().codedAnswers()
        #expect(Set(coded.codebook.labels) == ["hallo, wereld", "zei \"ja\"", "twee\nregels", "x", "ab\"c", "x\"y", ""])
    }

    @Test("Errors are the same, with the same line: wrong width, empty task or worker, unclosed quote, no header")
    func errors() {
        for text in ["task,worker,label\n1,ann,yes\n2,bo,\"two\nlines\"\n3,cem\n",   // Line 5 has 2 fields
                     "task,worker,label\n1,ann,yes,extra\n",
                     "task,worker,label\n1,,yes\n",
                     "task,worker,label\n,ann,yes\n",
                     "task,worker,label\n1,ann,yes\n2,bo,\"no\n",                    // never closed
                     "task,worker,label\n1,ann\n2,bo,\"no\n",                        // the open quote wins
                     "id,person,value\n1,ann,yes\n",
                     "task,label\n1,yes\n",
                     "worker,answer\n",
                     "", "\n\n", "   \r\n\t\n", "\u{FEFF}", "\"",
                     "task,worker,label\n", "task,worker,label"] {
            BothReaders.expectSame(Array(text.utf8))
        }
        let error = #expect(throws: LabError.self) { try BothReaders.fast(Array("task,worker,label\n1,ann,yes\n2,bo,\"two\nlines\"\n3,cem\n".utf8)).get() }
        #expect(error?.code == "csv_fields")
        #expect(error?.message.hasPrefix("Line 5 has 2 fields, but the header has 3.") == true)
        let empty = #expect(throws: LabError.self) { try BothReaders.fast([]).get() }
        #expect(empty?.code == "csv_empty")
    }

    @Test("Blank lines are skipped and line numbers still count them")
    func blankLines() {
        for text in ["task,worker,label\n\n1,ann,yes\n  \n\r\n2,bo\n",
                     "task,worker,label\r\r1,ann,yes\r2,bo,no\r",
                     "\n\ntask,worker,label\n\"\"\n1,ann,yes\n\u{3000}\n \u{301}\n2,bo\n",
                     "task,worker,label\n\u{1C}\n"] {
            BothReaders.expectSame(Array(text.utf8))
        }
    }

    @Test("Names that String calls equal share a code: composed and decomposed accents, the Kelvin sign, broken UTF-8")
    func unicodeNames() throws {
        let text = "task,worker,label\ncafé,ann,K\ncafe\u{301},ann,\u{212A}\n日本,bo,K\n"
        BothReaders.expectSame(Array(text.utf8))
        let file = try BothReaders.fast(Array(text.utf8)).get()
        #expect(file.tasks.count == 2)
        #expect(file.labels.count == 1)
        var broken = Array("task,worker,label\n1,a\u{e9},x\n2,".utf8)
        broken += [0x61, 0xE9, 0x2C, 0x78, 0x0A, 0x33, 0x2C, 0xFF, 0xFE, 0x2C, 0x79, 0x0A]
        BothReaders.expectSame(broken)
    }

    @Test("Labels get the codes CodedAnswers gives them: by number when all are numbers, else as text")
    func labelOrder() {
        for text in ["task,worker,label\n1,a,10\n2,a,9\n3,a,-1\n4,a,100\n",
                     "task,worker,label\n1,a,10\n2,a,9\n3,a,b\n4,a,\n",
                     "task,worker,label\n1,a,zeta\n2,a,Alpha\n3,a,été\n4,a,eta\n"] {
            BothReaders.expectSame(Array(text.utf8))
        }
    }

    @Test("Random files of commas, quotes, line ends and accents are read the same way as AnswerTable reads them")
    func randomFiles() {
        // No "0" or "+": "1" and "01" are equal numbers whose order the reference leaves to chance.
        let pieces = ["a", "b", "1", "-", ",", ",", ",", "\"", "\"", "\n", "\n", "\r", "\r\n", " ", "é", "e\u{301}", "\u{212A}", "K"]
        var random = SplitMix64(seed: 16)
        for round in 0..<3000 {
            var text = round % 3 == 0 ? "question,worker,answer\n" : "task,worker,label\n"
            for _ in 0..<random.int(0...40) { text += pieces[random.next(below: pieces.count)] }
            BothReaders.expectSame(Array(text.utf8))
        }
    }

    @Test("Well-formed random files with quoted names keep every answer")
    func randomWellFormedFiles() {
        let names = ["1", "2", "10", "x", "a,b", "say \"hi\"", "two\nlines", "é", " ", "w-1"]
        var random = SplitMix64(seed: 61)
        for _ in 0..<200 {
            var text = "worker,task,label\r\n"
            for _ in 0..<random.int(1...30) {
                let fields = (0..<3).map { _ in names[random.next(below: names.count)] }
                text += fields.map(CrowdCSV.escape).joined(separator: ",") + (random.next(below: 2) == 0 ? "\n" : "\r\n")
            }
            BothReaders.expectSame(Array(text.utf8))
        }
    }

    @Test("The real duck and dog answers are read into the same codes")
    func realData() throws {
        for name in ["duck", "dog"] {
            let url = CrowdDataFolder.url().appendingPathComponent(name).appendingPathComponent("answer.csv")
            let bytes = try [UInt8](Data(contentsOf: url))
            BothReaders.expectSame(bytes)
        }
    }
}
