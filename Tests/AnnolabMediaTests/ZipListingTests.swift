// A client's ZIP upload is listed and checked before anything is unpacked: hostile archives are refused by name.

import Foundation
import Testing

@testable import AnnolabCore

@Suite("Checking the table of contents of an uploaded ZIP")
struct ZipListingTests {
    func list(_ builder: TestZipBuilder, limits: ZipLimits = ZipLimits()) throws -> ZipListing {
        try ZipListing.read(Data(builder.bytes()), limits: limits)
    }

    func archiveError(_ bytes: [UInt8], limits: ZipLimits = ZipLimits()) -> LabError? {
        do {
            _ = try ZipListing.read(Data(bytes), limits: limits)
            return nil
        } catch let error as LabError {
            return error
        } catch {
            Issue.record("not a LabError: \(error)")
            return nil
        }
    }

    func problemCodes(_ listing: ZipListing) -> [String: String] {
        Dictionary(uniqueKeysWithValues: listing.problems.map { ($0.name, $0.error.code.rawValue) })
    }

    @Test("a plain archive of photos lists each file with its folder path and where its bytes are")
    func plainArchive() throws {
        let archive = TestZipBuilder([
            .folder("photos/"),
            .stored("photos/street 1.png", Array(repeating: 7, count: 100)),
            .stored("notes.txt", Array("auto's en fietsers".utf8)),
        ])
        let listing = try list(archive)
        #expect(listing.entries.map(\.name) == ["photos/street 1.png", "notes.txt"])
        #expect(listing.skipped == ["photos/"])
        #expect(listing.problems.isEmpty)
        let photo = listing.entries[0]
        #expect(photo.uncompressedSize == 100 && photo.compressedSize == 100 && photo.isStored)
        // After the folder's local header (30 + 7 bytes) and this file's own (30 + 19 bytes).
        #expect(photo.dataOffset == (30 + "photos/".utf8.count) + (30 + "photos/street 1.png".utf8.count))
        let bytes = archive.bytes()
        #expect(Array(bytes[photo.dataOffset..<(photo.dataOffset + 100)]) == Array(repeating: 7, count: 100))
        #expect(photo.crc32 == zipCRC32(Array(repeating: 7, count: 100)))
    }

    @Test("an empty archive has no files and no problems")
    func emptyArchive() throws {
        let listing = try list(TestZipBuilder([]))
        #expect(listing.entries.isEmpty && listing.problems.isEmpty)
    }

    @Test("macOS copies in __MACOSX/ and ._ files are left out without complaint")
    func macOSMetadata() throws {
        let listing = try list(TestZipBuilder([
            .stored("cars/a.png", [1]),
            .stored("__MACOSX/cars/._a.png", [2]),
            .stored("cars/._b.png", [3]),
            .stored("cars/.DS_Store", [4]),
        ]))
        #expect(listing.entries.map(\.name) == ["cars/a.png"])
        #expect(listing.skipped.count == 3)
        #expect(listing.problems.isEmpty)
    }

    @Test("an archive with ../ names has those files refused for path traversal, the rest kept")
    func pathTraversal() throws {
        let listing = try list(TestZipBuilder([
            .stored("../../etc/cron.d/evil", [1]),
            .stored("photos/../../evil.png", [2]),
            .stored("..\\..\\windows\\evil.png", [3]),
            .stored("photos/ok.png", [4]),
            .stored("photos/..hidden.png", [5]),
        ]))
        #expect(listing.entries.map(\.name) == ["photos/ok.png", "photos/..hidden.png"])
        let codes = problemCodes(listing)
        #expect(codes["../../etc/cron.d/evil"] == "zip_entry_path_traversal")
        #expect(codes["photos/../../evil.png"] == "zip_entry_path_traversal")
        #expect(codes["..\\..\\windows\\evil.png"] == "zip_entry_path_traversal")
        let message = try #require(listing.problems.first?.error.message)
        #expect(message.contains("../../etc/cron.d/evil") && message.contains(".."))
    }

    @Test("absolute paths, drive letters and network paths are refused")
    func absolutePaths() throws {
        let listing = try list(TestZipBuilder([
            .stored("/etc/passwd", [1]),
            .stored("C:\\Windows\\system.ini", [2]),
            .stored("c:relative.png", [3]),
            .stored("\\\\server\\share\\x.png", [4]),
        ]))
        #expect(listing.entries.isEmpty)
        #expect(Set(listing.problems.map(\.error.code)) == ["zip_entry_absolute_path"])
        #expect(listing.problems.count == 4)
    }

