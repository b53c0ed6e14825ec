// FastText writes what Foundation's formatters and encoders would, character for character.
import AnnolabCore
import Foundation
import Testing

@Suite("Text written on the operator loop")
struct FastTextTests {
    @Test("hex digests are those String(format:) writes")
    func hexDigits() {
        let bytes: [UInt8] = [0, 1, 0x0f, 0x10, 0x7f, 0x80, 0xab, 0xff]
        #expect(FastText.hex(bytes) == bytes.map { String(format: "%02x", $0) }.joined())
        #expect(FastText.hex([UInt8]()) == "")
    }

    @Test("times are those ISO8601DateFormatter and the store's formatter write", arguments: [
        0.0, -0.5, 1_796_583_000.0, 1_796_583_000.999, 1_796_583_059.9996, 1_796_583_059.99949, 1_796_583_059.0004,
        951_782_400.5, 4_102_444_799.001,
    ])
    func times(seconds: Double) {
        let date = Date(timeIntervalSince1970: seconds)
        #expect(FastText.internetTime(date) == ISO8601DateFormatter().string(from: date))
        // The form GRDB writes a Date in.
        let store = DateFormatter()
        store.locale = Locale(identifier: "en_US_POSIX")
        store.timeZone = TimeZone(secondsFromGMT: 0)
        store.dateFormat = "yyyy-MM-dd HH:mm:ss.SSS"
        #expect(FastText.storeTime(date) == store.string(from: date))
    }

    @Test("a JSON array of strings reads back as the same strings", arguments: [
        [String](), ["/media/1/ab/clip-1.wav"], ["a\"b", "back\\slash", "line\nbreak\ttab\u{1}"],
        ["Ondertiteling één", "日本語", "🎧 sound"], ["", "/media/2/x.png"],
    ])
    func jsonArray(strings: [String]) throws {
        let written = FastText.jsonArray(strings)
        #expect(try JSONDecoder().decode([String].self, from: Data(written.utf8)) == strings, "\(written)")
        #expect(!written.contains("\n"), "control characters are escaped: \(written)")
    }
}
