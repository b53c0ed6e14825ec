// Closing the server with SIGTERM while requests are running loses no committed write.
import AnnolabCore
import AnnolabServer
import AnnolabStore
import Foundation
import Testing
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A server process started from the built program, with its printed port.
final class ServerProcess: @unchecked Sendable {
    let process = ChildProcess()
    let port: Int

    /// `annolab serve` on the folder, or `annolab demo` (which seeds it first) when `demo` is set.
    init(data: URL, demo: Bool = false) throws {
        process.executableURL = annolabProgram
        process.arguments = demo ? ["demo", "--data", data.path, "--port", "0"]
            : ["serve", "--data", data.path, "--host", "127.0.0.1", "--port", "0"]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        // The server prints "... at http://127.0.0.1:PORT/" once it listens.
        var printed = Data()
        var found: Int?
        let deadline = Date().addingTimeInterval(30)
        while found == nil, Date() < deadline {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            printed.append(chunk)
            let text = String(decoding: printed, as: UTF8.self)
            if let range = text.range(of: #"127\.0\.0\.1:(\d+)/"#, options: .regularExpression) {
                found = Int(text[range].dropFirst("127.0.0.1:".count).dropLast())
            }
        }
        guard let found else {
            process.terminate()
            throw LabError(.internalFailure, "server_did_not_start", "the server printed: \(String(decoding: printed, as: UTF8.self))")
        }
        port = found
    }
}

@Suite("Shutting the server down")
struct ShutdownTests {
    @Test("SIGTERM while projects are being created loses no acknowledged write")
    func sigtermKeepsCommittedWrites() async throws {
        let data = temporaryFolder()
        let client = jsonObject(try annolab(["user", "add", "--data", data.path, "--role", "client", "--name", "Newsroom",
                                             "--email", "news@lab.local", "--password", "long-enough"]).stdout)
        let clientId = try #require(client["id"] as? Int)
        let token = try annolab(["token", "create", "--data", data.path, "--user", "\(clientId)"])
            .stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let server = try ServerProcess(data: data)
        let base = "http://127.0.0.1:\(server.port)"

        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = 10
        let session = URLSession(configuration: configuration)
        // Eight writers create projects as fast as they can; each remembers what was acknowledged.
        // SIGTERM comes after a random number of acknowledged writes, whatever the machine's speed.
        let stopAfter = Int.random(in: 20...200)
        let counter = AckCounter()
        let acknowledged = try await withThrowingTaskGroup(of: [Int].self) { group in
            for writer in 0..<8 {
                group.addTask {
                    var ids: [Int] = []
                    for n in 0..<400 {
                        var request = URLRequest(url: URL(string: "\(base)/api/v1/projects")!)
                        request.httpMethod = "POST"
                        request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
                        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
                        request.httpBody = Data(#"{"name":"w\#(writer)-\#(n)","template":"choice","labels":["A","B"]}"#.utf8)
                        guard let (body, response) = try? await session.data(for: request) else { break }
                        guard (response as? HTTPURLResponse)?.statusCode == 201 else { break }
                        let object = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any]
                        if let id = object?["id"] as? Int {
                            ids.append(id)
                            await counter.add()
                        }
                    }
                    return ids
                }
            }
            group.addTask {
                // Let the writers get going, then ask the server to stop.
                let deadline = Date().addingTimeInterval(120)
                while await counter.count < stopAfter, Date() < deadline { try await Task.sleep(for: .milliseconds(2)) }
                kill(server.process.processIdentifier, SIGTERM)
                return []
            }
            var all: [Int] = []
            for try await ids in group { all += ids }
            return all
        }
        server.process.waitUntilExit()
        #expect(server.process.terminationReason == .exit)
        #expect(server.process.terminationStatus == 0)
        #expect(acknowledged.count >= stopAfter, "the writers got going before the shutdown")
        #expect(acknowledged.count < 3200, "the shutdown came while writes were running")

        let store = try LabStore(folder: data)
        let stored = Set(try await store.projects(clientId: nil).compactMap(\.id).map(Int.init))
        let missing = Set(acknowledged).subtracting(stored)
        #expect(missing.isEmpty, "acknowledged but lost: \(missing.sorted().prefix(10))")
        #expect(try store.integrityCheck() == "ok")
    }
}
