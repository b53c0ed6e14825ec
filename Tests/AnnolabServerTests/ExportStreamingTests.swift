// Streamed downloads: a client's COCO and YOLO exports over HTTP are the files the whole-project consensus gives.
import AnnolabCore
import AnnolabMedia
import AnnolabServer
import AnnolabStore
import Foundation
import Testing

/// The boxes of a project as the export made them before it streamed: everything in memory,
/// answers sorted by time, each tile fused, tiles merged, pictures in upload order. Kept here
/// as the reference the streamed export must match.
private func referenceImages(_ store: any LabStoring, _ project: Project) async throws -> [ImageAnnotations] {
    let projectId = try #require(project.id)
    let items = try await store.items(projectId: projectId)
    let microtasks = try await store.microtasks(projectId: projectId)
    let decoder = JSONDecoder()
    let answers = try await store.answers(projectId: projectId).sorted { ($0.createdAt, $0.id ?? 0) < ($1.createdAt, $1.id ?? 0) }
    var tilesByItem: [Int64: [TileBoxes]] = [:]
    for microtask in microtasks where microtask.kind == .imageBoxes && !microtask.isGold {
        guard let itemId = microtask.itemId,
              let payload = try? decoder.decode(MicrotaskPayload.self, from: Data(microtask.payload.utf8)),
              let image = payload.image else { continue }
        let given = answers.filter { $0.microtaskId == microtask.id && !$0.isGold }.compactMap { record in
            (try? decoder.decode(AnswerBody.self, from: Data(record.body.utf8))).map {
                BoxAnswer(operatorID: String(record.operatorId), boxes: $0.boxes ?? [])
            }
        }
        guard !given.isEmpty else { continue }
        let fused = BoxFusion().fuse(given)
        let rect = PixelRect(x: payload.tile?.x ?? 0, y: payload.tile?.y ?? 0, width: image.width, height: image.height)
        tilesByItem[itemId, default: []].append(TileBoxes(tile: rect, boxes: fused.boxes.map(ExportBox.init)))
    }
    return items.compactMap { item in
        let meta = (try? decoder.decode([String: String].self, from: Data(item.meta.utf8))) ?? [:]
        guard let width = meta["width"].flatMap(Int.init), let height = meta["height"].flatMap(Int.init) else { return nil }
        let boxes = TileMerge().merge(tilesByItem[item.id!] ?? [], imageWidth: width, imageHeight: height)
        return ImageAnnotations(fileName: item.fileName, width: width, height: height, boxes: boxes,
                                url: "/media/\(projectId)/\(item.mediaPath)")
    }
}

/// The ZIP writer as it was before it streamed, kept as the reference for small archives.
private func referenceZip(_ files: [(name: String, data: Data)]) -> Data {
    var out = Data(), central = Data()
    func le16(_ v: Int) -> Data { withUnsafeBytes(of: UInt16(truncatingIfNeeded: v).littleEndian) { Data($0) } }
    func le32(_ v: UInt32) -> Data { withUnsafeBytes(of: v.littleEndian) { Data($0) } }
    let time = 0, date = ((2026 - 1980) << 9) | (1 << 5) | 1
    for file in files {
        let name = Data(file.name.utf8)
        let crc = ZipArchive.checksum(file.data)
        let size = UInt32(file.data.count), offset = UInt32(out.count)
        out += le32(0x04034b50) + le16(20) + le16(0x0800) + le16(0) + le16(time) + le16(date)
        out += le32(crc) + le32(size) + le32(size) + le16(name.count) + le16(0) + name + file.data
        central += le32(0x02014b50) + le16(20) + le16(20) + le16(0x0800) + le16(0) + le16(time) + le16(date)
        central += le32(crc) + le32(size) + le32(size) + le16(name.count) + le16(0) + le16(0) + le16(0) + le16(0)
        central += le32(0) + le32(offset) + name
    }
    let centralOffset = UInt32(out.count)
    out += central
    out += le32(0x06054b50) + le16(0) + le16(0) + le16(files.count) + le16(files.count)
    out += le32(UInt32(central.count)) + le32(centralOffset) + le16(0)
    return out
}

