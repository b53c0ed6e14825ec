// The lab serving HTTPS itself: HSTS, Secure cookies, and a plain refusal of a broken certificate.
import AnnolabCore
import Foundation
import Testing

@Suite("HTTPS served by the lab")
struct TLSTests {
    @Test("with --tls-certificate and --tls-key the lab answers over HTTPS with HSTS and Secure cookies")
    func servesHTTPS() async throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/openssl"),
              FileManager.default.isExecutableFile(atPath: "/usr/bin/curl") else {
            Issue.record("openssl and curl are needed for this test (.ci/setup installs them)")
            return
        }
        let folder = temporaryFolder()
        let certificate = folder.appendingPathComponent("lab.crt").path, key = folder.appendingPathComponent("lab.key").path
        let made = try runProgram("/usr/bin/openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", certificate,
                                                "-days", "2", "-subj", "/CN=127.0.0.1"])
        #expect(made.status == 0, "\(made.stderr)")
        let data = folder.appendingPathComponent("lab")
        let added = jsonObject(try annolab(["user", "add", "--data", data.path, "--role", "operator", "--name", "Ada"]).stdout)
        let badge = try #require(added["badge"] as? String)

        let server = ChildProcess()
        server.executableURL = annolabProgram
        server.arguments = ["serve", "--data", data.path, "--port", "0", "--tls-certificate", certificate, "--tls-key", key]
        let out = Pipe()
        server.standardOutput = out
        server.standardError = FileHandle.nullDevice
        try server.run()
        defer { server.terminate(); server.waitUntilExit() }
        var printed = ""
        var port: Int?
        let deadline = Date().addingTimeInterval(30)
        while port == nil, Date() < deadline {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            printed += String(decoding: chunk, as: UTF8.self)
            if let match = printed.firstMatch(of: /https:\/\/127\.0\.0\.1:(\d+)\//) { port = Int(match.1) }
        }
        let bound = try #require(port, "the server says it serves https: \(printed)")

        let page = try runProgram("/usr/bin/curl", ["-k", "-sS", "-I", "https://127.0.0.1:\(bound)/"])
        #expect(page.stdout.hasPrefix("HTTP/1.1 200"), "\(page.stdout) \(page.stderr)")
        #expect(page.stdout.lowercased().contains("strict-transport-security: max-age=31536000"))
        #expect(page.stdout.lowercased().contains("permissions-policy: "))

        let users = try runProgram("/usr/bin/curl", ["-k", "-sS", "-D", "-", "-o", "/dev/null", "-H", "Content-Type: application/json",
                                              "-d", "{\"badge\":\"OP-NONE00\"}", "https://127.0.0.1:\(bound)/api/v1/login"])
        #expect(users.stdout.hasPrefix("HTTP/1.1 401"), "an unknown badge is refused over HTTPS too")
        let login = try runProgram("/usr/bin/curl", ["-k", "-sS", "-D", "-", "-o", "/dev/null", "-H", "Content-Type: application/json",
                                                     "-d", "{\"badge\":\"\(badge)\"}", "https://127.0.0.1:\(bound)/api/v1/login"])
        #expect(login.stdout.hasPrefix("HTTP/1.1 200"), "\(login.stdout)")
        let cookies = login.stdout.split(separator: "\r\n").filter { $0.lowercased().hasPrefix("set-cookie:") }
        #expect(cookies.count == 2, "the session and the CSRF cookie: \(cookies)")
        #expect(cookies.allSatisfy { $0.contains("Secure") }, "cookies over HTTPS are Secure: \(cookies)")
        let plain = try runProgram("/usr/bin/curl", ["-sS", "-o", "/dev/null", "-w", "%{http_code}", "http://127.0.0.1:\(bound)/healthz"])
        #expect(plain.stdout != "200", "plain HTTP is not served on the HTTPS port")
    }

    @Test("a certificate that cannot be read stops the lab before it serves, with a plain reason")
    func brokenCertificate() throws {
        let folder = temporaryFolder()
        let certificate = folder.appendingPathComponent("broken.crt")
        try Data("not a certificate".utf8).write(to: certificate)
        let result = try annolab(["serve", "--data", folder.appendingPathComponent("lab").path, "--port", "0",
                                  "--tls-certificate", certificate.path, "--tls-key", certificate.path])
        #expect(result.status != 0)
        #expect(result.stderr.contains("cannot be read as a PEM certificate"), "\(result.stderr)")
        let half = try annolab(["serve", "--data", folder.appendingPathComponent("lab").path, "--tls-key", certificate.path])
        #expect(half.status != 0)
        #expect(half.stderr.contains("--tls-certificate"), "\(half.stderr)")
    }
}