    @Test("a name with a NUL or control character is refused as a bad name")
    func controlCharacters() throws {
        var nul = TestZipEntry.stored("x", [1])
        nul.name = Array("photo.png".utf8) + [0] + Array(".exe".utf8)
        let listing = try list(TestZipBuilder([nul, .stored("a\u{7}b.png", [2]), .stored("fine.png", [3])]))
        #expect(listing.entries.map(\.name) == ["fine.png"])
        #expect(listing.problems.map(\.error.code) == ["zip_entry_bad_name", "zip_entry_bad_name"])
        #expect(!listing.problems[0].name.contains("\u{0}"), "names in messages are made printable")
    }

    @Test("dot segments and double slashes are tidied, backslashes become folders")
    func tidyNames() throws {
        let listing = try list(TestZipBuilder([.stored("./photos//a.png", [1]), .stored("scans\\b.png", [2])]))
        #expect(listing.entries.map(\.name) == ["photos/a.png", "scans/b.png"])
    }

    @Test("names without the UTF-8 flag are read as CP437 unless they are valid UTF-8")
    func nameEncodings() throws {
        var dos = TestZipEntry.stored("x", [1])
        dos.name = Array("caf".utf8) + [0x82] + Array(" ".utf8) + [0x81, 0x62, 0x65, 0x72, 0x2E, 0x74, 0x78, 0x74]
        var flagged = TestZipEntry.stored("ondertitel-ü.srt", [2])
        flagged.flags = 0x0800
        let unflaggedUTF8 = TestZipEntry.stored("één.png", [3])
        var badUTF8 = TestZipEntry.stored("x", [4])
        badUTF8.name = [0x61, 0xFF, 0x62]
        badUTF8.flags = 0x0800
        let listing = try list(TestZipBuilder([dos, flagged, unflaggedUTF8, badUTF8]))
        #expect(listing.entries.map(\.name) == ["café über.txt", "ondertitel-ü.srt", "één.png"])
        #expect(listing.problems.map(\.error.code) == ["zip_entry_bad_name"])
    }

    @Test("an Info-ZIP Unicode Path field gives the real name when its checksum matches")
    func unicodePathField() throws {
        var entry = TestZipEntry.stored("x", [1])
        entry.name = Array("caf?.png".utf8)
        let real = Array("café.png".utf8)
        entry.centralExtra = zipLE16(0x7075) + zipLE16(UInt16(5 + real.count)) + [1] + zipLE32(zipCRC32(entry.name)) + real
        #expect(try list(TestZipBuilder([entry])).entries.map(\.name) == ["café.png"])
        entry.centralExtra = zipLE16(0x7075) + zipLE16(UInt16(5 + real.count)) + [1] + zipLE32(12345) + real
        #expect(try list(TestZipBuilder([entry])).entries.map(\.name) == ["caf?.png"], "a stale field is ignored")
    }

    @Test("a zip bomb entry that claims to grow more than 200 times is refused")
    func zipBomb() throws {
        var bomb = TestZipEntry.stored("bomb.wav", Array(repeating: 0, count: 10_000))
        bomb.method = 8
        bomb.uncompressedSize = 10_000_000  // 1000:1
        let listing = try list(TestZipBuilder([bomb, .stored("ok.png", [1])]))
        #expect(listing.entries.map(\.name) == ["ok.png"])
        #expect(problemCodes(listing)["bomb.wav"] == "zip_entry_too_compressed")
        #expect(listing.problems[0].error.message.contains("200 times"))
    }

    @Test("a small, tightly packed file is not mistaken for a zip bomb")
    func smallTightFile() throws {
        var quiet = TestZipEntry.stored("silence.wav", Array(repeating: 0, count: 100))
        quiet.method = 8
        quiet.uncompressedSize = 100_000  // 1000:1, but only 100 kB
        #expect(try list(TestZipBuilder([quiet])).entries.count == 1)
    }

    @Test("an archive with more files than allowed is refused as a whole")
    func tooManyEntries() {
        let archive = TestZipBuilder((0..<5).map { .stored("f\($0).png", [UInt8($0)]) })
        var limits = ZipLimits()
        limits.maxEntries = 3
        let error = archiveError(archive.bytes(), limits: limits)
        #expect(error?.code == "zip_too_many_entries")
        #expect(error?.kind == .tooLarge)
        #expect(ZipLimits().maxEntries == 10_000)
    }

