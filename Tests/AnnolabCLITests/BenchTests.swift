// The benchmarks run and say what they measured, in one line of key=value figures.
import Foundation
import Testing

/// The key=value figures of a benchmark's last line.
func figures(_ output: String) -> [String: Double] {
    let line = output.split(separator: "\n").last.map(String.init) ?? ""
    var result: [String: Double] = [:]
    for pair in line.split(separator: " ") {
        let parts = pair.split(separator: "=", maxSplits: 1)
        if parts.count == 2, let value = Double(parts[1]) { result[String(parts[0])] = value }
    }
    return result
}

@Suite("Benchmarks")
struct BenchTests {
    @Test("bench import cuts its files into the right number of microtasks")
    func benchImport() throws {
        let result = try annolab(["bench", "import", "--pictures", "1", "--sound-minutes", "1", "--cues", "8", "--runs", "1"])
        #expect(result.status == 0, "\(result.stderr)")
        let values = figures(result.stdout)
        // One 3000x2000 picture = 12 tiles, 60 s of sound = 6 clips, 8 cues = 2 windows.
        #expect(values["microtasks"] == 20)
        #expect((values["files/s"] ?? 0) > 0)
        #expect((values["peak_rss_mb"] ?? 0) > 0)
    }

    @Test("bench serve drives the operator loop over HTTP with no errors, and every loop is a stored answer")
    func benchServe() throws {
        let result = try annolab(["bench", "serve", "--microtasks", "300", "--connections", "4", "--seconds", "2"])
        #expect(result.status == 0, "\(result.stderr)")
        let values = figures(result.stdout)
        #expect(values["errors"] == 0)
        #expect((values["loops"] ?? 0) > 0)
        #expect(values["answers_stored"] == values["loops"])
        #expect((values["peak_rss_mb"] ?? 0) > 0)
        #expect((values["rest_rss_mb"] ?? 0) > 0)
        for key in ["loops/s", "p50_ms", "p99_ms", "next_p50_ms", "next_p99_ms", "seed_s", "start_s", "first_window",
                    "last_window", "last_first_ratio"] {
            #expect(values[key] != nil, "\(key) is reported")
        }
        // The load generator is one thread over epoll: it must cost less CPU than the server it measures.
        let bench = try #require(values["bench_cpu_s"]), server = try #require(values["server_cpu_s"])
        #expect(bench > 0 && server > 0 && bench < server, "bench \(bench) s of CPU, server \(server) s")
    }

    @Test("bench consensus reports its timing and the accuracy it reached")
    func benchConsensus() throws {
        let result = try annolab(["bench", "consensus", "--tasks", "2000", "--runs", "3"])
        #expect(result.status == 0, "\(result.stderr)")
        let values = figures(result.stdout)
        #expect(values["answers"] == 10_000)
        #expect((values["accuracy"] ?? 0) > 0.8)
        #expect(values["median_ms"] != nil && values["runs"] == 3)
        #expect((values["peak_rss_mb"] ?? 0) > 0)
        #expect(result.stderr.contains("bench: run 3/3"), "progress goes to stderr")
    }

