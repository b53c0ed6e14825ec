// A full disk under a working lab: answers and uploads get a clear 503, nothing acknowledged is lost,
// and the lab serves on as soon as there is room again.
import AnnolabCore
import AnnolabMedia
import AnnolabServer
import AnnolabStore
import Foundation
import GRDB
import Testing
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

@Suite("A full disk", .serialized)
struct DiskFullTests {
    @Test("with the data folder's disk full, answers and uploads get 503 storage_full, nothing acknowledged is lost, and the lab serves on when space is back",
          .enabled(if: SmallDisk.mountable, "needs `mount -t tmpfs` (root); mounting a small tmpfs is not possible on this machine"))
    func diskFull() async throws {
        let outside = temporaryFolder()
        defer { try? FileManager.default.removeItem(at: outside) }
        let disk = try SmallDisk(at: outside.appendingPathComponent("disk"), megabytes: 8)
        defer { disk.unmount() }
        let data = disk.folder.appendingPathComponent("data")

        // A client's choice project with one answer per microtask, and ten operators.
        let clientUser = jsonObject(try annolab(["user", "add", "--data", data.path, "--role", "client", "--name", "Newsroom",
                                                 "--email", "news@lab.local", "--password", "long-enough"]).stdout)
        let clientUserId = try #require((clientUser["id"] as? NSNumber)?.int64Value)
        let clientToken = try annolab(["token", "create", "--data", data.path, "--user", "\(clientUserId)"])
            .stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let projectId: Int64
        do {
            let store = try LabStore(folder: data)
            let clientId = try #require(try await store.user(id: clientUserId)?.clientId)
            let project = try await store.createProject(
                Project(clientId: clientId, name: "Full disk", template: .choice, labels: ["A", "B"], overlap: 1, adaptiveMin: nil,
                        adaptiveMax: nil, goldRate: 0, deadline: nil, createdAt: Date()), actor: nil)
            projectId = project.id!
            let payload = String(decoding: try JSONEncoder().encode(MicrotaskPayload(options: ["A", "B"])), as: UTF8.self)
            _ = try await store.addMicrotasks((0..<6000).map { _ in
                Microtask(projectId: projectId, itemId: nil, kind: .choice, payload: payload, estimatedSeconds: 5, requiredAnswers: 1)
            })
            for n in 0..<10 {
                _ = try await store.createUser(NewUser(role: .operator, name: "Operator \(n)", badge: String(format: "OP-F%04d", n)))
            }
        }

        let http = LabHTTP()
        let server = try LabProcess(data: data, log: outside.appendingPathComponent("server.log"))
        defer { server.stop() }
        _ = try await server.waitHealthy(http)
        let port = server.port
        var tokens: [String] = []
        for n in 0..<10 {
            let (_, body) = try await http.call(port, "POST", "/api/v1/login", json: #"{"badge":"\#(String(format: "OP-F%04d", n))"}"#)
            let token = try #require(fields(body)["token"] as? String)
            #expect(try await http.call(port, "POST", "/api/v1/shift/start", token: token).0 == 200)
            tokens.append(token)
        }
        let ledger = Ledger()

        // While there is room, everyone answers.
        let before = try await DiskFullTests.answerRound(http: http, port: port, tokens: tokens, answers: 20, ledger: ledger, tag: "room")
        #expect(before.refused.isEmpty, "with room on the disk nothing is refused: \(before.refused.prefix(3))")
        #expect(await ledger.all.count == 200)

        // Each operator holds a task, then the disk fills up to the last byte.
        var held: [HeldTask] = []
        for (index, token) in tokens.enumerated() {
            let (status, body) = try await http.call(port, "GET", "/api/v1/tasks/next", token: token)
            #expect(status == 200)
            let id = try #require(((fields(body)["assignment"] as? [String: Any])?["id"] as? NSNumber)?.int64Value)
            held.append(HeldTask(assignmentId: id, operatorIndex: index, key: "held-\(id)", choice: "B"))
        }
        let filler = try disk.fill()
        #expect(disk.freeBytes() < 64 * 1024, "the disk is full: \(disk.freeBytes()) bytes free")

        // Work goes on: every answer is either taken (the database may still have room in its
        // log) or refused with 503 storage_full, until the database can take no more.
        let full = try await DiskFullTests.answerRound(http: http, port: port, tokens: tokens, answers: 400, ledger: ledger,
                                                       tag: "full", untilRefused: true)
        let unclear = full.refused.filter { !($0.status == 503 && $0.code == "storage_full") }
        #expect(unclear.isEmpty, "on a full disk the lab answers 503 storage_full, not: \(unclear.prefix(3))")
        if let refusal = full.refused.first(where: { $0.status == 503 }) {
            #expect(refusal.message.contains("disk is full"), "the message says what happened: \(refusal.message)")
        }
        // The held tasks' answers are refused too, and an upload as well.
        var refusedHeld: [HeldTask] = []
        for task in held {
            let (status, body) = try await http.call(port, "POST", "/api/v1/assignments/\(task.assignmentId)/answer",
                                                     token: tokens[task.operatorIndex], json: task.body)
            if status == 201 || status == 200 { await ledger.acknowledge(task); continue }
            #expect(status == 503 && (fields(body)["error"] as? [String: Any])?["code"] as? String == "storage_full",
                    "a held task's answer on a full disk: \(status) \(snippet(body))")
            refusedHeld.append(task)
        }
        // Whether a lease or an answer meets the full disk first in the round is a race of the
        // operators' requests; an answer is refused with 503 storage_full in the round or here.
        #expect(full.refused.contains { $0.status == 503 && $0.code == "storage_full" && $0.what == "answer" } || !refusedHeld.isEmpty,
                "an answer on a full disk gets 503 storage_full (after \(full.acknowledged) more were taken)")
        let picture = try DiskFullTests.noisyPNG(side: 400)
        let boundary = "annolab-disk-full"
        let upload = DiskFullTests.multipart(name: "noise.png", data: picture, boundary: boundary)
        let (uploadStatus, uploadBody) = try await http.call(port, "POST", "/api/v1/projects/\(projectId)/items", token: clientToken,
                                                             body: upload, contentType: "multipart/form-data; boundary=\(boundary)")
        #expect(uploadStatus == 503 && (fields(uploadBody)["error"] as? [String: Any])?["code"] as? String == "storage_full",
                "an upload on a full disk gets 503 storage_full, not \(uploadStatus) \(snippet(uploadBody))")
        // Reading still works.
        #expect(try await http.call(port, "GET", "/healthz").0 == 200)
        #expect(try await http.call(port, "GET", "/api/v1/shift", token: tokens[0]).0 == 200)

        // Space comes back: the same server takes the refused answers (same key) and new work, and the upload.
        try FileManager.default.removeItem(at: filler)
        for task in refusedHeld {
            let (status, body) = try await http.call(port, "POST", "/api/v1/assignments/\(task.assignmentId)/answer",
                                                     token: tokens[task.operatorIndex], json: task.body)
            #expect(status == 201, "a refused answer sent again when there is room is taken: \(status) \(snippet(body))")
            if status == 201 { await ledger.acknowledge(task) }
        }
        let after = try await DiskFullTests.answerRound(http: http, port: port, tokens: tokens, answers: 10, ledger: ledger, tag: "after")
        #expect(after.refused.isEmpty, "with room again nothing is refused: \(after.refused.prefix(3))")
        #expect(after.acknowledged == 100)
        let (againStatus, againBody) = try await http.call(port, "POST", "/api/v1/projects/\(projectId)/items", token: clientToken,
                                                           body: upload, contentType: "multipart/form-data; boundary=\(boundary)")
        #expect(againStatus == 201, "the upload is taken when there is room: \(againStatus) \(snippet(againBody))")

        // Nothing acknowledged is lost, nothing is stored twice, and the file is sound, before and after a restart.
        let acknowledged = await ledger.all
        func check(_ moment: String) throws {
            let (integrity, answers) = try readLab(data) { db in
                (try String.fetchOne(db, sql: "PRAGMA integrity_check"), try AnswerRecord.fetchAll(db))
            }
            #expect(integrity == "ok", "\(moment): integrity_check says \(integrity ?? "nothing")")
            let byAssignment = Dictionary(grouping: answers, by: \.assignmentId)
            let lost = acknowledged.keys.filter { byAssignment[$0]?.count != 1 }
            #expect(lost.isEmpty, "\(moment): acknowledged answers not stored exactly once: \(lost.sorted().prefix(10))")
            #expect(answers.count == acknowledged.count, "\(moment): the database holds only acknowledged answers")
        }
        try check("space back")
        server.stop()
        try check("after the server stopped")
        let statuses = Dictionary(grouping: full.refused, by: { "\($0.status) \($0.code)" }).mapValues(\.count)
        print("disk full: \(before.acknowledged) answers with room, \(full.acknowledged) more taken on the full disk, then "
              + "refusals \(statuses), \(refusedHeld.count) held answers refused and taken later, "
              + "\(after.acknowledged) after; \(acknowledged.count) acknowledged, all stored once")
    }

    /// One refusal: which request, its status, code and message.
    struct Refusal: CustomStringConvertible {
        var what: String
        var status: Int
        var code: String
        var message: String
        var description: String { "\(what) \(status) \(code): \(message)" }
    }

    /// Each operator does up to `answers` next -> answer; with `untilRefused`, an operator stops at the first refusal.
    static func answerRound(http: LabHTTP, port: Int, tokens: [String], answers: Int, ledger: Ledger, tag: String,
                            untilRefused: Bool = false) async throws -> (acknowledged: Int, refused: [Refusal]) {
        try await withThrowingTaskGroup(of: (Int, [Refusal]).self) { group in
            for (index, token) in tokens.enumerated() {
                group.addTask {
                    var taken = 0
                    var refused: [Refusal] = []
                    func refusal(_ what: String, _ status: Int, _ body: Data) -> Refusal {
                        let error = fields(body)["error"] as? [String: Any]
                        return Refusal(what: what, status: status, code: error?["code"] as? String ?? "",
                                       message: error?["message"] as? String ?? snippet(body))
                    }
                    for _ in 0..<answers {
                        let (status, body) = try await http.call(port, "GET", "/api/v1/tasks/next", token: token)
                        guard status == 200, let id = ((fields(body)["assignment"] as? [String: Any])?["id"] as? NSNumber)?.int64Value
                        else {
                            refused.append(refusal("next", status, body))
                            if untilRefused { break } else { continue }
                        }
                        let task = HeldTask(assignmentId: id, operatorIndex: index, key: "\(tag)-\(id)", choice: "A")
                        let (answered, answerBody) = try await http.call(port, "POST", "/api/v1/assignments/\(id)/answer",
                                                                         token: token, json: task.body)
                        if answered == 201 || answered == 200 {
                            await ledger.acknowledge(task)
                            taken += 1
                        } else {
                            refused.append(refusal("answer", answered, answerBody))
                            if untilRefused { break }
                        }
                    }
                    return (taken, refused)
                }
            }
            var taken = 0
            var refused: [Refusal] = []
            for try await (count, list) in group {
                taken += count
                refused += list
            }
            return (taken, refused)
        }
    }

    /// A PNG of random pixels: it does not compress, so it needs its full size on disk.
    static func noisyPNG(side: Int) throws -> Data {
        var generator = SystemRandomNumberGenerator()
        let pixels = (0..<(side * side * 4)).map { n in n % 4 == 3 ? UInt8(255) : UInt8.random(in: 0...255, using: &generator) }
        return try PNGImage.encode(try RGBAImage(width: side, height: side, pixels: pixels))
    }

    static func multipart(name: String, data: Data, boundary: String) -> Data {
        var body = Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\(name)\"\r\nContent-Type: image/png\r\n\r\n".utf8)
        body += data + Data("\r\n--\(boundary)--\r\n".utf8)
        return body
    }
}