    @Test("an archive whose files add up to more than the limit is refused as a whole")
    func tooLargeInTotal() {
        let archive = TestZipBuilder((0..<4).map { .stored("f\($0).bin", Array(repeating: UInt8($0), count: 400)) })
        var limits = ZipLimits()
        limits.maxTotalBytes = 1000
        #expect(archiveError(archive.bytes(), limits: limits)?.code == "zip_too_large")
        #expect(ZipLimits().maxTotalBytes == 2 * 1024 * 1024 * 1024)
    }

    @Test("one file larger than the single-file limit is refused by name")
    func entryTooLarge() throws {
        var limits = ZipLimits()
        limits.maxEntryBytes = 50
        let listing = try list(TestZipBuilder([.stored("big.wav", Array(repeating: 1, count: 60)), .stored("small.wav", [1])]), limits: limits)
        #expect(problemCodes(listing) == ["big.wav": "zip_entry_too_large"])
    }

    @Test("password-protected and unknown-method files are refused by name")
    func encryptedAndUnknownMethods() throws {
        var secret = TestZipEntry.stored("secret.png", [1, 2, 3])
        secret.flags = 0x0001
        var bzip = TestZipEntry.stored("packed.png", [1, 2, 3])
        bzip.method = 12
        var aes = TestZipEntry.stored("aes.png", [1, 2, 3])
        aes.method = 99
        let listing = try list(TestZipBuilder([secret, bzip, aes]))
        #expect(problemCodes(listing) == [
            "secret.png": "zip_entry_encrypted", "packed.png": "zip_entry_unsupported_method", "aes.png": "zip_entry_encrypted",
        ])
    }

    @Test("a symbolic link in the archive is refused")
    func symlink() throws {
        var link = TestZipEntry.stored("photos/link.png", Array("/etc/passwd".utf8))
        link.externalAttributes = 0o120777 << 16
        #expect(problemCodes(try list(TestZipBuilder([link]))) == ["photos/link.png": "zip_entry_symlink"])
    }

    @Test("two files with the same name keep the first and refuse the second")
    func duplicates() throws {
        let listing = try list(TestZipBuilder([.stored("a.png", [1]), .stored("./a.png", [2])]))
        #expect(listing.entries.count == 1)
        #expect(listing.problems.map(\.error.code) == ["zip_entry_duplicate"])
    }

    @Test("a file that is not a ZIP, even named .zip, is refused as not a ZIP")
    func notAZip() {
        #expect(archiveError(Array("This is a PNG, honest.".utf8))?.code == "zip_not_zip")
        #expect(archiveError([])?.code == "zip_not_zip")
        #expect(archiveError([0x89, 0x50, 0x4E, 0x47] + Array(repeating: 0, count: 100))?.code == "zip_not_zip")
        #expect(archiveError(Array(repeating: 0x50, count: 70_000))?.code == "zip_not_zip")
        #expect(archiveError(Array("a,b\n".utf8))?.kind == .unsupportedMedia)
    }

    @Test("an archive cut off at the end is refused as not a ZIP, one cut in the middle as damaged")
    func truncatedArchives() throws {
        let bytes = TestZipBuilder([.stored("a.png", Array(repeating: 1, count: 500)), .stored("b.png", [2])]).bytes()
        #expect(archiveError(Array(bytes.dropLast(5)))?.code == "zip_not_zip")
        // Keep the end record but lose the start: the directory now points outside the file.
        #expect(archiveError(Array(bytes.dropFirst(400)))?.code == "zip_corrupt")
    }

    @Test("an end record claiming more files than its directory can hold is refused as damaged")
    func lyingEntryCount() {
        var archive = TestZipBuilder([.stored("a.png", [1])])
        archive.entryCountOverride = 9000
        #expect(archiveError(archive.bytes())?.code == "zip_corrupt")
    }

    @Test("a central entry pointing at a wrong local header is refused by name")
    func badLocalHeader() throws {
        var wrongName = TestZipEntry.stored("a.png", [1, 2, 3])
        wrongName.localName = Array("b.png".utf8)
        var wrongOffset = TestZipEntry.stored("c.png", [4, 5, 6])
        wrongOffset.localOffsetOverride = 3
        var pastTheEnd = TestZipEntry.stored("d.png", [7])
        pastTheEnd.compressedSize = 5000
        pastTheEnd.uncompressedSize = 5000
        let listing = try list(TestZipBuilder([wrongName, wrongOffset, pastTheEnd]))
        #expect(listing.entries.isEmpty)
        #expect(Set(listing.problems.map(\.error.code)) == ["zip_entry_corrupt"])
        #expect(listing.problems.count == 3)
    }

    @Test("two entries sharing packed bytes (an overlapping zip bomb) make the archive refused")
    func overlappingEntries() {
        // The first file's stored bytes are a complete local header plus data of a second file.
        let inner = TestZipEntry.stored("inner.png", [9, 9, 9])
        let innerBytes = zipLE32(0x0403_4B50) + zipLE16(20) + zipLE16(0) + zipLE16(0) + zipLE16(0) + zipLE16(0) + zipLE32(inner.crc)
            + zipLE32(3) + zipLE32(3) + zipLE16(9) + zipLE16(0) + inner.name + inner.packed
        let outer = TestZipEntry.stored("outer.png", innerBytes)
        // The second central entry points inside the first file's bytes.
        var pointer = inner
        pointer.localOffsetOverride = UInt32(30 + "outer.png".utf8.count)
        let archive = TestZipBuilder([outer, pointer])
        #expect(archiveError(archive.bytes())?.code == "zip_overlapping_entries")
    }

    @Test("an archive with a comment, even one holding a fake end record, is read correctly")
    func comments() throws {
        var archive = TestZipBuilder([.stored("a.png", [1])])
        archive.comment = Array("Made for Annolab".utf8)
        #expect(try list(archive).entries.map(\.name) == ["a.png"])
        archive.comment = zipLE32(0x0605_4B50) + Array(repeating: 0, count: 16) + zipLE16(0) + Array(repeating: 65, count: 40_000)
        #expect(try list(archive).entries.map(\.name) == ["a.png"])
    }

    @Test("a self-extracting archive with a program in front is still read")
    func prefixedArchive() throws {
        var archive = TestZipBuilder([.stored("a.png", [1, 2, 3])])
        archive.prefix = Array(repeating: 0x4D, count: 1000)
        let bytes = archive.bytes()
        let entry = try #require(try list(archive).entries.first)
        #expect(Array(bytes[entry.dataOffset..<(entry.dataOffset + 3)]) == [1, 2, 3])
    }

    @Test("a ZIP64 archive is read through its ZIP64 records")
    func zip64() throws {
        var archive = TestZipBuilder([.stored("a.png", [1, 2, 3]), .stored("b/c.wav", Array(repeating: 4, count: 70))])
        archive.zip64 = true
        let listing = try list(archive)
        #expect(listing.entries.map(\.name) == ["a.png", "b/c.wav"])
        #expect(listing.entries[1].uncompressedSize == 70)
        let bytes = archive.bytes()
        let c = listing.entries[1]
        #expect(Array(bytes[c.dataOffset..<(c.dataOffset + 70)]) == Array(repeating: 4, count: 70))
    }

    @Test("a split (multi-part) archive is refused with advice to pack it as one")
    func splitArchive() {
        var bytes = TestZipBuilder([.stored("a.png", [1])]).bytes()
        bytes[bytes.count - 22 + 4] = 1  // "this is disk 1"
        #expect(archiveError(bytes)?.code == "zip_split_archive")
    }

    @Test("requireNoProblems passes a clean archive and throws the first refused file")
    func requireNoProblems() throws {
        try list(TestZipBuilder([.stored("a.png", [1])])).requireNoProblems()
        #expect(throws: LabError.self) { try list(TestZipBuilder([.stored("../a.png", [1])])).requireNoProblems() }
    }

    @Test("every single-byte change to a small archive gives a listing or a LabError, never a crash")
    func everyByteFlipped() {
        var archive = TestZipBuilder([.stored("a.png", [1, 2, 3]), .folder("d/"), .stored("d/b.srt", Array("1\n".utf8))])
        archive.comment = [1, 2]
        let bytes = archive.bytes()
        for index in bytes.indices {
            for flip: UInt8 in [0x01, 0x80, 0xFF] {
                var broken = bytes
                broken[index] ^= flip
                do { _ = try ZipListing.read(Data(broken)) } catch is LabError {} catch { Issue.record("\(error)") }
            }
        }
    }
}
