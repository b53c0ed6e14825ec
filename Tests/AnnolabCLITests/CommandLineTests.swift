// Stories of the `annolab` command line, run as a real program against temporary data folders.
import AnnolabServer
import AnnolabStore
import AnnolabCore
import Foundation
import GRDB
import Testing
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The built `annolab` program, next to this test bundle.
let annolabProgram: URL = {
    var folder = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
    for _ in 0..<4 {
        folder.deleteLastPathComponent()
        let candidate = folder.appendingPathComponent("annolab")
        if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
    }
    return URL(fileURLWithPath: ".build/debug/annolab")
}()

func temporaryFolder() -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("annolab-cli-\(UUID().uuidString)")
    try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

struct RunResult {
    var status: Int32
    var stdout: String
    var stderr: String
}

/// Runs `annolab` with arguments and waits for it to finish.
func annolab(_ arguments: [String]) throws -> RunResult {
    try runProgram(annolabProgram.path, arguments)
}

/// Runs any program with no standard input and waits for it to finish.
func runProgram(_ program: String, _ arguments: [String]) throws -> RunResult {
    let process = ChildProcess()
    process.executableURL = URL(fileURLWithPath: program)
    process.arguments = arguments
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    process.standardInput = FileHandle.nullDevice
    try process.run()
    let stdout = out.fileHandleForReading.readDataToEndOfFile()
    let stderr = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return RunResult(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                     stderr: String(decoding: stderr, as: UTF8.self))
}

func jsonObject(_ text: String) -> [String: Any] {
    (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:]
}

@Suite("The annolab command line")
struct CommandLineTests {
    @Test("user add prints one JSON object, with a badge for operators")
    func userAdd() throws {
        let data = temporaryFolder().path
        let coach = try annolab(["user", "add", "--data", data, "--role", "coach", "--name", "Coach Mo",
                                 "--email", "mo@lab.local", "--password", "long-enough"])
        #expect(coach.status == 0, "\(coach.stderr)")
        let coachJSON = jsonObject(coach.stdout)
        #expect(coachJSON["role"] as? String == "coach")
        let coachId = try #require(coachJSON["id"] as? Int)
        #expect(coachJSON["badge"] == nil)
        #expect(coach.stdout.split(separator: "\n").count == 1)

        let op = try annolab(["user", "add", "--data", data, "--role", "operator", "--name", "Ilse",
                              "--coach", "\(coachId)", "--birthdate", "2007-02-01"])
        #expect(op.status == 0, "\(op.stderr)")
        let opJSON = jsonObject(op.stdout)
        #expect(opJSON["role"] as? String == "operator")
        let badge = try #require(opJSON["badge"] as? String)
        #expect(badge.hasPrefix("OP-") && badge.count == 9)
    }

    @Test("the accounts made by user add can sign in")
    func userAddThenLogin() async throws {
        let data = temporaryFolder()
        let op = jsonObject(try annolab(["user", "add", "--data", data.path, "--role", "operator", "--name", "Ilse"]).stdout)
        _ = try annolab(["user", "add", "--data", data.path, "--role", "admin", "--name", "Ada",
                         "--email", "ada@lab.local", "--password", "correct horse"])
        let accounts = AccountService(store: try LabStore(folder: data))
        let session = try await accounts.login(badge: try #require(op["badge"] as? String))
        #expect(session.user.name == "Ilse")
        let admin = try await accounts.login(email: "ada@lab.local", password: "correct horse")
        #expect(admin.user.role == .admin)
        let stored = try await LabStore(folder: data).user(email: "ada@lab.local")
        #expect(stored?.passwordHash?.hasPrefix("$2") == true, "passwords are stored as bcrypt hashes")
        #expect(stored?.passwordHash?.contains("correct horse") == false)
    }

    @Test("user add refuses bad input with one plain line and a non-zero exit")
    func userAddRefuses() throws {
        let data = temporaryFolder().path
        let cases: [[String]] = [
            ["--role", "wizard", "--name", "Merlin"],
            ["--role", "coach", "--name", "No Password", "--email", "np@lab.local"],
            ["--role", "coach", "--name", "Short", "--email", "s@lab.local", "--password", "short"],
            ["--role", "operator", "--name", "Pw", "--email", "pw@lab.local", "--password", "long-enough"],
            ["--role", "operator", "--name", "Lost", "--coach", "4242"],
            ["--role", "operator", "--name", "Bad date", "--birthdate", "31-12-2001"],
        ]
        for arguments in cases {
            let result = try annolab(["user", "add", "--data", data] + arguments)
            #expect(result.status != 0, "\(arguments)")
            let lines = result.stderr.split(separator: "\n").filter { !$0.isEmpty }
            #expect(lines.count == 1, "\(arguments): \(result.stderr)")
            #expect(result.stdout.isEmpty)
        }
        let store = try LabStore(folder: URL(fileURLWithPath: data))
        #expect(try store.appliedMigrations().count == LabStore.knownMigrations.count)
    }

    @Test("a clock speed out of range is refused in one line before anything is served")
    func clockSpeedRefused() throws {
        for speed in ["0", "-3", "20000"] {
            let result = try annolab(["serve", "--data", temporaryFolder().path, "--port", "0", "--clock-speed=\(speed)"])
            #expect(result.status != 0)
            let lines = result.stderr.split(separator: "\n").filter { !$0.isEmpty }
            #expect(lines.count == 1 && lines.first?.contains("--clock-speed") == true, "\(speed): \(result.stderr)")
        }
    }

    @Test("token create prints a bearer token that signs its user in")
    func tokenCreate() async throws {
        let data = temporaryFolder()
        let client = jsonObject(try annolab(["user", "add", "--data", data.path, "--role", "client", "--name", "Newsroom",
                                             "--email", "news@lab.local", "--password", "long-enough"]).stdout)
        let id = try #require(client["id"] as? Int)
        let result = try annolab(["token", "create", "--data", data.path, "--user", "\(id)"])
        #expect(result.status == 0, "\(result.stderr)")
        let token = result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(token.count >= 40)
        let user = try await AccountService(store: try LabStore(folder: data)).user(forToken: token)
        #expect(user?.id == Int64(id))

        let unknown = try annolab(["token", "create", "--data", data.path, "--user", "999"])
        #expect(unknown.status != 0)
        #expect(unknown.stderr.contains("999"))
    }
}
