// /metrics read as Prometheus reads it: every line parsed, the request counters and the lab's own gauges checked.
import AnnolabServer
import AnnolabStore
import Foundation
import Testing

@Suite("Metrics in Prometheus text")
struct MetricsTests {
    @Test("a scrape is Prometheus text: the route's request count goes up and the lab's four figures are there")
    func scrape() async throws {
        let lab = try await RunningLab.start(demo: true)
        defer { Task { await lab.stop() } }
        // An operator at work with a task reserved: one on shift, one open lease, a queue with work in it.
        let project = try #require(try await lab.store.projects(clientId: nil).first { $0.template == .choice })
        _ = try await lab.server.importer.importFiles([(name: "street.png", data: try TestMedia.png(width: 40, height: 30))],
                                                      into: project.id!, strict: true, actor: nil)
        let anouk = try await lab.login(["badge": "OP-0001"])
        #expect(try await lab.request("POST", "/api/v1/shift/start", token: anouk).status == 200)
        let next = try await lab.request("GET", "/api/v1/tasks/next", token: anouk)
        #expect(next.status == 200, "a task: \(next.text)")

        let healthz = ["http_route": "/healthz", "http_request_method": "GET", "http_response_status_code": "200"]
        let before = try await scrape(lab)
        for _ in 1...3 { #expect(try await lab.request("GET", "/healthz").status == 200) }
        // A request is counted once its answer is written, which may be just after the client read it.
        var after = try await scrape(lab)
        for _ in 1...50 where after.value("hb_requests", healthz) ?? 0 < (before.value("hb_requests", healthz) ?? 0) + 3 {
            try await Task.sleep(for: .milliseconds(20))
            after = try await scrape(lab)
        }
        #expect(after.value("hb_requests", healthz) == (before.value("hb_requests", healthz) ?? 0) + 3,
                "Hummingbird's counter for the route went up by the three requests")
        let ok = ["status": "200"]
        let answered = try #require(after.value("annolab_http_requests_total", ok))
        #expect(answered >= (before.value("annolab_http_requests_total", ok) ?? 0) + 3,
                "the lab's own total by status goes on counting under its old name")
        #expect(try #require(after.value("annolab_http_request_seconds_total")) > 0)
        #expect(try #require(after.value("annolab_uptime_seconds")) >= 0)
        #expect(after.types["annolab_http_requests_total"] == "counter")
        #expect(after.types["hb_requests"] == "counter")
        #expect(after.types["http_server_request_duration"] == "histogram")

        for gauge in ["annolab_operators_on_shift", "annolab_open_leases", "annolab_queue_depth", "annolab_commit_batch_size"] {
            #expect(after.types[gauge] == "gauge", "\(gauge) is declared a gauge")
            let value = try #require(after.value(gauge), "\(gauge) is served")
            #expect(value >= 0 && value == value.rounded(), "\(gauge) is a count: \(value)")
        }
        #expect(after.value("annolab_operators_on_shift") == 1)
        #expect(after.value("annolab_open_leases") == 1)
        #expect(try #require(after.value("annolab_queue_depth")) >= 1)
        if RunningLab.onPostgres {
            #expect(after.value("annolab_commit_batch_size") == 0, "PostgreSQL has no group commit here")
        } else {
            #expect(try #require(after.value("annolab_commit_batch_size")) >= 1, "the lease was a group write")
        }
    }

    @Test("two servers in one process count their own requests apart")
    func serversApart() async throws {
        let first = try await RunningLab.start()
        defer { Task { await first.stop() } }
        let second = try await RunningLab.start()
        defer { Task { await second.stop() } }
        for _ in 1...2 { _ = try await first.request("GET", "/healthz") }
        var seen = try await scrape(first)
        let healthz = ["http_route": "/healthz", "http_request_method": "GET", "http_response_status_code": "200"]
        for _ in 1...50 where seen.value("hb_requests", healthz) ?? 0 < 2 {
            try await Task.sleep(for: .milliseconds(20))
            seen = try await scrape(first)
        }
        #expect(seen.value("hb_requests", healthz) == 2)
        #expect(try await scrape(second).value("hb_requests", healthz) == nil, "the other server answered no health check")
    }

    @Test("the parser refuses what is not Prometheus text")
    func parserRefuses() {
        for text in ["annolab_x 1\n# TYPE annolab_x gauge\n", "annolab x 1\n", "annolab_x{a=\"1} 1\n", "annolab_x one\n",
                     "# a remark\n", "# TYPE annolab_x meter\n", "annolab_x{a=\"1\"} 1 2 3\n"] {
            #expect(throws: PrometheusText.Malformed.self, "\(text.debugDescription)") { try PrometheusText(parsing: text) }
        }
        let good = try? PrometheusText(parsing: """
            # HELP a_total Things, with a \\\\ backslash.
            # TYPE a_total counter
            a_total{kind="x\\"y",b="2"} 3
            a_total 1e-05
            # TYPE h histogram
            h_bucket{le="+Inf"} 4 1700000000000

            """)
        #expect(good?.value("a_total", ["kind": "x\"y", "b": "2"]) == 3)
        #expect(good?.value("h_bucket", ["le": "+Inf"]) == 4)
    }

    private func scrape(_ lab: RunningLab) async throws -> PrometheusText {
        let response = try await lab.request("GET", "/metrics")
        #expect(response.status == 200)
        #expect(response.header("Content-Type")?.hasPrefix("text/plain; version=0.0.4") == true)
        return try PrometheusText(parsing: response.text)
    }
}