/// Python's zipfile reads the archive: how many entries, and whether every CRC checks out.
private func pythonZipCheck(_ archive: URL) throws -> (entries: Int, bad: String) {
    let process = ChildProcess()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", "-c", """
        import sys, zipfile
        z = zipfile.ZipFile(sys.argv[1])
        print(len(z.infolist()), z.testzip())
        """, archive.path]
    let out = Pipe()
    process.standardOutput = out
    try process.run()
    let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    let fields = text.split(separator: " ").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
    return (Int(fields.first ?? "") ?? -1, fields.count > 1 ? fields[1] : "no answer: \(text)")
}

/// `unzip -tqq`'s exit status, or nil when unzip is not installed.
private func unzipTest(_ archive: URL) throws -> Int32? {
    guard FileManager.default.isExecutableFile(atPath: "/usr/bin/unzip") else { return nil }
    let process = ChildProcess()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/unzip")
    process.arguments = ["-tqq", archive.path]
    process.standardOutput = FileHandle.nullDevice
    try process.run()
    process.waitUntilExit()
    return process.terminationStatus
}

/// A picture project filled straight in the store: tiled and whole pictures, names out of
/// upload order, a repeated name, a name that needs escaping, pictures without a usable size,
/// a label the project does not list, a gold microtask, a gold answer, an unreadable answer,
/// a verify microtask, and answers stored out of time order.
private struct ExportLab {
    let lab: RunningLab
    let project: Project
    let token: String

    static func start() async throws -> ExportLab {
        let lab = try await RunningLab.start()
        let store = lab.store
        let company = try await store.createClient(name: "Archive newsroom")
        let client = try await store.createUser(NewUser(role: .client, name: "Archive editor", clientId: company.id))
        let token = Tokens.newToken()
        try await store.storeToken(userId: client.id!, tokenHash: Tokens.hash(token), kind: .session,
                                   expiresAt: Date().addingTimeInterval(3600))
        let project = try await store.createProject(Project(
            clientId: company.id!, name: "Harbour stills", template: .imageBoxes, labels: ["car", "person"], overlap: 3,
            adaptiveMin: nil, adaptiveMax: nil, goldRate: 0, deadline: nil, createdAt: Date()), actor: nil)
        let projectId = project.id!
        func payload(width: Int, height: Int, tile: (Int, Int, Int, Int)? = nil) -> String {
            let tilePart = tile.map { #","tile":{"imageHeight":\#($0.3),"imageWidth":\#($0.2),"x":\#($0.0),"y":\#($0.1)}"# } ?? ""
            return #"{"image":{"height":\#(height),"url":"/media/x.png","width":\#(width)}\#(tilePart)}"#
        }
        func item(_ name: String, meta: String, _ microtasks: [(TaskKind, String)]) -> (item: Item, microtasks: [Microtask]) {
            (Item(projectId: projectId, fileName: name, mediaType: "image/png", mediaPath: "\(projectId)/\(name.count)",
                  byteCount: 10, meta: meta),
             microtasks.map { Microtask(projectId: projectId, itemId: nil, kind: $0.0, payload: $0.1, estimatedSeconds: 20,
                                        requiredAnswers: 3) })
        }
        func size(_ w: Int, _ h: Int) -> String { #"{"height":"\#(h)","width":"\#(w)"}"# }
        let stored = try await store.addItems([
            item("zebra/b.png", meta: size(200, 100), [(.imageBoxes, payload(width: 200, height: 100))]),
            item("alpha.png", meta: size(3000, 2000), [(.imageBoxes, payload(width: 1600, height: 2000, tile: (0, 0, 3000, 2000))),
                                                      (.imageBoxes, payload(width: 1600, height: 2000, tile: (1400, 0, 3000, 2000)))]),
            item("Ünï \"quoted\"\u{2028}.png", meta: size(64, 48), [(.imageBoxes, payload(width: 64, height: 48)),
                                                                    (.imageBoxVerify, payload(width: 64, height: 48))]),
            item("alpha.png", meta: size(50, 50), [(.imageBoxes, payload(width: 50, height: 50))]),
            item("no-size.png", meta: "{}", [(.imageBoxes, payload(width: 30, height: 30))]),
            item("numbers.png", meta: #"{"height":40,"width":40}"#, [(.imageBoxes, payload(width: 40, height: 40))]),
            item("gold.png", meta: size(80, 80), [(.imageBoxes, payload(width: 80, height: 80))]),
            item("no-image.png", meta: size(80, 80), [(.imageBoxes, "{}")]),
            item("nobody-yet.png", meta: size(90, 60), [(.imageBoxes, payload(width: 90, height: 60))]),
        ], actor: nil)
        var operators: [Int64] = []
        for n in 0..<3 { operators.append(try await store.createUser(NewUser(role: .operator, name: "Operator \(n)")).id!) }

        func box(_ label: String, _ x: Double, _ y: Double, _ w: Double, _ h: Double) -> String {
            #"{"h":\#(h),"label":"\#(label)","w":\#(w),"x":\#(x),"y":\#(y)}"#
        }
        let start = Date(timeIntervalSince1970: 1_790_000_000)
        var answers: [FinishedAnswer] = []
        var goldGiven: FinishedAnswer?
        var random = SplitMix64(seed: 11)
        for (m, microtask) in stored.enumerated() {
            let image = (try? JSONDecoder().decode(MicrotaskPayload.self, from: Data(microtask.payload.utf8)))?.image
            let width = Double(image?.width ?? 80), height = Double(image?.height ?? 80)
            guard !microtask.payload.contains("height\":60") else { continue }  // nobody-yet.png
            for (o, operatorId) in operators.enumerated() {
                var boxes: [String] = []
                func jitter() -> Double { (random.signedUnit() * 1.7 * 100).rounded() / 100 }
                for k in 0..<3 {
                    let label = ["car", "person", "bus"][(m + k) % 3]
                    boxes.append(box(label, width * 0.1 + Double(k) * width * 0.3 + jitter(), height * 0.2 + jitter(),
                                     width * 0.25 + jitter(), height * 0.5 + jitter()))
                }
                if o == 2 { boxes.append(box("person", width * 0.02, height * 0.02, width * 0.05, height * 0.05)) }
                // A car across the seam of alpha.png's two tiles: each tile holds one end of it.
                let seam = 1300 + jitter()
                if m == 1 { boxes.append(box("car", seam, 900, 1600 - seam, 200)) }
                if m == 2 { boxes.append(box("car", 0, 900 + jitter(), 300 + jitter(), 200)) }
                // Answers out of time order: the last operator answered first.
                let seconds = Double(m * 10 + (o == 2 ? -5 : o))
                let given = FinishedAnswer(microtaskId: microtask.id!, operatorId: operatorId,
                                           body: #"{"boxes":[\#(boxes.joined(separator: ","))]}"#,
                                           createdAt: start.addingTimeInterval(seconds), secondsSpent: 12)
                // The second operator's answer on zebra/b.png is stored below as a gold answer.
                if m == 0 && o == 1 { goldGiven = given } else { answers.append(given) }
            }
        }
        // An answer nobody can read.
        let reader = try await store.createUser(NewUser(role: .operator, name: "Careless")).id!
        answers.append(FinishedAnswer(microtaskId: stored[0].id!, operatorId: reader, body: "{\"boxes\":[", createdAt: start,
                                      secondsSpent: 1))
        // Through the store, as the engine stores an answer to a gold task: leased, then answered (first,
        // while its microtask still has a free place, as when it was served).
        let given = try #require(goldGiven)
        let leased = try await store.lease(microtaskId: given.microtaskId, operatorId: given.operatorId,
                                           at: given.createdAt.addingTimeInterval(-given.secondsSpent),
                                           until: given.createdAt.addingTimeInterval(600))
        _ = try await store.recordAnswer(AnswerRecord(assignmentId: leased.assignment.id!, microtaskId: given.microtaskId,
                                                      operatorId: given.operatorId, body: given.body, idempotencyKey: nil,
                                                      secondsSpent: given.secondsSpent, createdAt: given.createdAt,
                                                      response: "{}", isGold: true, goldCorrect: nil),
                                         required: 3, complete: true)
        try await store.addFinishedAnswers(answers)
        // gold.png's microtask becomes gold; one answer on zebra/b.png was a gold answer.
        let gold = try #require(stored.first { $0.payload.contains("height\":80,") && $0.kind == .imageBoxes })
        try await store.setGold(projectId: projectId, answers: [GoldAnswer(microtaskId: gold.id!, body: #"{"boxes":[]}"#, explanation: "{}")])
        return ExportLab(lab: lab, project: project, token: token)
    }

    func download(_ format: String) async throws -> HTTPResult {
        try await lab.request("GET", "/api/v1/projects/\(project.id!)/export?format=\(format)", token: token)
    }
}

@Suite("Streamed exports over HTTP")
struct ExportStreamingTests {
    @Test("A COCO download streams the very bytes the whole-project consensus gives")
    func cocoOverHTTP() async throws {
        let lab = try await ExportLab.start()
        defer { Task { await lab.lab.stop() } }
        let reference = try await referenceImages(lab.lab.store, lab.project)
        #expect(reference.count == 7, "no-size.png and numbers.png have no usable size")
        #expect(reference.contains { $0.boxes.contains { $0.label == "bus" } }, "a label the project does not list is in the consensus")
        let alpha = try #require(reference.first { $0.width == 3000 })
        #expect(alpha.boxes.contains { $0.x < 1400 && $0.x + $0.w > 1600 }, "the car across the tile seam is one box")
        let expected = COCOExport().json(reference, labels: lab.project.labels).data()

        let result = try await lab.download("coco")
        #expect(result.status == 200)
        #expect(result.header("Content-Type") == "application/json")
        #expect(result.header("Content-Length") == nil, "the body is streamed, not sent as one buffer of known length")
        #expect(result.body == expected, "\(result.text.prefix(300))\n---\n\(String(decoding: expected.prefix(300), as: UTF8.self))")
        let json = try #require(try JSONSerialization.jsonObject(with: result.body) as? [String: Any])
        #expect((json["images"] as? [Any])?.count == 7)
        #expect((json["categories"] as? [[String: Any]])?.compactMap { $0["name"] as? String } == ["car", "person", "bus"])

        // The answers are read in index order: SQLite sorts only the few answers of each microtask
        // (SQLite's own plan; PostgreSQL's store reads a project's rows whole).
        if let sqlite = lab.lab.sqlite {
            let plan = try await sqlite.exportBoxAnswersPlan(projectId: lab.project.id!)
            #expect(!plan.contains("USE TEMP B-TREE FOR ORDER BY"), "\(plan)")
            #expect(plan.contains { $0.contains("item_on_projectId") } && plan.contains { $0.contains("microtask_on_itemId") }, "\(plan)")
        }

        // The lab's own folder keeps no scratch file behind.
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: lab.lab.store.folder.path).filter { $0.contains("spill") }
        #expect(leftovers.isEmpty)
        // Pascal VOC and Label Studio come from the same consensus.
        let studio = try await lab.download("labelstudio")
        #expect(studio.body == LabelStudioExport().write(reference))
    }

    @Test("A YOLO download is a ZIP that Python's zipfile and unzip read, holding the label files of the same consensus")
    func yoloOverHTTP() async throws {
        let lab = try await ExportLab.start()
        defer { Task { await lab.lab.stop() } }
        let reference = try await referenceImages(lab.lab.store, lab.project)
        let files = try YOLOExport().write(reference, labels: lab.project.labels)
        let expected = referenceZip(files.sorted { $0.key < $1.key }.map { (name: $0.key, data: $0.value) })

        let result = try await lab.download("yolo")
        #expect(result.status == 200)
        #expect(result.header("Content-Type") == "application/zip")
        #expect(result.body == expected, "the same archive as the ZIP writer made before it streamed")
        let archive = temporaryFolder("yolo").appendingPathComponent("labels.zip")
        try result.body.write(to: archive)
        let python = try pythonZipCheck(archive)
        #expect(python.entries == files.count && python.bad == "None")
        if let status = try unzipTest(archive) { #expect(status == 0) }
        let unpacked = try ZipArchive.extract(result.body)
        #expect(unpacked.problems.isEmpty)
        #expect(Dictionary(uniqueKeysWithValues: unpacked.files.map { ($0.name, $0.data) }) == files)
        // alpha.png was uploaded twice: the later upload's labels are the file.
        #expect(files["labels/alpha.txt"] != nil && files.count == 1 + 6)
    }

    @Test("A YOLO export that would put two uploads on one path is refused with a JSON error before any byte is sent")
    func refusedBeforeStreaming() async throws {
        let lab = try await ExportLab.start()
        defer { Task { await lab.lab.stop() } }
        let projectId = try #require(lab.project.id)
        _ = try await lab.lab.store.addItems([(Item(projectId: projectId, fileName: "zebra/B.jpg", mediaType: "image/jpeg",
                                                    mediaPath: "\(projectId)/clash", byteCount: 1, meta: #"{"height":"9","width":"9"}"#), [])],
                                             actor: nil)
        let result = try await lab.download("yolo")
        #expect(result.status == 409 && result.errorCode == "export_name_clash", "\(result.status) \(result.text)")
        #expect(try await lab.download("coco").status == 200, "COCO has one file, so the names may repeat")
    }

    @Test("An archive of more than 65,535 entries gets ZIP64 end records that Python's zipfile and unzip read; a small one stays classic")
    func zip64() async throws {
        struct Numbered: ExportFileSource {
            var fileCount: Int
            func file(at index: Int, into data: inout ExportBytes) throws -> String {
                data.append("\(index)\n")
                return "labels/\(index).txt"
            }
        }
        let folder = temporaryFolder("zip64")
        var sink = ExportDataSink()
        var pieces = ZipPieces(files: Numbered(fileCount: 70_000), spill: try ExportSpill(folder: folder))
        try await pieces.write(to: &sink)
        let archive = folder.appendingPathComponent("many.zip")
        try sink.data.write(to: archive)
        let python = try pythonZipCheck(archive)
        #expect(python.entries == 70_000 && python.bad == "None")
        if let status = try unzipTest(archive) { #expect(status == 0) }
        #expect(sink.data.suffix(22 + 20 + 56).prefix(4) == Data([0x50, 0x4b, 0x06, 0x06]), "a ZIP64 end record")

        let few = (0..<5).map { (name: "labels/\($0).txt", data: Data("\($0)\n".utf8)) }
        #expect(ZipWriter.archive(few) == referenceZip(few))
        var small = ExportDataSink()
        var smallPieces = ZipPieces(files: Numbered(fileCount: 5), spill: try ExportSpill(folder: folder))
        try await smallPieces.write(to: &small, chunk: 16)
        #expect(small.data == referenceZip(few))
        try? FileManager.default.removeItem(at: folder)
    }
}
