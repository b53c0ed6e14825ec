// `annolab text` driven through standard input against a real demo lab, as a screen-reader user would.
import AnnolabCore
import AnnolabServer
import AnnolabStore
import Foundation
import Testing
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `annolab text` in a child process: one line in, one reply (lines ending in an empty line) out.
final class TextSession: @unchecked Sendable {
    let process = ChildProcess()
    let input = Pipe()
    let output = Pipe()
    var pending = ""
    /// Every line the program printed, in order.
    var transcript: [String] = []

    init(server: String, badge: String) throws {
        process.executableURL = annolabProgram
        process.arguments = ["text", "--server", server, "--badge", badge, "--no-sound"]
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        // A stuck program must not hang the test run.
        let watched = process
        DispatchQueue.global().asyncAfter(deadline: .now() + 120) { if watched.isRunning { watched.terminate() } }
    }

    /// The next reply's lines.
    func reply() -> [String] {
        while !pending.contains("\n\n") {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            pending += String(decoding: chunk, as: UTF8.self)
        }
        guard let end = pending.range(of: "\n\n") else {
            let rest = pending
            pending = ""
            return rest.split(separator: "\n").map(String.init)
        }
        let lines = pending[..<end.lowerBound].split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        pending = String(pending[end.upperBound...])
        transcript += lines
        return lines
    }

    func say(_ line: String) -> [String] {
        input.fileHandleForWriting.write(Data((line + "\n").utf8))
        return reply()
    }

    func finish() -> Int32 {
        try? input.fileHandleForWriting.close()
        process.waitUntilExit()
        return process.terminationStatus
    }
}

@Suite("annolab text")
struct TextCommandTests {
    @Test("a whole shift in text mode: 3 subtitle checks and 3 sound tags by words and digits, help, repeat, a pause, the end")
    func wholeShift() async throws {
        let data = temporaryFolder()
        let server = try ServerProcess(data: data, demo: true)
        defer { server.process.terminate() }
        let session = try TextSession(server: "http://127.0.0.1:\(server.port)", badge: "OP-0005")

        #expect(session.reply().contains("Je dienst is nog niet begonnen. Zeg start om te beginnen."))
        var prompt = session.say("start")
        #expect(prompt.first == "Je dienst is begonnen. Succes.")
        #expect(session.say("help").contains { $0.contains("herhaal") })
        let repeated = session.say("herhaal")
        #expect(repeated == Array(prompt.dropFirst()), "repeat reads the task again")
        prompt = repeated

        var expectedCues: [[AnswerBody.CueAnswer]] = []
        var expectedTags: [[String]] = []
        var paused = false
        var rounds = 0
        while expectedCues.count < 3 || expectedTags.count < 3 {
            rounds += 1
            try #require(rounds < 12, "the lab ran out of work: \(session.transcript.suffix(6))")
            if prompt.contains(where: { $0.hasPrefix("Ondertitel 1 van ") }), expectedCues.count < 3 {
                // Judge every subtitle of this part: yes for most, a text error with a correction for the second.
                var cues: [AnswerBody.CueAnswer] = []
                var line = try #require(prompt.first { $0.hasPrefix("Ondertitel 1 van ") })
                let total = try #require(Int(line.split(separator: " ")[3].trimmingCharacters(in: .punctuationCharacters)))
                for position in 1...total {
                    #expect(line.hasPrefix("Ondertitel \(position) van \(total)"), "\(line)")
                    let index = cues.count   // the payload's cue numbers are checked against the store below
                    if position == 2 {
                        #expect(session.say("nee").first?.hasPrefix("Wat is er fout?") == true)
                        #expect(session.say("twee").first == "Wat moet de tekst zijn? Zeg of typ het. Of zeg geen.")
                        prompt = session.say("Dit is de goede tekst")
                        cues.append(.init(index: index, verdict: "text-error", correction: "Dit is de goede tekst"))
                    } else if position == 3 {
                        prompt = session.say("3")
                        cues.append(.init(index: index, verdict: "timing-error"))
                    } else {
                        prompt = session.say("ja")
                        cues.append(.init(index: index, verdict: "correct"))
                    }
                    line = prompt.first { $0.hasPrefix("Ondertitel ") } ?? ""
                }
                #expect(prompt.contains("Opgeslagen."))
                expectedCues.append(cues)
            } else if prompt.contains("Welke geluiden hoor je? Zeg elk nummer dat past."), expectedTags.count < 3 {
                let answers: [(String, [String])] = [("1 en 2", ["music", "speech"]), ("vijf", ["silence"]), ("geen", [])]
                let (words, tags) = answers[expectedTags.count]
                prompt = session.say(words)
                #expect(prompt.contains("Opgeslagen."))
                expectedTags.append(tags)
            } else {
                prompt = session.say("overslaan")
                #expect(prompt.first == "Overgeslagen. Dat is goed.")
            }
            if !paused, expectedCues.count + expectedTags.count == 2 {
                paused = true
                let pause = session.say("pauze")
                #expect(pause == ["Je hebt nu pauze. Neem je tijd.", "Zeg verder als je klaar bent."])
                #expect(session.say("1") == ["Je hebt pauze. Zeg verder als je klaar bent."], "no task and no answer in a pause")
                prompt = session.say("verder")
                #expect(prompt.first == "Hier is je taak weer.")
            }
        }
        #expect(paused)
        let end = session.say("stop")
        #expect(end.first == "Je dienst is klaar. Dank je wel voor je werk vandaag.")
        #expect(session.finish() == 0)

        for line in session.transcript {
            #expect(Speakable.isSpeakable(line), "not fit to read aloud: \(line)")
        }

        // What the lab stored: the same verdicts, corrections and tags, for this operator.
        let store = try LabStore(folder: data)
        let operatorId = try #require(try await store.operators(ofCoach: 2).first { $0.badge == "OP-0005" }?.id)
        let stored = try await store.answersInContext(operatorId: operatorId)
        let decoder = JSONDecoder()
        let bodies = try stored.map { try decoder.decode(AnswerBody.self, from: Data($0.answer.body.utf8)) }
        let cueAnswers = bodies.compactMap(\.cues)
        let tagAnswers = bodies.compactMap(\.tags)
        #expect(cueAnswers.count == 3)
        #expect(tagAnswers.count == 3)
        #expect(Set(tagAnswers.map { $0.sorted() }) == Set(expectedTags.map { $0.sorted() }))
        func summary(_ cues: [AnswerBody.CueAnswer]) -> String {
            cues.map { "\($0.verdict):\($0.correction ?? "-")" }.joined(separator: ",")
        }
        #expect(cueAnswers.map(summary).sorted() == expectedCues.map(summary).sorted())
        for answer in cueAnswers {
            #expect(answer.map(\.index) == answer.map(\.index).sorted(), "one verdict per cue, in order")
            #expect(Set(answer.map(\.index)).count == answer.count)
        }
        let shiftPhase = try await store.latestShift(operatorId: operatorId)?.endReason
        #expect(shiftPhase == "byOperator")
    }
}