/// Prometheus text exposition format (version 0.0.4), parsed strictly: every line is a `# HELP`
/// or `# TYPE` comment or a sample `name{label="value",...} value [timestamp]`, names and label
/// names are Prometheus names, label values are quoted with `\\`, `\"` and `\n` escapes, values
/// are numbers (`+Inf`, `-Inf` and `NaN` included), and a family's `# TYPE` comes once and before
/// its samples.
struct PrometheusText {
    struct Malformed: Error, CustomStringConvertible {
        var line: Int
        var reason: String
        var description: String { "line \(line): \(reason)" }
    }

    struct Sample {
        var name: String
        var labels: [String: String]
        var value: Double
    }

    private(set) var samples: [Sample] = []
    /// The declared type of each family.
    private(set) var types: [String: String] = [:]

    /// A sample's value, when the scrape has exactly that name and those labels.
    func value(_ name: String, _ labels: [String: String] = [:]) -> Double? {
        samples.first { $0.name == name && $0.labels == labels }?.value
    }

    init(parsing text: String) throws {
        var lines = text.components(separatedBy: "\n")
        guard lines.last == "" else { throw Malformed(line: lines.count, reason: "the text does not end with a line feed") }
        lines.removeLast()
        var sampled: Set<String> = []
        for (index, line) in lines.enumerated() {
            let number = index + 1
            func fail(_ reason: String) -> Malformed { Malformed(line: number, reason: "\(reason): \(line.debugDescription)") }
            if line.hasPrefix("#") {
                let words = line.split(separator: " ", maxSplits: 3, omittingEmptySubsequences: false).map(String.init)
                guard words.count >= 3, words[0] == "#", ["HELP", "TYPE"].contains(words[1]), Self.isName(words[2]) else {
                    throw fail("a comment that is neither # HELP nor # TYPE")
                }
                if words[1] == "TYPE" {
                    let kinds = ["counter", "gauge", "histogram", "summary", "untyped"]
                    guard words.count == 4, kinds.contains(words[3]) else { throw fail("an unknown type") }
                    guard types[words[2]] == nil, !sampled.contains(words[2]) else { throw fail("a type declared twice or late") }
                    types[words[2]] = words[3]
                }
                continue
            }
            let sample = try Self.sample(line, fail: fail)
            sampled.insert(sample.name)
            for suffix in ["_bucket", "_sum", "_count"] where sample.name.hasSuffix(suffix) {
                sampled.insert(String(sample.name.dropLast(suffix.count)))
            }
            samples.append(sample)
        }
    }

    private static func sample(_ line: String, fail: (String) -> Malformed) throws -> Sample {
        var rest = Substring(line)
        let name = String(rest.prefix { $0.isLetter || $0.isNumber || $0 == "_" || $0 == ":" })
        guard isName(name) else { throw fail("a sample without a metric name") }
        rest = rest.dropFirst(name.count)
        var labels: [String: String] = [:]
        if rest.first == "{" {
            rest = rest.dropFirst()
            while rest.first != "}" {
                let label = String(rest.prefix { $0.isLetter || $0.isNumber || $0 == "_" })
                guard isName(label), !label.contains(":"), rest.dropFirst(label.count).hasPrefix("=\"") else {
                    throw fail("a label that is not name=\"value\"")
                }
                rest = rest.dropFirst(label.count + 2)
                var value = ""
                while true {
                    guard let character = rest.popFirst() else { throw fail("a label value without its closing quote") }
                    if character == "\"" { break }
                    if character == "\\" {
                        switch rest.popFirst() {
                        case "\\": value.append("\\")
                        case "\"": value.append("\"")
                        case "n": value.append("\n")
                        default: throw fail("an unknown escape in a label value")
                        }
                    } else {
                        value.append(character)
                    }
                }
                guard labels.updateValue(value, forKey: label) == nil else { throw fail("a label given twice") }
                if rest.first == "," { rest = rest.dropFirst() } else if rest.first != "}" { throw fail("labels not separated by commas") }
            }
            rest = rest.dropFirst()
        }
        let fields = rest.split(separator: " ", omittingEmptySubsequences: false)
        guard fields.count == 2 || fields.count == 3, fields[0].isEmpty else { throw fail("not one value after the name") }
        guard let value = number(fields[1]) else { throw fail("a value that is not a number") }
        if fields.count == 3, Int64(fields[2]) == nil { throw fail("a timestamp that is not whole milliseconds") }
        return Sample(name: name, labels: labels, value: value)
    }

    private static func number(_ text: Substring) -> Double? {
        switch text {
        case "+Inf": .infinity
        case "-Inf": -.infinity
        case "NaN": .nan
        default: text.allSatisfy { "0123456789+-.eE".contains($0) } ? Double(text) : nil
        }
    }

    private static func isName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first.isASCII, first.properties.isAlphabetic || first == "_" || first == ":" else {
            return false
        }
        return name.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_" || $0 == ":") }
    }
}
