// `annolab bench serve`: the operator loop (next, then answer) over real HTTP against a real server.
import AnnolabServer
import AnnolabStore
import ArgumentParser
import Foundation

struct BenchServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Start a real server on a temporary data folder and drive the operator loop over HTTP.",
        discussion: """
            Seeds N microtasks and enough operators, starts `annolab serve` as its own process (durable commits as
            in production), signs one operator in on each of C keep-alive connections and starts their shifts, then
            loops GET /api/v1/tasks/next and POST /api/v1/assignments/{id}/answer for T seconds. The load comes
            from one thread with an epoll loop, so it costs a small part of the CPU the server uses (both are
            printed). With --abandon P a share P of the served tasks is never answered, as when a browser is
            closed: a fresh operator signs in on that connection and carries on, and the lease stays held until
            it expires. Loops/s is printed for every window of --window seconds. With --baseline-microtasks the
            same load first runs against a lab of that size, for at most half its work (a small lab must not run
            dry); the p99 of `next` there is compared with its p99 over as many first loops of the main lab
            (next_p99_ratio). With --repeats the runs alternate and per-run figures are medians. With --database
            the seeded lab is moved into that empty PostgreSQL database (as `annolab migrate` moves a lab) and
            served from there; --servers N then starts N servers on it, the connections spread round-robin over
            them. Ends with one line of key=value figures.
            """
    )

    @Option(help: "Microtasks in the benchmark project.")
    var microtasks = 100_000

    @Option(help: "Operators to seed per run (default: one per connection, plus fresh operators for abandoned leases).")
    var operators: Int?

    @Option(help: "Concurrent HTTP connections, one operator each.")
    var connections = 64

    @Option(help: "Seconds to run the loop.")
    var seconds = 20

    @Option(help: "Answers per microtask.")
    var overlap = 3

    @Option(help: "Share of served tasks never answered (0 to 0.5); a fresh operator then signs in on that connection.")
    var abandon = 0.0

    @Option(help: "Seconds per window of the loops/s printed as the run goes.")
    var window = 10.0

    @Option(help: "Also run the same load against a lab of this many microtasks first, and compare the p99 of next.")
    var baselineMicrotasks: Int?

    @Option(help: "Runs of the load (alternating with the baseline's); per-run figures are the median of the runs.")
    var repeats = 1

    @Option(help: "Keep the data folder here instead of a temporary one.")
    var data: String?

    @Option(help: "Serve with this annolab program instead of this one (the same load against another version).")
    var serverProgram: String?

    @Option(help: ArgumentHelp("Move the seeded lab into this empty PostgreSQL database (as `annolab migrate` does) and serve it from there; media stay in the data folder.",
                               valueName: "postgres://user@host:port/db"))
    var database: String?

    @Option(help: "Servers on the one lab, each on its own port (above 1 only with --database); the connections are spread round-robin over them. server_cpu_s is then their sum; peak_rss_mb and rest_rss_mb are the largest server's.")
    var servers = 1

    func run() async throws {
        guard connections >= 1, seconds >= 1, microtasks >= 1, repeats >= 1, overlap >= 1 else {
            throw CommandFailure(description: "Connections, seconds, microtasks, repeats and overlap must be at least 1.")
        }
        guard (0...0.5).contains(abandon) else { throw CommandFailure(description: "--abandon must be from 0 to 0.5.") }
        guard window >= 1 else { throw CommandFailure(description: "--window must be at least 1 second.") }
        guard seconds <= BenchLab.profile.workMinutes * 60 - 60 else {
            throw CommandFailure(description: "A run longer than the bench operators' work block of \(BenchLab.profile.workMinutes) minutes would meet a pause. Choose fewer seconds.")
        }
        if let baselineMicrotasks, baselineMicrotasks < 1 {
            throw CommandFailure(description: "--baseline-microtasks must be at least 1.")
        }
        try checkStoreOptions()
        let perRun = max(operators ?? 0, connections + Self.freshOperators(seconds: seconds, abandon: abandon))
        let base = data.map { URL(fileURLWithPath: $0) }
            ?? URL(fileURLWithPath: NSTemporaryDirectory() + "annolab-bench-\(UUID().uuidString)")
        if FileManager.default.fileExists(atPath: base.appendingPathComponent("main").path) {
            throw CommandFailure(description: "The folder \(base.path) already holds a benchmark lab. Choose a new folder for --data.")
        }
        defer { if data == nil { try? FileManager.default.removeItem(at: base) } }

        log("seeding \(microtasks) microtasks and \(perRun * repeats) operators in \(base.path)")
        let main = try await BenchLab.seed(folder: base.appendingPathComponent("main"), microtasks: microtasks,
                                           overlap: overlap, operators: perRun * repeats)
        log(String(format: "seeded in %.1f s", main.seedSeconds))
        var moveSeconds: Double?
        if let database {
            moveSeconds = try await Self.move(main.folder, to: database)
            log(String(format: "moved into PostgreSQL in %.1f s", moveSeconds ?? 0))
        }
        var baseline: BenchLab?
        if let baselineMicrotasks {
            baseline = try await BenchLab.seed(folder: base.appendingPathComponent("baseline"), microtasks: baselineMicrotasks,
                                               overlap: overlap, operators: perRun * repeats)
        }

        let program = serverProgram ?? CommandLine.arguments[0]
        let mainServers = try startServers(servers, program: program, data: main.folder,
                                           extra: database.map { ["--database", $0] } ?? [])
        defer { for server in mainServers { server.stop() } }
        let baselineServer = try baseline.map { try BenchServer(program: program, data: $0.folder) }
        defer { baselineServer?.stop() }
        let storedBefore = try await Self.answers(in: main.folder, database: database)

        var mainRuns: [LoadRun] = [], baselineRuns: [LoadRun] = []
        // At most half the baseline's work in all, so that its store keeps its size.
        let cap = baselineMicrotasks.map { max(connections, $0 * overlap / (2 * repeats)) }
        for round in 0..<repeats {
            let badges = { (lab: BenchLab) in Array(lab.badges[(round * perRun)..<((round + 1) * perRun)]) }
            if let baseline, let baselineServer, let baselineMicrotasks {
                log("baseline run \(round + 1): \(baselineMicrotasks) microtasks, \(connections) connections")
                baselineRuns.append(try await Self.measure(servers: [baselineServer], badges: badges(baseline), connections: connections,
                                                           plan: plan("baseline", cap: cap, early: nil), readRest: false))
            }
            log("run \(round + 1): \(connections) connections for \(seconds) s")
            mainRuns.append(try await Self.measure(servers: mainServers, badges: badges(main), connections: connections,
                                                   plan: plan("main", cap: nil, early: cap), readRest: round == 0))
        }
        guard let rest = mainRuns.first?.rest else { throw CommandFailure(description: "No run was made.") }
        if !rest.peakReset { log("the peak memory cannot be reset here: peak_rss_mb includes the start") }
        let stored = try await Self.answers(in: main.folder, database: database) - storedBefore
        let peakMB = mainServers.map(\.peakMB).max() ?? 0, startSeconds = mainServers.map(\.startSeconds).max() ?? 0

        var line = Self.figures(mainRuns, connections: connections, microtasks: microtasks, runSeconds: Double(seconds))
        line += String(format: " answers_stored=%d peak_rss_mb=%.0f rest_rss_mb=%.0f start_peak_rss_mb=%.0f seed_s=%.2f start_s=%.2f",
                       stored, peakMB, rest.residentMB, rest.startPeakMB, main.seedSeconds, startSeconds)
        if let moveSeconds { line += String(format: " move_s=%.2f", moveSeconds) }
        line += " servers=\(servers) store=\(database == nil ? "sqlite" : "postgres")"
        if let baselineMicrotasks {
            // Like for like: the baseline's loops against as many first loops of the main lab.
            let basePercentile = median(baselineRuns.map { $0.next.percentile(0.99) })
            let earlyPercentile = median(mainRuns.map { $0.earlyNext.percentile(0.99) })
            line += String(format: " baseline_microtasks=%d baseline_loops=%d next_p99_baseline_ms=%.3f next_p99_early_ms=%.3f next_p99_ratio=%.3f",
                           baselineMicrotasks, baselineRuns.reduce(0) { $0 + $1.loops }, basePercentile, earlyPercentile,
                           basePercentile > 0 ? earlyPercentile / basePercentile : 0)
        }
        say(line)
    }

    private func plan(_ label: String, cap: Int?, early: Int?) -> LoadPlan {
        LoadPlan(seconds: Double(seconds), windowSeconds: window, abandon: abandon, loopCap: cap, earlyLoops: early,
                 label: label, printWindows: label == "main")
    }

    /// Fresh operators for the abandoned leases of one run: as if the loop served 12,000 tasks a
    /// second (above the 10,000 this machine can reach), with room to spare; when they still run
    /// out, the earliest sign in again.
    static func freshOperators(seconds: Int, abandon: Double) -> Int {
        abandon > 0 ? Int((Double(seconds) * 12_000 * abandon).rounded(.up)) : 0
    }

    /// One run on its own thread: sign-ins, then (with `readRest`) the server's memory at rest,
    /// then the timed loop, with the CPU time of the bench and of the servers over the loop alone
    /// (summed over the servers; their memory is the largest server's).
    static func measure(servers: [BenchServer], badges: [String], connections: Int, plan: LoadPlan,
                        readRest: Bool) async throws -> LoadRun {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(with: Result {
                    let generator = try LoadGenerator(ports: servers.map(\.port), connections: connections,
                                                      badges: BadgePool(badges))
                    try generator.signIn()
                    var rest: LoadRun.Rest?
                    if readRest {
                        let startPeak = servers.map(\.peakMB).max() ?? 0
                        let reset = servers.map { $0.resetPeak() }.allSatisfy { $0 }
                        rest = LoadRun.Rest(residentMB: servers.map(\.residentMB).max() ?? 0, startPeakMB: startPeak, peakReset: reset)
                    }
                    let serversCPU: @Sendable () -> Double = { servers.reduce(0) { $0 + $1.cpuSeconds() } }
                    let benchCPU = processCPUSeconds(), serverCPU = serversCPU()
                    var plan = plan
                    plan.serverCPU = serversCPU
                    var run = generator.run(plan)
                    run.benchCPU = processCPUSeconds() - benchCPU
                    run.serverCPU = serversCPU() - serverCPU
                    run.rest = rest
                    return run
                })
            }
        }
    }

    /// The main runs' figures: per-run figures are medians over the runs, counts are totals.
    static func figures(_ runs: [LoadRun], connections: Int, microtasks: Int, runSeconds: Double) -> String {
        func middle(_ value: (LoadRun) -> Double) -> Double { median(runs.map(value)) }
        func total(_ value: (LoadRun) -> Int) -> Int { runs.reduce(0) { $0 + value($1) } }
        let first = middle { $0.firstAndLast(runSeconds: runSeconds).first }
        let last = middle { $0.firstAndLast(runSeconds: runSeconds).last }
        let ratio = middle { run in
            let (first, last) = run.firstAndLast(runSeconds: runSeconds)
            return first > 0 ? last / first : 0
        }
        return String(format: """
            loops/s=%.0f p50_ms=%.2f p99_ms=%.2f next_p50_ms=%.3f next_p99_ms=%.3f answer_p50_ms=%.3f answer_p99_ms=%.3f \
            errors=%d loops=%d abandoned=%d sign_ins=%d no_work=%d connections=%d seconds=%.1f microtasks=%d repeats=%d \
            first_window=%.0f last_window=%.0f last_first_ratio=%.3f bench_cpu_s=%.2f server_cpu_s=%.2f
            """,
            middle { $0.loopsPerSecond }, middle { $0.loop.percentile(0.5) }, middle { $0.loop.percentile(0.99) },
            middle { $0.next.percentile(0.5) }, middle { $0.next.percentile(0.99) },
            middle { $0.answer.percentile(0.5) }, middle { $0.answer.percentile(0.99) },
            total { $0.errors }, total { $0.loops }, total { $0.abandoned }, total { $0.signIns }, total { $0.noWork },
            connections, middle { $0.elapsed }, microtasks, runs.count, first, last, ratio,
            runs.reduce(0) { $0 + $1.benchCPU }, runs.reduce(0) { $0 + $1.serverCPU })
    }

    func log(_ text: String) {
        FileHandle.standardError.write(Data("bench: \(text)\n".utf8))
    }
}
