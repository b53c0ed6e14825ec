// A client's ZIP upload unpacks to its files; lying sizes, bombs and damage are stopped per file, in bounded memory.

import AnnolabCore
import CZlib
import Foundation
import Testing

@testable import AnnolabMedia

/// Raw deflate (no zlib header), as ZIP stores it.
func rawDeflate(_ data: [UInt8], level: Int32 = 9) -> [UInt8] {
    var stream = z_stream()
    deflateInit2_(&stream, level, Z_DEFLATED, -15, 9, Z_DEFAULT_STRATEGY, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
    defer { deflateEnd(&stream) }
    var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, uLong(data.count))) + 16)
    var input = data
    let produced = input.withUnsafeMutableBufferPointer { inBuffer in
        output.withUnsafeMutableBufferPointer { outBuffer in
            stream.next_in = inBuffer.baseAddress
            stream.avail_in = uInt(inBuffer.count)
            stream.next_out = outBuffer.baseAddress
            stream.avail_out = uInt(outBuffer.count)
            _ = deflate(&stream, Z_FINISH)
            return outBuffer.count - Int(stream.avail_out)
        }
    }
    return Array(output.prefix(produced))
}

extension TestZipEntry {
    static func deflated(_ name: String, _ data: [UInt8]) -> TestZipEntry {
        let packed = rawDeflate(data)
        // zlib's CRC-32 here: the bit-by-bit one in TestZipBuilder is too slow for 50 MB bombs.
        let crc = data.withUnsafeBufferPointer { UInt32(crc32(0, $0.baseAddress, uInt($0.count))) }
        return TestZipEntry(name: Array(name.utf8), packed: packed, method: 8, crc: crc,
                            compressedSize: UInt32(packed.count), uncompressedSize: UInt32(data.count))
    }
}