    @Test("bench consensus --write-csv writes the crowd; aggregate and bench consensus --input read it back to the bench's accuracy")
    func benchConsensusRoundTrip() throws {
        let folder = temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let answers = folder.appendingPathComponent("answers.csv").path
        let truth = folder.appendingPathComponent("answers-truth.csv").path
        let written = try annolab(["bench", "consensus", "--tasks", "2000", "--runs", "1", "--write-csv", answers])
        #expect(written.status == 0, "\(written.stderr)")
        let accuracy = try #require(figures(written.stdout)["accuracy"])
        #expect(accuracy > 0.8)
        let answerLines = try String(contentsOfFile: answers, encoding: .utf8).split(separator: "\n")
        #expect(answerLines.count == 10_001)
        #expect(answerLines.first == "task,worker,label")
        let truthLines = try String(contentsOfFile: truth, encoding: .utf8).split(separator: "\n")
        #expect(truthLines.count == 2001)
        #expect(truthLines.first == "task,label")

        let aggregated = try annolab(["aggregate", "--method", "ds", "--input", answers, "--truth", truth])
        #expect(aggregated.status == 0, "\(aggregated.stderr)")
        #expect(aggregated.stderr.contains("accuracy=\(String(format: "%.4f", accuracy)) tasks=2000"), "\(aggregated.stderr)")
        let labelLines = aggregated.stdout.split(separator: "\n")
        #expect(labelLines.count == 2001)
        #expect(labelLines.first == "task,label,confidence")
        #expect(labelLines.dropFirst().first?.hasPrefix("0,") == true)
        #expect(labelLines.last?.hasPrefix("1999,") == true)

        let timed = try annolab(["bench", "consensus", "--input", answers, "--truth", truth, "--runs", "3"])
        #expect(timed.status == 0, "\(timed.stderr)")
        let values = figures(timed.stdout)
        #expect(values["answers"] == 10_000)
        #expect(values["tasks"] == 2000)
        #expect(values["runs"] == 3)
        #expect(values["accuracy"] == accuracy)
        #expect((values["median_ms"] ?? 0) > 0)
        #expect((values["peak_rss_mb"] ?? 0) > 0)
    }

    @Test("aggregate says which file and which line are wrong, and tells a missing file from an unreadable one")
    func aggregateErrors() throws {
        let folder = temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let missing = folder.appendingPathComponent("none.csv").path
        let result = try annolab(["aggregate", "--input", missing])
        #expect(result.status != 0)
        #expect(result.stderr.contains("Cannot open \(missing): there is no such file."), "\(result.stderr)")
        let folderResult = try annolab(["aggregate", "--input", folder.path])
        #expect(folderResult.status != 0)
        #expect(folderResult.stderr.contains("Cannot open \(folder.path): it cannot be read."), "\(folderResult.stderr)")
        let short = folder.appendingPathComponent("short.csv")
        try Data("task,worker,label\n1,ann,yes\n2,bo\n".utf8).write(to: short)
        let shortResult = try annolab(["aggregate", "--input", short.path])
        #expect(shortResult.status != 0)
        #expect(shortResult.stderr.contains("\(short.path): Line 3 has 2 fields, but the header has 3."), "\(shortResult.stderr)")
        #expect(shortResult.stdout.isEmpty)
    }

    @Test("bench serve soak: leases left unanswered, a fresh operator at each closed browser, loops/s per window")
    func benchServeSoak() throws {
        let result = try annolab(["bench", "serve", "--microtasks", "5000", "--connections", "4", "--seconds", "12",
                                  "--window", "4", "--abandon", "0.05"])
        #expect(result.status == 0, "\(result.stderr)")
        let values = figures(result.stdout)
        #expect(values["errors"] == 0)
        #expect(values["no_work"] == 0)
        #expect((values["loops"] ?? 0) > 0)
        #expect(values["answers_stored"] == values["loops"])
        // About one served task in twenty is left, and each but those at the very end brings a fresh operator.
        let abandoned = try #require(values["abandoned"]), signIns = try #require(values["sign_ins"])
        #expect(abandoned > 0 && signIns > 0 && signIns <= abandoned && signIns >= abandoned - 4)
        let served = (values["loops"] ?? 0) + abandoned
        #expect(abandoned / served > 0.02 && abandoned / served < 0.1, "\(abandoned) of \(served) served tasks left")
        // Three windows of 4 s, printed as they end; the first and last are the final line's.
        let windows = result.stderr.split(separator: "\n").filter { $0.hasPrefix("bench: window ") }
        #expect(windows.count == 3, "\(result.stderr)")
        #expect(windows.first?.hasPrefix("bench: window 1 (0-4 s): \(Int(values["first_window"] ?? -1)) loops/s") == true)
        #expect(windows.last?.hasPrefix("bench: window 3 (8-12 s): \(Int(values["last_window"] ?? -1)) loops/s") == true)
        let ratio = try #require(values["last_first_ratio"])
        #expect(abs(ratio - (values["last_window"] ?? 0) / (values["first_window"] ?? 1)) < 0.01)
    }

