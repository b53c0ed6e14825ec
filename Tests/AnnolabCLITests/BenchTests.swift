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
        for key in ["loops/s", "p50_ms", "p99_ms"] { #expect(values[key] != nil, "\(key) is reported") }
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
}