/// Runs a program when it is installed; nil when it is not.
func run(_ program: String, _ arguments: [String], in folder: URL) -> Int32? {
    let path = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin").split(separator: ":")
        .map { "\($0)/\(program)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    guard let path else { return nil }
    let process = ChildProcess()
    process.executableURL = URL(fileURLWithPath: path)
    process.arguments = arguments
    process.currentDirectoryURL = folder
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    do { try process.run() } catch { return nil }
    process.waitUntilExit()
    return process.terminationStatus
}

func scratchFolder() throws -> URL {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("annolab-media-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    return folder
}

@Suite("Unpacking uploaded ZIP archives")
struct ZipArchiveTests {
    let subtitle = Array("1\n00:00:01,000 --> 00:00:03,000\nGoedenavond.\n".utf8)
    let picture = (0..<5000).map { UInt8(($0 * 7) % 251) }

    func problems(_ contents: ZipArchive.Contents) -> [String: String] {
        Dictionary(uniqueKeysWithValues: contents.problems.map { ($0.name, $0.error.code.rawValue) })
    }

    @Test("stored and deflated files unpack to their exact bytes")
    func storedAndDeflated() throws {
        let archive = TestZipBuilder([
            .stored("news.srt", subtitle), .deflated("photos/a.png", picture), .folder("empty/"),
            .deflated("empty.txt", []), .stored("nothing.txt", []),
        ])
        let contents = try ZipArchive.extract(Data(archive.bytes()))
        #expect(contents.problems.isEmpty)
        #expect(contents.files.map(\.name) == ["news.srt", "photos/a.png", "empty.txt", "nothing.txt"])
        #expect(contents.files[0].data == Data(subtitle))
        #expect(contents.files[1].data == Data(picture))
        #expect(contents.files[2].data.isEmpty && contents.files[3].data.isEmpty)
        #expect(try contents.requireAll().count == 4)
        #expect(ZipArchive.looksLikeZip(Data(archive.bytes())))
    }

    @Test("a file claiming to be smaller than it unpacks is stopped at the claimed size and refused")
    func lyingSmallSize() throws {
        var liar = TestZipEntry.deflated("liar.wav", Array(repeating: 3, count: 200_000))
        liar.uncompressedSize = 1000
        let contents = try ZipArchive.extract(Data(TestZipBuilder([liar, .stored("ok.srt", subtitle)]).bytes()))
        #expect(problems(contents) == ["liar.wav": "zip_entry_size_mismatch"])
        #expect(contents.files.map(\.name) == ["ok.srt"])
        #expect(contents.problems[0].error.message.contains("more than"))
    }

    @Test("a file claiming to be larger than it unpacks is refused")
    func lyingLargeSize() throws {
        var liar = TestZipEntry.deflated("liar.png", picture)
        liar.uncompressedSize = UInt32(picture.count + 10)
        let contents = try ZipArchive.extract(Data(TestZipBuilder([liar]).bytes()))
        #expect(problems(contents) == ["liar.png": "zip_entry_size_mismatch"])
    }

    @Test("a zip bomb of 50 MB of zeros is refused before unpacking, by its compression ratio")
    func zipBomb() throws {
        let bomb = TestZipEntry.deflated("bomb.wav", [UInt8](repeating: 0, count: 50_000_000))
        #expect(bomb.compressedSize < 100_000)
        let contents = try ZipArchive.extract(Data(TestZipBuilder([bomb, .stored("ok.srt", subtitle)]).bytes()))
        #expect(problems(contents) == ["bomb.wav": "zip_entry_too_compressed"])
        #expect(contents.files.count == 1)
    }

    @Test("a bomb that lies about its size to pass the ratio check is cut off at the lie")
    func bombWithLyingSize() throws {
        var bomb = TestZipEntry.deflated("bomb.wav", [UInt8](repeating: 0, count: 20_000_000))
        bomb.uncompressedSize = bomb.compressedSize * 150  // looks like 150:1
        let contents = try ZipArchive.extract(Data(TestZipBuilder([bomb]).bytes()))
        #expect(problems(contents) == ["bomb.wav": "zip_entry_size_mismatch"])
    }

    @Test("a wrong checksum is refused as a damaged file")
    func wrongCRC() throws {
        var damaged = TestZipEntry.deflated("a.png", picture)
        damaged.crc ^= 1
        var storedDamaged = TestZipEntry.stored("b.srt", subtitle)
        storedDamaged.packed[3] ^= 0x20
        let contents = try ZipArchive.extract(Data(TestZipBuilder([damaged, storedDamaged]).bytes()))
        #expect(problems(contents) == ["a.png": "zip_entry_crc_mismatch", "b.srt": "zip_entry_crc_mismatch"])
    }

    @Test("garbage or cut-off deflate data is refused as a damaged file")
    func brokenDeflate() throws {
        var garbage = TestZipEntry.deflated("garbage.png", picture)
        garbage.packed = Array(repeating: 0xFF, count: garbage.packed.count)
        var cut = TestZipEntry.deflated("cut.png", picture)
        cut.packed = Array(cut.packed.prefix(cut.packed.count / 2))
        cut.compressedSize = UInt32(cut.packed.count)
        let contents = try ZipArchive.extract(Data(TestZipBuilder([garbage, cut]).bytes()))
        #expect(problems(contents) == ["garbage.png": "zip_entry_corrupt", "cut.png": "zip_entry_corrupt"])
    }

    @Test("unsafe names are refused per file while the good files still unpack")
    func unsafeNamesPerFile() throws {
        let contents = try ZipArchive.extract(Data(TestZipBuilder([
            .stored("../evil.srt", subtitle), .stored("/etc/evil", [1]), .deflated("good.png", picture),
        ]).bytes()))
        #expect(contents.files.map(\.name) == ["good.png"])
        #expect(problems(contents) == ["../evil.srt": "zip_entry_path_traversal", "/etc/evil": "zip_entry_absolute_path"])
        #expect(throws: LabError.self) { try contents.requireAll() }
    }

    @Test("a non-ZIP with a .zip name is refused for the whole archive")
    func notAZip() {
        #expect(!ZipArchive.looksLikeZip(Data("hello".utf8)))
        do {
            _ = try ZipArchive.extract(Data("Dit is geen zip-bestand, alleen tekst.".utf8))
            Issue.record("text was accepted as a ZIP")
        } catch let error as LabError {
            #expect(error.code == "zip_not_zip")
        } catch {
            Issue.record("\(error)")
        }
    }

    @Test("archives made by the zip tool or Python's zipfile unpack, including ZIP64 and UTF-8 names")
    func realTools() throws {
        let folder = try scratchFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("in/foto's"), withIntermediateDirectories: true)
        try Data(picture).write(to: folder.appendingPathComponent("in/foto's/straat één.png"))
        try Data(subtitle).write(to: folder.appendingPathComponent("in/nieuws.srt"))
        var made = 0
        if run("zip", ["-r", "-q", "../info.zip", "."], in: folder.appendingPathComponent("in")) == 0 { made += 1 }
        let script = """
            import zipfile
            with zipfile.ZipFile('py.zip', 'w', zipfile.ZIP_DEFLATED) as z:
                z.write("in/nieuws.srt", "nieuws.srt")
                with z.open("foto's/straat één.png", "w", force_zip64=True) as f:
                    f.write(open("in/foto's/straat één.png", "rb").read())
            """
        if run("python3", ["-c", script], in: folder) == 0 { made += 1 }
        try #require(made > 0, "neither zip nor python3 is installed: install zip (apt-get install -y zip) to run this test")
        for name in ["info.zip", "py.zip"] {
            guard let data = try? Data(contentsOf: folder.appendingPathComponent(name)) else { continue }
            let contents = try ZipArchive.extract(data)
            #expect(contents.problems.isEmpty, "\(name): \(contents.problems)")
            let files = Dictionary(uniqueKeysWithValues: contents.files.map { ($0.name, $0.data) })
            #expect(files["foto's/straat één.png"] == Data(picture), "\(name): \(files.keys.sorted())")
            #expect(files["nieuws.srt"] == Data(subtitle))
        }
    }

    @Test("every single-byte change to a small archive unpacks or fails with a LabError, never a crash")
    func everyByteFlipped() {
        let bytes = TestZipBuilder([.deflated("a.png", Array(picture.prefix(300))), .stored("b.srt", subtitle)]).bytes()
        var refused = 0
        for index in bytes.indices {
            var broken = bytes
            broken[index] ^= 0x41
            do {
                let contents = try ZipArchive.extract(Data(broken))
                if !contents.problems.isEmpty { refused += 1 }
            } catch is LabError {
                refused += 1
            } catch {
                Issue.record("\(error)")
            }
        }
        #expect(refused > bytes.count / 2)
    }
}
