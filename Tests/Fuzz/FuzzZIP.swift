// libFuzzer target: any bytes given to the ZIP listing and extraction must unpack safely or be refused, within the limits.
//
// Inputs that start with "PK" are read as they are. Other inputs are turned into a well-formed
// archive whose names, methods, sizes, checksums and flags come from the fuzzed bytes, so that
// mutations reach the name rules, the limits and the inflate loop rather than the first check.
import AnnolabCore
import AnnolabMedia
import Foundation

/// Small caps, so that a lying size or a bomb in the input shows up as a limit, not as memory use.
private let limits = ZipLimits(maxEntries: 64, maxTotalBytes: 1 << 20, maxEntryBytes: 256 << 10,
                               maxCompressionRatio: 200, ratioCheckFromBytes: 4096)

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = Array(UnsafeBufferPointer(start: data, count: size))
    check(input.starts(with: [0x50, 0x4B]) ? input : structuredZip(input))
    return 0
}

private func check(_ bytes: [UInt8]) {
    let upload = Data(bytes)
    do {
        let listing = try ZipListing.read(upload, limits: limits)
        let contents = try ZipArchive.extract(upload, limits: limits)
        if listing.entries.count > limits.maxEntries { fatalError("\(listing.entries.count) entries listed") }
        if contents.files.count + contents.problems.count != listing.entries.count + listing.problems.count {
            fatalError("a file was neither extracted nor reported")
        }
        var total = 0
        for file in contents.files {
            total += file.data.count
            let segments = file.name.split(separator: "/", omittingEmptySubsequences: false)
            if file.name.isEmpty || file.name.hasPrefix("/") || file.name.contains("\\")
                || file.name.unicodeScalars.contains(where: { $0.value < 0x20 })
                || segments.contains("..") || segments.contains("") || segments.contains(".") {
                fatalError("unsafe name extracted: \(file.name.debugDescription)")
            }
            guard let entry = listing.entries.first(where: { $0.name == file.name }) else { fatalError("unlisted file \(file.name)") }
            if file.data.count != entry.uncompressedSize { fatalError("\(file.name): \(file.data.count) bytes, declared \(entry.uncompressedSize)") }
            if file.data.count > limits.maxEntryBytes { fatalError("\(file.name) is over the single-file limit") }
        }
        if total > limits.maxTotalBytes { fatalError("\(total) bytes extracted, over the limit") }
    } catch is LabError {
        return
    } catch {
        fatalError("not a LabError: \(error)")
    }
}

/// Pieces that names are built from: ordinary ones and every trick the name rules must catch.
private let nameParts = ["a", "b/", "../", "./", "/", "\\", "..\\", "é", "__MACOSX/", "._", "C:", "\u{0}", "x.png", "\u{1}", ".DS_Store", "//"]

/// A well-formed archive built around fuzzed bytes.
private func structuredZip(_ input: [UInt8]) -> [UInt8] {
    var bytes = input[...]
    func take() -> UInt8 { bytes.popFirst() ?? 0 }
    let count = 1 + Int(take() % 5)
    var locals: [UInt8] = [], central: [UInt8] = []
    for _ in 0..<count {
        let flags = take()
        var name: [UInt8] = []
        for _ in 0..<(1 + take() % 5) { name += Array(nameParts[Int(take()) % nameParts.count].utf8) }
        let content = (0..<Int(take())).map { _ in take() }
        var method: UInt16 = 0
        var packed = content
        if flags & 1 != 0 {
            method = 8
            if flags & 2 != 0 {
                packed = (0..<Int(take() % 64)).map { _ in take() }  // raw bytes as "deflate" data
            } else {
                let n = content.count  // one stored deflate block
                packed = [1, UInt8(n & 0xFF), UInt8(n >> 8), UInt8(~n & 0xFF), UInt8((~n >> 8) & 0xFF)] + content
            }
        }
        var crc = ZipArchive.checksum(Data(content))
        if flags & 8 != 0 { crc ^= UInt32(take()) + 1 }
        var declared = UInt32(content.count)
        if flags & 4 != 0 { declared = flags & 64 != 0 ? declared &* UInt32(take() | 1) &+ 70_000 : UInt32(take()) }
        var general: UInt16 = flags & 16 != 0 ? 0x0800 : 0
        if flags & 32 != 0 { general |= 1 }
        let offset = UInt32(locals.count)
        let fields = le16(general) + le16(method) + le16(0) + le16(0) + le32(crc) + le32(UInt32(packed.count)) + le32(declared)
        locals += le32(0x0403_4B50) + le16(20) + fields + le16(UInt16(name.count)) + le16(0) + name + packed
        let mode: UInt32 = flags & 128 != 0 ? 0o120777 : 0o100644
        central += le32(0x0201_4B50) + le16(0x031E) + le16(20) + fields + le16(UInt16(name.count)) + le16(0) + le16(0)
            + le16(0) + le16(0) + le32(mode << 16) + le32(offset) + name
    }
    let comment = (0..<Int(take() % 16)).map { _ in take() }
    let end = le32(0x0605_4B50) + le16(0) + le16(0) + le16(UInt16(count)) + le16(UInt16(count))
        + le32(UInt32(central.count)) + le32(UInt32(locals.count)) + le16(UInt16(comment.count)) + comment
    return locals + central + end
}

private func le16(_ v: UInt16) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8)] }
private func le32(_ v: UInt32) -> [UInt8] { le16(UInt16(v & 0xFFFF)) + le16(UInt16(v >> 16)) }