    @Test("bench serve: next's p99 with 20,000 microtasks stays within 1.5x of its p99 with 1,000")
    func benchServeNextFlat() throws {
        // Seven short runs against each lab, taken in turn, so a busy spell of a shared machine
        // falls on both sides; the p99 of each is the median of its seven.
        let result = try annolab(["bench", "serve", "--microtasks", "20000", "--baseline-microtasks", "1000",
                                  "--connections", "4", "--seconds", "1", "--repeats", "7"])
        #expect(result.status == 0, "\(result.stderr)")
        let values = figures(result.stdout)
        #expect(values["errors"] == 0)
        #expect(values["repeats"] == 7)
        #expect((values["baseline_loops"] ?? 0) > 0 && (values["loops"] ?? 0) > 0)
        // The baseline's loops against as many first loops of the bigger lab: equal loads from an equal start.
        let main = try #require(values["next_p99_early_ms"]), baseline = try #require(values["next_p99_baseline_ms"])
        let ratio = try #require(values["next_p99_ratio"])
        #expect(main > 0 && baseline > 0 && abs(ratio - main / baseline) < 0.01)
        #expect(ratio <= 1.5, "next p99 \(main) ms with 20,000 microtasks, \(baseline) ms with 1,000")
    }

    @Test("bench export seeds a finished picture project and reports COCO and YOLO times, memory and sizes; the files are valid")
    func benchExport() throws {
        let data = temporaryFolder()
        defer { try? FileManager.default.removeItem(at: data) }
        let result = try annolab(["bench", "export", "--images", "200", "--runs", "1", "--data", data.path])
        #expect(result.status == 0, "\(result.stderr)")
        let values = figures(result.stdout)
        #expect(values["images"] == 200)
        #expect(values["boxes"] == 2000, "3 operators drew 10 objects on each image: 10 fused boxes each")
        for key in ["coco_s", "yolo_s", "coco_peak_rss_mb", "yolo_peak_rss_mb", "coco_mb", "yolo_mb"] {
            #expect((values[key] ?? 0) > 0, "\(key) is reported")
        }
        #expect(values["peak_rss_mb"] == max(values["coco_peak_rss_mb"] ?? 0, values["yolo_peak_rss_mb"] ?? 0))
        #expect(result.stderr.contains("bench: "), "progress goes to stderr")

        let coco = try Data(contentsOf: data.appendingPathComponent("bench-export-coco.json"))
        let json = try #require(try JSONSerialization.jsonObject(with: coco) as? [String: Any])
        #expect((json["images"] as? [Any])?.count == 200)
        #expect((json["annotations"] as? [Any])?.count == 2000)
        #expect((json["categories"] as? [[String: Any]])?.compactMap { $0["name"] as? String } == ["car", "person", "bicycle", "bus"])

        let zip = data.appendingPathComponent("bench-export-yolo.zip").path
        let python = try runProgram("/usr/bin/env", ["python3", "-c", """
            import sys, zipfile
            z = zipfile.ZipFile(sys.argv[1])
            lines = sum(len(z.read(n).splitlines()) for n in z.namelist() if n.startswith("labels/"))
            print(len(z.namelist()), z.testzip(), lines)
            """, zip])
        #expect(python.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "201 None 2000", "\(python.stderr)")

        // A second run on the same folder reuses the seeded lab.
        let again = try annolab(["bench", "export", "--images", "200", "--runs", "1", "--data", data.path])
        #expect(again.status == 0 && again.stderr.contains("reusing project"), "\(again.stderr)")
        #expect(figures(again.stdout)["seed_s"] == 0 && figures(again.stdout)["boxes"] == 2000)
    }
}
