// `annolab record`, run as a real program: an operator's record for the admin, as a page or as JSON.
import AnnolabServer
import AnnolabStore
import Foundation
import Testing

@Suite("An operator's record from the command line")
struct RecordCommandTests {
    @Test("record writes the printable page for FILE.html and the JSON otherwise, also for a closed account; bad input is one line")
    func recordFiles() async throws {
        let data = temporaryFolder()
        let store = try LabStore(folder: data)
        #expect(try await DemoLab.seedIfEmpty(store: store))
        let anouk = try #require(try await store.user(badge: "OP-0001")?.id)
        _ = try await store.disableUser(id: anouk, actor: nil)
        let out = temporaryFolder()
        let page = out.appendingPathComponent("anouk.html"), json = out.appendingPathComponent("anouk.json")

        let written = try annolab(["record", "--data", data.path, "--operator", "\(anouk)", "--out", page.path])
        #expect(written.status == 0, "\(written.stderr)")
        #expect(written.stdout.contains("Wrote \(page.path)"))
        let html = try String(contentsOf: page, encoding: .utf8)
        #expect(html.hasPrefix("<!doctype html>"))
        #expect(html.contains("Anouk de Vries") && html.contains("<h1") && html.contains("lang=\"nl\""))
        #expect(!html.contains("Bram Jansen"))

        let asJSON = try annolab(["record", "--data", data.path, "--operator", "\(anouk)", "--out", json.path])
        #expect(asJSON.status == 0, "\(asJSON.stderr)")
        let record = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: json)) as? [String: Any])
        #expect(record["format"] as? String == "annolab-operator-record")
        let person = try #require(record["person"] as? [String: Any])
        #expect(person["name"] as? String == "Anouk de Vries")
        #expect(person["closedOn"] is String, "a closed account's record says when it closed")
        #expect((record["skills"] as? [[String: Any]])?.count == 3, "the demo coach opened three steps")

        let nobody = try annolab(["record", "--data", data.path, "--operator", "999999", "--out", json.path])
        #expect(nobody.status != 0)
        #expect(nobody.stderr.split(separator: "\n").count == 1)
        #expect(nobody.stderr.contains("no operator"))
        let noLab = try annolab(["record", "--data", temporaryFolder().path, "--operator", "1", "--out", json.path])
        #expect(noLab.status != 0 && noLab.stderr.contains("There is no lab"))
    }
}