/// A small tmpfs mounted for one test, so that its disk can be filled without touching the machine's.
struct SmallDisk {
    let folder: URL

    /// Whether `mount -t tmpfs` works here (it needs root); tried once on a throwaway folder.
    static let mountable: Bool = {
        let probe = FileManager.default.temporaryDirectory.appendingPathComponent("annolab-tmpfs-probe-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: probe) }
        guard (try? FileManager.default.createDirectory(at: probe, withIntermediateDirectories: true)) != nil,
              run("/bin/mount", ["-t", "tmpfs", "-o", "size=1m", "tmpfs", probe.path]) == 0 else {
            print("DiskFullTests skipped: `mount -t tmpfs -o size=1m tmpfs DIR` is not possible on this machine (not root?)")
            return false
        }
        _ = run("/bin/umount", [probe.path])
        return true
    }()

    init(at folder: URL, megabytes: Int) throws {
        self.folder = folder
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        guard Self.run("/bin/mount", ["-t", "tmpfs", "-o", "size=\(megabytes)m", "tmpfs", folder.path]) == 0 else {
            throw LabError(.internalFailure, "mount_failed", "mount -t tmpfs -o size=\(megabytes)m on \(folder.path) failed")
        }
    }

    /// Writes a file until the disk refuses more (ENOSPC), down to the last 512 bytes.
    func fill() throws -> URL {
        let filler = folder.appendingPathComponent("filler.bin")
        _ = FileManager.default.createFile(atPath: filler.path, contents: nil)
        let descriptor = open(filler.path, O_WRONLY | O_APPEND)
        guard descriptor >= 0 else { throw LabError(.internalFailure, "fill_failed", "cannot open \(filler.path)") }
        defer { close(descriptor) }
        var chunk = 1 << 20
        let zeros = [UInt8](repeating: 0x5A, count: chunk)
        while chunk >= 512 {
            let written = zeros.withUnsafeBytes { write(descriptor, $0.baseAddress, chunk) }
            if written < chunk { chunk /= 2 }
        }
        fsync(descriptor)
        return filler
    }

    func freeBytes() -> Int {
        var stats = statvfs()
        guard statvfs(folder.path, &stats) == 0 else { return -1 }
        return Int(stats.f_bavail) * Int(stats.f_frsize)
    }

    func unmount() {
        if Self.run("/bin/umount", [folder.path]) != 0 { _ = Self.run("/bin/umount", ["-l", folder.path]) }
        try? FileManager.default.removeItem(at: folder)
    }

    @discardableResult
    static func run(_ program: String, _ arguments: [String]) -> Int32 {
        let process = ChildProcess()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return -1 }
        process.waitUntilExit()
        return process.terminationStatus
    }
}
