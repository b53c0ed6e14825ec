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
        let main = try #require(values["next_p99_ms"]), baseline = try #require(values["next_p99_baseline_ms"])
        let ratio = try #require(values["next_p99_ratio"])
        #expect(abs(ratio - main / baseline) < 0.01)
        #expect(ratio <= 1.5, "next p99 \(main) ms with 20,000 microtasks, \(baseline) ms with 1,000")
    }
}
