// Backups made while operators answer, brought back whole; broken backups and occupied folders refused.
import AnnolabCore
import AnnolabServer
import AnnolabStore
import Foundation
import GRDB
import Testing
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

@Suite("Backups")
struct BackupTests {
    @Test("a backup made while operators answer holds every answer acknowledged before it began, exactly once, and the restored lab serves")
    func backupWhileOperatorsAnswer() async throws {
        let data = temporaryFolder()
        let lab = try await BackupDrillLab(data: data)
        let server = try ServerProcess(data: data)
        defer { server.process.terminate(); server.process.waitUntilExit() }
        let http = BackupHTTP(port: server.port)
        var tokens: [String] = []
        for badge in lab.badges {
            let token = try await http.login(#"{"badge":"\#(badge)"}"#)
            #expect(try await http.call("POST", "/api/v1/shift/start", token: token).status == 200)
            tokens.append(token)
        }

        // Six operators answer without a break; every acknowledged answer is written down with its moment.
        let log = BackupAnswerLog()
        let operators = Task {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for token in tokens {
                    group.addTask { await http.answerUntilStopped(token: token, log: log) }
                }
                try await group.waitForAll()
            }
        }
        try await log.waitFor(answers: 60)

        let backupFile = data.deletingLastPathComponent().appendingPathComponent("backup-\(UUID().uuidString).tar")
        defer { try? FileManager.default.removeItem(at: backupFile) }
        let began = Date()
        let backup = try await runInBackground(["backup", "--data", data.path, "--out", backupFile.path])
        let ended = Date()
        // Operators go on after the backup, so that answers in flight while it ran are acknowledged too.
        let afterBackup = await log.count
        try await log.waitFor(answers: afterBackup + 30)
        await log.stop()
        try await operators.value

        #expect(backup.status == 0, "\(backup.stderr)")
        let line = backup.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(line.hasPrefix("backup: \(backupFile.path) bytes="), "one line of figures: \(line)")
        #expect(!line.contains("\n"))
        let acknowledged = await log.entries
        let before = Set(acknowledged.filter { $0.at < began }.map(\.assignmentId))
        let during = acknowledged.filter { $0.at >= began && $0.at <= ended }.count
        #expect(before.count >= 60)
        #expect(during > 0, "operators were answering while the backup ran")
        print("backup while answering: \(line); answers acknowledged before it began: \(before.count), while it ran: \(during)")

        let restored = data.deletingLastPathComponent().appendingPathComponent("restored-\(UUID().uuidString)")
        let restore = try annolab(["restore", "--from", backupFile.path, "--data", restored.path])
        #expect(restore.status == 0, "\(restore.stderr)")
        #expect(restore.stdout.hasPrefix("restore: \(restored.path) bytes="))

        // The restored database: sound, and every answer acknowledged before the backup began, once.
        let database = try DatabaseQueue(path: restored.appendingPathComponent("annolab.sqlite").path)
        #expect(try await database.read { try String.fetchOne($0, sql: "PRAGMA integrity_check") } == "ok")
        let stored = try await database.read { db in
            try Row.fetchAll(db, sql: "SELECT assignmentId, COUNT(*) AS n FROM answer GROUP BY assignmentId")
                .map { (id: $0["assignmentId"] as Int64, count: $0["n"] as Int) }
        }
        let perAssignment = Dictionary(uniqueKeysWithValues: stored.map { ($0.id, $0.count) })
        for id in before.sorted() {
            #expect(perAssignment[id] == 1, "answer to assignment \(id), acknowledged before the backup began, is restored once")
        }
        // And nothing that was never acknowledged: the copy is of one moment of the real lab.
        let everAcknowledged = Set(acknowledged.map(\.assignmentId))
        #expect(Set(perAssignment.keys).isSubset(of: everAcknowledged))
        #expect(perAssignment.values.allSatisfy { $0 == 1 })
        try database.close()

        // Media and speech byte for byte; a half-written speech file is not carried over.
        let original = try labFiles(in: data)
        let copied = try labFiles(in: restored)
        #expect(original.count >= 10, "the drill lab has media")
        #expect(original.keys.contains { $0.hasPrefix("speech/") })
        #expect(Set(copied.keys) == Set(original.keys))
        for (path, bytes) in original { #expect(copied[path] == bytes, "\(path) is restored byte for byte") }
        #expect(!FileManager.default.fileExists(atPath: restored.appendingPathComponent("speech/.half-written.wav").path))

        // A server starts on the restored folder and serves work and media.
        let again = try ServerProcess(data: restored)
        defer { again.process.terminate(); again.process.waitUntilExit() }
        let restoredHTTP = BackupHTTP(port: again.port)
        #expect(try await restoredHTTP.call("GET", "/healthz").status == 200)
        let op = try await restoredHTTP.login(#"{"badge":"\#(lab.badges[0])"}"#)
        #expect(try await restoredHTTP.call("GET", "/api/v1/tasks/next", token: op).status == 200)
        let admin = try await restoredHTTP.login(#"{"email":"admin@demo.local","password":"demo-admin"}"#)
        let picture = try #require(original.keys.sorted().first { $0.hasPrefix("media/") && $0.hasSuffix(".png") })
        let served = try await restoredHTTP.call("GET", "/" + picture, token: admin)
        #expect(served.status == 200)
        #expect(served.body == original[picture])
    }

    @Test("restore refuses an occupied folder, a cut-off or damaged backup and paths that climb out, and leaves nothing behind")
    func restoreRefusesWhatItCannotTrust() async throws {
        let data = temporaryFolder()
        let store = try LabStore(folder: data)
        _ = try await DemoLab.seedIfEmpty(store: store)
        let server = try await LabServer.open(store: store, options: .init(logLevel: .warning))
        try await DemoLab.addSampleMedia(server: server)
        // The demo's programmes are prepared before it opens, as `annolab demo` does: the drill is
        // about answers, and a job finishing during the backup would write files after it began.
        await server.programmeJobs.runAll()
        let scratch = temporaryFolder()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let file = scratch.appendingPathComponent("demo.tar")

        // The demo lab's backup, as the README reports it.
        let backup = try annolab(["backup", "--data", data.path, "--out", file.path])
        #expect(backup.status == 0, "\(backup.stderr)")
        print("demo lab: \(backup.stdout.trimmingCharacters(in: .whitespacesAndNewlines))")
        let bytes = try Data(contentsOf: file)
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.path) == ["demo.tar"], "no temporary file is left")

        // A newcomer can look inside with plain tar: manifest first, checksums last.
        let listing = try runProgram("/usr/bin/tar", ["-tf", file.path])
        #expect(listing.status == 0 && listing.stderr.isEmpty, "\(listing.stderr)")
        let names = listing.stdout.split(separator: "\n").map(String.init)
        #expect(names.first == "annolab-backup.json")
        #expect(names.last == "annolab-backup-checksums.txt")
        #expect(names.contains("annolab.sqlite") && names.contains { $0.hasPrefix("media/") })

        // An empty folder is a fine target.
        let empty = scratch.appendingPathComponent("empty")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        #expect(try annolab(["restore", "--from", file.path, "--data", empty.path]).status == 0)
        #expect(FileManager.default.fileExists(atPath: empty.appendingPathComponent("annolab.sqlite").path))

        // A folder with something in it is left exactly as it was.
        let occupied = scratch.appendingPathComponent("occupied")
        try FileManager.default.createDirectory(at: occupied, withIntermediateDirectories: true)
        try Data("the coach's own notes\n".utf8).write(to: occupied.appendingPathComponent("notes.txt"))
        try expectRefused(file, into: occupied, saying: "not an empty folder", in: scratch)
        #expect(try FileManager.default.contentsOfDirectory(atPath: occupied.path) == ["notes.txt"])
        #expect(try Data(contentsOf: occupied.appendingPathComponent("notes.txt")) == Data("the coach's own notes\n".utf8))

        // Cut off anywhere: in the manifest, in the middle, before its end blocks, one byte short.
        for cut in [300, bytes.count / 2, bytes.count - 1024, bytes.count - 1] {
            let truncated = scratch.appendingPathComponent("cut-\(cut).tar")
            try bytes.prefix(cut).write(to: truncated)
            try expectRefused(truncated, into: scratch.appendingPathComponent("from-cut-\(cut)"),
                              saying: cut == 300 ? "not an Annolab backup" : "ends early", in: scratch)
        }

        // One byte changed inside a picture.
        let picture = try #require(try labFiles(in: data).first { $0.key.hasSuffix(".png") }?.value)
        let at = try #require(bytes.range(of: Data(picture.prefix(256)))).lowerBound + 200
        var damaged = bytes
        damaged[at] ^= 0xFF
        let damagedFile = scratch.appendingPathComponent("damaged.tar")
        try damaged.write(to: damagedFile)
        try expectRefused(damagedFile, into: scratch.appendingPathComponent("from-damaged"), saying: "checksum does not match", in: scratch)

        // Not a backup at all.
        let notes = scratch.appendingPathComponent("notes.tar")
        try Data(String(repeating: "shift notes ", count: 200).utf8).write(to: notes)
        try expectRefused(notes, into: scratch.appendingPathComponent("from-notes"), saying: "not an Annolab backup", in: scratch)

        // Hand-made archives with a real manifest and then a path that climbs out, an absolute path or a link.
        let manifestEntry = bytes.prefix(512 + (Int(try #require(Int(String(decoding: bytes[124..<135], as: UTF8.self), radix: 8))) + 511) / 512 * 512)
        let escape = "/tmp/annolab-escape-\(UUID().uuidString).txt"
        for (name, type) in [("../escaped.txt", "0"), ("media/../../escaped.txt", "0"), (escape, "0"), ("media/1/link", "2")] {
            let evil = scratch.appendingPathComponent("evil.tar")
            try (manifestEntry + tarEntry(name, type: type, contents: Data("owned\n".utf8)) + Data(count: 1024)).write(to: evil)
            let target = scratch.appendingPathComponent("from-evil")
            try expectRefused(evil, into: target, saying: type == "2" ? "link" : "outside the lab's folder", in: scratch)
            #expect(!FileManager.default.fileExists(atPath: scratch.appendingPathComponent("escaped.txt").path))
            #expect(!FileManager.default.fileExists(atPath: scratch.deletingLastPathComponent().appendingPathComponent("escaped.txt").path))
            #expect(!FileManager.default.fileExists(atPath: escape))
        }
    }
}

/// A lab for the drill: the demo lab with its sample media, some speech, and six adult operators
/// who do choice tasks only, with 3000 of them waiting.
private struct BackupDrillLab {
    let badges: [String]

    init(data: URL) async throws {
        let store = try LabStore(folder: data)
        _ = try await DemoLab.seedIfEmpty(store: store)
        let server = try await LabServer.open(store: store, options: .init(logLevel: .warning))
        try await DemoLab.addSampleMedia(server: server)
        // The demo's programmes are prepared before it opens, as `annolab demo` does: the drill is
        // about answers, and a job finishing during the backup would write files after it began.
        await server.programmeJobs.runAll()
        let client = try #require(try await store.projects(clientId: nil).first?.clientId)
        let project = try await store.createProject(
            Project(clientId: client, name: "Backup drill", template: .choice, labels: ["A", "B"], overlap: 2, adaptiveMin: nil,
                    adaptiveMax: nil, goldRate: 0, deadline: nil, createdAt: Date()), actor: nil)
        let payload = String(decoding: try JSONEncoder().encode(MicrotaskPayload(options: ["A", "B"])), as: UTF8.self)
        _ = try await store.addMicrotasks((0..<3000).map { _ in
            Microtask(projectId: project.id!, itemId: nil, kind: .choice, payload: payload, estimatedSeconds: 5, requiredAnswers: 2)
        })
        badges = (0..<6).map { String(format: "OP-B%05d", $0) }
        for badge in badges {
            let user = try await store.createUser(NewUser(role: .operator, name: badge, badge: badge))
            var profile = try #require(try await store.profile(operatorId: user.id!))
            profile.taskKinds = [.choice]
            try await store.updateProfile(profile, actor: nil)
        }
        // Spoken prompts as the server keeps them, and one still being written (a hidden name).
        let speech = data.appendingPathComponent("speech", isDirectory: true)
        try FileManager.default.createDirectory(at: speech, withIntermediateDirectories: true)
        let wav = try #require(try labFiles(in: data).first { $0.key.hasSuffix(".wav") }?.value)
        try wav.write(to: speech.appendingPathComponent("nl-3f2a9c.wav"))
        try wav.prefix(1000).write(to: speech.appendingPathComponent("en-77b01d.wav"))
        try wav.prefix(100).write(to: speech.appendingPathComponent(".half-written.wav"))
    }
}

/// Every answer an operator had acknowledged, with the moment the acknowledgement arrived.
private actor BackupAnswerLog {
    struct Entry: Sendable {
        var assignmentId: Int64
        var at: Date
    }
    private(set) var entries: [Entry] = []
    private(set) var stopped = false
    var count: Int { entries.count }

    func add(_ assignmentId: Int64) { entries.append(Entry(assignmentId: assignmentId, at: Date())) }
    func stop() { stopped = true }

    func waitFor(answers: Int) async throws {
        let deadline = Date().addingTimeInterval(60)
        while entries.count < answers {
            guard Date() < deadline else { throw LabError(.internalFailure, "too_slow", "only \(entries.count) answers in 60 s") }
            try await Task.sleep(for: .milliseconds(5))
        }
    }
}

/// Plain HTTP calls to a lab served on a loopback port.
private struct BackupHTTP: Sendable {
    let base: String
    let session: URLSession

    init(port: Int) {
        base = "http://127.0.0.1:\(port)"
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = 10
        session = URLSession(configuration: configuration)
    }

    func call(_ method: String, _ path: String, token: String? = nil, body: String? = nil) async throws -> (status: Int, body: Data) {
        var request = URLRequest(url: URL(string: base + path)!)
        request.httpMethod = method
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        if let body { request.httpBody = Data(body.utf8); request.setValue("application/json", forHTTPHeaderField: "Content-Type") }
        let (data, response) = try await session.data(for: request)
        return ((response as! HTTPURLResponse).statusCode, data)
    }

    func login(_ body: String) async throws -> String {
        let (status, reply) = try await call("POST", "/api/v1/login", body: body)
        #expect(status == 200)
        return try #require((try JSONSerialization.jsonObject(with: reply) as? [String: Any])?["token"] as? String)
    }

    /// Takes the next task and answers it with its first label, again and again, noting each acknowledgement.
    func answerUntilStopped(token: String, log: BackupAnswerLog) async {
        while await !log.stopped {
            guard let (status, body) = try? await call("GET", "/api/v1/tasks/next", token: token), status == 200,
                  let next = try? JSONSerialization.jsonObject(with: body) as? [String: Any],
                  let id = (next["assignment"] as? [String: Any])?["id"] as? Int,
                  let label = ((next["task"] as? [String: Any])?["labels"] as? [[String: Any]])?.first?["id"] as? String
            else { return }
            guard let (answered, _) = try? await call("POST", "/api/v1/assignments/\(id)/answer", token: token,
                                                      body: #"{"answer":{"choice":"\#(label)"},"idempotencyKey":"b\#(id)"}"#),
                  answered == 201 else { return }
            await log.add(Int64(id))
        }
    }
}

/// Runs `annolab` off the test's own threads, so the operators' requests keep flowing meanwhile.
private func runInBackground(_ arguments: [String]) async throws -> RunResult {
    try await withCheckedThrowingContinuation { continuation in
        DispatchQueue.global().async {
            continuation.resume(with: Result { try annolab(arguments) })
        }
    }
}

/// The visible files of a data folder's `media/` and `speech/`, by path, with their bytes.
private func labFiles(in data: URL) throws -> [String: Data] {
    var files: [String: Data] = [:]
    for folder in ["media", "speech"] {
        let root = data.appendingPathComponent(folder)
        guard let walk = FileManager.default.enumerator(atPath: root.path) else { continue }
        while let relative = walk.nextObject() as? String {
            guard !relative.split(separator: "/").contains(where: { $0.hasPrefix(".") }) else { continue }
            let url = root.appendingPathComponent(relative)
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder), !isFolder.boolValue else { continue }
            files["\(folder)/\(relative)"] = try Data(contentsOf: url)
        }
    }
    return files
}

/// `annolab restore` refuses with one plain line, creates no target and leaves no temporary folder.
private func expectRefused(_ file: URL, into target: URL, saying words: String, in scratch: URL,
                   sourceLocation: SourceLocation = #_sourceLocation) throws {
    let existed = FileManager.default.fileExists(atPath: target.path)
    let result = try annolab(["restore", "--from", file.path, "--data", target.path])
    #expect(result.status != 0, "\(file.lastPathComponent) is refused", sourceLocation: sourceLocation)
    let message = result.stderr.trimmingCharacters(in: .whitespacesAndNewlines)
    #expect(message.hasPrefix("Error: ") && !message.contains("\n"), "one plain line: \(message)", sourceLocation: sourceLocation)
    #expect(message.contains(words), "\(file.lastPathComponent): \(message)", sourceLocation: sourceLocation)
    #expect(result.stdout.isEmpty, sourceLocation: sourceLocation)
    if !existed {
        #expect(!FileManager.default.fileExists(atPath: target.path), "no half-restored folder", sourceLocation: sourceLocation)
    }
    let leftovers = try FileManager.default.contentsOfDirectory(atPath: target.deletingLastPathComponent().path)
        .filter { $0.contains(".restoring-") }
    #expect(leftovers.isEmpty, "no temporary folder is left: \(leftovers)", sourceLocation: sourceLocation)
}

/// One ustar entry, made by hand so that the test does not trust the writer it checks.
private func tarEntry(_ name: String, type: String, contents: Data) -> Data {
    var header = [UInt8](repeating: 0, count: 512)
    func put(_ text: String, at offset: Int) { for (i, byte) in text.utf8.enumerated() { header[offset + i] = byte } }
    put(name, at: 0)
    put("0000644", at: 100)
    put("0000000", at: 108)
    put("0000000", at: 116)
    func octal(_ value: Int, digits: Int) -> String {
        let text = String(value, radix: 8)
        return String(repeating: "0", count: digits - text.count) + text
    }
    put(octal(type == "0" ? contents.count : 0, digits: 11), at: 124)
    put("00000000000", at: 136)
    put("        ", at: 148)
    put(type, at: 156)
    if type == "2" { put("/etc/passwd", at: 157) }
    put("ustar", at: 257)
    put("00", at: 263)
    put(octal(header.reduce(0) { $0 + Int($1) }, digits: 6), at: 148)
    header[154] = 0
    var entry = Data(header)
    if type == "0" { entry += contents + Data(count: (512 - contents.count % 512) % 512) }
    return entry
}
