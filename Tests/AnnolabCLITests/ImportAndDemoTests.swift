// `annolab import` and `annolab demo`, run as real programs.
import AnnolabServer
import AnnolabStore
import AnnolabCore
import Foundation
import Testing

@Suite("Importing and the demo lab from the command line")
struct ImportAndDemoTests {
    /// A 16-bit mono WAV of silence.
    func wav(seconds: Int, rate: Int = 8000) -> Data {
        func le32(_ v: UInt32) -> Data { withUnsafeBytes(of: v.littleEndian) { Data($0) } }
        func le16(_ v: UInt16) -> Data { withUnsafeBytes(of: v.littleEndian) { Data($0) } }
        let bytes = UInt32(seconds * rate * 2)
        var data = Data("RIFF".utf8) + le32(36 + bytes) + Data("WAVEfmt ".utf8) + le32(16) + le16(1) + le16(1)
        data += le32(UInt32(rate)) + le32(UInt32(rate * 2)) + le16(2) + le16(16) + Data("data".utf8) + le32(bytes)
        return data + Data(count: Int(bytes))
    }

    @Test("import takes files into a project by the upload's rules and says what it did")
    func importFiles() async throws {
        let data = temporaryFolder()
        let store = try LabStore(folder: data)
        let client = try await store.createClient(name: "Newsroom")
        let project = try await store.createProject(
            Project(clientId: client.id!, name: "Sounds", template: .audioTags, labels: ["music", "speech"], overlap: 2,
                    adaptiveMin: nil, adaptiveMax: nil, goldRate: 0.1, deadline: nil, createdAt: Date()), actor: nil)
        let files = temporaryFolder()
        let good = files.appendingPathComponent("programme.wav"), bad = files.appendingPathComponent("broken.wav")
        try wav(seconds: 25).write(to: good)
        try Data("not a sound".utf8).write(to: bad)

        let result = try annolab(["import", "--data", data.path, "--project", "\(project.id!)", good.path, bad.path])
        #expect(result.status == 0, "\(result.stderr)")
        let report = jsonObject(result.stdout)
        #expect(report["imported"] as? Int == 1)
        #expect(report["microtasks"] as? Int == 3)
        let rejected = report["rejected"] as? [[String: Any]] ?? []
        #expect(rejected.first?["file"] as? String == "broken.wav")

        let strict = try annolab(["import", "--data", data.path, "--project", "\(project.id!)", "--strict", good.path, bad.path])
        #expect(strict.status != 0)
        #expect(strict.stderr.split(separator: "\n").count == 1)
        #expect(try await LabStore(folder: data).items(projectId: project.id!).count == 1, "strict stored nothing")

        let missing = try annolab(["import", "--data", data.path, "--project", "999", good.path])
        #expect(missing.status != 0)
    }

    @Test("the demo seeds one project of each kind with real sample media, then serves it")
    func demoLab() async throws {
        let data = temporaryFolder()
        let process = ChildProcess()
        process.executableURL = annolabProgram
        process.arguments = ["demo", "--data", data.path, "--port", "0"]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        var printed = ""
        while !printed.contains("Stop with Ctrl-C") {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            printed += String(decoding: chunk, as: UTF8.self)
        }
        process.terminate()
        process.waitUntilExit()
        #expect(printed.contains("admin@demo.local / demo-admin"))
        #expect(printed.contains("OP-0006"))
        let store = try LabStore(folder: data)
        let projects = try await store.projects(clientId: nil)
        #expect(Set(projects.map(\.template)) == [.imageBoxes, .subtitleCheck, .audioTags, .choice, .thumbnailChoice])
        for project in projects {
            let items = try await store.items(projectId: project.id!)
            let microtasks = try await store.microtasks(projectId: project.id!)
            #expect(!items.isEmpty && !microtasks.isEmpty, "\(project.template.rawValue) has media and work")
        }
        let boxes = try #require(projects.first { $0.template == .imageBoxes })
        #expect(try await store.microtasks(projectId: boxes.id!).count >= 12 + 4, "the large picture is cut into 12 tiles")
        #expect(try await store.userCount(role: .operator) == 6)
    }
}
