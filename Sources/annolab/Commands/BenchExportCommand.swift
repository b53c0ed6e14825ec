// `annolab bench export`: COCO and YOLO exports of a big finished picture project, timed as whole `annolab export` processes.
import AnnolabCore
import AnnolabServer
import AnnolabStore
import ArgumentParser
import Foundation
#if canImport(Glibc)
import Glibc
#endif

struct BenchExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Seed a finished picture project and time its COCO and YOLO exports as `annolab export` processes.",
        discussion: """
            Seeds a real lab (the store the server uses, durable commits, thousands of rows per transaction): one
            picture project of N images of 1920x1080, each answered by 3 operators who drew the same B objects a
            little differently, so that consensus fuses them into B boxes. A --data folder keeps the seeded lab, and a
            later run with the same sizes reuses it. Then runs `annolab export --format coco` and `--format yolo`
            (--runs times each) as child processes writing to a file, and reports each format's median wall time and
            the largest peak resident memory (ru_maxrss of the child alone, so seeding does not count). The last
            line holds the figures; the files are left in the data folder when --data is given.
            """
    )

    @Option(help: "Images in the project.")
    var images = 100_000

    @Option(help: "Objects per image (each drawn by 3 operators, fused into one box).")
    var boxesPerImage = 10

    @Option(help: "Times to run each export; the median time is reported.")
    var runs = 3

    @Option(help: "Keep (and reuse) the seeded lab and the exported files here instead of a temporary folder.")
    var data: String?

    func run() async throws {
        guard images >= 1, boxesPerImage >= 0, boxesPerImage <= 100, runs >= 1 else {
            throw CommandFailure(description: "Give at least 1 image, 0 to 100 boxes per image and 1 run.")
        }
        let folder = URL(fileURLWithPath: data ?? NSTemporaryDirectory() + "annolab-bench-export-\(UUID().uuidString)")
        defer { if data == nil { try? FileManager.default.removeItem(at: folder) } }
        let seedStarted = DispatchTime.now().uptimeNanoseconds
        let (project, reused) = try await BenchExportSeed(images: images, boxesPerImage: boxesPerImage).project(in: folder)
        let seedSeconds = reused ? 0 : Double(DispatchTime.now().uptimeNanoseconds - seedStarted) / 1e9
        log(reused ? "reusing project \(project) in \(folder.path)"
                   : String(format: "seeded project %lld in %.1f s", project, seedSeconds))

        var figures: [String: (seconds: Double, peakMB: Double, megabytes: Double)] = [:]
        var annotations = 0
        for format in ["coco", "yolo"] {
            let out = folder.appendingPathComponent(format == "coco" ? "bench-export-coco.json" : "bench-export-yolo.zip")
            var seconds: [Double] = []
            var peak = 0.0
            for run in 1...runs {
                let child = try Self.runExport(["export", "--data", folder.path, "--project", String(project),
                                                "--format", format, "--out", out.path])
                log(String(format: "%@ run %d: %.2f s, peak RSS %.0f MB", format, run, child.seconds, child.peakMB))
                seconds.append(child.seconds)
                peak = max(peak, child.peakMB)
            }
            let size = (try? FileManager.default.attributesOfItem(atPath: out.path)[.size] as? Int) ?? 0
            figures[format] = (seconds.sorted()[seconds.count / 2], peak, Double(size) / 1_048_576)
            if format == "coco" { annotations = try Self.count(#""iscrowd":"#, in: out) }
        }
        let coco = figures["coco"]!, yolo = figures["yolo"]!
        // peak_rss_mb (the larger of the two) is the name API.md gives this benchmark's memory figure.
        say(String(format: "images=%d boxes=%d coco_s=%.2f coco_peak_rss_mb=%.0f yolo_s=%.2f yolo_peak_rss_mb=%.0f coco_mb=%.1f yolo_mb=%.1f peak_rss_mb=%.0f runs=%d seed_s=%.1f",
                   images, annotations, coco.seconds, coco.peakMB, yolo.seconds, yolo.peakMB, coco.megabytes, yolo.megabytes,
                   max(coco.peakMB, yolo.peakMB), runs, seedSeconds))
    }

    /// Runs this program with `arguments` as a child process and waits for it: its wall time and
    /// its own peak resident memory (wait4's ru_maxrss, in kB on Linux).
    static func runExport(_ arguments: [String]) throws -> (seconds: Double, peakMB: Double) {
        let program = Self.executablePath()
        let argv: [UnsafeMutablePointer<CChar>?] = ([program] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        // The child's "Wrote ..." line is not part of the figures; its errors still reach stderr.
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        var pid: pid_t = 0
        let started = DispatchTime.now().uptimeNanoseconds
        let spawned = posix_spawn(&pid, program, &actions, nil, argv, environ)
        guard spawned == 0 else {
            throw CommandFailure(description: "Could not start \(program): \(String(cString: strerror(spawned))).")
        }
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0 {
            guard errno == EINTR else { throw CommandFailure(description: "Lost the export process \(pid).") }
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        // Exited normally (no signal) with status 0.
        guard status & 0x7F == 0, (status >> 8) & 0xFF == 0 else {
            throw CommandFailure(description: "`annolab \(arguments.joined(separator: " "))` failed (wait status \(status)).")
        }
        return (seconds, Double(usage.ru_maxrss) / 1024)
    }

    static func executablePath() -> String {
        var buffer = [CChar](repeating: 0, count: 4096)
        let length = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        if length > 0 { return String(decoding: buffer.prefix(length).map { UInt8(bitPattern: $0) }, as: UTF8.self) }
        return URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().path
    }

    /// How often `needle` occurs in a file, read in pieces (the COCO file's annotations).
    static func count(_ needle: String, in file: URL) throws -> Int {
        let pattern = Array(needle.utf8)
        let handle = try FileHandle(forReadingFrom: file)
        defer { try? handle.close() }
        var found = 0
        var carry: [UInt8] = []
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
            let bytes = carry + chunk
            var i = 0
            let last = bytes.count - pattern.count
            while i <= last {
                if bytes[i] == pattern[0], bytes[i..<(i + pattern.count)].elementsEqual(pattern) {
                    found += 1
                    i += pattern.count
                } else {
                    i += 1
                }
            }
            carry = Array(bytes.suffix(pattern.count - 1))
        }
        return found
    }

    func log(_ text: String) {
        FileHandle.standardError.write(Data("bench: \(text)\n".utf8))
    }
}

/// The seeded project: N finished pictures with 3 answers each, stored in large transactions.
struct BenchExportSeed {
    var images: Int
    var boxesPerImage: Int
    let width = 1920, height = 1080
    let labels = ["car", "person", "bicycle", "bus"]
    let operators = 3
    let batch = 5_000

    /// The project's id, and whether it was already there (a marker file in the folder names it).
    func project(in folder: URL) async throws -> (id: Int64, reused: Bool) {
        let marker = folder.appendingPathComponent("bench-export-\(images)x\(boxesPerImage).id")
        let store = try LabStore(folder: folder)
        if let text = try? String(contentsOf: marker, encoding: .utf8),
           let id = Int64(text.trimmingCharacters(in: .whitespacesAndNewlines)),
           try await store.project(id: id) != nil {
            return (id, true)
        }
        let id = try await seed(store)
        try String(id).write(to: marker, atomically: true, encoding: .utf8)
        return (id, false)
    }

    func seed(_ store: LabStore) async throws -> Int64 {
        let client = try await store.createClient(name: "Bench export newsroom \(UUID().uuidString.prefix(8))")
        let project = try await store.createProject(
            Project(clientId: client.id!, name: "Stills \(images)", template: .imageBoxes, labels: labels, overlap: operators,
                    adaptiveMin: nil, adaptiveMax: nil, goldRate: 0, deadline: nil, createdAt: Date()), actor: nil)
        var operatorIds: [Int64] = []
        for n in 0..<operators {
            let user = try await store.createUser(NewUser(role: .operator, name: "Bench exporter \(n)"))
            operatorIds.append(user.id!)
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let meta = #"{"height":"\#(height)","tiles":"0","width":"\#(width)"}"#
        let start = Date(timeIntervalSince1970: 1_780_000_000)
        var random = AnnolabCore.SplitMix64(seed: 2026)
        var done = 0
        while done < images {
            let count = min(batch, images - done)
            let rows = try (done..<(done + count)).map { n -> (item: Item, microtasks: [Microtask]) in
                let folder = "\(project.id!)/still-\(n)"
                let payload = MicrotaskPayload(image: .init(url: "/media/\(folder)/original.png", width: width, height: height),
                                               sourceFile: Self.fileName(n))
                let item = Item(projectId: project.id!, fileName: Self.fileName(n), mediaType: "image/png", mediaPath: folder,
                                byteCount: 2_000_000, meta: meta, createdAt: start)
                let microtask = Microtask(projectId: project.id!, itemId: nil, kind: .imageBoxes,
                                          payload: String(decoding: try encoder.encode(payload), as: UTF8.self),
                                          estimatedSeconds: 30, requiredAnswers: operators, createdAt: start)
                return (item, [microtask])
            }
            let stored = try await store.addItems(rows, actor: nil)
            var answers: [FinishedAnswer] = []
            answers.reserveCapacity(stored.count * operators)
            for (n, microtask) in stored.enumerated() {
                let objects = objects(&random)
                for (o, operatorId) in operatorIds.enumerated() {
                    answers.append(FinishedAnswer(
                        microtaskId: microtask.id!, operatorId: operatorId, body: answer(objects, random: &random),
                        createdAt: start.addingTimeInterval(Double((done + n) * operators + o)), secondsSpent: 25))
                }
            }
            try await store.addFinishedAnswers(answers)
            done += count
            FileHandle.standardError.write(Data("bench: seeded \(done) of \(images) images\n".utf8))
        }
        return project.id!
    }

    /// Upload names in folders of 1,000, as a catalogue's stills would come.
    static func fileName(_ n: Int) -> String {
        String(format: "season-%03d/still-%06d.png", n / 1000, n)
    }

    /// The true objects of one image in tenths of a pixel, one per cell of a grid, so that
    /// objects never overlap and each fuses into one box.
    func objects(_ random: inout AnnolabCore.SplitMix64) -> [(label: String, x: Int, y: Int, w: Int, h: Int)] {
        guard boxesPerImage > 0 else { return [] }
        let columns = Int(Double(boxesPerImage).squareRoot().rounded(.up))
        let rowCount = (boxesPerImage + columns - 1) / columns
        let cellW = width * 10 / columns, cellH = height * 10 / rowCount
        return (0..<boxesPerImage).map { k in
            let w = cellW * random.int(40...80) / 100, h = cellH * random.int(40...80) / 100
            let x = (k % columns) * cellW + random.int(0...(cellW - w)), y = (k / columns) * cellH + random.int(0...(cellH - h))
            return (labels[random.next(below: labels.count)], x, y, w, h)
        }
    }

    /// One operator's answer: every object, each side a little off (up to 2% of the box).
    func answer(_ objects: [(label: String, x: Int, y: Int, w: Int, h: Int)], random: inout AnnolabCore.SplitMix64) -> String {
        func tenths(_ value: Int) -> String { "\(value / 10).\(value % 10)" }
        var boxes: [String] = []
        for object in objects {
            let w = max(10, object.w + random.int(-(object.w / 50)...(object.w / 50)))
            let h = max(10, object.h + random.int(-(object.h / 50)...(object.h / 50)))
            let x = min(max(0, object.x + random.int(-(object.w / 50)...(object.w / 50))), width * 10 - w)
            let y = min(max(0, object.y + random.int(-(object.h / 50)...(object.h / 50))), height * 10 - h)
            boxes.append(#"{"h":\#(tenths(h)),"label":"\#(object.label)","w":\#(tenths(w)),"x":\#(tenths(x)),"y":\#(tenths(y))}"#)
        }
        return #"{"boxes":[\#(boxes.joined(separator: ","))]}"#
    }
}
