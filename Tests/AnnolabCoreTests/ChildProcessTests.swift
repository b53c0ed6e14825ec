// ChildProcess: the posix_spawn child every part of Annolab starts programs with.
import AnnolabCore
import Foundation
import Testing

@Suite("A child program, started without Foundation's Process")
struct ChildProcessTests {
    /// Runs `/bin/sh -c script` and returns what it wrote on standard output and how it ended.
    private func shell(_ script: String, configure: (ChildProcess) -> Void = { _ in }) throws -> (String, ChildProcess) {
        let child = ChildProcess()
        child.executableURL = URL(fileURLWithPath: "/bin/sh")
        child.arguments = ["-c", script]
        let output = Pipe()
        child.standardOutput = output
        child.standardError = FileHandle.nullDevice
        configure(child)
        try child.run()
        let said = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        child.waitUntilExit()
        return (said, child)
    }

    @Test("output through a pipe, the error stream apart, the exit status")
    func outputAndStatus() throws {
        let (said, child) = try shell("echo one; echo two >&2; exit 3")
        #expect(said == "one\n")
        #expect(child.terminationStatus == 3)
        #expect(child.terminationReason == .exit)
        #expect(!child.isRunning)
    }

    @Test("a pipe's input reaches the child, and its output comes back whole")
    func inputReachesChild() throws {
        let child = ChildProcess()
        child.executableURL = URL(fileURLWithPath: "/usr/bin/tr")
        child.arguments = ["a-z", "A-Z"]
        let input = Pipe()
        let output = Pipe()
        child.standardInput = input
        child.standardOutput = output
        try child.run()
        // Written from another thread: the pipes hold 64 KiB, so writing all before reading would stall.
        let writer = Thread {
            input.fileHandleForWriting.write(Data(String(repeating: "lab ", count: 50_000).utf8))
            try? input.fileHandleForWriting.close()
        }
        writer.start()
        let said = output.fileHandleForReading.readDataToEndOfFile()
        child.waitUntilExit()
        #expect(said.count == 200_000)
        #expect(String(decoding: said.prefix(8), as: UTF8.self) == "LAB LAB ")
    }

    @Test("the environment and the folder it starts in are the ones given")
    func environmentAndFolder() throws {
        let folder = FileManager.default.temporaryDirectory.resolvingSymlinksInPath()
        let (said, _) = try shell("echo \"$ANNOLAB_CHILD_TEST\"; pwd; echo \"${HOME:-none}\"") {
            $0.environment = ["ANNOLAB_CHILD_TEST": "kept", "PATH": "/usr/bin:/bin"]
            $0.currentDirectoryURL = folder
        }
        #expect(said == "kept\n\(folder.path)\nnone\n")
    }

    @Test("a killed child ends by its signal; terminate and interrupt reach it")
    func signals() throws {
        for (expected, send) in [(SIGTERM, { (child: ChildProcess) in child.terminate() }),
                               (SIGINT, { (child: ChildProcess) in child.interrupt() }),
                               (SIGKILL, { (child: ChildProcess) in child.send(SIGKILL) })] {
            let child = ChildProcess()
            child.executableURL = URL(fileURLWithPath: "/bin/sleep")
            child.arguments = ["20"]
            // Started from a thread that blocks and ignores these signals, as a server's threads may:
            // the child must still get them.
            var blocked = sigset_t(), before = sigset_t()
            sigemptyset(&blocked)
            sigaddset(&blocked, SIGTERM)
            sigaddset(&blocked, SIGINT)
            pthread_sigmask(SIG_BLOCK, &blocked, &before)
            let ignored = signal(SIGINT, SIG_IGN)
            defer {
                pthread_sigmask(SIG_SETMASK, &before, nil)
                signal(SIGINT, ignored)
            }
            try child.run()
            #expect(child.isRunning)
            #expect(child.processIdentifier > 0)
            send(child)
            child.waitUntilExit()
            #expect(child.terminationReason == .uncaughtSignal)
            #expect(child.terminationStatus == expected)
            child.terminate()  // after the end: nothing is sent, nothing fails
            #expect(throws: ChildProcessError.self) { try child.run() }  // one run per child
        }
    }

    @Test("the child inherits no descriptor but its three streams")
    func noDescriptorLeaks() throws {
        // A pipe opened without close-on-exec, as Foundation's Pipe is: the child must not hold it.
        var ends: [Int32] = [0, 0]
        #expect(pipe(&ends) == 0)
        defer { close(ends[0]); close(ends[1]) }
        let (said, _) = try shell("ls /proc/$$/fd")
        let descriptors = said.split(separator: "\n").compactMap { Int32($0) }.sorted()
        #expect(descriptors == [0, 1, 2], "the child held \(descriptors)")
    }

    @Test("a program that is not there is an error, not a crash")
    func missingProgram() {
        let child = ChildProcess()
        child.executableURL = URL(fileURLWithPath: "/nonexistent/annolab-program")
        #expect(throws: ChildProcessError.self) { try child.run() }
        #expect(!child.isRunning)
    }

    @Test("the end is reported once, to the handler, from many children at once")
    func manyAtOnce() async throws {
        let statuses = try await withThrowingTaskGroup(of: Int32.self) { group in
            for number in 0..<64 {
                group.addTask {
                    let child = ChildProcess()
                    child.executableURL = URL(fileURLWithPath: "/bin/sh")
                    child.arguments = ["-c", "exit \(number % 7)"]
                    return try await withCheckedThrowingContinuation { continuation in
                        child.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
                        do { try child.run() } catch { continuation.resume(throwing: error) }
                    }
                }
            }
            return try await group.reduce(into: [Int32]()) { $0.append($1) }
        }
        #expect(statuses.sorted() == (0..<64).map { Int32($0 % 7) }.sorted())
    }
}
